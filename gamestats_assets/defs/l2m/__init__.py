"""l2m: the Lineage 2M KPI pipeline, ETL → STD → CONS, published to PostgreSQL schema `l2m`."""

from gamestats_assets.defs.l2m.assets import ARRIVAL, ASSETS, DOMAIN, LANDING
from gamestats_assets.defs.l2m.checks import CHECKS
from gamestats_assets.lib.authoring.domain import build_domain

domain = build_domain(DOMAIN, ASSETS, checks=CHECKS, discoveries=[LANDING], retention=ARRIVAL.retention)
