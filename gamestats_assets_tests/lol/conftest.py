"""Planted synthetic games (two days, generated once per session) and every lol table computed from them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
import pytest

from gamestats_assets.defs.lol.tables import STATISTICS, STD_TABLES, computed
from gamestats_assets.generator.emitters import lol
from gamestats_assets.sources.riot.parse import ParsedMatches, ParsedTimelines, parse_matches, parse_timelines

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


@pytest.fixture(scope="session")
def planted() -> PlantedGames:
    matches, timelines, std = planted_games(SEED, MATCHES_PER_DAY)
    return PlantedGames(matches, timelines, std, computed(std, STATISTICS))
