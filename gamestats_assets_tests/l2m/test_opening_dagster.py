"""An opening balance dropped into `landing/l2m/opening/` and read by Dagster on the first day: a bad row is
quarantined with its reason and the day refused; once fixed, the first day continues the balance (the cumulative
revenue's check passing), a rerun of it writes no row twice, and the farmer split adds up to the farms."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import polars as pl
import pytest

from gamestats_assets.definitions import build_definitions
from gamestats_assets.generator.emitters.l2m import emit_day
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets_tests.l2m import raw_events
from gamestats_assets_tests.l2m.test_opening import FIELDS, write_csv
from gamestats_assets_tests.runs import execute_assets

FIRST, SECOND = dt.date(2026, 5, 1), dt.date(2026, 5, 2)
TARGETS = [dg.AssetKey(["l2m", "cons", name])
           for name in ("l2m_lifetime_totals", "l2m_daily_kpis", "l2m_farmer_types", "l2m_farmers_performance")]


def lake(data_dir, name: str) -> pl.DataFrame:
    return pl.read_delta(str(data_dir / "lake" / "l2m" / "cons" / name))


def failures(result: dg.ExecuteInProcessResult) -> list[str]:
    return [e.event_specific_data.error.to_string() for e in result.all_events
            if e.event_type_value == "STEP_FAILURE"]


def checks_of(result: dg.ExecuteInProcessResult) -> dict[str, bool]:
    return {e.check_name: e.passed for e in result.get_asset_check_evaluations()}


@pytest.fixture(scope="module")
def adopted(migrated_pg_url, tmp_path_factory):
    """Two planted days adopted with a balance: a refused run with a bad row, then the two days and a rerun of the
    first, with the paying account of the balance and each run's result."""
    with pytest.MonkeyPatch.context() as patch:
        data_dir = tmp_path_factory.mktemp("opening") / "data"
        for name, value in {"GAMESTATS_DATA_DIR": str(data_dir), "GAMESTATS_PG_URL": migrated_pg_url,
                            "GAMESTATS_USERS": "300", "GAMESTATS_START_DATE": FIRST.isoformat(),
                            "GAMESTATS_SOURCE": "files"}.items():
            patch.setenv(name, value)
        settings = Settings.from_env()
        landing = settings.landing_dir("l2m")
        for day in (FIRST, SECOND):
            emit_day(landing, day, seed=5, n_users=300)
        payer = sorted(raw_events.payments_usd(landing / FIRST.isoformat()))[0]
        rows = [{"user_id": payer, "first_seen": "2026-01-10", "cumulative_revenue_usd": "100",
                 "first_charge_date": "2026-02-01", "last_charge_date": "2026-04-20"},
                {"user_id": "old-payer", "first_seen": "2025-12-01", "cumulative_revenue_usd": "50",
                 "first_charge_date": "2025-12-24", "vip_tier": "A", "country_code": "TH", "server_id": "1001"}]
        balance = landing / "opening" / "balance.csv"
        write_csv(balance, [*rows, {**rows[1], "user_id": "broken", "cumulative_revenue_usd": "-3"}], FIELDS)
        defs = build_definitions(settings)
        job, instance = defs.resolve_implicit_global_asset_job_def(), dg.DagsterInstance.ephemeral()
        selection = list(dg.AssetSelection.assets(*TARGETS).upstream().resolve(defs.resolve_asset_graph()))

        def run(day: dt.date) -> dg.ExecuteInProcessResult:
            return execute_assets(job, asset_selection=selection, instance=instance, partition_key=day.isoformat(),
                                  raise_on_error=False)

        refused = run(FIRST)
        write_csv(balance, rows, FIELDS)
        results = {"refused": refused, "first": run(FIRST), "second": run(SECOND), "rerun": run(FIRST)}
        yield data_dir, payer, results


def test_a_bad_row_is_quarantined_and_the_first_day_refused(adopted):
    data_dir, _, results = adopted
    assert not results["refused"].success
    assert "rows of the opening balance" in failures(results["refused"])[0]
    rejects = data_dir / "quarantine" / "l2m" / "opening" / "opening_balance.rejects.jsonl"
    assert not rejects.exists(), "the fixed balance's run replaced the rejects"


def test_the_first_day_continues_the_balance_and_a_rerun_writes_nothing_twice(adopted):
    data_dir, payer, results = adopted
    for name in ("first", "second", "rerun"):
        assert results[name].success, (name, failures(results[name]))
        assert checks_of(results[name])["equals_previous_plus_today"], name
        assert checks_of(results[name])["farmer_types_add_up_to_the_farms"], name
    cumulative = lake(data_dir, "l2m_cumulative_revenue")
    assert cumulative.select("date", "user_id").is_duplicated().sum() == 0
    recharge = lake(data_dir, "l2m_recharge").filter(pl.col("date") == FIRST)
    paid = recharge.filter(pl.col("user_id") == payer)["daily_rev_usd"].item()
    first = cumulative.filter(pl.col("date") == FIRST)
    row = first.filter(pl.col("user_id") == payer).to_dicts()[0]
    assert row["cumulative_revenue_usd"] == pytest.approx(100 + paid)
    assert row["first_charge_date"] == dt.date(2026, 2, 1) and row["last_charge_date"] == FIRST
    old = cumulative.filter(pl.col("user_id") == "old-payer").sort("date")
    assert old["cumulative_revenue_usd"].to_list() == [50.0, 50.0] and old["vip_tier"].to_list() == ["A", "A"]
    assert set(first["user_id"]) == {*recharge["user_id"], "old-payer"}
    kpis = lake(data_dir, "l2m_daily_kpis").filter(pl.col("date") == FIRST)
    assert kpis["npu"].sum() == kpis["pu"].sum() - 1, "the balance's payer is not new"
    totals = lake(data_dir, "l2m_lifetime_totals").sort("date")
    assert totals["opening_balance"].to_list() == [True, True] and totals["cumulative_since"].null_count() == 2
    assert totals["payers"].to_list() == [first.height, cumulative.filter(pl.col("date") == SECOND).height]
