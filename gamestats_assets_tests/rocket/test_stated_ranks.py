"""Stated ranks from their landing files to `stated_ranks`: a statement off the ladder, incomplete, or whose time
does not read is rejected with the reason (to quarantine), and each player keeps their latest statement, with its
division index and band as a game's rank has them."""

from __future__ import annotations

import json

import polars as pl

from gamestats_assets.defs.rocket.transforms.landing import read_files
from gamestats_assets.defs.rocket.transforms.stated import stated_ranks
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
