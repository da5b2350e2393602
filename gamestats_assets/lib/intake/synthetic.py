"""Synthetic sources: what stands in for a game's real source when data may be generated, one resource per domain
(`<domain>_synthetic`), typed by what the domain asks of it (here, or beside a source's own types when they need
them: `sources/taxonomy/synthetic.py`).

The classes here generate nothing: a step that asks one for data fails, saying so. The code location chooses by
the settings (`GAMESTATS_SOURCE`) between them and the generator's subclasses (`generator/sources.py`), so the
domains never import a generator.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import dagster as dg


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
    """The synthetic source of a day-keyed domain: a day's files as the game delivers them."""

    def emit_day(self, landing_dir: Path, day: dt.date, seed: int, **arguments: Any) -> None:
        """Write the files of `day` into `landing_dir/<day>/`."""
        raise self.unavailable(f"the files of {day}")


class TournamentSource(SyntheticSource):
    """The synthetic source of a match-keyed domain played in tournaments: a season with the organiser's file,
    every lobby's match object and telemetry, as the game's API and an organiser deliver them."""

    def build_tournament(self, seed: int, first_day: dt.date, **shape: Any) -> Any:
        """A season starting on `first_day` (its plans, teams and the organiser's overrides)."""
        raise self.unavailable("a tournament season")

    def write_tournament(self, season: Any, landing: Path, seed: int) -> list[str]:
        """Write the season's files into the domain's `landing`; the match ids written."""
        raise self.unavailable("a tournament season's files")
