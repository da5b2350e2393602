"""A player's folder of real replays of several years dropped into one day, with one of the games also as
ballchasing's JSON, as a user would: one row per game, one player per person whichever source named them,
and the game known both ways is one match whose stats either source would have given."""

import datetime as dt
import shutil

import polars as pl
import pytest

from gamestats_assets.defs.rocket.transforms import daily
from gamestats_assets.defs.rocket.transforms.landing import read_day
from gamestats_assets.sources.ballchasing.records import GROUP_OF
from gamestats_assets_tests.rocket.conftest import FIXTURES, REPLAYS

DAY = dt.date(2026, 3, 10)
PAIR = "recent-ranked-doubles-2026-03-10"
REPLAY_FILES = [FIXTURES / "paired" / f"{PAIR}.replay", FIXTURES / "replays" / "6d1b.replay",
                FIXTURES / "replays" / "540d.replay", REPLAYS / "XBOX_PARTY.replay"]


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    folder = tmp_path_factory.mktemp("landing")
    for path in REPLAY_FILES:
        shutil.copy(path, folder / path.name)
    (folder / "ballchasing").mkdir()
    shutil.copy(FIXTURES / "paired" / f"{PAIR}.ballchasing.json", folder / "ballchasing" / "game.json")
    landing = read_day(folder)
    assert not landing.rejected
    etl = daily.etl_tables(landing.matches, DAY)
    best = daily.matches(etl["matches"])
    players = daily.match_players(etl["match_players"], best)
    return best, players, daily.player_stats(etl["match_stats"], players, best)


def test_one_row_per_game_and_the_shared_game_knows_both_sources(day):
    best, _, _ = day
    assert best.height == len(REPLAY_FILES)
    shared = best.filter(pl.col("sources") == "ballchasing,replay")
    assert shared.height == 1
    assert (shared["source"].item(), shared["ballchasing_id"].item()) == ("replay", "2075de8d-3bc8-40c0-ac04-30dd28ba92a8")


def test_each_person_is_one_player_with_the_rank_ballchasing_gave(day):
    _, players, _ = day
    shared = players.filter(pl.col("match_id") == "e3015e6011f11cb1f0559c8bd16595b0")
    assert shared.height == 4 and shared["player_id"].is_unique().all()
    assert shared["rank_tier"].is_not_null().all()


def test_the_shared_game_takes_every_group_stat_from_the_replay(day):
    _, _, stats = day
    shared = stats.filter(pl.col("match_id") == "e3015e6011f11cb1f0559c8bd16595b0")
    groups = shared.filter(pl.col("category").is_in(["boost", "movement", "positioning", "demo"]))
    assert groups["value"].is_not_null().all() and groups.height == 4 * len(GROUP_OF)
    assert set(groups["source"]) == {"replay"}
