"""Synthetic sources: what stands in for a game's real source when data may be generated, one resource per domain
(`<domain>_synthetic`), typed by what the domain asks of it.

The classes here generate nothing: a step that asks one for data fails, saying so. The code location chooses by
the settings (`GAMESTATS_SOURCE`) between them and the generator's subclasses (`generator/sources.py`), so the
domains never import a generator.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dagster as dg
import polars as pl

if TYPE_CHECKING:
    from gamestats_assets.sources.taxonomy.population import PopulationConfig
    from gamestats_assets.sources.taxonomy.rules import ProductInfo, RuleSet


def resource_key(domain: str) -> str:
    """The resource key of `domain`'s synthetic source."""
    return f"{domain}_synthetic"


class SyntheticSource(dg.ConfigurableResource):
    """A domain's synthetic source. This one has none: it is the source of a deployment whose data is real."""

    def unavailable(self, what: str) -> dg.Failure:
        """The failure of a step that asked this source for `what`."""
        return dg.Failure(description=f"Generating data ({what}) needs a synthetic source: `gamestats demo` or "
                          "`GAMESTATS_SOURCE=synthetic` choose the generator's; this deployment reads real files "
                          "only.")


class DaySource(SyntheticSource):
    """The synthetic source of a day-keyed domain (`l2m`, `lol`, `rocket`): a day's files as the game delivers
    them."""

    def emit_day(self, landing_dir: Path, day: dt.date, seed: int, **arguments: Any) -> None:
        """Write the files of `day` into `landing_dir/<day>/`."""
        raise self.unavailable(f"the files of {day}")


class TaxonomySource(SyntheticSource):
    """The synthetic source of `demo_data`: product-analytics events of a population, by the rules inferred from
    a taxonomy, as ThinkingData exports them."""

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


class TournamentSource(SyntheticSource):
    """The synthetic source of `pubg`: a tournament season with the organiser's file, every lobby's match object
    and telemetry, as the PUBG API and an organiser deliver them."""

    def build_tournament(self, seed: int, first_day: dt.date, **shape: Any) -> Any:
        """A season starting on `first_day` (its plans, teams and the organiser's overrides)."""
        raise self.unavailable("a tournament season")

    def write_tournament(self, season: Any, landing: Path, seed: int) -> list[str]:
        """Write the season's files into the domain's `landing`; the match ids written."""
        raise self.unavailable("a tournament season's files")
