"""The l2m domain run by Dagster for real: a 7-day single-run backfill, a rerun, and KPIs recomputed from
the raw landing lines compared with what PostgreSQL holds."""

import csv
import datetime as dt
import json
from collections import defaultdict

import dagster as dg
import pytest

from gamestats_assets.definitions import build_definitions
from gamestats_assets.defs.l2m import domain
from gamestats_assets.defs.l2m.transforms.reference import REFERENCE_DIR
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets_tests.runs import execute_assets

DAYS = [dt.date(2026, 2, 1) + dt.timedelta(days=i) for i in range(7)]
ECONOMY_FILES = ("login", "logout", "recharge", "item_gain", "item_spend", "money_gain", "money_spend")


def l2m_keys(defs, partitioned: bool):
    graph = defs.resolve_asset_graph()
    return [k for k in graph.materializable_asset_keys
            if k.path[0] == "l2m" and (graph.get(k).partitions_def is not None) == partitioned]


def run(defs, keys, **kwargs):
    result = execute_assets(defs.resolve_implicit_global_asset_job_def(),
        asset_selection=keys, instance=dg.DagsterInstance.ephemeral(), **kwargs)
    assert result.success
    return result


def raw_kpis(landing):
    """DAU, payers and USD revenue per day, straight from the landing lines: a user is active with any line
    of the seven activity logs, whatever its item or money type."""
    rates = {row["currency"]: float(row["usd_per_unit"]) for row in csv.DictReader((REFERENCE_DIR / "currency_rates.csv").open())}
    active, payers, revenue = defaultdict(set), defaultdict(set), defaultdict(float)
    for day in DAYS:
        for name in ECONOMY_FILES:
            for line in (landing / day.isoformat() / f"{name}.jsonl").read_text().splitlines():
                record = json.loads(line)
                properties = record["properties"]
                active[day].add(record["#account_id"])
                if name == "recharge":
                    payers[day].add(record["#account_id"])
                    revenue[day] += properties["amount"] * rates[properties["currency"]]
    return active, payers, revenue


def published(pg_url, query):
    with connect(pg_url) as conn:
        return conn.execute(query).fetchall()


KPI_QUERY = "SELECT date, sum(dau), sum(pu), sum(revenue_usd) FROM l2m.l2m_daily_kpis GROUP BY date ORDER BY date"
TABLE_TOTALS = """SELECT 'active', count(*), sum(level)::float FROM l2m.l2m_active
UNION ALL SELECT 'recharge', count(*), sum(daily_rev_usd) FROM l2m.l2m_recharge
UNION ALL SELECT 'cumulative', count(*), sum(cumulative_revenue_usd) FROM l2m.l2m_cumulative_revenue
UNION ALL SELECT 'item_gain', count(*), 0 FROM l2m.l2m_item_gain
UNION ALL SELECT 'retention', count(*), sum(cohort_size)::float FROM l2m.l2m_retention
UNION ALL SELECT 'guilds', count(*), 0 FROM l2m.l2m_guild_info
UNION ALL SELECT 'farmers', count(*), 0 FROM l2m.l2m_farmers_snapshot ORDER BY 1"""


@pytest.fixture(scope="module")
def backfilled(pg_url, tmp_path_factory):
    """Seven days of l2m backfilled in one run, then the snapshots; the data folder and definitions."""
    with pytest.MonkeyPatch.context() as patch:
        data_dir = tmp_path_factory.mktemp("l2m") / "data"
        patch.setenv("GAMESTATS_DATA_DIR", str(data_dir))
        patch.setenv("GAMESTATS_PG_URL", pg_url)
        patch.setenv("GAMESTATS_USERS", "300")
        patch.setenv("GAMESTATS_START_DATE", DAYS[0].isoformat())
        defs = build_definitions(Settings.from_env())
        result = run(defs, l2m_keys(defs, partitioned=True), tags={
            "dagster/asset_partition_range_start": DAYS[0].isoformat(),
            "dagster/asset_partition_range_end": DAYS[-1].isoformat()})
        run(defs, l2m_keys(defs, partitioned=False))
        yield data_dir, defs, result, patch


def test_a_seven_day_single_run_backfill_publishes_every_table(backfilled, pg_url):
    _, _, result, _ = backfilled
    failed = [e.asset_check_evaluation_data.asset_check_key for e in result.all_events
              if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.asset_check_evaluation_data.passed
              and e.asset_check_evaluation_data.severity == dg.AssetCheckSeverity.ERROR]
    assert failed == []
    days = published(pg_url, "SELECT DISTINCT date FROM l2m.l2m_active ORDER BY 1")
    assert [d for (d,) in days] == DAYS
    for spec in domain.publish_specs:
        assert published(pg_url, f"SELECT count(*) FROM {spec.table}")[0][0] > 0, spec.table


def test_kpis_match_an_independent_count_of_the_landing_lines(backfilled, pg_url):
    data_dir, *_ = backfilled
    active, payers, revenue = raw_kpis(data_dir / "landing" / "l2m")
    rows = published(pg_url, KPI_QUERY)
    assert [(d, dau, pu) for d, dau, pu, _ in rows] == [(d, len(active[d]), len(payers[d])) for d in DAYS]
    for (day, _, _, usd) in rows:
        assert usd == pytest.approx(revenue[day], rel=1e-9)
    new_payers = published(pg_url, "SELECT sum(npu) FROM l2m.l2m_daily_kpis")[0][0]
    first_charges = published(pg_url, "SELECT count(*) FROM l2m.l2m_cumulative_revenue "
                                      f"WHERE date = '{DAYS[-1]}' AND first_charge_date >= '{DAYS[0]}'")[0][0]
    assert new_payers == first_charges


def test_rerunning_a_day_changes_nothing(backfilled, pg_url):
    _, defs, _, _ = backfilled
    before = published(pg_url, TABLE_TOTALS)
    run(defs, l2m_keys(defs, partitioned=True), partition_key=DAYS[3].isoformat())
    after = published(pg_url, TABLE_TOTALS)
    assert [(n, c) for n, c, _ in after] == [(n, c) for n, c, _ in before]
    for (_, _, x), (_, _, y) in zip(after, before, strict=True):
        assert x == pytest.approx(y)


def test_a_day_whose_previous_day_was_never_built_is_refused(backfilled):
    _, defs, _, _ = backfilled
    late = (DAYS[-1] + dt.timedelta(days=5)).isoformat()
    result = execute_assets(defs.resolve_implicit_global_asset_job_def(),
        asset_selection=l2m_keys(defs, partitioned=True), partition_key=late,
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    refused = {e.step_key for e in result.all_events if e.is_step_failure
               and "never materialized: backfill from 2026-02-01" in e.step_failure_data.error.message}
    assert refused == {"l2m__std__user_profile"}


def test_the_daily_schedule_runs_yesterday():
    from gamestats_assets.definitions import defs

    schedule = defs.resolve_schedule_def("l2m_daily_schedule")
    assert schedule.cron_schedule == "0 6 * * *"
    context = dg.build_schedule_context(scheduled_execution_time=dt.datetime(2026, 11, 21, 6, 0),
                                        repository_def=defs.get_repository_def())
    [request] = list(schedule.evaluate_tick(context).run_requests)
    assert request.partition_key == "2026-11-20"
    snapshots = defs.resolve_schedule_def("l2m_snapshots_schedule")
    assert snapshots.cron_schedule == "30 6 * * *"
    selected = defs.resolve_job_def("l2m_snapshots").asset_layer.selected_asset_keys
    assert dg.AssetKey(["l2m", "postgres", "l2m_guild_info"]) in selected
    assert dg.AssetKey(["l2m", "cons", "l2m_farmers_snapshot"]) in selected


def test_a_file_no_log_type_claims_is_quarantined_with_its_reason(backfilled):
    data_dir, defs, _, _ = backfilled
    day = DAYS[2].isoformat()
    (data_dir / "landing" / "l2m" / day / "events.jsonl").write_text('{"#type": "track"}\n')
    run(defs, [dg.AssetKey(["l2m", "landing", "logs"])], partition_key=day)
    reason = json.loads((data_dir / "quarantine" / "l2m" / day / "events.jsonl.reason.json").read_text())
    assert reason["reason"].startswith("no l2m source reads this file")
    assert not (data_dir / "landing" / "l2m" / day / "events.jsonl").exists()
