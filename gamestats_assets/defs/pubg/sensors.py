"""The pubg landing sensor: a match whose files appear or change in landing/pubg/ is run again (a match
processed before its telemetry arrived is reprocessed when the telemetry lands)."""

from gamestats_assets.defs.pubg.assets import LANDING
from gamestats_assets.defs.pubg.schedules import JOBS
from gamestats_assets.lib.sensors import build_landing_sensor

DISCOVERIES = [LANDING]
SENSORS = [build_landing_sensor(LANDING, JOBS["pubg_match"])]
