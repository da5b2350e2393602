"""Jobs and schedules of a domain, built per partitions definition so that no asset falls out of every job.

- `<domain>_daily`: the daily assets (with their checks), scheduled for yesterday at `hour`:00 UTC;
- `<domain>_snapshots`: the unpartitioned assets, scheduled at `hour`:30 UTC, after the day landed;
- `<domain>_<partitions name>`: the assets of each dynamic partitions definition (one per match, one per
  tracked player), run by the domain's sensors and backfills.
"""

import datetime as dt
from collections.abc import Mapping, Sequence

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from gamestats_assets.lib.core.partitions import partitions_name



def keys_by_partitions(assets: Sequence[dg.AssetsDefinition]) -> dict[str, list[dg.AssetKey]]:
    """The keys of `assets` grouped by `partitions_name`, in that name's order."""
    keys: dict[str, list[dg.AssetKey]] = {}
    for asset in assets:
        keys.setdefault(partitions_name(asset.partitions_def), []).extend(asset.keys)
    return dict(sorted(keys.items()))


def build_jobs(domain: str, keys: Mapping[str, Sequence[dg.AssetKey]]) -> dict[str, UnresolvedAssetJobDefinition]:
    """One job `<domain>_<name>` per partitions definition, running its `keys` (`keys_by_partitions`)."""
    return {name: dg.define_asset_job(f"{domain}_{name}", selection=dg.AssetSelection.assets(*selected))
            for name, selected in keys.items()}


def yesterday_schedule(job: UnresolvedAssetJobDefinition, calendar: dg.TimeWindowPartitionsDefinition,
                       hour: int) -> dg.ScheduleDefinition:
    """`<job>_schedule`: the daily `job` for yesterday at `hour`:00 UTC, whether its `calendar` ends yesterday or
    holds today too (`daily_partitions_with_today`, whose last partition is the day in progress)."""

    @dg.schedule(name=f"{job.name}_schedule", job=job, cron_schedule=f"0 {hour} * * *", execution_timezone="UTC")
    def _schedule(context: dg.ScheduleEvaluationContext):
        day = (context.scheduled_execution_time.date() - dt.timedelta(days=1)).isoformat()
        if not calendar.has_partition_key(day):
            return dg.SkipReason(f"{day} is before the first day of the calendar")
        return dg.RunRequest(run_key=day, partition_key=day)

    return _schedule


def build_schedules(jobs: dict[str, UnresolvedAssetJobDefinition], calendar: dg.TimeWindowPartitionsDefinition | None,
                    hour: int = 6) -> list[dg.ScheduleDefinition]:
    """Every morning: yesterday's daily partitions (of `calendar`, the domain's daily partitions) at `hour`:00
    UTC, then the snapshots at `hour`:30."""
    schedules = []
    if "daily" in jobs:
        schedules.append(yesterday_schedule(jobs["daily"], calendar, hour))
    if "snapshots" in jobs:
        schedules.append(dg.ScheduleDefinition(job=jobs["snapshots"], cron_schedule=f"30 {hour} * * *",
                                               execution_timezone="UTC"))
    return schedules
