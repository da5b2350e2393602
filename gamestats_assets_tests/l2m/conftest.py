"""Small generated L2M days, their landing files and every table computed from them (once per run)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from gamestats_assets.defs.l2m.tables import run_in_memory
from gamestats_assets.generator.emitters import l2m
from gamestats_assets_tests.conftest import computed_once

SEED = 11
N_USERS = 2_000
FIRST_DAY = dt.date(2024, 3, 1)
DAYS = [FIRST_DAY + dt.timedelta(days=i) for i in range(8)]


@dataclass
class GeneratedDays:
    landing: Path
    tables: dict[dt.date, dict[str, pl.DataFrame]]
    rejects: dict[dt.date, dict[str, list]]
    snapshots: dict[str, pl.DataFrame]

    def day_dir(self, day: dt.date) -> Path:
        return self.landing / day.isoformat()


def generate(folder: Path) -> GeneratedDays:
    """The days emitted into `folder` and every table computed from them."""
    landing = folder / "l2m"
    for day in DAYS:
        l2m.emit_day(landing, day, seed=SEED, n_users=N_USERS)
    computed = run_in_memory(landing, DAYS)
    return GeneratedDays(landing, computed.days, computed.rejects, computed.snapshots)


@pytest.fixture(scope="session")
def generated(request: pytest.FixtureRequest) -> GeneratedDays:
    """The days and their tables, generated once for the run (`computed_once`) and read by every worker."""
    return computed_once(request.config, "l2m_generated", generate)
