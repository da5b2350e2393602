"""pubg: tournament stats, one dynamic partition per match, published to PostgreSQL schema `pubg`."""

from gamestats_assets.defs.pubg.assets import ARRIVAL, ASSETS, DOMAIN, LANDING
from gamestats_assets.defs.pubg.checks import CHECKS
from gamestats_assets.defs.pubg.sensors import api_sensors
from gamestats_assets.lib.authoring.domain import build_domain
from gamestats_assets.sources.pubg.client import API_KEY_ENV

domain = build_domain(DOMAIN, ASSETS, checks=CHECKS, discoveries=[LANDING], sensors=api_sensors,
                      retention=ARRIVAL.retention, live_key=API_KEY_ENV)
