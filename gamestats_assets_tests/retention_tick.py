"""The daily retention as the daemon runs it: `landing_retention_schedule` evaluated with a retention setting, and
the `landing_retention` run it requests executed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dagster as dg
import pytest

from gamestats_assets.definitions import build_definitions
from gamestats_assets.lib.core.settings import Settings


def retention_tick(env: dict[str, str], days: str | None) -> str | dict[str, Any]:
    """The daily retention schedule evaluated with `env` and `GAMESTATS_LANDING_RETENTION_DAYS` as `days` (unset:
    None), and the run it requests executed: its skip message, or the run's metadata (files retired by domain ...)."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {**env, "GAMESTATS_LANDING_RETENTION_DAYS": days}.items():
            patch.setenv(name, value) if value is not None else patch.delenv(name, raising=False)
        defs = build_definitions(Settings.from_env())
        context = dg.build_schedule_context(scheduled_execution_time=dt.datetime.now(dt.UTC),
                                            repository_def=defs.get_repository_def())
        tick = defs.resolve_schedule_def("landing_retention_schedule").evaluate_tick(context)
        if not tick.run_requests:
            return tick.skip_message
        [request] = tick.run_requests
        result = defs.resolve_job_def("landing_retention").execute_in_process(
            run_config=request.run_config, instance=dg.DagsterInstance.ephemeral())
    [output] = [event for event in result.all_events if event.is_successful_output]
    return {name: value.value for name, value in output.event_specific_data.metadata.items()}


def files_retired(metadata: dict[str, Any]) -> dict[str, int]:
    """The files a retention run retired, by domain (`<domain>_files_retired`)."""
    return {name: value for name, value in metadata.items() if name.endswith("_files_retired")}
