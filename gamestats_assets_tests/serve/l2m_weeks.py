"""A fixture of the KPI board's tests: `L2M_WEEK_DAYS` days of Lineage 2M as a real run publishes them, long enough
for a week against a partial week before it and D1, D3 and D7 cohorts that return."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import pytest

from gamestats_assets.definitions import build_definitions
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.postgres import apply_migrations
from gamestats_assets_tests.runs import execute_assets
from gamestats_assets_tests.serve.conftest import DAY, copied_per_module, domain_keys

L2M_WEEK_DAYS = 10
"""Days published from `DAY`: a full week, three days of the week before it, and a D7 cohort."""
LAST_DAY = DAY + dt.timedelta(days=L2M_WEEK_DAYS - 1)


def publish_l2m_weeks(data_dir: Path, pg_url: str) -> None:
    """`L2M_WEEK_DAYS` days of L2M from `DAY` (150 synthetic users) and its snapshots, run by Dagster into
    `data_dir` and published into `pg_url`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GAMESTATS_DATA_DIR", str(data_dir))
        patch.setenv("GAMESTATS_PG_URL", pg_url)
        patch.setenv("GAMESTATS_USERS", "150")
        patch.setenv("GAMESTATS_START_DATE", DAY.isoformat())
        apply_migrations(pg_url)
        defs = build_definitions(Settings.from_env())
        job = defs.resolve_implicit_global_asset_job_def()
        instance = dg.DagsterInstance.ephemeral()
        for day in (DAY + dt.timedelta(days=n) for n in range(L2M_WEEK_DAYS)):
            assert execute_assets(job, asset_selection=domain_keys(defs, "l2m", True), instance=instance,
                                  partition_key=day.isoformat()).success
        assert execute_assets(job, asset_selection=domain_keys(defs, "l2m", False), instance=instance).success


l2m_weeks = copied_per_module("l2m_weeks", publish_l2m_weeks)
"""`L2M_WEEK_DAYS` days of L2M as a real run published them, a copy per module."""
