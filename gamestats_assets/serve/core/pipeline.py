"""Whether the pipeline runs: Dagster's daemon, which runs the sensors, the run queue and the backfills that make
an upload, an edit or a decision take effect, seen through the heartbeats it writes to the instance."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

NEEDED_DAEMONS = ("SENSOR", "QUEUED_RUN_COORDINATOR", "BACKFILL")
"""The daemons without which nothing that waits on a run ever starts."""
HEARTBEAT_TOLERANCE_SECONDS = 90
"""A daemon is taken as alive while its last heartbeat is this recent (it beats every 30 s)."""
NOT_RUNNING = ("The pipeline is not running: what you saved is kept and takes effect once it runs again.")


@dataclass(frozen=True)
class PipelineState:
    """The daemon's state: alive or not, and the age of the oldest needed heartbeat (None: it never beat)."""

    running: bool
    heartbeat_age_seconds: float | None
    missing: tuple[str, ...]

    @property
    def message(self) -> str:
        return "The pipeline is running." if self.running else NOT_RUNNING


def open_instance(opener: Callable[[], Any]) -> Any | None:
    """The Dagster instance `opener` gives, None when there is none to open (no `DAGSTER_HOME`: the API runs
    without the pipeline's instance)."""
    from dagster._core.errors import DagsterHomeNotSetError, DagsterInvariantViolationError

    try:
        return opener()
    except (DagsterHomeNotSetError, DagsterInvariantViolationError):
        return None


def pipeline_state(instance, now: float | None = None) -> PipelineState:
    """The state of the daemon of `instance` (a Dagster instance, None: none) from its heartbeats."""
    if instance is None:
        return PipelineState(False, None, NEEDED_DAEMONS)
    now = time.time() if now is None else now
    beats = instance.get_daemon_heartbeats()
    ages = {name: now - beats[name].timestamp for name in NEEDED_DAEMONS if name in beats}
    missing = tuple(name for name in NEEDED_DAEMONS
                    if name not in ages or ages[name] > HEARTBEAT_TOLERANCE_SECONDS)
    oldest = max(ages.values()) if len(ages) == len(NEEDED_DAEMONS) else None
    return PipelineState(not missing, None if oldest is None else round(oldest, 1), missing)
