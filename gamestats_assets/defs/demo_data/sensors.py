"""The demo_data landing sensor: a day whose files appear or change in landing/demo_data/<day>/ is run again."""

from gamestats_assets.defs.demo_data.assets import LANDING
from gamestats_assets.defs.demo_data.schedules import JOBS
from gamestats_assets.lib.sensors import build_landing_sensor

DISCOVERIES = [LANDING]
SENSORS = [build_landing_sensor(discovery, JOBS["daily"]) for discovery in DISCOVERIES]
