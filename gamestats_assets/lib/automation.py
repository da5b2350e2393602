"""Jobs and schedules shared by the domains: every morning, yesterday's daily partitions."""

from collections.abc import Sequence

import dagster as dg

from gamestats_assets.lib.partitions import daily_partitions


def build_daily_schedule(
    domain: str, assets: Sequence[dg.AssetsDefinition], hour: int = 6
):
    """A job over ``domain``'s daily assets (with their checks) and a schedule running it for yesterday
    at ``hour``:00 UTC."""
    daily_keys = [key for asset in assets if asset.partitions_def == daily_partitions for key in asset.keys]
    job = dg.define_asset_job(f"{domain}_daily", selection=dg.AssetSelection.assets(*daily_keys))
    return job, dg.build_schedule_from_partitioned_job(job, hour_of_day=hour)
