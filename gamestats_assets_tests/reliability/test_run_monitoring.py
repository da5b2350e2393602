"""The daemon's path: Dagster's own run monitoring (as `gamestats dev` runs it) marks a run whose
process was killed as failed, through the instance's run launcher, on the instance `dagster.yaml`
configures. The run holds a `postgres_writer` slot when it is killed."""

import logging
import os
import signal
import subprocess
import sys
import time

import dagster as dg
import psycopg
import pytest
from dagster._core.events import EngineEventData
from dagster._core.workspace.context import WorkspaceProcessContext
from dagster._core.workspace.load_target import EmptyWorkspaceTarget
from dagster._daemon.monitoring.run_monitoring import execute_run_monitoring_iteration

from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.deploy.instance import prepare
from gamestats_assets.lib.deploy.run_health import HOST_TAG, LocalRunLauncher, fail_dead_runs, this_host

HOLDER = """
import time
import dagster as dg

@dg.op(pool="postgres_writer")
def publish_forever():
    time.sleep(3600)

@dg.job
def holds_the_postgres_slot():
    publish_forever()

holds_the_postgres_slot.execute_in_process(instance=dg.DagsterInstance.get())
"""
LIMIT_SECONDS = 120
"""A safety stop for a process that never takes its slot, not a timing assertion."""


@pytest.fixture
def instance(data_dir, pg_url, monkeypatch):
    """The gamestats instance (`dagster.yaml`, storage in the session's PostgreSQL) as the CLI prepares it."""
    monkeypatch.setenv("GAMESTATS_PG_URL", pg_url)
    for name in ("DAGSTER_HOME", "GAMESTATS_DAGSTER_PG_URL"):
        monkeypatch.setenv(name, "")
    prepare(Settings.from_env())
    with dg.DagsterInstance.get() as opened:
        yield opened


def started_run_holding_the_slot(instance):
    """A real run in its own process, holding the `postgres_writer` slot; then SIGKILLed."""
    before = {record.dagster_run.run_id for record in instance.get_run_records()}
    process = subprocess.Popen([sys.executable, "-c", HOLDER], env=os.environ.copy(), start_new_session=True)
    try:
        deadline = time.monotonic() + LIMIT_SECONDS
        while True:
            new = [r.dagster_run for r in instance.get_run_records() if r.dagster_run.run_id not in before]
            if new and new[0].run_id in instance.event_log_storage.get_concurrency_run_ids():
                break
            assert process.poll() is None and time.monotonic() < deadline, "the run never took its slot"
            time.sleep(0.5)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return new[0].run_id


def test_run_monitoring_fails_a_killed_run_through_the_launcher(instance):
    run_id = started_run_holding_the_slot(instance)
    assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.STARTED
    assert isinstance(instance.run_launcher, LocalRunLauncher)

    with WorkspaceProcessContext(instance, EmptyWorkspaceTarget()) as daemon_context:
        list(execute_run_monitoring_iteration(daemon_context, logging.getLogger("monitoring")))

    assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.FAILURE
    assert instance.run_monitoring_settings["free_slots_after_run_end_seconds"] > 0
    assert fail_dead_runs(instance) == []
    assert run_id not in instance.event_log_storage.get_concurrency_run_ids()


def test_a_live_run_is_left_alone(instance):
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)"])
    try:
        run = instance.create_run_for_job(dg.GraphDefinition("idle").to_job(), status=dg.DagsterRunStatus.STARTED)
        instance.report_engine_event("Started process for run.", run,
                                     EngineEventData.in_process(process.pid))
        assert fail_dead_runs(instance) == []
        assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.STARTED
    finally:
        process.kill()
        process.wait()
    assert fail_dead_runs(instance) == [run.run_id]
    with psycopg.connect(os.environ["GAMESTATS_PG_URL"]) as conn:
        assert conn.execute("SELECT status FROM dagster.runs WHERE run_id = %s", (run.run_id,)).fetchone()[0] == "FAILURE"


def test_a_run_records_the_machine_it_runs_on(instance):
    """The process that records a run's pid tags the run with its machine's name."""
    result = dg.GraphDefinition("quick").to_job().execute_in_process(instance=instance)
    assert instance.get_run_by_id(result.run_id).tags[HOST_TAG] == this_host()


def test_a_run_of_another_machine_is_not_judged_here(instance):
    """A run in flight on another machine of a shared instance records a pid that means nothing here (here
    it names no process): neither a launch's `fail_dead_runs` nor the daemon's monitoring fails it."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    run = instance.create_run_for_job(dg.GraphDefinition("elsewhere").to_job(), status=dg.DagsterRunStatus.STARTED)
    instance.report_engine_event("Started process for run.", run, EngineEventData.in_process(gone.pid))
    instance.add_run_tags(run.run_id, {HOST_TAG: f"not-{this_host()}"})  # as the other machine recorded it

    assert fail_dead_runs(instance) == []
    with WorkspaceProcessContext(instance, EmptyWorkspaceTarget()) as daemon_context:
        list(execute_run_monitoring_iteration(daemon_context, logging.getLogger("monitoring")))
    assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.STARTED
    instance.report_run_failed(run, "ended by the test")
