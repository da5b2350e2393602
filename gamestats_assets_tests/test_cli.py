"""The `gamestats` command as a user runs it: the demo end to end on both PostgreSQL paths, the UI
launching a partition run through the webserver's GraphQL API, and a clear error for a wrong server."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import polars as pl
import psycopg
import pytest

from gamestats_assets.defs.demo_data import domain as demo_data
from gamestats_assets.defs.rocket.assets import SAMPLE_REPLAYS
from gamestats_assets.lib.publish import embedded_postgres

GAMESTATS = [sys.executable, "-c", "from gamestats_assets.cli import main; main()"]
pytestmark = pytest.mark.slow

DEMO = ["demo", "--days", "2", "--end", "2026-03-03", "--users", "150"]
PUBLISHED = [spec.table for spec in demo_data.publish_specs]
PUBG_MATCH = Path(__file__).parent / "fixtures" / "pubg" / "pubg-python_match_response.json"


def gamestats(args, env, timeout=600, **kwargs):
    return subprocess.run([*GAMESTATS, *args], env=env, capture_output=True, text=True, timeout=timeout, **kwargs)


def environment(data_dir: Path, pg_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GAMESTATS_", "DAGSTER_"))}
    env["GAMESTATS_DATA_DIR"] = str(data_dir)
    if pg_url:
        env["GAMESTATS_PG_URL"] = pg_url
    return env


def row_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in PUBLISHED}


@pytest.fixture(scope="module")
def demo_on_url(module_pg_url, tmp_path_factory):
    """`gamestats demo` on a tiny scale against GAMESTATS_PG_URL, with a real PUBG match object dropped into
    landing before it; its data folder and output."""
    data_dir = tmp_path_factory.mktemp("demo") / "data"
    (data_dir / "landing" / "pubg" / "matches").mkdir(parents=True)
    shutil.copy(PUBG_MATCH, data_dir / "landing" / "pubg" / "matches" / "dropped.json")
    result = gamestats(DEMO, environment(data_dir, module_pg_url))
    return data_dir, result


def test_demo_end_to_end_on_the_given_postgres(demo_on_url, module_pg_url):
    data_dir, result = demo_on_url
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads((data_dir / "settings.json").read_text()) == {
        "GAMESTATS_ANCHOR_DATE": "2026-03-02", "GAMESTATS_SOURCE": "synthetic", "GAMESTATS_START_DATE": "2026-03-02",
        "GAMESTATS_USERS": "150"}
    assert "Published tables" in result.stdout
    for table in PUBLISHED:
        assert table in result.stdout
    counts = row_counts(module_pg_url)
    assert counts["demo_data.events"] > 1000 and counts["demo_data.daily_activity"] == 12
    assert f"{counts['demo_data.events']:,}" in result.stdout
    assert sorted(p.name for p in (data_dir / "landing" / "demo_data").iterdir()) == ["2026-03-02", "2026-03-03"]
    replays = sorted(p.name for p in SAMPLE_REPLAYS.glob("*.replay"))
    assert replays and sorted(p.name for p in (data_dir / "landing" / "rocket" / "2026-03-02").glob("*.replay")) == replays
    with psycopg.connect(module_pg_url) as conn:
        real = conn.execute("SELECT count(*) FROM rocket.matches WHERE date = '2026-03-02' AND source = 'replay'").fetchone()[0]
    assert real == len(replays)


def test_the_demo_builds_a_pubg_tournament_and_publishes_every_pubg_table(demo_on_url, module_pg_url):
    assert demo_on_url[1].returncode == 0
    with psycopg.connect(module_pg_url) as conn:
        tables = [t for (t,) in conn.execute("SELECT table_name FROM information_schema.tables "
                                             "WHERE table_schema = 'pubg' AND table_name <> 'players'")]
        empty = [t for t in tables if conn.execute(f"SELECT count(*) FROM pubg.{t}").fetchone()[0] == 0]
        lobbies = conn.execute("SELECT count(*) FROM pubg.tournament_matches WHERE status = 'confirmed' "
                               "AND is_tournament_match AND teams = 16").fetchone()[0]
        dropped = conn.execute("SELECT m.discovered_by, count(c.match_id) FROM pubg.matches m LEFT JOIN "
                               "pubg.tournament_matches c USING (match_id) WHERE m.match_id = %s GROUP BY 1",
                               (json.loads(PUBG_MATCH.read_text())["data"]["id"],)).fetchall()
    assert len(tables) >= 14 and empty == []
    assert lobbies >= 6
    assert dropped == [("landing", 0)]


def test_the_demo_publishes_every_lol_table(demo_on_url, module_pg_url):
    """Every lol table has rows but the win model, which this tiny demo's games cannot train (it needs
    `MIN_GAMES` a minute; the pipeline test trains it), and the roster `lol.players`, which users fill."""
    assert demo_on_url[1].returncode == 0
    with psycopg.connect(module_pg_url) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM lol.{t}").fetchone()[0] for (t,) in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'lol'")}
    assert {"item_build_stats", "skill_order_stats", "objective_stats", "vision_stats", "correlations",
            "discovered_patterns", "win_model"} <= set(counts)
    assert [t for t, rows in counts.items() if rows == 0 and t not in ("win_model", "players")] == []


def test_the_demo_console_shows_progress_and_the_event_log_goes_to_a_file(demo_on_url):
    data_dir, result = demo_on_url
    assert " - DEBUG - " not in result.stdout + result.stderr and "STEP_OUTPUT" not in result.stdout + result.stderr
    [log] = list((data_dir / "logs").glob("demo-*.log"))
    assert f"Dagster's event log: {log}" in result.stdout.replace("\n", "")
    assert "STEP_SUCCESS" in log.read_text() and "ASSET_CHECK_EVALUATION" in log.read_text()


def test_an_unreachable_server_names_the_setting_to_fix(tmp_path):
    result = gamestats(DEMO, environment(tmp_path / "data", "postgresql://ops:hunter2@127.0.0.1:1/gamestats"))
    assert result.returncode != 0
    assert "GAMESTATS_PG_URL" in result.stderr and "hunter2" not in result.stderr + result.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(port: int, query: str, variables: dict) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", method="POST",
                                     data=json.dumps({"query": query, "variables": variables}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["data"]


LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
  }
}"""
TIMELINE = """
query Timeline { runsOrError(filter: {}) { ... on Runs { results { runId repositoryOrigin { repositoryName repositoryLocationName } } } } }
"""
"""The runs the UI's overview timeline reads, with the code location each is shown under."""
STATUS = "query Status($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"
FAILURES = """
query Failures($id: ID!) {
  logsForRun(runId: $id) {
    ... on EventConnection { events { ... on ExecutionStepFailureEvent { error { message } }
                                      ... on RunFailureEvent { message } } }
  }
}"""


def test_the_ui_launches_a_partition_run_on_the_demo_instance(demo_on_url, module_pg_url):
    data_dir, _ = demo_on_url
    port = free_port()
    server = subprocess.Popen([*GAMESTATS, "dev", "--port", str(port)], env=environment(data_dir, module_pg_url),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline, "webserver did not start"
                time.sleep(1)
        demo_runs = graphql(port, TIMELINE, {})["runsOrError"]["results"]
        assert len(demo_runs) >= 4 and all(run["repositoryOrigin"] == {
            "repositoryName": "__repository__", "repositoryLocationName": "gamestats"} for run in demo_runs), demo_runs
        selection = [{"path": ["demo_data", "landing", "event_logs"]}, {"path": ["demo_data", "etl", "events"]}]
        launched = graphql(port, LAUNCH, {"params": {
            "selector": {"repositoryLocationName": "gamestats", "repositoryName": "__repository__",
                         "jobName": "__ASSET_JOB", "assetSelection": selection, "assetCheckSelection": []},
            "executionMetadata": {"tags": [{"key": "dagster/partition", "value": "2026-03-04"}]},
        }})["launchRun"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        run_id = launched["run"]["runId"]
        deadline = time.monotonic() + 240
        while (status := graphql(port, STATUS, {"id": run_id})["runOrError"]["status"]) not in ("SUCCESS", "FAILURE", "CANCELED"):
            assert time.monotonic() < deadline, f"run still {status}"
            time.sleep(2)
        assert status == "SUCCESS", graphql(port, FAILURES, {"id": run_id})
    finally:
        os.killpg(server.pid, 2)
        server.wait(timeout=60)
    events = pl.read_delta(str(data_dir / "lake" / "demo_data" / "etl" / "events"))
    assert sorted({d.isoformat() for d in events["date"].unique()}) == ["2026-03-02", "2026-03-03", "2026-03-04"]


def test_db_commands_start_report_and_stop_the_embedded_server(tmp_path):
    env = environment(tmp_path / "data", None)
    started = gamestats(["db", "start"], env)
    assert started.returncode == 0, started.stderr
    assert "001_schemas.sql" in started.stdout
    assert "running" in gamestats(["db", "status"], env).stdout
    assert "stopped" in gamestats(["db", "stop"], env).stdout
    assert "stopped" in gamestats(["db", "status"], env).stdout
    assert not embedded_postgres.is_running(tmp_path / "data" / "postgres")


def test_the_dagster_cli_runs_on_the_gamestats_instance(demo_on_url, module_pg_url):
    data_dir, _ = demo_on_url
    with psycopg.connect(module_pg_url) as conn:
        runs_before = conn.execute("SELECT count(*) FROM dagster.runs").fetchone()[0]
    result = gamestats(["dagster", "asset", "materialize", "--select", "demo_data/landing/event_logs",
                        "--partition-range", "2026-03-05...2026-03-06"], environment(data_dir, module_pg_url))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "running dg launch" in result.stdout
    assert "SupersessionWarning" not in result.stdout + result.stderr
    for day in ("20260305", "20260306"):
        assert (data_dir / "landing" / "demo_data" / f"{day[:4]}-{day[4:6]}-{day[6:]}" / f"synthetic-{day}.jsonl").exists()
    with psycopg.connect(module_pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM dagster.runs").fetchone()[0] == runs_before + 1
