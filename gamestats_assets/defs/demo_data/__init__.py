"""demo_data: taxonomy-driven synthetic product-analytics events, from taxonomy to PostgreSQL."""

import dagster as dg

from gamestats_assets.defs.demo_data.assets import ASSETS
from gamestats_assets.defs.demo_data.checks import CHECKS
from gamestats_assets.defs.demo_data.publish import PUBLISH_ASSETS, PUBLISH_CHECKS, WAREHOUSE_ASSETS
from gamestats_assets.defs.demo_data.schedules import JOBS, SCHEDULES
from gamestats_assets.defs.demo_data.sensors import DISCOVERIES, SENSORS

defs = dg.Definitions(
    assets=[*ASSETS, *PUBLISH_ASSETS, *WAREHOUSE_ASSETS],
    asset_checks=[*CHECKS, *PUBLISH_CHECKS],
    jobs=list(JOBS.values()),
    schedules=SCHEDULES,
    sensors=SENSORS,
)

__all__ = ["DISCOVERIES", "defs"]
