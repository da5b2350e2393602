"""The rocket jobs per partitions definition, and every morning yesterday's games, then the snapshots."""

from gamestats_assets.defs.rocket.assets import ASSETS
from gamestats_assets.defs.rocket.publish import PUBLISH_ASSETS, WAREHOUSE_ASSETS
from gamestats_assets.lib.automation import build_jobs, build_schedules

JOBS = build_jobs("rocket", [*ASSETS, *PUBLISH_ASSETS, *WAREHOUSE_ASSETS])
SCHEDULES = build_schedules(JOBS)
