"""The l2m jobs per partitions definition, and every morning yesterday's partitions, then the snapshots."""

from gamestats_assets.defs.l2m.assets import ASSETS
from gamestats_assets.defs.l2m.publish import PUBLISH_ASSETS, WAREHOUSE_ASSETS
from gamestats_assets.lib.automation import build_jobs, build_schedules

JOBS = build_jobs("l2m", [*ASSETS, *PUBLISH_ASSETS, *WAREHOUSE_ASSETS])
SCHEDULES = build_schedules(JOBS)
