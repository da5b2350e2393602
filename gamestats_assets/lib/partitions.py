"""Partition definitions shared by every domain, declared in one place.

- `daily_partitions`: one calendar for every day-keyed table, starting at `GAMESTATS_START_DATE`.
- `pubg_match_partitions`: one key per PUBG match id, added by discovery sensors in batches.
- `tracked_player_partitions(domain)`: one key per player a domain tracks (its roster).
"""

import dagster as dg

from gamestats_assets.lib.settings import Settings

daily_partitions = dg.DailyPartitionsDefinition(start_date=Settings.from_env().start_date)

pubg_match_partitions = dg.DynamicPartitionsDefinition(name="pubg_match")


def tracked_player_partitions(domain: str) -> dg.DynamicPartitionsDefinition:
    """The dynamic partitions `<domain>_tracked_player`: one key per player on the domain's roster."""
    return dg.DynamicPartitionsDefinition(name=f"{domain}_tracked_player")


previous_day = dg.TimeWindowPartitionMapping(start_offset=-1, end_offset=-1)
"""Maps a daily partition to the day before it: the input of a table that reads its own yesterday."""


def every_partition(key: dg.AssetKey) -> dg.AssetIn:
    """An input reading every partition of `key`: how a snapshot reads the whole history of a daily table."""
    return dg.AssetIn(key, partition_mapping=dg.AllPartitionMapping())


def partitions_name(partitions_def: dg.PartitionsDefinition | None) -> str:
    """How step names built per partitions definition end: `snapshots` (unpartitioned), `partitions`
    (time windows) or the dynamic partitions' name."""
    if partitions_def is None:
        return "snapshots"
    if isinstance(partitions_def, dg.DynamicPartitionsDefinition):
        return partitions_def.name
    return "partitions"
