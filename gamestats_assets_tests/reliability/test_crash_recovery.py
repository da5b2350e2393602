"""A run process killed with SIGKILL inside a PostgreSQL publish step blocks nothing: the dead run is
detected, marked failed and its `postgres_writer` slot freed, and the next run completes.

The day's lake tables are built in this process first; the killed run and the next one are
`gamestats dagster asset materialize` processes publishing them. The kill is placed deterministically:
the test holds a lock on the published table, so the run waits inside its publish step (seen in
`pg_stat_activity`) when it is killed.
"""

import os
import signal
import subprocess
import sys
import time

import dagster as dg
import psutil
import psycopg
import pytest
from dagster._core.launcher import WorkerStatus

from gamestats_assets.definitions import build_definitions
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.deploy.instance import prepare
from gamestats_assets.lib.deploy.run_health import LocalRunLauncher
from gamestats_assets_tests.runs import execute_assets

GAMESTATS = [sys.executable, "-c", "from gamestats_assets.cli import main; main()"]
DAY = "2026-03-02"
REFERENCE = ["demo_data/reference/event_rules", "demo_data/reference/users"]
LAKE = ["demo_data/landing/event_logs", "demo_data/etl/events", "demo_data/std/accounts", "demo_data/cons/events",
        "demo_data/cons/daily_activity"]
PUBLISH = "demo_data/postgres/events,demo_data/postgres/daily_activity"
WAITING_PUBLISH = """SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
                     AND wait_event_type = 'Lock' AND query LIKE '%"demo_data"."events"%'"""
LIMIT_SECONDS = 300
"""A safety stop for a run that waits forever, not a timing assertion."""


@pytest.fixture
def env(tmp_path, instance_db, monkeypatch):
    """The environment of the `gamestats` commands, with the day's lake tables built on the same
    instance by this process."""
    settings = {"GAMESTATS_DATA_DIR": str(tmp_path / "data"), "GAMESTATS_PG_URL": instance_db,
                "GAMESTATS_USERS": "40", "GAMESTATS_START_DATE": DAY, "GAMESTATS_ANCHOR_DATE": DAY}
    for name, value in {**settings, "DAGSTER_HOME": "", "GAMESTATS_DAGSTER_PG_URL": ""}.items():
        monkeypatch.setenv(name, value)
    prepare(Settings.from_env())
    job = build_definitions(Settings.from_env()).resolve_implicit_global_asset_job_def()
    with dg.DagsterInstance.get() as instance:
        for selection, partition in ((REFERENCE, None), (LAKE, DAY)):
            keys = [dg.AssetKey(name.split("/")) for name in selection]
            assert execute_assets(job, asset_selection=keys, partition_key=partition, instance=instance).success
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("GAMESTATS_", "DAGSTER_"))}
    return environment | settings | {"COLUMNS": "300"}


def publish(env):
    """`gamestats dagster asset materialize` of the day's publish in its own process group, stopped if it
    outlives the limit."""
    args = ["dagster", "asset", "materialize", "--select", PUBLISH, "--partition", DAY]
    process = subprocess.Popen([*GAMESTATS, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=LIMIT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        pytest.fail(f"the run was still waiting after {LIMIT_SECONDS}s:\n{output[-3000:]}")
    return process.returncode, output


def runs(pg_url):
    with psycopg.connect(pg_url) as conn:
        return conn.execute("SELECT run_id, status FROM dagster.runs ORDER BY create_timestamp").fetchall()


def held_slots(pg_url):
    with psycopg.connect(pg_url) as conn:
        return conn.execute("SELECT count(*) FROM dagster.concurrency_slots WHERE run_id IS NOT NULL").fetchone()[0]


def kill_inside_publish(env, pg_url):
    """Start the day's run, wait until it is blocked inside the publish step, SIGKILL its process."""
    with psycopg.connect(pg_url) as lock:
        lock.execute("LOCK TABLE demo_data.events IN ACCESS EXCLUSIVE MODE")
        wrapper = subprocess.Popen([*GAMESTATS, "dagster", "asset", "materialize", "--select", PUBLISH, "--partition", DAY],
                                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + LIMIT_SECONDS
            with psycopg.connect(pg_url, autocommit=True) as watcher:
                while not watcher.execute(WAITING_PUBLISH).fetchone()[0]:
                    assert wrapper.poll() is None, "the run ended before reaching its publish step"
                    assert time.monotonic() < deadline, "the run never reached its publish step"
                    time.sleep(0.5)
            run_processes = psutil.Process(wrapper.pid).children(recursive=True)
            assert run_processes
            for process in run_processes:
                process.send_signal(signal.SIGKILL)
            wrapper.wait(timeout=60)
        finally:
            if wrapper.poll() is None:
                os.killpg(wrapper.pid, signal.SIGKILL)
        lock.rollback()


def test_a_run_killed_in_a_publish_step_is_failed_its_slot_freed_and_the_next_run_completes(env):
    pg_url = env["GAMESTATS_PG_URL"]
    kill_inside_publish(env, pg_url)
    killed_id, killed_status = runs(pg_url)[-1]
    assert killed_status == "STARTED" and held_slots(pg_url) == 1

    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.run_launcher, LocalRunLauncher)
        health = instance.run_launcher.check_run_worker_health(instance.get_run_by_id(killed_id))
        assert health.status == WorkerStatus.FAILED, health
        assert instance.run_monitoring_enabled and instance.run_monitoring_max_resume_run_attempts == 0
        assert instance.run_monitoring_settings["free_slots_after_run_end_seconds"] > 0

    returncode, output = publish(env)

    assert returncode == 0, output
    assert f"run {killed_id} had lost its process" in output
    statuses = dict(runs(pg_url))
    assert statuses[killed_id] == "FAILURE"
    assert list(statuses.values())[-1] == "SUCCESS"
    assert held_slots(pg_url) == 0
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM demo_data.events WHERE date = %s", (DAY,)).fetchone()[0] > 0
