"""Planted synthetic games (two days, generated once per run) and every lol table computed from them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from gamestats_assets.defs.lol.tables import STATISTICS, STD_TABLES, computed
from gamestats_assets.generator.emitters import lol
from gamestats_assets.sources.riot.parse import ParsedMatches, ParsedTimelines, parse_matches, parse_timelines
from gamestats_assets_tests.conftest import computed_once

SEED = 1
FIRST_DAY = dt.date(2024, 3, 1)
MATCHES_PER_DAY = 300


@dataclass
class PlantedGames:
    matches: ParsedMatches
    timelines: ParsedTimelines
    std: dict[str, pl.DataFrame]
    cons: dict[str, pl.DataFrame]


def planted_games(seed: int, matches_per_day: int, days: int = 2) -> tuple[ParsedMatches, ParsedTimelines,
                                                                         dict[str, pl.DataFrame]]:
    """`days` synthetic days from `FIRST_DAY` parsed as landing files would be, and their STD tables."""
    games = [game for offset in range(days)
             for game in lol.generate_day(seed, FIRST_DAY + dt.timedelta(days=offset), matches_per_day)]
    matches = parse_matches([(f"{match_id}.json", match) for match_id, match, _ in games])
    timelines = parse_timelines([(f"{match_id}_timeline.json", timeline) for match_id, _, timeline in games])
    return matches, timelines, computed({"matches": matches.matches, "participants": matches.participants,
                                         "timeline_events": timelines.events, "participant_frames": timelines.frames},
                                        STD_TABLES)


def plant(_folder: Path) -> PlantedGames:
    """The planted games of `SEED`, parsed, and every lol table computed from them."""
    matches, timelines, std = planted_games(SEED, MATCHES_PER_DAY)
    return PlantedGames(matches, timelines, std, computed(std, STATISTICS))


@pytest.fixture(scope="session")
def planted(request: pytest.FixtureRequest) -> PlantedGames:
    """The planted games and their tables, computed once for the run (`computed_once`) and read by every worker."""
    return computed_once(request.config, "lol_planted", plant)
