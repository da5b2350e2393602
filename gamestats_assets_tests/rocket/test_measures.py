"""The stat declaration (`sources/ballchasing/measures.py`): every stat a source writes is declared with its
direction, the stats of one measure agree, and what adds up over a game is compared per minute of it."""

import datetime as dt
import json

import polars as pl
import pytest

from gamestats_assets.defs.rocket.transforms.skills import SKILL_INDICATORS
from gamestats_assets.generator.emitters.rocket import generate_replays
from gamestats_assets.sources.ballchasing.measures import (
    HIGHER,
    LOWER,
    MEASURES,
    NEITHER,
    STATS,
    comparable,
    declared_stats,
)
from gamestats_assets.sources.ballchasing.names import map_name, playlist_name, skill_name
from gamestats_assets.sources.ballchasing.replay_json import parse_replay_json
from gamestats_assets_tests.rocket.conftest import BALLCHASING


def test_every_stat_a_source_writes_is_declared():
    assert declared_stats() == set(STATS)
    written = {s.stat_type for document in generate_replays(dt.date(2026, 1, 3), seed=1, n_players=60,
                                                            anchor=dt.date(2026, 1, 1))
               for p in parse_replay_json(document).players for s in p.stats}
    real = parse_replay_json(json.loads((BALLCHASING / "replay.json").read_text()))
    written |= {s.stat_type for p in real.players for s in p.stats}
    assert written <= set(STATS), written - set(STATS)


def test_the_stats_of_one_measure_are_declared_and_agree_on_which_way_is_better():
    seen = set()
    for group in MEASURES:
        assert len(group) > 1 and not seen & set(group), group
        seen |= set(group)
        assert {STATS[stat].better for stat in group} in ({HIGHER}, {LOWER}, {NEITHER}), group


def test_directions_of_what_the_issue_named():
    assert STATS["shots_against"].better == STATS["goals_against"].better == LOWER
    assert STATS["time_zero_boost_share"].better == STATS["boost_wasted_share"].better == LOWER
    assert STATS["time_behind_ball_share"].better == STATS["saves"].better == HIGHER
    assert STATS["time_offensive_third_share"].better == NEITHER


def test_what_adds_up_is_compared_per_minute_and_seconds_as_a_share_of_the_game():
    frame = pl.DataFrame({"stat_type": ["goals", "positioning_time_behind_ball", "time_behind_ball_share",
                                        "movement_total_distance", "goals"],
                          "value": [2.0, 150.0, 0.5, 600_000.0, 1.0], "seconds": [400.0, 300.0, 300.0, 400.0, None]})
    got = frame.select(comparable(pl.col("stat_type"), pl.col("value"), pl.col("seconds")).alias("c"))["c"].to_list()
    assert got[:4] == pytest.approx([0.3, 0.5, 0.5, 90_000.0]) and got[4] is None
    assert STATS["positioning_time_behind_ball"].compared == "share of the game"
    assert STATS["movement_total_distance"].compared == "per minute"
    assert STATS["boost_bcpm"].compared is None


def test_codes_have_names_and_an_unknown_code_stays_itself():
    assert map_name("stadium_p") == "DFH Stadium" and map_name("NeoTokyo_Standard_P") == "Neo Tokyo"
    assert playlist_name("ranked-standard") == "Ranked Standard 3v3"
    assert skill_name("boost_management") == "Boost management"
    assert map_name("unheard_of_p") == "unheard_of_p" and map_name(None) is None


def test_every_skill_is_read_from_stats_that_are_better_one_way():
    assert all(STATS[stat].better in (HIGHER, LOWER) for stats in SKILL_INDICATORS.values() for stat in stats)
