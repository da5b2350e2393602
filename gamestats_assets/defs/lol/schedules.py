"""The lol jobs per partitions definition, and every morning yesterday's games, then the statistics."""

from gamestats_assets.defs.lol.assets import ASSETS
from gamestats_assets.defs.lol.publish import PUBLISH_ASSETS, WAREHOUSE_ASSETS
from gamestats_assets.lib.automation import build_jobs, build_schedules

JOBS = build_jobs("lol", [*ASSETS, *PUBLISH_ASSETS, *WAREHOUSE_ASSETS])
SCHEDULES = build_schedules(JOBS)
