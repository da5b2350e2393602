"""The l2m plausibility check flags a halved DAU and lets a normal day pass."""

import datetime as dt

import dagster as dg
import polars as pl

from gamestats_assets.defs.l2m.checks import dau_not_halved

DAY = dt.date(2026, 3, 10)


def trailing_week(users_per_day: int) -> pl.DataFrame:
    return pl.DataFrame({
        "date": [DAY - dt.timedelta(days=d) for d in range(1, 8) for _ in range(users_per_day)],
        "user_id": [f"u{i}" for _ in range(1, 8) for i in range(users_per_day)],
    })


def kpis(dau: int) -> pl.DataFrame:
    return pl.DataFrame({"date": [DAY, DAY], "dau": [dau // 2, dau - dau // 2]})


def test_a_halved_dau_is_flagged_as_a_warning():
    result = dau_not_halved(kpis(40), trailing_week(100))
    assert not result.passed and result.severity == dg.AssetCheckSeverity.WARN
    assert result.metadata["days_flagged"].value == DAY.isoformat()
    assert result.metadata[f"trailing_median_{DAY}"].value == 100.0


def test_a_normal_day_and_a_day_without_history_pass():
    assert dau_not_halved(kpis(90), trailing_week(100)).passed
    assert dau_not_halved(kpis(1), trailing_week(0)).passed
