"""The demo_data domain materialized for real: generated days, dropped-in files, corrupt input, reruns."""

import datetime as dt
import json

import dagster as dg
import pytest

from gamestats_assets.definitions import build_definitions
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets_tests.runs import execute_assets

DAYS = ["2026-03-02", "2026-03-03"]


@pytest.fixture
def demo_env(platform_env, monkeypatch):
    monkeypatch.setenv("GAMESTATS_USERS", "150")
    monkeypatch.setenv("GAMESTATS_ANCHOR_DATE", DAYS[0])
    return platform_env


def run(defs, keys, partition_key=None, **kwargs):
    job = defs.resolve_implicit_global_asset_job_def()
    return execute_assets(job, asset_selection=keys, partition_key=partition_key,
                          instance=dg.DagsterInstance.ephemeral(), **kwargs)


def keys(*names):
    return [dg.AssetKey(n.split("/")) for n in names]


REFERENCE = keys("demo_data/reference/event_rules", "demo_data/reference/users")
DAILY = keys("demo_data/landing/event_logs", "demo_data/etl/events", "demo_data/std/accounts", "demo_data/cons/events",
             "demo_data/cons/daily_activity", "demo_data/postgres/events", "demo_data/postgres/daily_activity")


def published_events(pg_url, day):
    with connect(pg_url) as conn:
        return conn.execute("SELECT count(*), count(DISTINCT (source_file, line_number)) FROM demo_data.events "
                            "WHERE date = %s", (dt.date.fromisoformat(day),)).fetchone()


def test_days_generate_publish_and_rerun_without_duplicates(demo_env, pg_url):
    defs = build_definitions(Settings.from_env())
    assert run(defs, REFERENCE).success
    first = run(defs, DAILY, DAYS[0])
    assert first.success
    checks = {e.asset_check_evaluation_data.asset_check_key.name: e.asset_check_evaluation_data
              for e in first.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"}
    assert checks["no_sequence_lifecycle_or_constraint_violations"].passed
    assert checks["postgres_matches_lake"].passed
    rows, distinct = published_events(pg_url, DAYS[0])
    landing = demo_env / "landing" / "demo_data" / DAYS[0] / "synthetic-20260302.jsonl"
    assert rows == distinct == sum(1 for line in landing.read_text().splitlines() if line)

    before = landing.read_bytes()
    assert run(defs, DAILY, DAYS[0]).success
    assert landing.read_bytes() == before
    assert published_events(pg_url, DAYS[0]) == (rows, distinct)


def test_a_synthetic_day_is_written_again_only_when_what_it_depends_on_changed(demo_env, monkeypatch):
    landing = demo_env / "landing" / "demo_data" / DAYS[0] / "synthetic-20260302.jsonl"

    def land(defs):
        result = run(defs, keys("demo_data/landing/event_logs"), DAYS[0])
        [materialization] = result.asset_materializations_for_node("demo_data__landing__event_logs")
        return materialization.metadata["days_generated"].value

    defs = build_definitions(Settings.from_env())
    assert run(defs, REFERENCE).success
    assert land(defs) == 1
    first, written = landing.read_bytes(), landing.stat().st_mtime_ns

    assert land(defs) == 0
    assert landing.stat().st_mtime_ns == written

    landing.write_bytes(first[: len(first) // 2])
    assert land(defs) == 1
    assert landing.read_bytes() == first

    monkeypatch.setenv("GAMESTATS_USERS", "120")
    defs = build_definitions(Settings.from_env())
    assert run(defs, REFERENCE).success
    assert land(defs) == 1
    assert landing.read_bytes() != first


def test_a_dropped_in_export_with_bad_lines_is_processed_and_the_bad_lines_quarantined(demo_env, pg_url):
    defs = build_definitions(Settings.from_env())
    assert run(defs, REFERENCE).success
    folder = demo_env / "landing" / "demo_data" / DAYS[1]
    folder.mkdir(parents=True)
    good = {"#type": "track", "#account_id": "player'1", "#time": "2026-03-03 10:00:00.000",
            "#event_name": "login", "#uuid": "u-1", "properties": {"#os": "iOS", "level": 3}}
    more = [json.dumps({**good, "#account_id": f"p{i}", "#uuid": f"u-{i + 3}"}) for i in range(400)]
    nul = json.dumps({**good, "#uuid": "u-nul", "properties": {"#os": "iOS", "note": "a\u0000b"}})
    backslash = json.dumps({**good, "#uuid": "u-backslash", "properties": {"#os": "iOS", "note": "C:\\u0000"}})
    (folder / "export.jsonl").write_text("\n".join(
        [json.dumps(good), "{broken json", json.dumps({**good, "#uuid": "u-2", "#time": "not a time"}), nul, *more,
         backslash]) + "\n")
    (folder / "garbage.jsonl").write_bytes(b"\xff\xfe\x00binary")

    result = run(defs, DAILY, DAYS[1], raise_on_error=False)

    assert not (folder / "synthetic-20260303.jsonl").exists()
    quarantine = demo_env / "quarantine" / "demo_data" / DAYS[1]
    assert json.loads((quarantine / "garbage.jsonl.reason.json").read_text())["reason"].startswith("not text")
    rejects = [json.loads(line) for line in (quarantine / "events.rejects.jsonl").read_text().splitlines()]
    assert [r["line"] for r in rejects] == [2, 3, 4] and "NUL" in rejects[2]["reason"]
    warning = [e.asset_check_evaluation_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"
               and e.asset_check_evaluation_data.asset_check_key.name == "nothing_quarantined"][0]
    assert not warning.passed and warning.metadata["quarantined_records"].value == 3
    with connect(pg_url) as conn:
        rows = conn.execute("SELECT account_id, event_name, properties->>'level', properties->>'note' FROM "
                            "demo_data.events WHERE date = %s ORDER BY line_number", (dt.date(2026, 3, 3),)).fetchall()
    assert len(rows) == 402 and rows[0] == ("player'1", "login", "3", None) and rows[-1][3] == "C:\\u0000"


def test_a_day_where_most_lines_are_rejected_is_not_published(demo_env, pg_url):
    defs = build_definitions(Settings.from_env())
    assert run(defs, REFERENCE).success
    folder = demo_env / "landing" / "demo_data" / "2026-03-04"
    folder.mkdir(parents=True)
    good = {"#type": "track", "#account_id": "a", "#time": "2026-03-04 10:00:00.000", "#event_name": "login"}
    (folder / "export.jsonl").write_text(json.dumps(good) + "\n" + '{"#type": "track"}\n' * 5)
    result = run(defs, DAILY, "2026-03-04", raise_on_error=False)
    failed = [e.asset_check_evaluation_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"
              and not e.asset_check_evaluation_data.passed]
    [share] = [f for f in failed if f.asset_check_key.name == "few_records_rejected"]
    assert share.metadata["lines_read"].value == 6 and share.metadata["rejected_lines"].value == 5
    assert not result.asset_materializations_for_node("demo_data__postgres__daily")


def test_a_day_whose_delivered_lines_are_all_rejected_fails_loudly(demo_env, pg_url):
    defs = build_definitions(Settings.from_env())
    assert run(defs, REFERENCE).success
    folder = demo_env / "landing" / "demo_data" / "2026-03-04"
    folder.mkdir(parents=True)
    (folder / "export.jsonl").write_text('{"#type": "track"}\n' * 5)
    result = run(defs, DAILY, "2026-03-04", raise_on_error=False)
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert failure.step_key == "demo_data__etl__events"
    assert "every line delivered for 2026-03-04 was rejected" in failure.step_failure_data.error.message


def test_a_real_export_replaces_an_earlier_synthetic_day(demo_env, pg_url):
    defs = build_definitions(Settings.from_env())
    assert run(defs, REFERENCE).success
    assert run(defs, DAILY, DAYS[0]).success
    folder = demo_env / "landing" / "demo_data" / DAYS[0]
    record = {"#type": "track", "#account_id": "real-1", "#time": "2026-03-02 08:00:00.000", "#event_name": "login"}
    (folder / "export.jsonl").write_text(json.dumps(record) + "\n")

    assert run(defs, DAILY, DAYS[0]).success

    assert [p.name for p in folder.iterdir()] == ["export.jsonl"]
    assert published_events(pg_url, DAYS[0]) == (1, 1)


def test_files_only_source_refuses_a_day_without_files(demo_env, monkeypatch):
    monkeypatch.setenv("GAMESTATS_SOURCE", "files")
    defs = build_definitions(Settings.from_env())
    assert run(defs, REFERENCE).success
    result = run(defs, DAILY, "2026-03-05", raise_on_error=False)
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "No source files in" in failure.step_failure_data.error.message
    assert "2026-03-05" in failure.step_failure_data.error.message
    assert not (demo_env / "landing" / "demo_data" / "2026-03-05").exists()


def test_a_day_read_without_its_accounts_fails_with_the_reason(demo_env, pg_url):
    defs = build_definitions(Settings.from_env())
    assert run(defs, REFERENCE).success
    job, instance = defs.resolve_implicit_global_asset_job_def(), dg.DagsterInstance.ephemeral()
    lines = keys("demo_data/landing/event_logs", "demo_data/etl/events")
    assert execute_assets(job, asset_selection=lines, partition_key=DAYS[0], instance=instance).success
    result = execute_assets(job, asset_selection=keys("demo_data/cons/events"), partition_key=DAYS[0],
                            instance=instance, raise_on_error=False)
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert failure.step_key == "demo_data__cons__events"
    assert f"std/accounts was never materialized for {DAYS[0]}" in failure.step_failure_data.error.message
