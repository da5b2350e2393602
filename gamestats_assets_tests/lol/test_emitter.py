"""The synthetic emitter writes Riot's format: deterministic, parseable, internally consistent, truth beside it."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl

from gamestats_assets.generator.emitters import lol
from gamestats_assets.sources.riot.parse import TRUTH_FILE, parse_folder

DAY = dt.date(2024, 3, 1)


def test_a_day_is_deterministic_and_parses(tmp_path):
    first = lol.emit_day(tmp_path / "a", DAY, seed=3, n_matches=12)
    second = lol.emit_day(tmp_path / "b", DAY, seed=3, n_matches=12)
    other_day = lol.emit_day(tmp_path / "c", DAY + dt.timedelta(days=1), seed=3, n_matches=12)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert {p.name for p in first}.isdisjoint({p.name for p in other_day})
    matches, timelines = parse_folder(tmp_path / "a" / DAY.isoformat())
    assert not matches.rejects and not timelines.rejects
    assert matches.matches.height == 12 and matches.participants.height == 120
    assert set(timelines.events["match_id"]) == set(matches.matches["match_id"])
    truth = json.loads((tmp_path / "a" / DAY.isoformat() / TRUTH_FILE).read_text())
    assert {e["pattern_type"] for e in truth} == {"first_core_item", "skill_max_order", "first_objective",
                                                   "vision_deaths"}


def test_games_are_internally_consistent(tmp_path):
    lol.emit_day(tmp_path, DAY, seed=5, n_matches=10)
    matches, timelines = parse_folder(tmp_path / DAY.isoformat())
    events, participants = timelines.events, matches.participants
    deaths = events.filter(type="CHAMPION_KILL").group_by("match_id", pl.col("victim_id").alias("participant_id")).len()
    joined = participants.join(deaths.with_columns(pl.col("participant_id").cast(pl.Int64)),
                               on=["match_id", "participant_id"], how="left")
    assert (joined["deaths"] == joined["len"].fill_null(0)).all()
    winners = events.filter(type="GAME_END").select("match_id", pl.col("winning_team").alias("winning_team_id"))
    assert winners.sort("match_id").equals(matches.matches.select("match_id", "winning_team_id").sort("match_id"))
    assert events.filter(type="ITEM_UNDO").height > 0 and events.filter(type="ITEM_SOLD").height > 0
    frames = timelines.frames.group_by("match_id").agg(pl.col("frame_index").max(), pl.len())
    assert (frames["len"] == (frames["frame_index"] + 1) * 10).all()
    levels = events.filter(type="SKILL_LEVEL_UP").group_by("match_id", "participant_id").len()
    assert levels["len"].is_between(6, 18).all()
