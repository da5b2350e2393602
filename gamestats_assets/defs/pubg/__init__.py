"""pubg: tournament stats, one dynamic partition per match, published to PostgreSQL schema pubg."""

import dagster as dg

from gamestats_assets.defs.pubg.assets import ASSETS
from gamestats_assets.defs.pubg.checks import CHECKS
from gamestats_assets.defs.pubg.publish import PUBLISH_ASSETS, PUBLISH_CHECKS, WAREHOUSE_ASSETS
from gamestats_assets.defs.pubg.schedules import JOBS, SCHEDULES
from gamestats_assets.defs.pubg.sensors import DISCOVERIES, SENSORS

defs = dg.Definitions(
    assets=[*ASSETS, *PUBLISH_ASSETS, *WAREHOUSE_ASSETS],
    asset_checks=[*CHECKS, *PUBLISH_CHECKS],
    jobs=list(JOBS.values()),
    schedules=SCHEDULES,
    sensors=SENSORS,
)

__all__ = ["DISCOVERIES", "defs"]
