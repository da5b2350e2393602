"""Materializing a whole code location over recent days, in dependency order, recording every outcome."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
from dagster._core.definitions.job_base import InMemoryJob
from dagster._core.definitions.repository_definition import SINGLETON_REPOSITORY_NAME
from dagster._core.execution.api import create_execution_plan, execute_run
from dagster._core.remote_origin import InProcessCodeLocationOrigin, RemoteRepositoryOrigin
from dagster._core.storage.tags import PARTITION_NAME_TAG
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin

from gamestats_assets.lib.core.interrupts import noticed_interrupts
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.settings import PROJECT_ROOT
from gamestats_assets.lib.intake.discovery import PartitionDiscovery
from gamestats_assets.lib.intake.sensors import DEFAULT_BATCH, key_batches


@dataclass
class RunOutcome:
    """One run: what it covered, whether it succeeded, its failed steps and its check results
    (`warnings`: the failed checks of WARN severity, which flag but do not stop anything; `reasons`: what a failed
    check said of its failure, where it said something)."""

    label: str
    run_id: str
    success: bool
    seconds: float
    failed_steps: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    checks: dict[dg.AssetCheckKey, bool] = field(default_factory=dict)
    warnings: set[dg.AssetCheckKey] = field(default_factory=set)
    reasons: dict[dg.AssetCheckKey, str] = field(default_factory=dict)

    @property
    def failed_errors(self) -> list[dg.AssetCheckKey]:
        return [key for key, passed in self.checks.items() if not passed and key not in self.warnings]


@dataclass(frozen=True)
class Plan:
    """The asset keys in waves: unpartitioned roots, daily assets (one run per day), the assets of each
    dynamic partitions definition (runs over the keys found in landing), and the unpartitioned assets
    that read partitioned ones."""

    before: frozenset[dg.AssetKey]
    daily: frozenset[dg.AssetKey]
    dynamic: dict[str, frozenset[dg.AssetKey]]
    after: frozenset[dg.AssetKey]

    @property
    def keys(self) -> frozenset[dg.AssetKey]:
        return self.before | self.daily | self.after | frozenset().union(*self.dynamic.values())


def plan(defs: dg.Definitions, discoveries: Sequence[PartitionDiscovery] = ()) -> Plan:
    """Every materializable asset of `defs` in its wave; a dynamic partitions definition that no discovery
    finds keys for is an error, so no asset can fall out of the demo."""
    graph = defs.resolve_asset_graph()
    keys = set(graph.materializable_asset_keys)
    partitions = {k: graph.get(k).partitions_def for k in keys}
    daily = {k for k, p in partitions.items() if isinstance(p, dg.TimeWindowPartitionsDefinition)}
    dynamic: dict[str, set[dg.AssetKey]] = {}
    for key, partitions_def in partitions.items():
        if isinstance(partitions_def, dg.DynamicPartitionsDefinition):
            dynamic.setdefault(partitions_def.name, set()).add(key)
        elif partitions_def is not None and key not in daily:
            raise ValueError(f"{key.to_user_string()}: the demo has no wave for {type(partitions_def).__name__}")
    undiscovered = set(dynamic) - {getattr(d.partitions_def, "name", None) for d in discoveries}
    if undiscovered:
        raise ValueError(f"no discovery finds the keys of dynamic partitions {sorted(undiscovered)}")
    partitioned = daily | set().union(*dynamic.values())
    after = {k for k in keys - partitioned if graph.get_ancestor_asset_keys(k) & partitioned}
    before = keys - partitioned - after
    return Plan(frozenset(before), frozenset(daily), {n: frozenset(k) for n, k in dynamic.items()}, frozenset(after))


QUIET_CONSOLE = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
"""Run config that keeps Dagster's per-event log lines off the console (the events still reach the instance)."""

CODE_LOCATION = RemoteRepositoryOrigin(
    InProcessCodeLocationOrigin(LoadableTargetOrigin(module_name="gamestats_assets.definitions",
                                                     working_directory=str(PROJECT_ROOT)), location_name="gamestats"),
    SINGLETON_REPOSITORY_NAME)
"""The code location `gamestats dev` serves (`workspace.yaml`): a run executed here is recorded as one of its runs,
so the UI's overview and timeline show it beside the runs the daemon launched."""


def execute(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    keys: Iterable[dg.AssetKey],
    label: str,
    partition_key: str | None = None,
    tags: dict[str, str] | None = None,
    event_log: Path | None = None,
    asset_config: Mapping[dg.AssetKey, dict] | None = None,
) -> RunOutcome:
    """Materialize `keys` (and their checks) in one run on `instance`, in this process, recorded as a run of the
    code location; never raises for a failed step. With `event_log`, Dagster's events go to that file instead
    of the console; `asset_config` gives the config of the assets of `keys` it names."""
    keys = frozenset(keys)
    job = defs.resolve_implicit_global_asset_job_def().get_subset(asset_selection=keys)
    ops = {key.to_python_identifier(): {"config": config} for key, config in (asset_config or {}).items()
           if key in keys}
    run_config = {**(QUIET_CONSOLE if event_log else {}), **({"ops": ops} if ops else {})}
    run_tags = {**(tags or {}), **({PARTITION_NAME_TAG: partition_key} if partition_key else {})}
    started = time.monotonic()
    in_memory = InMemoryJob(job)
    run = instance.create_run_for_job(
        job_def=job, run_config=run_config, tags=run_tags, asset_selection=frozenset(keys),
        execution_plan=create_execution_plan(in_memory, run_config=run_config, instance_ref=instance.get_ref(),
                                             tags=run_tags),
        remote_job_origin=CODE_LOCATION.get_job_origin(job.name))
    result = execute_run(in_memory, run, instance)
    outcome = RunOutcome(label=label, run_id=run.run_id, success=result.success, seconds=time.monotonic() - started)
    for event in result.all_events:
        if event.is_step_failure:
            outcome.failed_steps.append(event.step_key)
            outcome.errors[event.step_key] = event.step_failure_data.error.message.strip().splitlines()[0]
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.asset_check_evaluation_data
            outcome.checks[evaluation.asset_check_key] = evaluation.passed
            if not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN:
                outcome.warnings.add(evaluation.asset_check_key)
            if not evaluation.passed and evaluation.description:
                outcome.reasons[evaluation.asset_check_key] = evaluation.description
    if event_log is not None:
        event_log.parent.mkdir(parents=True, exist_ok=True)
        with event_log.open("a", encoding="utf-8") as handle:
            handle.writelines(f"{label}\t{run.run_id}\t{event.event_type_value}\t{event.step_key or ''}\t"
                              f"{(event.message or '').replace(chr(10), ' ')}\n" for event in result.all_events)
    return outcome


def materialize_recent(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    days: list[str],
    discoveries: Sequence[PartitionDiscovery],
    platform: PlatformResource,
    on_run: Callable[[RunOutcome], None] = lambda outcome: None,
    event_log: Path | None = None,
    asset_config: Mapping[dg.AssetKey, dict] | None = None,
) -> list[RunOutcome]:
    """Materialize everything: the unpartitioned roots, then each of `days`, then every dynamic key the
    discoveries find in landing (added to the instance, run in batches), then what reads the partitions.
    With `event_log`, Dagster's event log is written to that file, not to the console; `asset_config` is the
    config of the assets it names, in whichever run builds them. Ctrl-C or SIGTERM stops it at the end of the run
    they reached (`KeyboardInterrupt`, once that run is recorded and reported), never starting the next."""

    def _run(run) -> RunOutcome:
        label, keys, partition_key, tags = run
        outcome = execute(defs, instance, keys, label, partition_key, tags, event_log, asset_config)
        on_run(outcome)
        if interrupted():
            raise KeyboardInterrupt(f"interrupted during run {outcome.run_id} ({label})")
        return outcome

    with noticed_interrupts() as interrupted:
        waves = plan(defs, discoveries)
        runs: list[tuple[str, frozenset[dg.AssetKey], str | None, dict[str, str] | None]] = []
        if waves.before:
            runs.append(("reference", waves.before, None, None))
        runs += [(day, waves.daily, day, None) for day in days] if waves.daily else []
        outcomes = [_run(run) for run in runs]
        for discovery in discoveries:
            if not isinstance(discovery.partitions_def, dg.DynamicPartitionsDefinition):
                continue
            name = discovery.partitions_def.name
            keys = sorted(discovery.find(platform))
            instance.add_dynamic_partitions(name, [k for k in keys if not instance.has_dynamic_partition(name, k)])
            ordered = instance.get_dynamic_partitions(name)
            for first, last in key_batches(ordered, keys, DEFAULT_BATCH):
                tags = {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last}
                label = f"{name} {first[:8]}" + (f"..{last[:8]}" if last != first else "")
                outcomes.append(_run((label, waves.dynamic[name], None, tags)))
        if waves.after:
            outcomes.append(_run(("snapshots", waves.after, None, None)))
        return outcomes

