"""rocket: Rocket League replay analytics, landing → ETL → CONS, published to PostgreSQL schema rocket."""

import dagster as dg

from gamestats_assets.defs.rocket.assets import ASSETS, prepare_demo
from gamestats_assets.defs.rocket.checks import CHECKS
from gamestats_assets.defs.rocket.publish import PUBLISH_ASSETS, PUBLISH_CHECKS, WAREHOUSE_ASSETS
from gamestats_assets.defs.rocket.schedules import JOBS, SCHEDULES
from gamestats_assets.defs.rocket.sensors import DISCOVERIES, SENSORS

defs = dg.Definitions(
    assets=[*ASSETS, *PUBLISH_ASSETS, *WAREHOUSE_ASSETS],
    asset_checks=[*CHECKS, *PUBLISH_CHECKS],
    jobs=list(JOBS.values()),
    schedules=SCHEDULES,
    sensors=SENSORS,
)

__all__ = ["DISCOVERIES", "defs", "prepare_demo"]
