"""Runs started without importing the code location again (`WarmRunLauncher`): each run's process is forked from a
server that imported `gamestats_assets.definitions` (and what Dagster imports to run it) once, so a run starts in a fraction of a second instead of the
seconds a new interpreter takes to import Dagster, polars and every domain. A background run's process runs at a
lower CPU priority (`lib/core/lanes.py`).

The server imports the code as it is on disk when the first run starts. A run of another code location, or one
launched after a source file of the package changed, starts the default way (a process of the code server, which
reloads with the UI), so an edited project never runs stale code."""

from __future__ import annotations

import multiprocessing
import os
import signal
from pathlib import Path

from dagster import DagsterInstance
from dagster._core.launcher import LaunchRunContext
from dagster._core.storage.tags import GRPC_INFO_TAG
from dagster._utils.interrupts import capture_interrupts

import gamestats_assets
from gamestats_assets.lib.core.lanes import BACKGROUND_NICENESS, LANE_TAG, yields_cores
from gamestats_assets.lib.deploy.run_health import LocalRunLauncher, run_process

DEFINITIONS = "gamestats_assets.definitions"
PRELOAD = (DEFINITIONS, "dagster._cli.api", "dagster._utils.test", "dagster._core.execution.api",
           "dagster._core.execution.context_creation_job", "dagster._core.execution.plan.execute_plan",
           "gamestats_assets.lib.deploy.dagster_storage", "scipy.stats", "pyarrow.dataset",
           "gamestats_assets.lib.deploy.warm_code")
"""What the server imports: the definitions, what Dagster imports to load and execute a run of them, the libraries
steps import where they use them (`scipy.stats` for the statistics' tests and intervals, `pyarrow.dataset` for a
refresh's reading of changed files: about 0.8 and 0.4 CPU-s that each run needing them paid), and last
`warm_code`, which resolves the definitions' repository and keeps what the server holds out of garbage collections."""
PACKAGE = Path(gamestats_assets.__file__).parent


def code_stamp() -> tuple[int, int]:
    """How the package's source stands on disk: its Python files' count and their newest modification time."""
    stamps = [path.stat().st_mtime_ns for path in PACKAGE.rglob("*.py")]
    return len(stamps), max(stamps, default=0)


def execute_run(run_id: str, instance_ref) -> None:
    """What `dagster api execute_run` does for `run_id`, in a process that has the code imported already; a
    background or snapshots' run's process first lowers its CPU priority (`lib/core/lanes.py`), which its event log
    says."""
    from dagster._cli.api import _execute_run_command_body

    with capture_interrupts(), DagsterInstance.from_ref(instance_ref) as instance:
        run = instance.get_run_by_id(run_id)
        if run is not None and yields_cores(run.tags):
            niceness = os.nice(BACKGROUND_NICENESS)
            instance.report_engine_event(f"A {run.tags[LANE_TAG]} run: its process runs at niceness {niceness}, after "
                                         "live runs on the same cores.", run, cls=WarmRunLauncher)
        _execute_run_command_body(run_id, instance, lambda event: None, set_exit_code_on_failure=False)


class WarmRunLauncher(LocalRunLauncher):
    """`LocalRunLauncher` whose runs of this package start as processes forked from a server that imported it."""

    def __init__(self, inst_data=None):
        super().__init__(inst_data=inst_data)
        self._stamp: tuple[int, int] | None = None
        self._context = multiprocessing.get_context("forkserver")

    def _warm(self, context: LaunchRunContext) -> bool:
        """Whether `context`'s run is of this package's definitions, and the server holds the code on disk (started
        now, when it is the first)."""
        origin = context.dagster_run.job_code_origin
        pointer = origin.repository_origin.code_pointer if origin else None
        if getattr(pointer, "module", None) != DEFINITIONS:
            return False
        if self._stamp is None:
            self._stamp = code_stamp()
            self._context.set_forkserver_preload(list(PRELOAD))
            return True
        return code_stamp() == self._stamp

    def launch_run(self, context: LaunchRunContext) -> None:
        if not self._warm(context):
            return super().launch_run(context)
        multiprocessing.active_children()  # reaps the processes of runs that ended
        run = context.dagster_run
        process = self._context.Process(target=execute_run, args=(run.run_id, self._instance.get_ref()),
                                        name=f"run {run.run_id}")
        process.start()
        self._run_ids.add(run.run_id)

    def terminate(self, run_id: str) -> bool:
        run = self._instance.get_run_by_id(run_id)
        if run is None or run.is_finished or GRPC_INFO_TAG in run.tags:
            return super().terminate(run_id)
        self._instance.report_run_canceling(run)
        process = run_process(self._instance, run_id)
        if process is None:
            self._instance.report_engine_event("The run's process has not started yet: ask again in a moment.",
                                               run, cls=self.__class__)
            return False
        try:
            os.kill(process[0], signal.SIGINT)
        except ProcessLookupError:
            return False
        return True
