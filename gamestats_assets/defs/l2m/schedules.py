"""Every morning, yesterday's l2m partitions, then its snapshots."""

from gamestats_assets.defs.l2m.assets import ASSETS
from gamestats_assets.defs.l2m.publish import PUBLISH_ASSETS, WAREHOUSE_ASSETS
from gamestats_assets.lib.automation import build_daily_schedules

JOBS, SCHEDULES = build_daily_schedules("l2m", [*ASSETS, *PUBLISH_ASSETS, *WAREHOUSE_ASSETS])
