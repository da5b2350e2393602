"""demo_data: taxonomy-driven synthetic product-analytics events, from taxonomy to PostgreSQL schema
`demo_data`."""

from gamestats_assets.defs.demo_data.assets import ARRIVAL, ASSETS, DOMAIN, LANDING
from gamestats_assets.defs.demo_data.checks import CHECKS
from gamestats_assets.lib.authoring.domain import build_domain

domain = build_domain(DOMAIN, ASSETS, checks=CHECKS, discoveries=[LANDING], retention=ARRIVAL.retention)
