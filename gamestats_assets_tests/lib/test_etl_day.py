"""The ETL protocol's pieces that need no Dagster run: the games' tokens recorded after a day's write, and the
records of a domain writing its days whole, over real landing folders. The sequence itself runs in every domain's
pipeline tests."""

import datetime as dt
import json

import dagster as dg
import polars as pl
import pytest

from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.intake.etl_day import EtlTables, GameKeys, record_generations, write_days_whole
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


DOMAIN = "d"


class Day:
    """A day as a domain writing its days whole opens it: what it records beside the day's record, logged."""

    def __init__(self, name, log, refused=()):
        self.name, self.log, self.refused = name, log, list(refused)

    def recording(self):
        self.log.append(f"notes {self.name}")


def whole_days(tmp_path, dates, write, log):
    platform = PlatformResource(data_dir=str(tmp_path), start_date="2024-03-01", anchor_date="2024-03-01")
    etl = EtlTables(DOMAIN, "events", "1", {"events": dg.AssetKey([DOMAIN, "etl", "events"])},
                    files=lambda folder: sorted(folder.glob("*.jsonl")), whole_days=True)
    return write_days_whole(etl, platform, None, dates, lambda day: Day(str(day.date), log),
                            lambda retired: Day(f"kept {retired.day}", log), write)


def recorded(tmp_path, date):
    return json.loads((tmp_path / "state" / "parsed" / DOMAIN / "events" / f"{date}.json").read_text())["files"]


def deliver(tmp_path, date, *names):
    folder = tmp_path / "landing" / DOMAIN / date.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text('{"line": 1}\n')


def test_days_written_whole_are_recorded_pending_during_the_write_and_committed_after_it(tmp_path):
    log, second = [], DAY + dt.timedelta(days=1)
    deliver(tmp_path, DAY, "a.jsonl")
    deliver(tmp_path, second, "b.jsonl", "c.jsonl")

    def write(days):
        log.append("write")
        assert recorded(tmp_path, DAY) == {"a.jsonl": [None, None, None]}
        return "written"

    days, written = whole_days(tmp_path, [DAY, second], write, log)
    assert written == "written" and [day.name for day in days] == [str(DAY), str(second)]
    assert log == ["write", f"notes {DAY}", f"notes {second}"]
    assert set(recorded(tmp_path, DAY)) == {"a.jsonl"} and None not in recorded(tmp_path, DAY)["a.jsonl"]
    assert set(recorded(tmp_path, second)) == {"b.jsonl", "c.jsonl"}


def test_a_failed_write_commits_no_day_and_its_files_are_read_again(tmp_path):
    log = []
    deliver(tmp_path, DAY, "a.jsonl")

    def fails(days):
        raise RuntimeError("the write failed")

    with pytest.raises(RuntimeError):
        whole_days(tmp_path, [DAY], fails, log)
    assert log == [] and recorded(tmp_path, DAY) == {"a.jsonl": [None, None, None]}
    whole_days(tmp_path, [DAY], lambda days: None, log)
    assert log == [f"notes {DAY}"] and None not in recorded(tmp_path, DAY)["a.jsonl"]


def test_a_day_retired_whole_is_kept_unread_and_unrecorded(tmp_path):
    log = []
    retired = tmp_path / "state" / "retired" / DOMAIN / f"{DAY}.json"
    retired.parent.mkdir(parents=True)
    retired.write_text(json.dumps({"retired_on": "2024-06-01", "files": {"a.jsonl": [1, 1, "x"]}}))
    days, _ = whole_days(tmp_path, [DAY], lambda days: None, log)
    assert [day.name for day in days] == [f"kept {DAY}"] and log == []
    assert not (tmp_path / "state" / "parsed" / DOMAIN).exists()
