"""The ETL protocol's pieces that need no Dagster run: the games' tokens recorded after a day's write, and the order
of a domain writing its days whole. The sequence itself runs in every domain's pipeline tests."""

import datetime as dt

import dagster as dg
import polars as pl
import pytest

from gamestats_assets.lib.intake.etl_day import GameKeys, record_generations, write_days_whole
from gamestats_assets.lib.refresh.generations import Generations, read_generations, write_generations

DAY = dt.date(2024, 3, 1)
KEYS = {"games": dg.AssetKey(["d", "etl", "games"]), "events": dg.AssetKey(["d", "etl", "events"])}


def tokens(data_dir, name):
    return read_generations(data_dir, KEYS[name], DAY).by_key()


@pytest.mark.parametrize("renew_replaced", [False, True])
def test_written_games_get_new_tokens_and_kept_ones_keep_theirs(tmp_path, renew_replaced):
    games = GameKeys("match_id", {name: ("games", ("games", "events")) for name in KEYS}, renew_replaced)
    for name in KEYS:
        write_generations(tmp_path, KEYS[name], DAY, Generations.of({"a": f"{name}-1", "b": f"{name}-1",
                                                                     "gone": f"{name}-1"}))
    held = {"games": pl.DataFrame({"match_id": ["a", "b"]})}
    written = {"games": {"c"}, "events": {"d"}}
    taken_out = {"games": {"b"}} if renew_replaced else {}
    record_generations(tmp_path, DAY, KEYS, games, held, written, taken_out)
    for name in KEYS:
        after = tokens(tmp_path, name)
        assert set(after) == {"a", "b", "c", "d"}
        assert after["a"] == f"{name}-1"
        assert (after["b"] != f"{name}-1") is renew_replaced
        assert after["c"] == after["d"] != f"{name}-1"


class Day:
    def __init__(self, name, log):
        self.name, self.log = name, log

    def begin(self):
        self.log.append(f"begin {self.name}")

    def commit(self):
        self.log.append(f"commit {self.name}")


def test_days_written_whole_are_begun_before_and_committed_after_the_write():
    log = []
    assert write_days_whole([Day("1", log), Day("2", log)], lambda: log.append("write") or "written") == "written"
    assert log == ["begin 1", "begin 2", "write", "commit 1", "commit 2"]


def test_a_failed_write_commits_no_day():
    log = []

    def fails():
        raise RuntimeError("the write failed")

    with pytest.raises(RuntimeError):
        write_days_whole([Day("1", log)], fails)
    assert log == ["begin 1"]
