"""Partition definitions shared by every domain, declared in one place, and the helpers of a run over
several of them: its days in order, the day before, a table carried forward from yesterday.

- `daily_partitions`: one calendar (`Days`) for every day-keyed table, starting at `GAMESTATS_START_DATE`, its
  last day yesterday (a day is run once it is over).
- `daily_partitions_with_today`: the same calendar with today as its last day, for a domain whose files of the
  day in progress are run as they arrive (a game uploaded just after it was played).
- `tracked_player_partitions(domain)`: one key per player a domain tracks (its roster).
"""

import datetime as dt
import functools
from collections.abc import Callable, Sequence

import dagster as dg
import polars as pl
from dagster._core.definitions.partitions.context import partition_loading_context

from gamestats_assets.lib.core.settings import Settings

START_DATE = Settings.from_env().start_date


class Days(dg.DailyPartitionsDefinition):
    """Daily partitions whose list of every key is made once a day: Dagster lists them, a window at a time, before
    each step of a table read whole (to weigh its inputs' data versions), in each automation tick and in the UI, and
    the list since the start date changes only with its last day."""

    def get_partition_keys(self, current_time: dt.datetime | None = None,
                           dynamic_partitions_store=None) -> Sequence[str]:
        with partition_loading_context(current_time, dynamic_partitions_store):
            last = self._get_last_partition_window(self._get_current_timestamp())
            return list(_keys_until(self, last.start if last else None))


@functools.lru_cache(maxsize=16)
def _keys_until(days: Days, last: dt.datetime | None) -> tuple[str, ...]:
    """Every key of `days` as Dagster lists them at this moment, the last starting at `last`: the same list for every
    moment of the same last day."""
    return tuple(dg.DailyPartitionsDefinition.get_partition_keys(days))


daily_partitions = Days(start_date=START_DATE)

daily_partitions_with_today = Days(start_date=START_DATE, end_offset=1)
"""Today is a partition as soon as it starts: a delivery of today is run at once, and run again with each new file
(the landing sensor follows the day folder's fingerprint). The morning schedule still runs yesterday."""


def tracked_player_partitions(domain: str) -> dg.DynamicPartitionsDefinition:
    """The dynamic partitions `<domain>_tracked_player`: one key per player on the domain's roster."""
    return dg.DynamicPartitionsDefinition(name=f"{domain}_tracked_player")


PLAYER_TAG = "gamestats/tracked_player"
"""The tag naming the tracked player (a key of `tracked_player_partitions`) of a backfill of their history and of the
runs it launched."""


previous_day = dg.TimeWindowPartitionMapping(start_offset=-1, end_offset=-1)
"""Maps a daily partition to the day before it: the input of a table that reads its own yesterday."""


def every_partition(key: dg.AssetKey) -> dg.AssetIn:
    """An input reading every partition of `key`: how a snapshot reads the whole history of a daily table."""
    return dg.AssetIn(key, partition_mapping=dg.AllPartitionMapping())

def partitions_name(partitions_def: dg.PartitionsDefinition | None) -> str:
    """The job suffix of a partitions definition: `daily`, `snapshots` or the dynamic definition's name."""
    if partitions_def is None:
        return "snapshots"
    if isinstance(partitions_def, dg.TimeWindowPartitionsDefinition):
        return "daily"
    if isinstance(partitions_def, dg.DynamicPartitionsDefinition) and partitions_def.name:
        return partitions_def.name
    raise ValueError(f"no job is built for partitions of kind {type(partitions_def).__name__}")


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
