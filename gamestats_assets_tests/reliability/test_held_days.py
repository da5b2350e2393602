"""An L2M run over several delivered days, one of which breaks a blocking check, publishes the other days and
holds that one back with the reason, its published rows as they were, until a good run publishes it."""

import datetime as dt
import json

import dagster as dg
import pytest

from gamestats_assets.definitions import build_definitions
from gamestats_assets.generator.emitters.l2m import emit_day
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.held import held_rows, held_tag
from gamestats_assets.lib.publish.postgres import PostgresResource
from gamestats_assets.sources.l2m import TRUTH_FILE
from gamestats_assets_tests.runs import execute_assets

pytestmark = pytest.mark.long

DAYS = [dt.date(2026, 5, 1) + dt.timedelta(days=n) for n in range(3)]
REVENUE = "SELECT date::text, count(*), sum(daily_rev_usd) FROM l2m.l2m_recharge GROUP BY 1 ORDER BY 1"
KPIS = "SELECT date::text, sum(revenue_usd) FROM l2m.l2m_daily_kpis GROUP BY 1 ORDER BY 1"
SHARE_CHECK = "l2m/etl/recharge:few_records_rejected"


def run(defs, instance, first: dt.date, last: dt.date):
    graph = defs.resolve_asset_graph()
    daily = [k for k in graph.materializable_asset_keys
             if k.path[0] == "l2m" and isinstance(graph.get(k).partitions_def, dg.TimeWindowPartitionsDefinition)]
    return execute_assets(defs.resolve_implicit_global_asset_job_def(),
        asset_selection=daily, instance=instance, raise_on_error=False,
        tags={"dagster/asset_partition_range_start": first.isoformat(),
              "dagster/asset_partition_range_end": last.isoformat()})


@pytest.fixture
def delivered(tmp_path, migrated_pg_url, monkeypatch):
    """Three real-looking days delivered into landing (the emitter's files without their truth files), published
    into a database of the module's own, so that no other test's days are in its tables."""
    pg_url = migrated_pg_url
    data_dir = tmp_path / "data"
    for name, value in {"GAMESTATS_DATA_DIR": str(data_dir), "GAMESTATS_PG_URL": pg_url, "GAMESTATS_USERS": "300",
                        "GAMESTATS_START_DATE": DAYS[0].isoformat(), "GAMESTATS_SOURCE": "files"}.items():
        monkeypatch.setenv(name, value)
    landing = data_dir / "landing" / "l2m"
    for seed, day in enumerate(DAYS, start=11):
        emit_day(landing, day, seed=seed, n_users=300)
        (landing / day.isoformat() / TRUTH_FILE).unlink()
    postgres = PostgresResource(url=pg_url)
    with postgres.connection() as conn:
        conn.execute("DELETE FROM public.held_partitions WHERE domain = 'l2m'")
    return build_definitions(Settings.from_env()), landing, postgres


def check_statuses(instance, check: str) -> dict[str, str]:
    """The UI's status of `check` (`<asset>:<name>`) on each day: its latest execution per partition."""
    asset, name = check.split(":")
    key = dg.AssetCheckKey(dg.AssetKey.from_user_string(asset), name)
    infos = instance.event_log_storage.get_asset_check_partition_info([key], partition_keys=[d.isoformat() for d in DAYS])
    return {info.partition_key: info.latest_execution_status.value for info in infos}


def query(postgres, sql):
    with postgres.connection() as conn:
        return conn.execute(sql).fetchall()


def test_a_bad_day_of_a_backfill_is_held_with_its_reason_and_the_other_days_publish(delivered):
    defs, landing, postgres = delivered
    instance = dg.DagsterInstance.ephemeral()
    assert run(defs, instance, DAYS[0], DAYS[-1]).success
    before = {day: row for day, *row in query(postgres, REVENUE)}
    kpis_before = dict(query(postgres, KPIS))
    assert list(before) == [day.isoformat() for day in DAYS]
    for check in (SHARE_CHECK, "l2m/cons/l2m_daily_kpis:dau_equals_std_active_users"):
        assert check_statuses(instance, check) == dict.fromkeys((d.isoformat() for d in DAYS), "SUCCEEDED")

    bad, later = (landing / day.isoformat() for day in DAYS[1:])
    first = json.loads((bad / "recharge.jsonl").read_text().splitlines()[0])
    changed = {**first, "properties": {**first["properties"], "amount": first["properties"]["amount"] * 100}}
    (bad / "recharge_fix.jsonl").write_text(json.dumps(changed) + "\n")
    extra = json.loads((later / "recharge.jsonl").read_text().splitlines()[0])
    with (later / "recharge.jsonl").open("a") as handle:
        handle.write(json.dumps({**extra, "#uuid": "late-payment-1"}) + "\n")

    result = run(defs, instance, DAYS[0], DAYS[-1])

    assert result.success
    after = {day: row for day, *row in query(postgres, REVENUE)}
    assert after[DAYS[1].isoformat()] == before[DAYS[1].isoformat()]
    assert dict(query(postgres, KPIS))[DAYS[1].isoformat()] == kpis_before[DAYS[1].isoformat()]
    assert after[DAYS[2].isoformat()][1] > before[DAYS[2].isoformat()][1]
    assert after[DAYS[0].isoformat()] == before[DAYS[0].isoformat()]
    assert instance.get_run_by_id(result.run_id).tags[held_tag("l2m")] == "1"
    assert check_statuses(instance, SHARE_CHECK) == {DAYS[0].isoformat(): "SUCCEEDED", DAYS[1].isoformat(): "FAILED",
                                                     DAYS[2].isoformat(): "SUCCEEDED"}
    with postgres.connection() as conn:
        held = held_rows(conn, "l2m")
    assert {(key, check) for _, key, check, _, _ in held} == {(DAYS[1].isoformat(), SHARE_CHECK)}
    assert {table for table, *_ in held} >= {"l2m.l2m_recharge", "l2m.l2m_active", "l2m.l2m_daily_kpis"}
    assert all("lines rejected" in reason and run_id == result.run_id for *_, reason, run_id in held)

    (bad / "recharge_fix.jsonl").unlink()
    assert run(defs, instance, DAYS[1], DAYS[1]).success
    assert dict(query(postgres, KPIS))[DAYS[1].isoformat()] == kpis_before[DAYS[1].isoformat()]
    with postgres.connection() as conn:
        assert held_rows(conn, "l2m") == []
