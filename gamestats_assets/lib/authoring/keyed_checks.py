"""What a check of a table computed by key (`ByKey`, a game's `match_id`) judges of a day: the keys whose
rows were written since the check last passed on that day, every key of a day it never passed on.

A check whose verdict on a day is the conjunction of its verdicts on the day's keys (a key's rows unique and not
null, a game's stat rows of its own match, a game's partial sums of its own rows) needs no other key judged again.
The tokens of the day's keys the check passed at are recorded under `state/generations/<asset key path>/checked/
<check name>/<day>.json` (`lib/refresh/generations.py`); a check that fails on a day records nothing, so it judges the
same keys again on the next run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

import dagster as dg
import polars as pl

from gamestats_assets.lib.refresh.generations import read_generations, stale, write_generations


def checked_key(asset_key: dg.AssetKey, check: str) -> dg.AssetKey:
    """The key the tokens `check` last passed at are recorded under."""
    return dg.AssetKey([*asset_key.path, "checked", check])


def unjudged_keys(data_dir: str | Path, asset_key: dg.AssetKey, check: str, day: dt.date) -> list[str] | None:
    """The keys of `day` of `asset_key`'s table whose rows were written since `check` last passed on the day; None
    (every key) when it never passed on the day or the table records no tokens of it."""
    current = read_generations(data_dir, asset_key, day)
    recorded = read_generations(data_dir, checked_key(asset_key, check), day)
    if current is None or recorded is None:
        return None
    return stale(recorded, current)[0]


def of_unjudged(frame: pl.LazyFrame, column: str, unjudged: Mapping[dt.date, Sequence[str] | None]) -> pl.LazyFrame:
    """`frame`'s rows of the days of `unjudged` (by `date`), of each only the keys (by `column`) it names (every key
    for None)."""
    wanted = [pl.col("date") == day if keys is None else (pl.col("date") == day) & pl.col(column).is_in(list(keys))
              for day, keys in unjudged.items()]
    return frame.filter(pl.any_horizontal(wanted)) if wanted else frame.head(0)


def record_passed(data_dir: str | Path, asset_key: dg.AssetKey, check: str, days: Sequence[dt.date]) -> None:
    """Record that `check` passed on `days` at the tokens `asset_key`'s table holds of them."""
    for day in days:
        current = read_generations(data_dir, asset_key, day)
        if current is not None:
            write_generations(data_dir, checked_key(asset_key, check), day, current)
