"""KPIs recomputed independently from the raw landing lines (plain json) and compared with the functions."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from pathlib import Path

import polars as pl
import pytest

from gamestats_assets.defs.l2m.transforms import kpis, vip
from gamestats_assets.defs.l2m.transforms.reference import REFERENCE_DIR
from gamestats_assets_tests.l2m.conftest import DAYS

ACTIVITY_FILES = ("login", "logout", "recharge", "item_gain", "item_spend", "money_gain", "money_spend")


def _records(day_dir: Path, stem: str):
    with (day_dir / f"{stem}.jsonl").open() as handle:
        for line in handle:
            yield json.loads(line)


def _active_users(day_dir: Path) -> set[str]:
    return {r["#account_id"] for stem in ACTIVITY_FILES for r in _records(day_dir, stem)
            if r["properties"].get("money_type", "diamond") == "diamond"}


def _payments_usd(day_dir: Path) -> dict[str, float]:
    with (REFERENCE_DIR / "currency_rates.csv").open() as handle:
        rates = {row["currency"]: float(row["usd_per_unit"]) for row in csv.DictReader(handle)}
    revenue: dict[str, float] = {}
    for r in _records(day_dir, "recharge"):
        p = r["properties"]
        revenue[r["#account_id"]] = revenue.get(r["#account_id"], 0.0) + p["amount"] * rates[p["currency"]]
    return revenue


def _new_users(day_dir: Path, day: dt.date) -> set[str]:
    return {r["#account_id"] for r in _records(day_dir, "user_profile")
            if r["properties"]["register_date"] == day.isoformat()}


@pytest.mark.parametrize("day", [DAYS[0], DAYS[4]])
def test_dau_revenue_and_nru_match_the_raw_lines(generated, day):
    day_dir = generated.day_dir(day)
    kpi = generated.tables[day]["l2m_daily_kpis"]
    revenue = _payments_usd(day_dir)
    assert kpi["dau"].sum() == len(_active_users(day_dir))
    assert kpi["revenue_usd"].sum() == pytest.approx(sum(revenue.values()), rel=1e-12)
    assert kpi["pu"].sum() == len(revenue)
    assert kpi["nru"].sum() == len(_new_users(day_dir, day))


def test_npu_and_nnpu_match_first_payments_in_the_raw_lines(generated):
    paid_before: set[str] = set()
    for day in DAYS:
        day_dir = generated.day_dir(day)
        payers = set(_payments_usd(day_dir))
        first_time = payers - paid_before
        kpi = generated.tables[day]["l2m_daily_kpis"]
        assert kpi["npu"].sum() == len(first_time), day
        assert kpi["nnpu"].sum() == len(first_time & _new_users(day_dir, day)), day
        paid_before |= payers
    assert kpi["npu"].sum() < kpi["pu"].sum()


def test_arpu_and_arppu_follow_their_definitions(generated):
    kpi = generated.tables[DAYS[3]]["l2m_daily_kpis"]
    assert (kpi["arpu_usd"] - kpi["revenue_usd"] / kpi["dau"]).abs().max() < 1e-12
    paying = kpi.filter(pl.col("pu") > 0)
    assert (paying["arppu_usd"] - paying["revenue_usd"] / paying["pu"]).abs().max() < 1e-12
    assert kpi.filter(pl.col("pu") == 0)["arppu_usd"].null_count() == kpi.filter(pl.col("pu") == 0).height
    assert kpi.select("date", "country_code", "server_id").is_duplicated().sum() == 0


def _wilson(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    p = successes / n
    centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


@pytest.mark.parametrize("day_n", [1, 3, 7])
def test_retention_matches_the_raw_lines_with_its_wilson_interval(generated, day_n):
    cohort_day, measured = DAYS[0], DAYS[0] + dt.timedelta(days=day_n)
    cohort = _new_users(generated.day_dir(cohort_day), cohort_day)
    retained = cohort & _active_users(generated.day_dir(measured))
    row = generated.tables[measured]["l2m_retention"].filter(pl.col("day_n") == day_n).row(0, named=True)
    assert (row["cohort_date"], row["cohort_size"], row["retained_users"]) == (cohort_day, len(cohort), len(retained))
    assert row["retention_rate"] == pytest.approx(len(retained) / len(cohort))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(_wilson(len(retained), len(cohort)))
    assert row["ci_low"] < row["retention_rate"] < row["ci_high"]


def test_retention_leaves_out_cohorts_it_was_not_given(generated):
    first = generated.tables[DAYS[0]]["l2m_retention"]
    assert first.is_empty()
    assert generated.tables[DAYS[1]]["l2m_retention"]["day_n"].to_list() == [1]


def test_d30_retention_is_measured_when_the_cohort_day_is_given(generated):
    cohort = generated.tables[DAYS[0]]["l2m_active"]
    later = DAYS[0] + dt.timedelta(days=30)
    today = cohort.with_columns(date=pl.lit(later), is_new_user=pl.lit(False)).head(cohort.height // 2)
    row = kpis.l2m_retention(pl.concat([cohort, today]), later).row(0, named=True)
    n_new = cohort["is_new_user"].sum()
    assert row["day_n"] == 30 and row["cohort_size"] == n_new
    assert row["retained_users"] == cohort.head(cohort.height // 2)["is_new_user"].sum()


@pytest.mark.parametrize(("revenue", "tier"), [
    (0.0, "Free"), (None, "Free"), (0.01, "A"), (259.99, "A"), (260.0, "B"), (1_299.99, "B"), (1_300.0, "C"),
    (2_600.0, "D"), (6_500.0, "E"), (13_000.0, "F"), (25_999.99, "F"), (26_000.0, "G"), (1e7, "G"),
])
def test_vip_tier_thresholds(revenue, tier):
    frame = pl.DataFrame({"cumulative_revenue_usd": [revenue]}, schema={"cumulative_revenue_usd": pl.Float64})
    assert frame.select(vip.vip_tier(pl.col("cumulative_revenue_usd"))).item() == tier
