"""Materializing a whole code location over recent days, in dependency order, recording every outcome."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import dagster as dg


@dataclass
class RunOutcome:
    """One run: what it covered, whether it succeeded, its failed steps and its check results
    (``warnings``: the failed checks of WARN severity, which flag but do not stop anything)."""

    label: str
    run_id: str
    success: bool
    seconds: float
    failed_steps: list[str] = field(default_factory=list)
    checks: dict[dg.AssetCheckKey, bool] = field(default_factory=dict)
    warnings: set[dg.AssetCheckKey] = field(default_factory=set)

    @property
    def failed_errors(self) -> list[dg.AssetCheckKey]:
        return [key for key, passed in self.checks.items() if not passed and key not in self.warnings]


@dataclass(frozen=True)
class Plan:
    """The asset keys in three waves: unpartitioned roots, daily assets (one run per day), and the
    unpartitioned assets that read daily ones."""

    before: frozenset[dg.AssetKey]
    daily: frozenset[dg.AssetKey]
    after: frozenset[dg.AssetKey]


def plan(defs: dg.Definitions) -> Plan:
    graph = defs.resolve_asset_graph()
    keys = set(graph.materializable_asset_keys)
    daily = {k for k in keys if isinstance(graph.get(k).partitions_def, dg.TimeWindowPartitionsDefinition)}
    after = {k for k in keys - daily if graph.get_ancestor_asset_keys(k) & daily}
    before = keys - daily - after - {k for k in keys if graph.get(k).partitions_def is not None}
    return Plan(frozenset(before), frozenset(daily), frozenset(after))


def execute(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    keys: Iterable[dg.AssetKey],
    label: str,
    partition_key: str | None = None,
) -> RunOutcome:
    """Materialize ``keys`` (and their checks) in one run on ``instance``; never raises for a failed step."""
    job = defs.resolve_implicit_global_asset_job_def()
    started = time.monotonic()
    result = job.execute_in_process(
        instance=instance, asset_selection=sorted(keys), partition_key=partition_key, raise_on_error=False
    )
    outcome = RunOutcome(label=label, run_id=result.run_id, success=result.success, seconds=time.monotonic() - started)
    for event in result.all_events:
        if event.is_step_failure:
            outcome.failed_steps.append(event.step_key)
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.asset_check_evaluation_data
            outcome.checks[evaluation.asset_check_key] = evaluation.passed
            if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN:
                outcome.warnings.add(evaluation.asset_check_key)
    return outcome


def materialize_recent(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    days: list[str],
    on_run: Callable[[RunOutcome], None] = lambda outcome: None,
) -> list[RunOutcome]:
    """Materialize everything: the unpartitioned roots, then each of ``days``, then what reads the days."""
    waves = plan(defs)
    runs: list[tuple[str, frozenset[dg.AssetKey], str | None]] = []
    if waves.before:
        runs.append(("reference", waves.before, None))
    runs += [(day, waves.daily, day) for day in days] if waves.daily else []
    if waves.after:
        runs.append(("snapshots", waves.after, None))
    outcomes = []
    for label, keys, partition_key in runs:
        outcome = execute(defs, instance, keys, label, partition_key)
        on_run(outcome)
        outcomes.append(outcome)
    return outcomes
