"""Stated ranks from their landing files to `stated_ranks`: a statement off the ladder, incomplete, or whose time
does not read is rejected with the reason (to quarantine), each player keeps their latest statement, with its
division index and band as a game's rank has them, and it is the rank a player is compared at only while no game of
theirs gave one."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl

from gamestats_assets.defs.rocket.transforms.landing import read_files
from gamestats_assets.defs.rocket.transforms.stated import GAME, STATED, known_profiles, stated_days, stated_ranks
from gamestats_assets.sources.ballchasing.ranks import division_index, rank_document

GOOD = {"statement_id": "a1", "player_id": "steam:7", "playlist": "ranked-doubles", "rank_tier": 8,
        "rank_division": 3, "stated_at": "2026-03-01T10:00:00+00:00"}


def landed(folder, name: str, *lines: dict) -> object:
    path = folder / name
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def test_a_statement_off_the_ladder_incomplete_or_without_a_time_is_rejected_with_the_reason(tmp_path):
    files = [landed(tmp_path, "stated_ranks_good.jsonl", GOOD),
             landed(tmp_path, "stated_ranks_tier.jsonl", {**GOOD, "rank_tier": 23}),
             landed(tmp_path, "stated_ranks_ssl.jsonl", {**GOOD, "rank_tier": 22, "rank_division": 2}),
             landed(tmp_path, "stated_ranks_blank.jsonl", {k: v for k, v in GOOD.items() if k != "playlist"}),
             landed(tmp_path, "stated_ranks_time.jsonl", {**GOOD, "stated_at": "yesterday"})]
    day = read_files(tmp_path, files)
    assert day.stated_frame().drop("source_file").to_dicts() == [GOOD]
    reasons = {path.name: reason for path, reason in day.rejected}
    assert set(reasons) == {"stated_ranks_tier.jsonl", "stated_ranks_ssl.jsonl", "stated_ranks_blank.jsonl",
                            "stated_ranks_time.jsonl"}
    assert "off the ladder" in reasons["stated_ranks_tier.jsonl"] and "off the ladder" in reasons["stated_ranks_ssl.jsonl"]
    assert "without" in reasons["stated_ranks_blank.jsonl"] and "not a time" in reasons["stated_ranks_time.jsonl"]


def test_each_player_keeps_their_latest_statement_with_its_index_and_band():
    lines = [GOOD, {**GOOD, "statement_id": "b2", "rank_tier": 22, "rank_division": 1,
                    "stated_at": "2026-03-02T09:00:00+00:00"},
             {**GOOD, "statement_id": "c3", "player_id": "epic:9", "rank_tier": 1, "rank_division": 1}]
    table = stated_ranks(pl.DataFrame(lines)).sort("player_id")
    assert table.select("player_id", "statement_id", "rank_index", "rank_band").rows() == [
        ("epic:9", "c3", 0, "bronze"), ("steam:7", "b2", division_index(22, 1), "supersonic-legend")]
    assert rank_document(table["rank_index"][1])["name"] == "Supersonic Legend"
    assert stated_ranks(pl.DataFrame()).height == 0


def test_a_players_band_is_a_games_rank_else_the_stated_one_and_unranked_is_none():
    seen = pl.DataFrame({
        "player_id": ["steam:7", "steam:7", "epic:9", "epic:9", "ps4:3", "bot:Armstrong"],
        "is_bot": [False, False, False, False, False, True],
        "rank_band": ["gold", "unranked", "unranked", "unranked", "unranked", "unranked"],
        "rank_index": [30, None, None, None, None, None],
        "last_played_at": [1, 2, 1, 2, 1, 1]})
    stated = stated_ranks(pl.DataFrame([GOOD, {**GOOD, "statement_id": "c3", "player_id": "epic:9", "rank_tier": 13},
                                        {**GOOD, "statement_id": "d4", "player_id": "bot:Armstrong"}]))
    profiles = known_profiles(seen, stated)
    assert profiles.rows() == [("epic:9", "diamond", division_index(13, 3), STATED), ("steam:7", "gold", 30, GAME)], \
        "a game's rank outlives a later unranked game and any statement; no rank known, no band"
    assert known_profiles(seen).rows() == [("steam:7", "gold", 30, GAME)]


def test_each_day_a_player_stated_a_rank_is_a_day_with_its_latest_statement():
    lines = [GOOD, {**GOOD, "statement_id": "b2", "rank_tier": 9, "stated_at": "2026-03-01T18:00:00+00:00"},
             {**GOOD, "statement_id": "c3", "rank_tier": 10, "stated_at": "2026-03-04T08:00:00+00:00"}]
    assert stated_days(pl.DataFrame(lines)).select("date", "rank_index").rows() == [
        (dt.date(2026, 3, 1), division_index(9, 3)), (dt.date(2026, 3, 4), division_index(10, 3))]
