"""Steps on Celery: two `gamestats worker` processes on the Redis broker at 127.0.0.1:6379 share a
three-day run, each step records its worker, the tables equal an in-process run's, and a configuration
remote workers could not reach is refused before any step is sent."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from gamestats_assets.lib.core.provenance import WORKER_METADATA
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.deploy.celery_workers import (
    CeleryNotInstalled,
    UnreachableByWorkers,
    require_celery,
    unix_socket,
    unreachable_by_workers,
)
from gamestats_assets.lib.deploy.instance import prepare
from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets_tests.scale.celery_job import SOURCES, TABLE, days_job
from gamestats_assets_tests.scale.conftest import stop

BROKER = os.environ.get("GAMESTATS_TEST_CELERY_BROKER", "redis://127.0.0.1:6379/0")
"""Redis by default; `GAMESTATS_TEST_CELERY_BROKER=amqp://guest@127.0.0.1:5672//` runs the test on RabbitMQ."""
PROJECT_ROOT = Path(__file__).resolve().parents[2]
RANGE = {"dagster/asset_partition_range_start": "2026-01-01", "dagster/asset_partition_range_end": "2026-01-03"}
LAKE_TABLES = [("etl", source) for source in SOURCES] + [("cons", "source_totals")]


@pytest.fixture
def celery_env(platform_env: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings for runs on Celery (a queue of this test's own, a lake on a path the local workers share),
    the project's PostgreSQL-backed Dagster instance, and the published table, partitioned by day."""
    for name, value in {
        "GAMESTATS_EXECUTOR": "celery",
        "GAMESTATS_CELERY_BROKER": BROKER,
        "GAMESTATS_CELERY_QUEUE": f"gamestats-test-{uuid.uuid4().hex[:8]}",
        "GAMESTATS_LAKE_URI": str(platform_env / "lake"),
        "GAMESTATS_LAKE_SHARED": "true",
        "GAMESTATS_DATA_SHARED": "true",
        "DAGSTER_HOME": "",
        "GAMESTATS_DAGSTER_PG_URL": "",
    }.items():
        monkeypatch.setenv(name, value)
    prepare(Settings.from_env())
    with connect(pg_url) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS scale_test")
        conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
        conn.execute(f"CREATE TABLE {TABLE} (date date NOT NULL, source text NOT NULL, rows bigint, total bigint, "
                     "PRIMARY KEY (date, source))")
        conn.execute("SELECT public.gamestats_partition_table('scale_test', 'source_totals', 'date')")
    return platform_env


@pytest.fixture
def two_workers(celery_env: Path):
    """Two `gamestats worker` processes, one step at a time each, ready on the test's queue."""
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    logs = [celery_env / f"worker{i}.log" for i in (1, 2)]
    workers = []
    for index, log in enumerate(logs, start=1):
        with log.open("wb") as output:
            workers.append(subprocess.Popen(
                [sys.executable, "-c", "from gamestats_assets.cli import main; main()", "worker",
                 "--name", f"test{index}-{uuid.uuid4().hex[:6]}@%h", "--concurrency", "1"],
                env=environment, stdout=output, stderr=subprocess.STDOUT, cwd=celery_env,
            ))
    try:
        deadline = time.monotonic() + 90
        while not all(" ready." in log.read_text() for log in logs):
            exited = [log.read_text()[-3000:] for log, worker in zip(logs, workers) if worker.poll() is not None]
            assert not exited, f"a worker exited: {exited}"
            assert time.monotonic() < deadline, "workers not ready after 90 s: " + logs[0].read_text()[-3000:]
            time.sleep(0.3)
        yield workers
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            stop(worker)


def published(pg_url: str) -> list[tuple]:
    with connect(pg_url) as conn:
        return conn.execute(f"SELECT date, source, rows, total FROM {TABLE} ORDER BY date, source").fetchall()


def lake_tables(root: str) -> dict[str, pl.DataFrame]:
    return {f"{layer}/{name}": pl.read_delta(f"{root}/scale_test/{layer}/{name}").sort(pl.all())
            for layer, name in LAKE_TABLES}


def test_two_workers_share_a_run_and_publish_what_an_in_process_run_does(two_workers, celery_env, pg_url,
                                                                         monkeypatch):
    with dg.DagsterInstance.get() as instance:
        result = dg.execute_job(dg.reconstructable(days_job), instance=instance, tags=RANGE)
        assert result.success
        record = instance.get_run_by_id(result.run_id)
        assert record.status == dg.DagsterRunStatus.SUCCESS
        materializations = [e.step_materialization_data.materialization for e in result.all_events
                            if e.is_step_materialization]
        checks = [e.asset_check_evaluation_data for e in result.all_events
                  if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    workers = {m.metadata[WORKER_METADATA].value for m in materializations}
    worker_pids = {str(worker.pid) for worker in two_workers}
    assert len(materializations) == 3 * (len(SOURCES) + 2)
    assert {worker.rsplit(":", 1)[1] for worker in workers} <= worker_pids | {str(p) for p in children(two_workers)}
    assert len({worker for worker in workers}) >= 2, f"every step ran in one worker: {workers}"
    assert checks and all(check.passed for check in checks)
    on_celery = published(pg_url), lake_tables(str(celery_env / "lake"))

    with connect(pg_url) as conn:
        conn.execute(f"TRUNCATE {TABLE}")
    monkeypatch.setenv("GAMESTATS_EXECUTOR", "in_process")
    monkeypatch.setenv("GAMESTATS_LAKE_URI", str(celery_env / "lake_in_process"))
    assert days_job().execute_in_process(tags=RANGE, instance=dg.DagsterInstance.ephemeral()).success
    in_process = published(pg_url), lake_tables(str(celery_env / "lake_in_process"))

    assert on_celery[0] == in_process[0]
    assert [row[:2] for row in on_celery[0]] == [(dt.date(2026, 1, day), source) for day in (1, 2, 3)
                                                 for source in sorted(SOURCES)]
    for name, table in on_celery[1].items():
        assert table.equals(in_process[1][name]), name


def children(workers: list[subprocess.Popen]) -> set[int]:
    """The pids of the worker pool processes Celery forked under `workers`."""
    import psutil

    return {child.pid for worker in workers for child in psutil.Process(worker.pid).children(recursive=True)}


def test_a_run_on_celery_refuses_a_lake_on_an_unshared_local_path(celery_env, monkeypatch):
    monkeypatch.setenv("GAMESTATS_LAKE_SHARED", "false")
    with dg.DagsterInstance.get() as instance:
        result = dg.execute_job(dg.reconstructable(days_job), instance=instance, tags=RANGE, raise_on_error=False)
        assert not result.success
        failure = next(e for e in result.all_events if e.event_type_value == "RUN_FAILURE" or e.is_failure)
    message = str(failure.event_specific_data.error) if failure.event_specific_data else failure.message
    assert "GAMESTATS_LAKE_SHARED=true" in message and str(celery_env / "lake") in message


def test_what_remote_workers_cannot_reach_is_named_with_its_setting(tmp_path):
    settings = Settings.from_env()
    local = Settings(**{**settings.__dict__, "lake_uri": str(tmp_path / "lake"), "pg_url": None})
    problems = unreachable_by_workers(local, dg.DagsterInstance.ephemeral())
    assert [p.split(":")[0] for p in problems] == [
        f"the lake is the local path {tmp_path / 'lake'}",
        f"the data folder {settings.data_dir} (landing files, quarantine, DuckDB warehouse) is local to this "
        "machine, while one step writes landing files that another reads",
        "PostgreSQL is the embedded server in this machine's data folder",
        "the Dagster instance keeps its runs in local files (InMemoryRunStorage)",
    ]
    assert unix_socket("postgresql://postgres@/gamestats?host=/tmp/pg")
    assert unix_socket("postgresql:///gamestats")
    assert not unix_socket("postgresql://u:p@db.internal:5432/gamestats")
    shared = Settings(**{**local.__dict__, "lake_shared": True, "data_shared": True,
                         "pg_url": "postgresql://postgres@/g?host=/run/pg"})
    assert "Unix socket" in unreachable_by_workers(shared, dg.DagsterInstance.ephemeral())[0]
    s3 = Settings(**{**local.__dict__, "lake_uri": "s3://bucket/lake", "data_shared": True,
                     "pg_url": "postgresql://u@db:5432/g"})
    assert len(unreachable_by_workers(s3, dg.DagsterInstance.ephemeral())) == 1
    assert issubclass(UnreachableByWorkers, dg.DagsterError)


def test_without_the_celery_extra_runs_on_celery_fail_saying_how_to_install_it(monkeypatch):
    import importlib.util

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name == "dagster_celery" else find_spec(name, *args))
    with pytest.raises(CeleryNotInstalled, match=r"gamestats\[celery\]"):
        require_celery()
