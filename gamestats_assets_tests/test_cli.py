"""The `gamestats` command as a user runs it: the demo end to end as on a fresh machine (no PostgreSQL
configured, so the embedded server is started, used and stopped), its runs recorded as the code location's, the
Dagster command line on the demo's instance, and a clear error for a wrong server."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import dagster as dg
import psycopg
import pytest
from dagster._core.instance.ref import InstanceRef

from gamestats_assets.cli import main
from gamestats_assets.defs.demo_data import domain as demo_data
from gamestats_assets.defs.rocket.assets import SAMPLE_REPLAYS
from gamestats_assets.lib.publish import embedded_postgres
from gamestats_assets.lib.publish.postgres import dagster_storage_url
from gamestats_assets_tests.e2e.dev import a_background_job_ending_with_the_test, interrupted_with_the_test, wait_until

GAMESTATS = [sys.executable, "-c", "from gamestats_assets.cli import main; main()"]
pytestmark = pytest.mark.slow

DEMO = ["demo", "--days", "1", "--end", "2026-03-03", "--users", "100", "--lobby-events", "0"]
"""The smallest demo a newcomer tries, where every planted-truth check must decide from its interval (and warn,
not fail, when the sample is too small to say), with PUBG lobbies of the game's own telemetry events alone (`.ci/run`
runs the full-size default demo)."""
PUBLISHED = [spec.table for spec in demo_data.publish_specs]
PUBG_MATCH = Path(__file__).parent / "fixtures" / "pubg" / "pubg-python_match_response.json"


def gamestats(args, env, timeout=600, **kwargs):
    return subprocess.run([*GAMESTATS, *args], env=env, capture_output=True, text=True, timeout=timeout,
                          preexec_fn=interrupted_with_the_test, **kwargs)


def environment(data_dir: Path, pg_url: str | None) -> dict[str, str]:
    """A user's environment for a command: none of the project's settings, and no terminal size (which xdist's
    workers export and a user's shell does not)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GAMESTATS_", "DAGSTER_")) and k not in ("COLUMNS", "LINES")}
    env["GAMESTATS_DATA_DIR"] = str(data_dir)
    if pg_url:
        env["GAMESTATS_PG_URL"] = pg_url
    return env


def row_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in PUBLISHED}


@dataclass(frozen=True)
class Demo:
    data_dir: Path
    result: subprocess.CompletedProcess
    stopped_after: bool
    """Whether the embedded server was stopped when the demo ended."""
    pg_url: str
    """The embedded server's URL, started again for the tests that read it."""


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`gamestats demo` on a fresh machine, with a real PUBG match object dropped into landing before it; then
    its embedded server started again (and stopped after the module), as `gamestats db start` would."""
    data_dir = tmp_path_factory.mktemp("demo") / "data"
    (data_dir / "landing" / "pubg" / "matches").mkdir(parents=True)
    shutil.copy(PUBG_MATCH, data_dir / "landing" / "pubg" / "matches" / "dropped.json")
    result = gamestats(DEMO, environment(data_dir, None))
    pgdata = data_dir / "postgres"
    stopped_after = not embedded_postgres.is_running(pgdata)
    yield Demo(data_dir, result, stopped_after, embedded_postgres.start(pgdata))
    embedded_postgres.stop(pgdata)


def test_demo_on_a_fresh_machine_uses_the_embedded_server_and_stops_it(demo):
    data_dir, result = demo.data_dir, demo.result
    assert result.returncode == 0, result.stdout + result.stderr
    assert demo.stopped_after
    assert json.loads((data_dir / "settings.json").read_text()) == {
        "GAMESTATS_ANCHOR_DATE": "2026-03-03", "GAMESTATS_SOURCE": "synthetic", "GAMESTATS_START_DATE": "2026-03-03",
        "GAMESTATS_USERS": "100"}
    assert "Published tables" in result.stdout
    for table in PUBLISHED:
        assert table in result.stdout
    counts = row_counts(demo.pg_url)
    assert counts["demo_data.events"] > 100 and counts["demo_data.daily_activity"] == 6
    assert f"{counts['demo_data.events']:,}" in result.stdout
    assert sorted(p.name for p in (data_dir / "landing" / "demo_data").iterdir()) == ["2026-03-03"]
    replays = sorted(p.name for p in SAMPLE_REPLAYS.glob("*.replay"))
    assert replays and sorted(p.name for p in (data_dir / "landing" / "rocket" / "2026-03-03").glob("*.replay")) == replays
    with psycopg.connect(demo.pg_url) as conn:
        real = conn.execute("SELECT count(*) FROM rocket.matches WHERE date = '2026-03-03' AND source = 'replay'").fetchone()[0]
    assert real == len(replays)


def test_the_demo_builds_a_pubg_tournament_and_publishes_every_pubg_table(demo):
    assert demo.result.returncode == 0
    with psycopg.connect(demo.pg_url) as conn:
        tables = [t for (t,) in conn.execute("SELECT table_name FROM information_schema.tables "
                                             "WHERE table_schema = 'pubg' AND table_name NOT IN ('players', "
                                             "'tournament_round_edits', 'tournament_slot_edits', "
                                             "'tournament_schedule_history', 'player_backfill_requests')")]
        empty = [t for t in tables if conn.execute(f"SELECT count(*) FROM pubg.{t}").fetchone()[0] == 0]
        lobbies = conn.execute("SELECT count(*) FROM pubg.tournament_matches WHERE status = 'confirmed' "
                               "AND is_tournament_match AND teams = 16").fetchone()[0]
        dropped = conn.execute("SELECT m.discovered_by, count(c.match_id) FROM pubg.matches m LEFT JOIN "
                               "pubg.tournament_matches c USING (match_id) WHERE m.match_id = %s GROUP BY 1",
                               (json.loads(PUBG_MATCH.read_text())["data"]["id"],)).fetchall()
    assert len(tables) >= 14 and empty == []
    assert lobbies >= 6
    assert dropped == [("landing", 0)]


def test_the_demo_publishes_every_lol_table(demo):
    """Every lol table has rows but the win model, which this tiny demo's games cannot train (it needs
    `MIN_GAMES` a minute), the discovered patterns, none of which passes the false-discovery correction on so few
    games (the pipeline test trains the one and finds the other's planted patterns), the objective timing and dragon
    against herald, none of whose rows reaches `MIN_GAMES` games in so small a demo (their tests count them on real
    games), the item sequences of four to six, none of which a champion's players repeat in the support threshold's
    ten games of so small a demo (their tests mine them on real games and on the planted ladder), the objective tree,
    which needs `objective_tree.MIN_GAMES` training games of a queue and patch (its test fits it on planted games),
    and the roster `lol.players`, which users fill."""
    assert demo.result.returncode == 0
    with psycopg.connect(demo.pg_url) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM lol.{t}").fetchone()[0] for (t,) in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'lol'")}
    assert {"item_build_stats", "skill_order_stats", "objective_stats", "vision_stats", "correlations",
            "discovered_patterns", "win_model"} <= set(counts)
    empty = [t for t, rows in counts.items() if rows == 0]
    assert [t for t in empty if t not in ("win_model", "discovered_patterns", "objective_timing", "dragon_vs_herald",
                                          "item_sequence_stats", "objective_tree", "players")] == []


def test_the_demo_console_shows_progress_and_the_event_log_goes_to_a_file(demo):
    """Each run's line counts its checks; a warning is named with what its check said of it (here the real replay
    whose team scored two own goals of its opponent's lone player)."""
    data_dir, result = demo.data_dir, demo.result
    assert re.search(r"warning rocket/cons/matches:team_scores_equal_player_goals: 1 of \d+ matches have a team "
                     r"score other than its players' goals", result.stdout), result.stdout
    assert "(1 warnings)" not in result.stdout
    assert "…" not in result.stdout, "the summary's table names are whole where the output is not a terminal"
    assert " - DEBUG - " not in result.stdout + result.stderr and "STEP_OUTPUT" not in result.stdout + result.stderr
    [log] = list((data_dir / "logs").glob("demo-*.log"))
    assert f"Dagster's event log: {log}" in result.stdout.replace("\n", "")
    assert "STEP_SUCCESS" in log.read_text() and "ASSET_CHECK_EVALUATION" in log.read_text()


def test_an_unreachable_server_names_the_setting_to_fix(tmp_path):
    result = gamestats(DEMO, environment(tmp_path / "data", "postgresql://ops:hunter2@127.0.0.1:1/gamestats"))
    assert result.returncode != 0
    assert "GAMESTATS_PG_URL" in result.stderr and "hunter2" not in result.stderr + result.stdout


def test_the_demo_runs_are_runs_of_the_code_location(demo, monkeypatch):
    """The UI's overview and timeline list the demo's runs under the `gamestats` code location, as they read each
    run's origin from the instance."""
    monkeypatch.setenv("GAMESTATS_DAGSTER_PG_URL", dagster_storage_url(demo.pg_url))
    runs = dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(demo.data_dir / "dagster"))).get_runs()
    origins = {(run.remote_job_origin.repository_origin.repository_name,
                run.remote_job_origin.repository_origin.code_location_origin.location_name) for run in runs}
    assert len(runs) >= 4 and origins == {("__repository__", "gamestats")}
    assert {run.status for run in runs} == {dg.DagsterRunStatus.SUCCESS}


def test_a_command_loads_only_the_domains_it_uses(tmp_path):
    """`gamestats db status` and `gamestats --help` run without loading any domain's definitions, the LoL query
    or the generator; the help lists the groups that live with them by their own one-line help, and they still
    answer with their own commands."""
    env = environment(tmp_path / "data", None)
    printed = {}
    for args in (("db", "status"), ("--help",)):
        script = (f"import sys; from gamestats_assets.cli import main\n"
                  f"try:\n    main({list(args)!r})\nexcept SystemExit:\n    pass\n"
                  "print(sorted(m for m in sys.modules if m.startswith(('gamestats_assets.defs', "
                  "'gamestats_assets.definitions', 'gamestats_assets.generator'))))")
        run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        *printed[args], loaded = run.stdout.strip().splitlines()
        assert loaded == "[]", args
    assert "stopped" in "\n".join(printed[("db", "status")])
    listed = " ".join(" ".join(printed[("--help",)]).split())
    for name in main.lazy:
        assert f"{name} {main.get_command(click.Context(main), name).get_short_help_str(limit=200)}" in listed
    lol = gamestats(["lol", "--help"], env)
    assert lol.returncode == 0 and {"query", "reference"} <= set(lol.stdout.split())
    assert "--users" in gamestats(["generate", "--help"], env).stdout


def test_db_commands_start_report_and_stop_the_embedded_server(tmp_path):
    env = environment(tmp_path / "data", None)
    started = gamestats(["db", "start"], env)
    assert started.returncode == 0, started.stderr
    assert "001_schemas.sql" in started.stdout
    assert "running" in gamestats(["db", "status"], env).stdout
    assert "stopped" in gamestats(["db", "stop"], env).stdout
    assert "stopped" in gamestats(["db", "status"], env).stdout
    assert not embedded_postgres.is_running(tmp_path / "data" / "postgres")


def test_a_demo_stopped_by_sigterm_during_a_run_ends_there_and_stops_the_embedded_server_it_started(tmp_path):
    """A service manager's stop (or `kill`) of `gamestats demo` started as a script's background job (Ctrl-C
    ignored), while the steps of its day's run execute: the command ends with that run, reported, starting no
    other, and the embedded server it started is stopped."""
    data_dir = tmp_path / "data"
    env = {**environment(data_dir, None), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([*GAMESTATS, *DEMO], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, preexec_fn=a_background_job_ending_with_the_test)
    output = []
    for line in process.stdout:
        output.append(line)
        if re.search(r"(ok|failed) in +[0-9.]+s", line):
            break
    wait_until(lambda: any(data_dir.glob("lake/*/etl/*/_delta_log")), 120, "the day's run to write its first table")
    pgdata = data_dir / "postgres"
    assert embedded_postgres.is_running(pgdata), "".join(output)
    process.send_signal(signal.SIGTERM)
    output += process.stdout.readlines()
    assert process.wait(timeout=120) != 0
    assert not embedded_postgres.is_running(pgdata), "".join(output)
    runs = [line.split()[0] for line in output if re.search(r"(ok|failed) in +[0-9.]+s", line)]
    assert runs == ["reference", "2026-03-03"], "".join(output)
    assert "Aborted!" in output[-1]


def test_the_dagster_cli_runs_on_the_gamestats_instance(demo):
    data_dir = demo.data_dir
    with psycopg.connect(demo.pg_url) as conn:
        runs_before = conn.execute("SELECT count(*) FROM dagster.runs").fetchone()[0]
    result = gamestats(["dagster", "asset", "materialize", "--select", "demo_data/landing/event_logs",
                        "--partition-range", "2026-03-05...2026-03-06"], environment(data_dir, None))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "running dg launch" in result.stdout
    assert "SupersessionWarning" not in result.stdout + result.stderr
    for day in ("20260305", "20260306"):
        assert (data_dir / "landing" / "demo_data" / f"{day[:4]}-{day[4:6]}-{day[6:]}" / f"synthetic-{day}.jsonl").exists()
    with psycopg.connect(demo.pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM dagster.runs").fetchone()[0] == runs_before + 1


def test_a_launch_of_days_before_the_history_names_its_first_day(demo):
    """The demo's history starts on its first day: a launch of days before it (an example's dates, copied) is
    refused before any run, naming the first day and the setting, with no traceback."""
    for days in (["--partition", "2026-03-01"], ["--partition-range=2026-02-20...2026-03-04"]):
        result = gamestats(["dagster", "launch", "--assets", "group:l2m", *days], environment(demo.data_dir, None))
        assert result.returncode != 0
        assert "before the first day of the history, 2026-03-03 (GAMESTATS_START_DATE" in result.stderr
        assert "Traceback" not in result.stderr


def test_given_a_server_the_commands_run_on_it_and_start_none(tmp_path, module_pg_url):
    """With `GAMESTATS_PG_URL` set (a data engineer's own server), a command prepares that server (the DDL and
    Dagster's tables) and records its run there; no embedded server is created."""
    data_dir = tmp_path / "data"
    result = gamestats(["dagster", "asset", "materialize", "--select", "demo_data/reference/event_rules"],
                       environment(data_dir, module_pg_url))
    assert result.returncode == 0, result.stderr[-2000:]
    assert not (data_dir / "postgres").exists()
    with psycopg.connect(module_pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM dagster.runs WHERE status = 'SUCCESS'").fetchone()[0] == 1
        assert conn.execute("SELECT to_regclass('demo_data.events') IS NOT NULL").fetchone()[0]
    assert (data_dir / "lake" / "demo_data" / "reference" / "event_rules" / "_delta_log").is_dir()


def test_a_day_whose_unpartitioned_input_was_never_built_names_the_input_to_build_first(tmp_path, module_pg_url):
    """A day's events asked for on a new data folder, before the event rules they are generated from."""
    result = gamestats(["dagster", "asset", "materialize", "--select", "demo_data/landing/event_logs",
                        "--partition", "2026-03-01"], environment(tmp_path / "data", module_pg_url))
    assert result.returncode != 0
    assert ("demo_data/reference/event_rules has no table in the lake yet: it is not partitioned, so no partition "
            "run builds it; materialize it first") in result.stderr
