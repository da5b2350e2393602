"""A fixture of the KPI board's tests: `L2M_WEEK_DAYS` days of Lineage 2M as a real run publishes them, long enough
for a week against a partial week before it and D1, D3 and D7 cohorts that return."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gamestats_assets_tests.serve.conftest import DAY, copied_per_module, publish_days

L2M_WEEK_DAYS = 10
"""Days published from `DAY`: a full week, three days of the week before it, and a D7 cohort."""
LAST_DAY = DAY + dt.timedelta(days=L2M_WEEK_DAYS - 1)


def publish_l2m_weeks(data_dir: Path, pg_url: str) -> None:
    """`L2M_WEEK_DAYS` days of L2M from `DAY` (150 synthetic users) and its snapshots (`publish_days`)."""
    publish_days(data_dir, pg_url, {"l2m": L2M_WEEK_DAYS}, users=150)


l2m_weeks = copied_per_module("l2m_weeks", publish_l2m_weeks)
"""`L2M_WEEK_DAYS` days of L2M as a real run published them, built once for the run and copied for each module."""
