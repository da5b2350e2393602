"""The l2m landing sensor: a day whose files appear or change in landing/l2m/<day>/ is run again."""

from gamestats_assets.defs.l2m.assets import LANDING
from gamestats_assets.defs.l2m.schedules import JOBS
from gamestats_assets.lib.sensors import build_landing_sensor

DISCOVERIES = [LANDING]
SENSORS = [build_landing_sensor(discovery, JOBS["daily"]) for discovery in DISCOVERIES]
