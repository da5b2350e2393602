"""Jobs and schedules shared by the domains: every morning, yesterday's partitions, then the snapshots."""

from collections.abc import Sequence

import dagster as dg

from gamestats_assets.lib.partitions import daily_partitions


def build_daily_schedules(
    domain: str, assets: Sequence[dg.AssetsDefinition], hour: int = 6
) -> tuple[list, list[dg.ScheduleDefinition]]:
    """Two jobs and their schedules for ``domain``:

    - ``<domain>_daily``: the daily assets (with their checks) for yesterday, at ``hour``:00 UTC;
    - ``<domain>_snapshots``: the unpartitioned assets (snapshots over all days), at ``hour``:30 UTC,
      after the day has landed.
    """
    daily_keys = [key for asset in assets if asset.partitions_def == daily_partitions for key in asset.keys]
    snapshot_keys = [key for asset in assets if asset.partitions_def is None for key in asset.keys]
    daily = dg.define_asset_job(f"{domain}_daily", selection=dg.AssetSelection.assets(*daily_keys))
    snapshots = dg.define_asset_job(f"{domain}_snapshots", selection=dg.AssetSelection.assets(*snapshot_keys))
    schedules = [
        dg.build_schedule_from_partitioned_job(daily, hour_of_day=hour),
        dg.ScheduleDefinition(job=snapshots, cron_schedule=f"30 {hour} * * *", execution_timezone="UTC"),
    ]
    return [daily, snapshots], schedules
