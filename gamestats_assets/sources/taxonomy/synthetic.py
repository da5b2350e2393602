"""The synthetic source of a domain of taxonomy-driven events (`TaxonomySource`), typed beside the taxonomy's own
types: the code location chooses between it, which generates nothing, and the generator's subclass
(`generator/sources.py`), as for every synthetic source (`lib/intake/synthetic.py`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from gamestats_assets.lib.intake.synthetic import SyntheticSource
from gamestats_assets.sources.taxonomy.population import PopulationConfig
from gamestats_assets.sources.taxonomy.rules import ProductInfo, RuleSet


class TaxonomySource(SyntheticSource):
    """The synthetic source of a domain of product-analytics events: a population's events, by the rules inferred
    from a taxonomy, as ThinkingData exports them."""

    def build_rules(self, taxonomy: Path, product: ProductInfo) -> RuleSet:
        """The rule set inferred from the taxonomy file at `taxonomy`."""
        raise self.unavailable(f"the rules of {taxonomy.name}")

    def build_users(self, rules: RuleSet, config: PopulationConfig) -> pl.DataFrame:
        """The population, one row per user."""
        raise self.unavailable("a population")

    def write_day(self, rules: RuleSet, users: pl.DataFrame, day: dt.date, seed: int, anchor: dt.date,
                  path: Path) -> None:
        """Write the events of `day` to the file `path`."""
        raise self.unavailable(f"the events of {day}")

    def code_digest(self) -> str:
        """A digest of the code the days are written by: a day written by other code is written again."""
        return ""
