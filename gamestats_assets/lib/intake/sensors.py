"""Sensors that find new work and request runs for it, built by one factory: landing sensors (files appeared or
changed in a domain's landing folder) and API discovery sensors (a live API has new matches or replays; without
the API key they skip, saying so in the Dagster UI)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition
from dagster._core.storage.dagster_run import NOT_FINISHED_STATUSES
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
    PARTITION_NAME_TAG,
)

from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.intake.discovery import (
    LANDING_HELD,
    ClaimsHeld,
    PartitionDiscovery,
    claim_changed,
    holding_claims,
)
from gamestats_assets.lib.intake.http import ApiError

PRIORITY_TAG = "dagster/priority"
DEFAULT_BATCH = 50
"""Partitions per requested run: one run covers many matches, bounded so that one run's memory stays small."""


@dataclass(frozen=True)
class Discovered:
    """What one evaluation of a discovery found: the partition keys to run, the new cursor, and extra
    tags for the runs (`discovered_by`, say). With `keys` empty, the tick skips with `idle`."""

    keys: Sequence[str]
    cursor: str | None
    tags: dict[str, str] = field(default_factory=dict)
    idle: str = "nothing new"


def key_batches(ordered: Sequence[str], wanted: Sequence[str], batch: int) -> list[tuple[str, str]]:
    """(first, last) ranges of consecutive keys of `ordered` covering exactly `wanted`, each at most
    `batch` keys: a run over a range of dynamic keys covers everything between its ends."""
    wanted_set, ranges, current = set(wanted), [], []
    for key in ordered:
        if key in wanted_set and len(current) < batch:
            current.append(key)
            continue
        if current:
            ranges.append((current[0], current[-1]))
        current = [key] if key in wanted_set else []
    if current:
        ranges.append((current[0], current[-1]))
    return ranges


def ordered_keys(instance: dg.DagsterInstance, partitions_def: dg.PartitionsDefinition) -> list[str]:
    """Every key of `partitions_def` in its order (a dynamic one's as the instance holds them)."""
    if isinstance(partitions_def, dg.DynamicPartitionsDefinition):
        return list(instance.get_dynamic_partitions(partitions_def.name))
    return list(partitions_def.get_partition_keys())


def partitions_in_progress(instance: dg.DagsterInstance, job_name: str,
                           partitions_def: dg.PartitionsDefinition) -> set[str]:
    """The keys that a run of `job_name` not finished yet (queued, starting, started, canceling) covers: its
    partition key, or every key of its range."""
    runs = instance.get_runs(filters=dg.RunsFilter(job_name=job_name, statuses=NOT_FINISHED_STATUSES))
    covered, ordered = set(), None
    for run in runs:
        if PARTITION_NAME_TAG in run.tags:
            covered.add(run.tags[PARTITION_NAME_TAG])
        elif ASSET_PARTITION_RANGE_START_TAG in run.tags:
            ordered = ordered if ordered is not None else ordered_keys(instance, partitions_def)
            start, end = run.tags[ASSET_PARTITION_RANGE_START_TAG], run.tags[ASSET_PARTITION_RANGE_END_TAG]
            if start in ordered and end in ordered:
                covered.update(ordered[ordered.index(start):ordered.index(end) + 1])
    return covered


def run_requests(
    context: dg.SensorEvaluationContext,
    partitions_def: dg.PartitionsDefinition,
    keys: Sequence[str],
    tags: dict[str, str],
    batch: int,
) -> tuple[list[dg.RunRequest], list[dg.AddDynamicPartitionsRequest]]:
    """Runs for `keys` (and the request adding the dynamic keys the instance does not have yet)."""
    existing = ordered_keys(context.instance, partitions_def)
    if isinstance(partitions_def, dg.DynamicPartitionsDefinition):
        new = [key for key in keys if key not in set(existing)]
        additions = [partitions_def.build_add_request(new)] if new else []
        ordered = [*existing, *new]
    else:
        additions, ordered = [], existing
    return [batch_request(first, last, tags) for first, last in key_batches(ordered, keys, batch)], additions


def batch_request(first: str, last: str, tags: dict[str, str]) -> dg.RunRequest:
    """A run over the keys from `first` to `last`: one partition key alone, or a partition range (Dagster
    refuses a run that has both)."""
    if first == last:
        return dg.RunRequest(partition_key=first, tags=tags)
    return dg.RunRequest(tags={**tags, "dagster/asset_partition_range_start": first,
                               "dagster/asset_partition_range_end": last})


def build_discovery_sensor(
    name: str,
    discover: Callable[[dg.SensorEvaluationContext, PlatformResource], Discovered],
    job: UnresolvedAssetJobDefinition,
    partitions_def: dg.PartitionsDefinition,
    *,
    description: str,
    minimum_interval_seconds: int = 60,
    priority: int = 0,
    batch: int = DEFAULT_BATCH,
    api_key_env: str | None = None,
    landing: PartitionDiscovery | None = None,
) -> dg.SensorDefinition:
    """A sensor that calls `discover` with its cursor, adds the dynamic partitions it found in batches and
    requests runs of `job` over them with run priority `priority`. With `api_key_env` unset in the
    environment it skips, saying which variable to set; an API error (a wrong key, the API down) skips the
    tick with the error, the cursor unchanged, so the next tick tries again. Given the `landing` discovery
    of the files `discover` lands, it lands and claims them holding the domain's claims (`holding_claims`) and
    runs only the keys it claims: one run per delivery, by the sensor that landed it; while another sensor holds
    the claims it skips, its cursor unchanged. It claims no key that a run of `job` still in progress covers
    (`partitions_in_progress`): those files wait, unclaimed, for the landing sensor's run after it."""

    @dg.sensor(name=name, job=job, minimum_interval_seconds=minimum_interval_seconds, description=description,
               default_status=dg.DefaultSensorStatus.RUNNING)
    def _sensor(context: dg.SensorEvaluationContext, platform: PlatformResource):
        if api_key_env and not os.environ.get(api_key_env):
            return dg.SkipReason(f"{api_key_env} is not set: set it to discover new work from the API")
        try:
            with holding_claims(context.instance, platform, landing) if landing else nullcontext() as claim:
                found = discover(context, platform)
                if claim and found.keys:
                    running = partitions_in_progress(context.instance, job.name, partitions_def)
                    keys = claim([key for key in found.keys if key not in running])
                else:
                    keys = found.keys
        except ApiError as error:
            return dg.SensorResult(skip_reason=f"the API refused or failed, nothing was run: {error}",
                                   cursor=context.cursor)
        except ClaimsHeld as held:
            return dg.SensorResult(skip_reason=str(held), cursor=context.cursor)
        if not keys:
            return dg.SensorResult(skip_reason=dg.SkipReason(found.idle), cursor=found.cursor)
        requests, additions = run_requests(context, partitions_def, keys,
                                           {PRIORITY_TAG: str(priority), **found.tags}, batch)
        return dg.SensorResult(run_requests=requests, dynamic_partitions_requests=additions, cursor=found.cursor)

    return _sensor


def landing_discover(
    discovery: PartitionDiscovery, job_name: str,
) -> Callable[[dg.SensorEvaluationContext, PlatformResource], Discovered]:
    """A `discover` for `build_discovery_sensor` over the landing folder: the keys whose files are new or
    changed since the fingerprints kept in the cursor, except those already processed or requested as they
    are (a day the pipeline generated itself, files another sensor landed and ran), and except those a run of
    `job_name` still in progress covers (`partitions_in_progress`): their change stays out of the claims and
    the cursor keeps their former fingerprint, so the first tick after the run ends requests one run for all
    that landed meanwhile, and a queued run is never joined by a second."""

    def discover(context: dg.SensorEvaluationContext, platform: PlatformResource) -> Discovered:
        seen = json.loads(context.cursor) if context.cursor else {}
        running = partitions_in_progress(context.instance, job_name, discovery.partitions_def)
        claimed = claim_changed(context.instance, platform, discovery, seen, left=running)
        if claimed is None:
            return Discovered(keys=[], cursor=context.cursor, idle=LANDING_HELD)
        keys, found = claimed
        waiting = sorted(key for key, fingerprint in found.items() if key in running and seen.get(key) != fingerprint)
        cursor = {key: seen.get(key) if key in running else fingerprint for key, fingerprint in found.items()}
        return Discovered(keys=keys, cursor=json.dumps({k: v for k, v in cursor.items() if v}, sort_keys=True),
                          tags={"discovered_by": "landing"},
                          idle=waiting_for_runs(waiting) if waiting else "nothing new")

    return discover


def waiting_for_runs(keys: Sequence[str]) -> str:
    """The skip reason of a landing tick whose only changes are in partitions a run is processing."""
    shown = ", ".join(keys[:5]) + (f" and {len(keys) - 5} more" if len(keys) > 5 else "")
    return f"new files in {shown} wait for the run in progress to end; the next run takes them all"


def build_landing_sensor(
    discovery: PartitionDiscovery, job: UnresolvedAssetJobDefinition, *, batch: int = DEFAULT_BATCH,
) -> dg.SensorDefinition:
    """`<domain>_landing_sensor`: runs `job` for every partition whose landing files appeared or changed, looking
    every `discovery.poll_seconds`, one run per partition at a time (`landing_discover`); on by default under the
    daemon of `gamestats dev`."""
    return build_discovery_sensor(
        f"{discovery.domain}_landing_sensor", landing_discover(discovery, job.name), job, discovery.partitions_def,
        description=f"Runs {job.name} for each partition whose files in landing/{discovery.domain}/ are new or "
        "changed since the last tick; files that land while a run of their partition is in progress go to one run "
        "after it.",
        minimum_interval_seconds=discovery.poll_seconds, batch=batch,
    )
