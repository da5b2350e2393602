"""Runs whose process died: detected, marked failed, and their concurrency-pool slots freed.

A killed run process leaves its run STARTED and its pool slot claimed, so later runs of the pool would wait
forever. With the daemon, run monitoring asks `LocalRunLauncher`; without it, `fail_dead_runs` runs before a
new run starts.

A run is judged only on the machine it runs on: the process that records the run's pid also records its
machine's name in the run's `gamestats/host` tag, and a run of another machine is left to that machine's
daemon, so several machines can share one instance."""

from __future__ import annotations

import socket

import psutil
from dagster import DagsterEventType, DagsterInstance, DagsterRun, DagsterRunStatus, DefaultRunLauncher, RunsFilter
from dagster._core.launcher import CheckRunHealthResult, WorkerStatus

PID_CLOCK_SLACK_SECONDS = 1.0
"""A process's start time and an event's timestamp come from different clocks' roundings."""

WATCHED_STATUSES = [DagsterRunStatus.STARTED, DagsterRunStatus.CANCELING]
HOST_TAG = "gamestats/host"
"""The run tag naming the machine whose process runs the run."""


def this_host() -> str:
    """This machine's name, as recorded in `HOST_TAG`."""
    return socket.gethostname()


def records_pid(event) -> bool:
    """Whether `event` (an event log entry) is an engine event that records a process id."""
    dagster_event = event.dagster_event if event.is_dagster_event else None
    data = dagster_event.engine_event_data if dagster_event is not None and dagster_event.is_engine_event else None
    return data is not None and "pid" in (data.metadata or {})


def run_process(instance: DagsterInstance, run_id: str) -> tuple[int, float] | None:
    """The pid of the process that runs `run_id` and when it was recorded; None before it starts."""
    records = instance.get_records_for_run(run_id, of_type=DagsterEventType.ENGINE_EVENT, limit=20).records
    for record in records:
        event = record.event_log_entry.dagster_event
        pid = event.engine_event_data.metadata.get("pid") if event and event.engine_event_data else None
        if pid is not None:
            return int(pid.value), record.event_log_entry.timestamp
    return None


def process_gone(pid: int, recorded_at: float) -> str | None:
    """Why the process `pid` (seen at `recorded_at`) is no longer the run's, or None if it runs."""
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return f"process {pid} exited without reporting the end of the run"
        if process.create_time() > recorded_at + PID_CLOCK_SLACK_SECONDS:
            return f"process {pid} exited; its pid now belongs to a newer process"
    except psutil.NoSuchProcess:
        return f"process {pid} no longer exists"
    except psutil.AccessDenied:
        return None  # another user's process, alive
    return None


def dead_run_reason(instance: DagsterInstance, run: DagsterRun) -> str | None:
    """Why `run` is dead (its process is gone), or None if it runs, has not recorded its process yet, or
    runs on another machine."""
    host = run.tags.get(HOST_TAG)
    if host is not None and host != this_host():
        return None
    process = run_process(instance, run.run_id)
    if process is None:
        return None
    return process_gone(*process)


def fail_dead_runs(instance: DagsterInstance) -> list[str]:
    """Mark every started or canceling run whose process is gone as failed, free the concurrency slots of
    every ended run that still holds some, and return the ids of the runs marked failed."""
    failed = []
    for record in instance.get_run_records(filters=RunsFilter(statuses=WATCHED_STATUSES)):
        run = record.dagster_run
        reason = dead_run_reason(instance, run)
        if reason is not None:
            instance.report_run_failed(run, f"The run's {reason}: marked failed and its pool slots freed.")
            failed.append(run.run_id)
    storage = instance.event_log_storage
    if storage.supports_global_concurrency_limits:
        for run_id in storage.get_concurrency_run_ids():
            run = instance.get_run_by_id(run_id)
            if run is None or run.is_finished:
                storage.free_concurrency_slots_for_run(run_id)
    return failed


class LocalRunLauncher(DefaultRunLauncher):
    """The default launcher (runs start as processes of the code server on this machine) that can also
    tell run monitoring whether a run's process is still alive: the run records its pid in its first engine
    event, and is dead when that process is gone, a zombie, or a newer process that reused the pid. A run
    whose `HOST_TAG` names another machine is left running."""

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: DagsterRun) -> CheckRunHealthResult:
        reason = dead_run_reason(self._instance, run)
        if reason is not None:
            return CheckRunHealthResult(WorkerStatus.FAILED, reason)
        return CheckRunHealthResult(WorkerStatus.RUNNING)
