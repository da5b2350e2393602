"""Per-partition helpers: a run over several partitions computes each on its own, in order.

A run of a single-run backfill covers many keys; these helpers let a table be defined for one key (one
day, one match) and still serve such runs, and let a table that continues yesterday carry each day into
the next within one run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import dagster as dg
import polars as pl


def per_partition(context: dg.AssetExecutionContext, compute: Callable[[str], pl.DataFrame]) -> pl.DataFrame:
    """`compute(key)` for each partition key of the run, concatenated in key order."""
    return pl.concat([compute(key) for key in context.partition_keys], how="vertical_relaxed")


def days_of(context: dg.AssetExecutionContext) -> list[dt.date]:
    """The days of a daily run, in order."""
    return [dt.date.fromisoformat(key) for key in context.partition_keys]


def require_previous_day(
    context: dg.AssetExecutionContext, previous: pl.DataFrame, day: dt.date, history_start: dt.date
) -> None:
    """Raise unless `day` starts the history or its previous day is in `previous` (the lake's rows of
    the day before) or was materialized, possibly empty: a table that continues yesterday must never
    silently restart."""
    before = day - dt.timedelta(days=1)
    if day <= history_start or (previous.height and before in previous["date"]):
        return
    if before.isoformat() in context.instance.get_materialized_partitions(context.asset_key):
        return
    raise dg.Failure(
        description=f"{context.asset_key.to_user_string()} for {day} needs its partition of {before}, which was "
        f"never materialized: backfill from {history_start} (GAMESTATS_START_DATE) or from the "
        "first missing day.",
    )


def carried_forward(
    context: dg.AssetExecutionContext,
    previous: pl.DataFrame,
    step: Callable[[pl.DataFrame | None, dt.date], pl.DataFrame],
    history_start: dt.date,
) -> list[tuple[dt.date, pl.DataFrame | None, pl.DataFrame]]:
    """(day, yesterday, today) for each day of the run, where `today = step(yesterday, day)`: the first day
    continues the lake's previous partition (refused if that was never built), each next day the one
    computed before it."""
    days = days_of(context)
    require_previous_day(context, previous, days[0], history_start)
    yesterday = previous.filter(pl.col("date") == days[0] - dt.timedelta(days=1)) if previous.height else None
    pairs = []
    for day in days:
        today = step(yesterday if yesterday is not None and yesterday.height else None, day)
        pairs.append((day, yesterday, today))
        yesterday = today
    return pairs
