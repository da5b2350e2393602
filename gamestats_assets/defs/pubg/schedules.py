"""The pubg jobs, one per partitions definition: the per-match job (run by the landing sensor) and the
snapshots job (tournament tables and career stats over every match)."""

from gamestats_assets.defs.pubg.assets import ASSETS
from gamestats_assets.defs.pubg.publish import PUBLISH_ASSETS, WAREHOUSE_ASSETS
from gamestats_assets.lib.automation import build_jobs, build_schedules

JOBS = build_jobs("pubg", [*ASSETS, *PUBLISH_ASSETS, *WAREHOUSE_ASSETS])
SCHEDULES = build_schedules(JOBS)
