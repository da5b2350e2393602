"""rocket: Rocket League replay analytics, landing → ETL → CONS, published to PostgreSQL schema `rocket`."""

from gamestats_assets.defs.rocket.assets import ARRIVAL, ASSETS, DOMAIN, LANDING, prepare_demo
from gamestats_assets.defs.rocket.checks import CHECKS
from gamestats_assets.defs.rocket.sensors import api_sensors
from gamestats_assets.lib.authoring.domain import build_domain
from gamestats_assets.sources.ballchasing.client import TOKEN_ENV

domain = build_domain(DOMAIN, ASSETS, checks=CHECKS, discoveries=[LANDING], sensors=api_sensors,
                      prepare_demo=prepare_demo, retention=ARRIVAL.retention, live_key=TOKEN_ENV)
