"""Every morning, yesterday's l2m partitions."""

from gamestats_assets.defs.l2m.assets import ASSETS
from gamestats_assets.defs.l2m.publish import PUBLISH_ASSETS, WAREHOUSE_ASSETS
from gamestats_assets.lib.automation import build_daily_schedule

daily_job, daily_schedule = build_daily_schedule("l2m", [*ASSETS, *PUBLISH_ASSETS, *WAREHOUSE_ASSETS])
