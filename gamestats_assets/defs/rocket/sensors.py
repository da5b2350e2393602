"""The rocket landing sensor: a day whose files appear or change in landing/rocket/<day>/ is run again."""

from gamestats_assets.defs.rocket.assets import LANDING
from gamestats_assets.defs.rocket.schedules import JOBS
from gamestats_assets.lib.sensors import build_landing_sensor

DISCOVERIES = [LANDING]
SENSORS = [build_landing_sensor(discovery, JOBS["daily"]) for discovery in DISCOVERIES]
