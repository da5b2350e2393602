"""What a check of a table computed by key (`ByKey`, a game's `match_id`) judges of a day: the keys whose
rows were written since the check last passed on that day, every key of a day it never passed on.

A check whose verdict on a day is the conjunction of its verdicts on the day's keys (a key's rows unique and not
null, a game's stat rows of its own match, a game's partial sums of its own rows) needs no other key judged again.
The tokens of the day's keys the check passed at are recorded under `state/generations/<asset key path>/checked/
<check name>/<day>.json` (a `DoneRecord`, `lib/refresh/done.py`); a check that fails on a day records nothing, so
it judges the same keys again on the next run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

import dagster as dg
import polars as pl

from gamestats_assets.lib.refresh.done import DoneRecord, Pending
from gamestats_assets.lib.refresh.generations import read_generations, write_generations


def checked_key(asset_key: dg.AssetKey, check: str) -> dg.AssetKey:
    """The key the tokens `check` last passed at are recorded under."""
    return dg.AssetKey([*asset_key.path, "checked", check])


def passed_record(data_dir: str | Path, asset_key: dg.AssetKey, check: str) -> DoneRecord:
    """The record of the tokens of `asset_key`'s table that `check` last passed at (`lib/refresh/done.py`); nothing is
    recorded of a day the table records no tokens of."""
    key = checked_key(asset_key, check)

    def write(day: dt.date, pending: Pending) -> None:
        if not pending.unrecorded:
            write_generations(data_dir, key, day, pending.current)

    return DoneRecord(lambda day: [read_generations(data_dir, asset_key, day)],
                      lambda day: read_generations(data_dir, key, day), write)


def unjudged_keys(data_dir: str | Path, asset_key: dg.AssetKey, check: str, day: dt.date) -> list[str] | None:
    """The keys of `day` of `asset_key`'s table whose rows were written since `check` last passed on the day; None
    (every key) when it never passed on the day or the table records no tokens of it."""
    pending = passed_record(data_dir, asset_key, check).stale(day)
    return None if pending.whole else pending.again


def of_unjudged(frame: pl.LazyFrame, column: str, unjudged: Mapping[dt.date, Sequence[str] | None]) -> pl.LazyFrame:
    """`frame`'s rows of the days of `unjudged` (by `date`), of each only the keys (by `column`) it names (every key
    for None)."""
    wanted = [pl.col("date") == day if keys is None else (pl.col("date") == day) & pl.col(column).is_in(list(keys))
              for day, keys in unjudged.items()]
    return frame.filter(pl.any_horizontal(wanted)) if wanted else frame.head(0)


def record_passed(data_dir: str | Path, asset_key: dg.AssetKey, check: str, days: Sequence[dt.date]) -> None:
    """Record that `check` passed on `days` at the tokens `asset_key`'s table holds of them."""
    record = passed_record(data_dir, asset_key, check)
    for day in days:
        record.commit(day)
