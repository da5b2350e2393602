"""Partition definitions shared by every domain: one daily calendar, started in one place."""

import dagster as dg

from gamestats_assets.lib.settings import Settings

daily_partitions = dg.DailyPartitionsDefinition(start_date=Settings.from_env().start_date)

previous_day = dg.TimeWindowPartitionMapping(start_offset=-1, end_offset=-1)
"""Maps a daily partition to the day before it: the input of a table that reads its own yesterday."""


def every_partition(key: dg.AssetKey) -> dg.AssetIn:
    """An input reading every partition of ``key``: how a snapshot reads the whole history of a daily table."""
    return dg.AssetIn(key, partition_mapping=dg.AllPartitionMapping())
