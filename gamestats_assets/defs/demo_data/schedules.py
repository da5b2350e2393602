"""The demo_data jobs per partitions definition, and every morning yesterday's partitions, then the snapshots."""

from gamestats_assets.defs.demo_data.assets import ASSETS
from gamestats_assets.defs.demo_data.publish import PUBLISH_ASSETS, WAREHOUSE_ASSETS
from gamestats_assets.lib.automation import build_jobs, build_schedules

JOBS = build_jobs("demo_data", [*ASSETS, *PUBLISH_ASSETS, *WAREHOUSE_ASSETS])
SCHEDULES = build_schedules(JOBS)
