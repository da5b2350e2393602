"""Jobs and schedules of a domain, built per partitions definition so that no asset falls out of every job.

- `<domain>_daily`: the daily assets (with their checks), scheduled for yesterday at `hour`:00 UTC;
- `<domain>_snapshots`: the unpartitioned assets, scheduled at `hour`:30 UTC, after the day landed;
- `<domain>_<partitions name>`: the assets of each dynamic partitions definition (one per match, one per
  tracked player), run by the domain's sensors and backfills.
"""

from collections.abc import Sequence

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition


def partitions_name(partitions_def: dg.PartitionsDefinition | None) -> str:
    """The job suffix of a partitions definition: `daily`, `snapshots` or the dynamic definition's name."""
    if partitions_def is None:
        return "snapshots"
    if isinstance(partitions_def, dg.TimeWindowPartitionsDefinition):
        return "daily"
    if isinstance(partitions_def, dg.DynamicPartitionsDefinition) and partitions_def.name:
        return partitions_def.name
    raise ValueError(f"no job is built for partitions of kind {type(partitions_def).__name__}")


def build_jobs(domain: str, assets: Sequence[dg.AssetsDefinition]) -> dict[str, UnresolvedAssetJobDefinition]:
    """One job per partitions definition among `assets`, keyed by `partitions_name`."""
    keys_by_partitions: dict[str, list[dg.AssetKey]] = {}
    for asset in assets:
        keys_by_partitions.setdefault(partitions_name(asset.partitions_def), []).extend(asset.keys)
    return {
        name: dg.define_asset_job(f"{domain}_{name}", selection=dg.AssetSelection.assets(*keys))
        for name, keys in sorted(keys_by_partitions.items())
    }


def build_schedules(jobs: dict[str, UnresolvedAssetJobDefinition], hour: int = 6) -> list[dg.ScheduleDefinition]:
    """Every morning: yesterday's daily partitions at `hour`:00 UTC, then the snapshots at `hour`:30."""
    schedules = []
    if "daily" in jobs:
        schedules.append(dg.build_schedule_from_partitioned_job(jobs["daily"], hour_of_day=hour))
    if "snapshots" in jobs:
        schedules.append(dg.ScheduleDefinition(job=jobs["snapshots"], cron_schedule=f"30 {hour} * * *",
                                               execution_timezone="UTC"))
    return schedules
