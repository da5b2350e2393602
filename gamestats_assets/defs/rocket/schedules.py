"""The rocket jobs per partitions definition, and every morning yesterday's games, then the snapshots."""

from gamestats_assets.defs.rocket.assets import ASSETS
from gamestats_assets.defs.rocket.publish import PUBLISH_ASSETS, WAREHOUSE_ASSETS
from gamestats_assets.lib.automation import build_jobs, build_schedules

JOBS = build_jobs("rocket", [*ASSETS, *PUBLISH_ASSETS, *WAREHOUSE_ASSETS])
DAILY_KEYS = [key for asset in (*ASSETS, *PUBLISH_ASSETS, *WAREHOUSE_ASSETS) if asset.partitions_def is not None
              for key in asset.keys]
"""The daily tables: what a newly tracked player's backfill rebuilds over the days of their history."""
SCHEDULES = build_schedules(JOBS)
