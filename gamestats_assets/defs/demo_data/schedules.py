"""Every morning, yesterday's demo_data partitions."""

from gamestats_assets.defs.demo_data.assets import ASSETS
from gamestats_assets.defs.demo_data.publish import PUBLISH_ASSETS, WAREHOUSE_ASSETS
from gamestats_assets.lib.automation import build_daily_schedule

daily_job, daily_schedule = build_daily_schedule("demo_data", [*ASSETS, *PUBLISH_ASSETS, *WAREHOUSE_ASSETS])
