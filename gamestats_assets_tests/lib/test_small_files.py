"""A day written a game at a time keeps few files and a short log: its small files are merged by tier as they
accumulate, with every row kept, its log checkpointed every ten commits, the files merged away deleted once past the table's retention, and a merge beaten by a concurrent
commit gives up without losing or reviving a row."""

import datetime as dt
import json
from pathlib import Path

import polars as pl
from deltalake import DeltaTable, write_deltalake

from gamestats_assets.lib.lake import merge
from gamestats_assets.lib.lake.merge import FANIN, merge_small_files
from gamestats_assets.lib.lake.write import replace_file_rows

DAY = dt.date(2026, 11, 20)


def game(number: int, value: float = 1.0) -> pl.DataFrame:
    match_id = f"m{(number * 7919) % 100_000:06d}"
    return pl.DataFrame({"date": [DAY] * 12, "match_id": [match_id] * 12, "player": [f"p{i % 6}" for i in range(12)],
                         "stat": [f"s{i // 6}" for i in range(12)], "value": [value] * 12})


def write_game(uri: str, rows: pl.DataFrame, match_id: str) -> int:
    replace_file_rows(uri, rows, "date", DAY, [match_id], "match_id", physical_partitioning=True)
    return merge_small_files(uri, "date", DAY, "match_id")


def day_files(uri: str) -> int:
    return len(DeltaTable(uri).file_uris())


def test_a_day_written_a_game_at_a_time_holds_few_files_and_every_row(tmp_path):
    uri = str(tmp_path / "stats")
    expected = {}
    merged = 0
    for number in range(200):
        rows = game(number)
        merged += write_game(uri, rows, rows["match_id"][0])
        expected[rows["match_id"][0]] = rows
        if number % 50 == 49:
            again = game(number - 10, value=2.0)
            merged += write_game(uri, again, again["match_id"][0])
            expected[again["match_id"][0]] = again
            gone = game(number - 20)["match_id"][0]
            merged += write_game(uri, game(number - 20).clear(), gone)
            del expected[gone]
    assert merged >= 200 - 3 * FANIN
    assert day_files(uri) < 3 * FANIN
    held = pl.scan_delta(uri).collect().sort("match_id", "player", "stat")
    assert held.equals(pl.concat(expected.values()).sort("match_id", "player", "stat"))
    checkpoint = json.loads((Path(uri) / "_delta_log" / "_last_checkpoint").read_text())["version"]
    assert DeltaTable(uri).version() - checkpoint < 10


def test_a_merge_beaten_by_a_concurrent_commit_gives_up_and_keeps_the_newer_rows(tmp_path, monkeypatch):
    uri = str(tmp_path / "stats")
    games = [game(number) for number in range(FANIN)]
    for rows in games:
        replace_file_rows(uri, rows, "date", DAY, [rows["match_id"][0]], "match_id", physical_partitioning=True)
    changed = game(0, value=5.0)

    def concurrent_first(table, *args, **kwargs):
        monkeypatch.setattr(merge, "write_deltalake", write_deltalake)
        replace_file_rows(uri, changed, "date", DAY, [changed["match_id"][0]], "match_id", physical_partitioning=True)
        return write_deltalake(table, *args, **kwargs)

    monkeypatch.setattr(merge, "write_deltalake", concurrent_first)
    assert merge_small_files(uri, "date", DAY, "match_id") == 0
    held = pl.scan_delta(uri).collect()
    assert held.height == FANIN * 12
    assert held.filter(pl.col("match_id") == changed["match_id"][0])["value"].to_list() == [5.0] * 12


def test_files_merged_away_are_deleted_once_past_the_tables_retention(tmp_path):
    uri = str(tmp_path / "stats")
    write_deltalake(uri, game(0).to_arrow(), partition_by=["date"],
                    configuration={"delta.deletedFileRetentionDuration": "interval 0 seconds"})
    for number in range(1, 3 * FANIN):
        rows = game(number)
        write_game(uri, rows, rows["match_id"][0])
    on_disk = {path.relative_to(uri).as_posix() for path in Path(uri).rglob("*.parquet")}
    assert on_disk == {path.removeprefix(uri + "/") for path in DeltaTable(uri).file_uris()}
    assert pl.scan_delta(uri).select(pl.len()).collect().item() == 3 * FANIN * 12
