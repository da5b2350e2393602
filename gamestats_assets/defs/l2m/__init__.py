"""l2m: the Lineage 2M KPI pipeline, ETL → STD → CONS, published to PostgreSQL schema l2m."""

import dagster as dg

from gamestats_assets.defs.l2m.assets import ASSETS
from gamestats_assets.defs.l2m.checks import CHECKS
from gamestats_assets.defs.l2m.publish import PUBLISH_ASSETS, PUBLISH_CHECKS, WAREHOUSE_ASSETS
from gamestats_assets.defs.l2m.schedules import JOBS, SCHEDULES
from gamestats_assets.defs.l2m.sensors import DISCOVERIES, SENSORS

defs = dg.Definitions(
    assets=[*ASSETS, *PUBLISH_ASSETS, *WAREHOUSE_ASSETS],
    asset_checks=[*CHECKS, *PUBLISH_CHECKS],
    jobs=list(JOBS.values()),
    schedules=SCHEDULES,
    sensors=SENSORS,
)

__all__ = ["DISCOVERIES", "defs"]
