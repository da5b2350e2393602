"""Every morning, yesterday's demo_data partitions, then its snapshots."""

from gamestats_assets.defs.demo_data.assets import ASSETS
from gamestats_assets.defs.demo_data.publish import PUBLISH_ASSETS, WAREHOUSE_ASSETS
from gamestats_assets.lib.automation import build_daily_schedules

JOBS, SCHEDULES = build_daily_schedules("demo_data", [*ASSETS, *PUBLISH_ASSETS, *WAREHOUSE_ASSETS])
