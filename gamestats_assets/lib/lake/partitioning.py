"""A lake table's partitions: the partition column an asset names in its metadata (`partition_column`), the
values it holds for partition keys, the Delta predicate selecting them, and whether the table's files are laid out
in a folder per key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import dagster as dg
from dagster._check import CheckError

from gamestats_assets.lib.core.sql_text import identifier, literal

PARTITION_COLUMN = "partition_column"
PHYSICAL_PARTITIONING = "physical_partitioning"
"""The definition metadata that, set to false, writes a daily table's files without a folder per day (see
`physically_partitioned`)."""


def partition_values(partitions_def: dg.PartitionsDefinition, keys: Sequence[str]) -> list[Any]:
    """The values a partition column holds for `keys`: dates for time windows, the keys otherwise."""
    if isinstance(partitions_def, dg.TimeWindowPartitionsDefinition):
        if partitions_def.fmt == ISO_DAY:
            return [dt.date.fromisoformat(key) for key in keys]
        return [dt.datetime.strptime(key, partitions_def.fmt).date() for key in keys]
    return list(keys)


ISO_DAY = "%Y-%m-%d"
"""The format of daily partition keys, which `date.fromisoformat` reads far faster than `strptime`."""


def input_partition_values(context: dg.InputContext) -> list[Any]:
    """The values of the partition column that `context`'s input reads (`partition_values` of its keys).

    A daily input whose partitions are one run of days (every day, as an unpartitioned step reads, or a backfill's
    range) gets its days from that range's time window, without Dagster listing each key of the calendar, which it
    does a cron tick at a time."""
    partitions_def = context.asset_partitions_def
    if (isinstance(partitions_def, dg.TimeWindowPartitionsDefinition) and partitions_def.fmt == ISO_DAY
            and partitions_def.cron_schedule == "0 0 * * *"):
        try:
            window = context.asset_partitions_time_window
        except CheckError:
            window = None
        if window is not None:
            first, end = window.start.date(), window.end.date()
            return [first + dt.timedelta(days=offset) for offset in range((end - first).days)]
    return partition_values(partitions_def, context.asset_partition_keys)


def physically_partitioned(partitions_def: dg.PartitionsDefinition, metadata: Mapping[str, Any]) -> bool:
    """Whether a partitioned table's files are laid out in a folder per partition key.

    Daily tables are, so a day's rewrite touches only that day's files, unless their definition metadata sets
    `physical_partitioning` to false: Delta's partitioned write costs more CPU than an unpartitioned
    one, and a table written one day per run keeps one day per file anyway, whose column
    statistics confine a day's read and replace to that day's files (a run over several days writes files
    holding several days, which a later one-day replace rewrites without that day). Dynamic-partitioned
    tables (one key per match, per player) never are, to avoid a folder per key.
    """
    if not isinstance(partitions_def, dg.TimeWindowPartitionsDefinition):
        return False
    return bool(metadata.get(PHYSICAL_PARTITIONING, True))


def partition_predicate(column: str, values: Sequence[Any]) -> str:
    """`"column" IN (...)` over `values` (dates in ISO form), a Delta (DataFusion) predicate, every identifier and
    literal quoted."""
    texts = (value.isoformat() if isinstance(value, dt.date) else str(value) for value in values)
    return f"{identifier(column)} IN ({', '.join(literal(text) for text in texts)})"


def partition_text(value: Any) -> str:
    """A partition value as the Delta log and the folder name hold it."""
    return value.isoformat() if isinstance(value, dt.date) else str(value)
