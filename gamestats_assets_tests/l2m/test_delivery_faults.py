"""Delivered L2M files gone wrong, run through Dagster into a real PostgreSQL: nothing counted twice, no real
day wiped or replaced by synthetic data, one bad line costs that line only, and every table of a day agrees."""

import datetime as dt
import gzip
import json
import shutil

import dagster as dg
import pytest

from gamestats_assets.definitions import build_definitions
from gamestats_assets.generator.emitters.l2m import emit_day
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets.sources.l2m import TRUTH_FILE
from gamestats_assets_tests.runs import execute_assets

DAY = dt.date(2026, 4, 1)
REVENUE = "SELECT count(*), sum(payments), sum(daily_rev_usd) FROM l2m.l2m_recharge WHERE date = %s"
ACTIVE = "SELECT count(*), (SELECT sum(dau) FROM l2m.l2m_daily_kpis WHERE date = %s) FROM l2m.l2m_active WHERE date = %s"


def daily_keys(defs):
    graph = defs.resolve_asset_graph()
    return [k for k in graph.materializable_asset_keys
            if k.path[0] == "l2m" and isinstance(graph.get(k).partitions_def, dg.TimeWindowPartitionsDefinition)]


def run(defs, day, **kwargs):
    return execute_assets(defs.resolve_implicit_global_asset_job_def(),
        asset_selection=daily_keys(defs), partition_key=day.isoformat(), instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False, **kwargs)


def query(url, sql, *params):
    with connect(url) as conn:
        return conn.execute(sql, params).fetchone()


@pytest.fixture(scope="module")
def delivered(migrated_pg_url, tmp_path_factory):
    """A real-looking day delivered into landing (the emitter's files without its truth file), published once."""
    with pytest.MonkeyPatch.context() as patch:
        data_dir = tmp_path_factory.mktemp("faults") / "data"
        for name, value in {"GAMESTATS_DATA_DIR": str(data_dir), "GAMESTATS_PG_URL": migrated_pg_url, "GAMESTATS_USERS": "400",
                            "GAMESTATS_START_DATE": DAY.isoformat(), "GAMESTATS_SOURCE": "files"}.items():
            patch.setenv(name, value)
        landing = data_dir / "landing" / "l2m"
        emit_day(landing, DAY, seed=5, n_users=400)
        (landing / DAY.isoformat() / TRUTH_FILE).unlink()
        defs = build_definitions(Settings.from_env())
        assert run(defs, DAY).success
        yield defs, landing / DAY.isoformat(), data_dir, query(migrated_pg_url, REVENUE, DAY)


def test_a_redelivered_file_and_a_gzip_copy_count_once(delivered, migrated_pg_url):
    defs, folder, _, baseline = delivered
    shutil.copy(folder / "recharge.jsonl", folder / "recharge_redelivered.jsonl")
    (folder / "logout_2.jsonl").write_bytes(gzip.compress((folder / "logout.jsonl").read_bytes()))
    result = run(defs, DAY)
    assert result.success
    assert query(migrated_pg_url, REVENUE, DAY) == baseline
    recharge = result.asset_materializations_for_node("l2m__etl__recharge")[0].metadata
    assert recharge["duplicates"].value == recharge["lines"].value / 2
    (folder / "recharge_redelivered.jsonl").unlink()
    (folder / "logout_2.jsonl").unlink()


def test_two_records_under_one_key_are_quarantined_never_summed_and_block_a_small_day(delivered, migrated_pg_url):
    defs, folder, data_dir, baseline = delivered
    first = json.loads((folder / "recharge.jsonl").read_text().splitlines()[0])
    changed = {**first, "properties": {**first["properties"], "amount": first["properties"]["amount"] * 100}}
    (folder / "recharge_fix.jsonl").write_text(json.dumps(changed) + "\n")
    result = run(defs, DAY)
    rejects = [json.loads(line) for line in
               (data_dir / "quarantine" / "l2m" / DAY.isoformat() / "recharge.rejects.jsonl").read_text().splitlines()]
    assert {r["source"] for r in rejects} == {"recharge.jsonl", "recharge_fix.jsonl"}
    assert all("different records share one #uuid" in r["reason"] for r in rejects)
    [share] = [e.asset_check_evaluation_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"
               and e.asset_check_evaluation_data.asset_check_key.name == "few_records_rejected"
               and e.asset_check_evaluation_data.asset_check_key.asset_key.path[-1] == "recharge"]
    assert not share.passed and share.metadata["conflicting_lines"].value == 2
    assert query(migrated_pg_url, REVENUE, DAY) == baseline
    (folder / "recharge_fix.jsonl").unlink()


def test_values_postgres_cannot_store_are_rejected_and_the_day_stays_consistent(delivered, migrated_pg_url):
    defs, folder, data_dir, _ = delivered
    template = json.loads((folder / "login.jsonl").read_text().splitlines()[0])
    hostile = [{**template, "#uuid": f"bad-{n}", "#account_id": account}
               for n, account in enumerate(["nul\u0000byte", "", "x" * 5_000_000])]
    with (folder / "login.jsonl").open("a") as handle:
        handle.writelines(json.dumps(record) + "\n" for record in hostile)
    result = run(defs, DAY)
    assert result.success
    rows, dau = query(migrated_pg_url, ACTIVE, DAY, DAY)
    assert rows == dau
    reasons = [json.loads(line)["reason"] for line in
               (data_dir / "quarantine" / "l2m" / DAY.isoformat() / "login.rejects.jsonl").read_text().splitlines()]
    assert any("NUL" in r for r in reasons) and "missing #account_id" in reasons
    assert any("longer than" in r for r in reasons), reasons


def test_a_bom_and_a_gzip_day_are_read_and_a_binary_file_is_quarantined_whole(delivered, migrated_pg_url):
    defs, folder, data_dir, _ = delivered
    day = DAY + dt.timedelta(days=1)
    other = folder.parent / day.isoformat()
    emit_day(folder.parent, day, seed=6, n_users=400)
    (other / TRUTH_FILE).unlink()
    (other / "login.jsonl").write_bytes(b"\xef\xbb\xbf" + (other / "login.jsonl").read_bytes())
    for path in sorted(other.glob("*.jsonl")):
        if path.name != "login.jsonl":
            path.with_name(path.name + ".gz").write_bytes(gzip.compress(path.read_bytes()))
            path.unlink()
    (other / "item_gain_extra.jsonl").write_bytes(bytes(range(256)) * 100)
    result = run(defs, day)
    assert result.success
    login = result.asset_materializations_for_node("l2m__etl__login")[0].metadata
    assert login["rejected"].value == 0
    assert (data_dir / "quarantine" / "l2m" / day.isoformat() / "item_gain_extra.jsonl.reason.json").exists()
    assert query(migrated_pg_url, REVENUE, day)[0] > 0


def test_a_delivered_day_whose_files_disappear_fails_and_is_never_generated(delivered, monkeypatch):
    defs, folder, _, _ = delivered
    monkeypatch.setenv("GAMESTATS_SOURCE", "synthetic")
    day = DAY + dt.timedelta(days=2)
    emit_day(folder.parent, day, seed=7, n_users=400)
    gone = folder.parent / day.isoformat()
    (gone / TRUTH_FILE).unlink()
    synthetic_defs = build_definitions(Settings.from_env())
    assert run(synthetic_defs, day).success
    for path in gone.iterdir():
        path.unlink()
    result = run(synthetic_defs, day)
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert failure.step_key == "l2m__landing__logs"
    assert "never replaced by synthetic data" in failure.step_failure_data.error.message
    assert list(gone.iterdir()) == []


def test_a_day_blocked_by_rejects_stays_out_of_the_snapshots(delivered, migrated_pg_url):
    defs, folder, _, _ = delivered
    day = DAY + dt.timedelta(days=3)
    emit_day(folder.parent, day, seed=8, n_users=400)
    blocked = folder.parent / day.isoformat()
    (blocked / TRUTH_FILE).unlink()
    change = json.loads((blocked / "clan_change.jsonl").read_text().splitlines()[0])
    (blocked / "clan_change.jsonl").write_text(json.dumps({**change, "#account_id": "only-on-the-blocked-day",
                                                           "#uuid": "blocked-1"}) + "\n")
    with (blocked / "recharge.jsonl").open("a") as handle:
        handle.writelines('{"#type": "track", "#event_name": "recharge"}\n' for _ in range(10))
    assert not run(defs, day).success
    graph = defs.resolve_asset_graph()
    snapshots = [k for k in graph.materializable_asset_keys if k.path[0] == "l2m" and graph.get(k).partitions_def is None]
    assert execute_assets(defs.resolve_implicit_global_asset_job_def(),
        asset_selection=snapshots, instance=dg.DagsterInstance.ephemeral()).success
    members = query(migrated_pg_url, "SELECT count(*) FROM l2m.l2m_guild_info WHERE user_id = %s", "only-on-the-blocked-day")
    assert members == (0,)
    assert query(migrated_pg_url, "SELECT count(*) FROM l2m.l2m_guild_info")[0] > 0
