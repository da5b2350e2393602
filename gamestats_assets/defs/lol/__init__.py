"""lol: League of Legends match timelines, ETL → STD → CONS statistics and patterns, published to schema lol."""

import dagster as dg

from gamestats_assets.defs.lol.assets import ASSETS
from gamestats_assets.defs.lol.checks import CHECKS
from gamestats_assets.defs.lol.publish import PUBLISH_ASSETS, PUBLISH_CHECKS, WAREHOUSE_ASSETS
from gamestats_assets.defs.lol.schedules import JOBS, SCHEDULES
from gamestats_assets.defs.lol.sensors import DISCOVERIES, SENSORS

defs = dg.Definitions(
    assets=[*ASSETS, *PUBLISH_ASSETS, *WAREHOUSE_ASSETS],
    asset_checks=[*CHECKS, *PUBLISH_CHECKS],
    jobs=list(JOBS.values()),
    schedules=SCHEDULES,
    sensors=SENSORS,
)

__all__ = ["DISCOVERIES", "defs"]
