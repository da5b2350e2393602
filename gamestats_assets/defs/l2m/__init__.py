"""l2m: the Lineage 2M KPI pipeline, ETL → STD → CONS, published to PostgreSQL schema `l2m`."""

from gamestats_assets.defs.l2m.assets import ASSETS, DOMAIN, LANDING
from gamestats_assets.defs.l2m.checks import CHECKS
from gamestats_assets.lib.authoring.domain import build_domain
from gamestats_assets.lib.intake.retention import WholeDays
from gamestats_assets.sources.l2m import TRUTH_FILE

domain = build_domain(DOMAIN, ASSETS, checks=CHECKS, discoveries=[LANDING], retention=WholeDays((TRUTH_FILE,)))
