"""lol: League of Legends match timelines, ETL → STD → CONS statistics and patterns, published to PostgreSQL
schema `lol`."""

from gamestats_assets.defs.lol.assets import ARRIVAL, ASSETS, DOMAIN, LANDING
from gamestats_assets.defs.lol.checks import CHECKS
from gamestats_assets.defs.lol.sensors import api_sensors
from gamestats_assets.lib.authoring.domain import build_domain
from gamestats_assets.sources.riot.client import API_KEY_ENV

domain = build_domain(DOMAIN, ASSETS, checks=CHECKS, discoveries=[LANDING], sensors=api_sensors,
                      retention=ARRIVAL.retention, live_key=API_KEY_ENV)
