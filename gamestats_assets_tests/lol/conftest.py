"""Planted synthetic games (two days, generated once per session) and every lol table computed from them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
import pytest

from gamestats_assets.defs.lol.transforms.tables import cons_tables, std_tables
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


@pytest.fixture(scope="session")
def planted() -> PlantedGames:
    games = [game for offset in range(2)
             for game in lol.generate_day(SEED, FIRST_DAY + dt.timedelta(days=offset), MATCHES_PER_DAY)]
    matches = parse_matches([(f"{match_id}.json", match) for match_id, match, _ in games])
    timelines = parse_timelines([(f"{match_id}_timeline.json", timeline) for match_id, _, timeline in games])
    std = std_tables(matches.matches, matches.participants, timelines.events, timelines.frames)
    cons = cons_tables(std)
    return PlantedGames(matches, timelines, std, cons)
