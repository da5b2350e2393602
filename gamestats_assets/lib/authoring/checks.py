"""Asset-check factories: each states one property a table must hold and reports its numbers as metadata.

A check reads exactly the partitions of its run. A blocking check judges each partition on its own
(`partition_result`): failing partitions are held back from publishing while the others publish."""

import functools
import inspect
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl
from dagster._core.definitions.asset_checks.asset_check_evaluation import AssetCheckEvaluationTargetMaterializationData

from gamestats_assets.lib.authoring.keyed_checks import of_unjudged, record_passed, unjudged_keys
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.step_order import AFTER_THE_PUBLISH
from gamestats_assets.lib.core.stats import BELOW, UNDECIDED, RateAgainstFloor
from gamestats_assets.lib.intake.landing import FILES, SYNTHETIC, file_sources
from gamestats_assets.lib.intake.quarantine import quarantined, read_counts, rejected_share
from gamestats_assets.lib.lake.partitioning import PARTITION_COLUMN, partition_values
from gamestats_assets.lib.publish.held import HELD_PARTITIONS, HELD_TABLES
from gamestats_assets.lib.refresh.by_key import BY_KEY


@dataclass(frozen=True)
class Outcome:
    """What a check found: whether the property holds, the numbers that show it, and in words why not (by
    default the numbers that are not zero)."""

    passed: bool
    metadata: Mapping[str, Any] = field(default_factory=dict)
    reason: str = ""

    def why(self) -> str:
        """Why the property does not hold, for a reader of the held partitions."""
        return self.reason or ", ".join(f"{name}={value}" for name, value in self.metadata.items()
                                        if value not in (None, "", 0, 0.0, False)) or "failed"


def each_partition(context: dg.AssetCheckExecutionContext, result: dg.AssetCheckResult) -> dg.AssetCheckResult:
    """`result`, and, in a run over several partitions of a partitioned check, its verdict recorded on each
    partition too: a partition held back (`HELD_PARTITIONS`) as failed, the others as `result` says. Dagster
    records a result over a range on no partition, so without these the UI would show each partition's
    check as skipped."""
    if not context.has_partition_key_range:
        return result
    partitions = context.partition_keys
    if len(partitions) < 2:
        return result
    names: dict[dg.AssetKey, set[str]] = {}
    for spec in context.check_specs:
        names.setdefault(spec.asset_key, set()).add(spec.name)
    key = result.resolve_target_check_key(names)
    spec = next(spec for spec in context.check_specs if spec.key == key)
    if spec.partitions_def is None:
        return result
    held = result.metadata.get(HELD_PARTITIONS)
    held = held.value if isinstance(held, dg.JsonMetadataValue) else held
    targets = _latest_materializations(context.instance, key.asset_key, partitions)
    for partition in partitions:
        passed = partition not in held if isinstance(held, Mapping) else result.passed
        context.op_execution_context.log_event(dg.AssetCheckEvaluation(
            asset_key=key.asset_key, check_name=key.name, passed=passed, severity=result.severity,
            blocking=spec.blocking, partition=partition, target_materialization_data=targets.get(partition),
            description=held[partition] if isinstance(held, Mapping) and not passed else result.description,
            metadata={"run_partitions": len(partitions)}))
    return result


def _latest_materializations(instance: dg.DagsterInstance, asset_key: dg.AssetKey,
                             partitions: Sequence[str]) -> dict[str, AssetCheckEvaluationTargetMaterializationData]:
    """The latest materialization of each of `partitions` of `asset_key`, as the target of a check's evaluation."""
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=asset_key, asset_partitions=list(partitions)), limit=len(partitions) * 4).records
    latest: dict[str, AssetCheckEvaluationTargetMaterializationData] = {}
    for record in records:
        latest.setdefault(record.partition_key, AssetCheckEvaluationTargetMaterializationData(
            run_id=record.run_id, storage_id=record.storage_id, timestamp=record.timestamp))
    return latest


def _running_check() -> dg.AssetCheckExecutionContext | None:
    """The context of the check step running, None when a check's function is called directly (in a test)."""
    try:
        return dg.AssetCheckExecutionContext.get()
    except dg.DagsterInvariantViolationError:
        return None


def _recorded_per_partition(compute: Callable) -> Callable:
    """`compute` (a check's function, returning or yielding results) with each result passed through
    `each_partition`."""
    if inspect.isgeneratorfunction(compute):
        @functools.wraps(compute)
        def generate(*args, **kwargs) -> Iterator[dg.AssetCheckResult]:
            context = _running_check()
            for result in compute(*args, **kwargs):
                yield (each_partition(context, result) if context and isinstance(result, dg.AssetCheckResult)
                       else result)

        return generate

    @functools.wraps(compute)
    def evaluate(*args, **kwargs) -> dg.AssetCheckResult:
        context, result = _running_check(), compute(*args, **kwargs)
        return each_partition(context, result) if context else result

    return evaluate


def asset_check(**kwargs: Any) -> Callable[[Callable], dg.AssetChecksDefinition]:
    """`dg.asset_check`, its verdict recorded on every partition of a run over several (`each_partition`); one
    that blocks nothing runs after the publish (`AFTER_THE_PUBLISH`)."""
    tags = {} if kwargs.get("blocking") else AFTER_THE_PUBLISH
    return lambda compute: dg.asset_check(**{"op_tags": tags, **kwargs})(_recorded_per_partition(compute))


def multi_asset_check(**kwargs: Any) -> Callable[[Callable], dg.AssetChecksDefinition]:
    """`dg.multi_asset_check`, each verdict recorded on every partition of a run over several; one whose checks
    block nothing runs after the publish (`AFTER_THE_PUBLISH`)."""
    tags = {} if any(spec.blocking for spec in kwargs.get("specs", ())) else AFTER_THE_PUBLISH
    return lambda compute: dg.multi_asset_check(**{"op_tags": tags, **kwargs})(_recorded_per_partition(compute))


def folded_result(result: dg.AssetCheckResult, counts: Mapping[str, int]) -> dg.AssetCheckResult:
    """`result` of a folded snapshot, failed too unless the fold's state counts every row of the source's version it
    folds, no more (`lib/lake/fold.folded_rows`), with those counts."""
    whole = counts["source_rows"] >= 0 and counts["source_rows"] == counts["rows_in_state"]
    return dg.AssetCheckResult(passed=result.passed and whole, metadata={**result.metadata, **counts})


def planted_truth_result(rates: Sequence[RateAgainstFloor], metadata: Mapping[str, Any] | None = None, *,
                         failures: Mapping[str, int] | None = None) -> dg.AssetCheckResult:
    """The verdict of a check against planted truth, decided from each rate's interval, never its point estimate
    alone: an error when the evidence says a rate is below its floor or a count in `failures` (decoys flagged) is
    not zero; a warning naming the rates the sample is too small to decide; passed when every rate's interval
    lies at or above its floor. A rate of no cases (nothing of a kind found) is reported, not judged. Every rate
    is reported with its n and interval."""
    numbers = {**(metadata or {}), **{name: count for name, count in (failures or {}).items()}}
    for rate in rates:
        numbers.update(rate.metadata())
    judged = [rate for rate in rates if rate.trials]
    below = [rate.name for rate in judged if rate.judgement == BELOW]
    undecided = [rate.name for rate in judged if rate.judgement == UNDECIDED]
    broken = [name for name, count in (failures or {}).items() if count]
    if not judged and not broken:
        return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.WARN, metadata=numbers,
                                   description="Nothing planted to judge against.")
    if below or broken:
        description = "Below target: " + ", ".join([*below, *broken]) + "."
    elif undecided:
        description = ("Too few planted cases to decide: " + ", ".join(
            f"{rate.name} {rate.successes}/{rate.trials}" for rate in rates if rate.name in undecided) + ".")
    else:
        description = None
    return dg.AssetCheckResult(
        passed=not (below or broken or undecided), description=description, metadata=numbers,
        severity=dg.AssetCheckSeverity.ERROR if below or broken else dg.AssetCheckSeverity.WARN)


FrameRule = Callable[[pl.DataFrame], Outcome]
Frame = pl.DataFrame | pl.LazyFrame


def and_column(columns: Sequence[str] | None, column: str) -> list[str] | None:
    """`columns` and `column` (every column when `columns` is None)."""
    return None if columns is None else [*columns, *([column] if column not in columns else [])]


def partition_column(asset: dg.AssetsDefinition) -> str:
    """The lake column that holds the partition of `asset`'s table."""
    return asset.specs_by_key[asset.key].metadata[PARTITION_COLUMN]


def split_partitions(frame: Frame, column: str, partitions_def: dg.PartitionsDefinition,
                     keys: Sequence[str]) -> dict[str, Frame]:
    """`frame`'s rows of each of `keys` (`column` holding the partition), an empty frame for a key
    without rows."""
    values = partition_values(partitions_def, keys)
    return {key: frame.filter(pl.col(column) == value) for key, value in zip(keys, values, strict=True)}


def partition_result(verdicts: Mapping[str, Outcome], metadata: Mapping[str, Any], *,
                     asset_key: dg.AssetKey | None = None, check_name: str | None = None,
                     tables: Sequence[str] | None = None) -> dg.AssetCheckResult:
    """A blocking check's result from its verdict on each partition of the run (`verdicts`, by key).

    The partitions that fail are held back from publishing, listed with their reason under
    `held_partitions`, from the published `tables` only when given (under `held_tables`), else from every
    table of the domain; the publish step publishes the others (`held.run_holds`). The check then fails
    as a warning, so the run goes on; it fails as an error, stopping the run, only when no partition passes
    and its holds cover every table.
    """
    held = {key: outcome.why() for key, outcome in verdicts.items() if not outcome.passed}
    nothing_passes = len(held) == len(verdicts) and tables is None
    description = None
    if held:
        description = ("No partition of the run passes: nothing is published." if nothing_passes else
                       f"{len(held)} of {len(verdicts)} partitions held back from publishing; the others publish.")
    return dg.AssetCheckResult(
        asset_key=asset_key, check_name=check_name, passed=not held, description=description,
        severity=dg.AssetCheckSeverity.ERROR if nothing_passes else dg.AssetCheckSeverity.WARN,
        metadata={**metadata, "partitions_checked": len(verdicts), "partitions_held": len(held),
                  HELD_PARTITIONS: dg.MetadataValue.json(held),
                  **({HELD_TABLES: dg.MetadataValue.json(list(tables))} if tables is not None else {})},
    )


def judged_by_partition(context: dg.AssetCheckExecutionContext, rule: Callable[..., Outcome],
                        frames: Sequence[tuple[Frame, str]], partitions_def: dg.PartitionsDefinition, *,
                        totals: bool = False, tables: Sequence[str] | None = None,
                        judged: Mapping[str, Any] | None = None) -> dg.AssetCheckResult:
    """`rule` applied to each partition of the run on its own, as a blocking check's result
    (`partition_result`), showing the numbers of the rule applied to the whole run (one partition: its own),
    or with `totals` (a rule whose numbers are all counts, too costly to apply twice) their sums.

    `frames` are the check's inputs, each with the column holding its partition; `rule` takes their rows of
    one partition, in that order. `tables`: the published tables a failing partition is held from (all when None);
    `judged`: figures of what the check read, shown beside the rule's.
    """
    keys = context.partition_keys
    parts = [split_partitions(frame, column, partitions_def, keys) for frame, column in frames]
    verdicts = {key: rule(*(part[key] for part in parts)) for key in keys}
    if len(keys) == 1:
        numbers = verdicts[keys[0]].metadata
    elif totals:
        numbers = {name: sum(verdicts[key].metadata[name] for key in keys) for name in verdicts[keys[0]].metadata}
    else:
        numbers = rule(*(frame for frame, _ in frames)).metadata
    return partition_result(verdicts, {**numbers, **(judged or {})}, tables=tables)


def read_columns(frame: pl.LazyFrame | pl.DataFrame, columns: Sequence[str] | None) -> pl.DataFrame:
    """The rows of `frame` with only those of `columns` it has (every column when None): a check that
    needs a few columns of a wide table never loads the rest."""
    frame = frame.lazy()
    if columns is None:
        return frame.collect()
    present = set(frame.collect_schema().names())
    return frame.select([c for c in columns if c in present]).collect()


def frame_check(
    asset: dg.AssetsDefinition,
    name: str,
    rule: FrameRule,
    *,
    description: str,
    blocking: bool = False,
    columns: Sequence[str] | None = None,
) -> dg.AssetChecksDefinition:
    """A check named `name` on `asset` that applies `rule` to the asset's rows of this run, read with
    only `columns` (the ones the rule looks at) when given. A blocking check on a partitioned asset judges
    each partition on its own (`judged_by_partition`); on a table computed by key, only the keys written since it
    last passed on the day (`keyed_checks`: `rule` must hold of a day when it holds of each key's rows)."""
    by_partition = blocking and asset.partitions_def is not None
    column = partition_column(asset) if by_partition else None
    key = asset.specs_by_key[asset.key].metadata.get(BY_KEY) if by_partition else None

    @asset_check(
        asset=asset,
        name=name,
        description=description,
        blocking=blocking,
        partitions_def=asset.partitions_def,
        required_resource_keys={"platform"} if key else set(),
    )
    def _check(context: dg.AssetCheckExecutionContext, frame: pl.LazyFrame) -> dg.AssetCheckResult:
        if key:
            data_dir, days = context.resources.platform.data_dir, partition_values(asset.partitions_def,
                                                                                   context.partition_keys)
            unjudged = {day: unjudged_keys(data_dir, asset.key, name, day) for day in days}
            rows = read_columns(of_unjudged(frame, key, unjudged), and_column(columns, column))
            result = judged_by_partition(context, rule, [(rows, column)], asset.partitions_def, judged={
                "keys_judged": sum(len(keys) for keys in unjudged.values() if keys is not None),
                "days_judged_whole": sum(keys is None for keys in unjudged.values())})
            held = result.metadata[HELD_PARTITIONS]
            held = held.value if isinstance(held, dg.JsonMetadataValue) else held
            record_passed(data_dir, asset.key, name, [day for day, partition in zip(days, context.partition_keys,
                                                                                     strict=True)
                                                      if partition not in held])
            return result
        if by_partition:
            rows = read_columns(frame, and_column(columns, column))
            return judged_by_partition(context, rule, [(rows, column)], asset.partitions_def)
        outcome = rule(read_columns(frame, columns))
        return dg.AssetCheckResult(passed=outcome.passed, metadata=dict(outcome.metadata))

    return _check


def required_columns(schema: Mapping[str, pl.DataType]) -> FrameRule:
    """Every named column is present with the given type."""

    def rule(frame: pl.DataFrame) -> Outcome:
        missing = sorted(set(schema) - set(frame.columns))
        mistyped = sorted(c for c, t in schema.items() if c in frame.columns and frame.schema[c] != t)
        return Outcome(
            passed=not missing and not mistyped,
            metadata={"missing_columns": ", ".join(missing), "mistyped_columns": ", ".join(mistyped)},
        )

    return rule


def not_null(columns: Sequence[str]) -> FrameRule:
    """No row has a null in any of `columns`."""

    def rule(frame: pl.DataFrame) -> Outcome:
        nulls = {c: int(frame[c].null_count()) if c in frame.columns else -1 for c in columns}
        return Outcome(
            passed=all(n == 0 for n in nulls.values()),
            metadata={"rows": frame.height, **{f"nulls_{c}": n for c, n in nulls.items()}},
        )

    return rule


def unique(columns: Sequence[str]) -> FrameRule:
    """No two rows share the same values of `columns`."""

    def rule(frame: pl.DataFrame) -> Outcome:
        duplicates = frame.height - frame.select(columns).unique().height if frame.height else 0
        return Outcome(passed=duplicates == 0, metadata={"rows": frame.height, "duplicate_rows": duplicates})

    return rule


def keys_valid(columns: Sequence[str]) -> FrameRule:
    """The key `columns` are present, never null and unique together."""

    def rule(frame: pl.DataFrame) -> Outcome:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            return Outcome(passed=False, metadata={"missing_columns": ", ".join(missing)})
        nulls = not_null(columns)(frame)
        duplicates = unique(columns)(frame)
        return Outcome(
            passed=nulls.passed and duplicates.passed,
            metadata={**nulls.metadata, **duplicates.metadata},
        )

    return rule


def row_count_between(min_rows: int, max_rows: int | None = None) -> FrameRule:
    """The number of rows lies in `[min_rows, max_rows]`."""

    def rule(frame: pl.DataFrame) -> Outcome:
        ok = frame.height >= min_rows and (max_rows is None or frame.height <= max_rows)
        return Outcome(passed=ok, metadata={"rows": frame.height, "min_rows": min_rows, "max_rows": max_rows})

    return rule


def values_between(column: str, low: float | None, high: float | None) -> FrameRule:
    """Every non-null value of `column` lies in `[low, high]` (an open side when None)."""

    def rule(frame: pl.DataFrame) -> Outcome:
        values = frame[column].drop_nulls()
        below = int((values < low).sum()) if low is not None else 0
        above = int((values > high).sum()) if high is not None else 0
        return Outcome(
            passed=below == 0 and above == 0,
            metadata={
                "rows": frame.height,
                "below_low": below,
                "above_high": above,
                "min": float(values.min()) if len(values) else None,
                "max": float(values.max()) if len(values) else None,
            },
        )

    return rule


def reconciliation_check(
    asset: dg.AssetsDefinition,
    other: dg.AssetsDefinition,
    name: str,
    measure: Callable[[pl.DataFrame], float],
    *,
    other_measure: Callable[[pl.DataFrame], float] | None = None,
    description: str,
    tolerance: float = 1e-6,
    blocking: bool = False,
    columns: Sequence[str] | None = None,
    other_columns: Sequence[str] | None = None,
) -> dg.AssetChecksDefinition:
    """A check that `measure` of `asset` equals `other_measure` (default: `measure`) of `other`.

    Both are read for the partitions of this run, with only `columns` (`other_columns` for `other`,
    default `columns`) when given; the difference must stay within `tolerance` relative to the larger
    magnitude. A blocking check on a partitioned asset judges each partition on its own.
    """
    measure_other = other_measure or measure
    other_columns = other_columns or columns
    by_partition = blocking and asset.partitions_def is not None

    def rule(frame: pl.DataFrame, other_frame: pl.DataFrame) -> Outcome:
        ours, theirs = float(measure(frame)), float(measure_other(other_frame))
        scale = max(abs(ours), abs(theirs), 1.0)
        return Outcome(passed=abs(ours - theirs) <= tolerance * scale,
                       metadata={"value": ours, "other_value": theirs, "difference": ours - theirs},
                       reason=f"{ours} against {theirs}")

    @asset_check(
        asset=asset,
        name=name,
        description=description,
        blocking=blocking,
        partitions_def=asset.partitions_def,
        additional_ins={"other_frame": dg.AssetIn(other.key)},
    )
    def _check(context: dg.AssetCheckExecutionContext, frame: pl.LazyFrame,
               other_frame: pl.LazyFrame) -> dg.AssetCheckResult:
        if by_partition:
            column, other_column = partition_column(asset), partition_column(other)
            frames = [(read_columns(frame, and_column(columns, column)), column),
                      (read_columns(other_frame, and_column(other_columns, other_column)), other_column)]
            return judged_by_partition(context, rule, frames, asset.partitions_def)
        outcome = rule(read_columns(frame, columns), read_columns(other_frame, other_columns))
        return dg.AssetCheckResult(passed=outcome.passed, metadata=dict(outcome.metadata))

    return _check


def one_source_check(asset: dg.AssetsDefinition, domain: str, files_of: Callable[[PlatformResource, str], list[Path]],
                     generated: Callable[[Path], bool] | None = None) -> dg.AssetChecksDefinition:
    """A blocking check on the landing `asset` that no partition holds generated and delivered files together
    (`landing.file_sources`; `files_of` lists a partition's files): such a partition is held back with the
    names of both kinds, the others publish."""
    @asset_check(
        asset=asset,
        name="one_source_per_partition",
        blocking=True,
        partitions_def=asset.partitions_def,
        description=f"No partition holds both synthetic files and delivered ones in `landing/{domain}/`: a "
                    "partition that does is held back from publishing, so real and synthetic rows never meet.",
    )
    def _check(context: dg.AssetCheckExecutionContext, platform: PlatformResource) -> dg.AssetCheckResult:
        verdicts = {}
        for key in context.partition_keys:
            found = file_sources(platform, domain, key, files_of(platform, key), generated)
            synthetic, delivered = found[SYNTHETIC], found[FILES]
            verdicts[key] = Outcome(
                passed=not (synthetic and delivered),
                metadata={"synthetic_files": len(synthetic), "delivered_files": len(delivered)},
                reason=f"synthetic files ({', '.join(p.name for p in synthetic[:3])}) beside delivered ones "
                       f"({', '.join(p.name for p in delivered[:3])}): run the landing step again to let the "
                       "delivered files replace the synthetic ones",
            )
        totals = {name: sum(v.metadata[name] for v in verdicts.values()) for name in ("synthetic_files",
                                                                                       "delivered_files")}
        return partition_result(verdicts, totals)

    return _check


def quarantine_check(asset: dg.AssetsDefinition, domain: str) -> dg.AssetChecksDefinition:
    """A check on `asset` that counts the input its partitions sent to quarantine (files and records).

    Anything quarantined is a warning, not an error: the good rows are published, and the reasons wait
    in `quarantine/<domain>/<partition>/` for someone to look.
    """
    @asset_check(
        asset=asset,
        name="nothing_quarantined",
        description=f"No landing file or record of the partition was quarantined (see quarantine/{domain}/).",
        partitions_def=asset.partitions_def,
    )
    def _check(context: dg.AssetCheckExecutionContext, platform: PlatformResource) -> dg.AssetCheckResult:
        keys = context.partition_keys if asset.partitions_def else ["unpartitioned"]
        counts = [quarantined(platform.quarantine_dir, domain, key) for key in keys]
        files, records = sum(c["files"] for c in counts), sum(c["records"] for c in counts)
        return dg.AssetCheckResult(
            passed=files == 0 and records == 0,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"quarantined_files": files, "quarantined_records": records},
        )

    return _check


MAX_REJECTED_SHARE = 0.01
"""A partition where more than 1 % of a source's lines were rejected is not published."""


def reject_share_checks(domain: str, sources: Mapping[str, dg.AssetsDefinition],
                        max_share: float = MAX_REJECTED_SHARE) -> dg.AssetChecksDefinition:
    """Blocking checks, one per asset of `sources` (source name → the asset reading it), run as one step:
    at most `max_share` of the lines the asset read from its source were rejected, counted in lines (not in
    the rows of a table that aggregates them), so a format change that breaks most lines holds its day back
    instead of publishing a near-empty day. Each partition is judged on its own (`partition_result`)."""
    specs = {source: dg.AssetCheckSpec(
        "few_records_rejected", asset=asset.key, blocking=True, partitions_def=asset.partitions_def,
        description=f"At most {max_share:.0%} of the {source} lines of the partition were rejected "
                    f"(see quarantine/{domain}/<partition>/{source}.rejects.jsonl).",
    ) for source, asset in sources.items()}
    partitioned = any(asset.partitions_def for asset in sources.values())

    @multi_asset_check(name=f"{domain}__few_records_rejected", specs=list(specs.values()), can_subset=True)
    def _check(context: dg.AssetCheckExecutionContext, platform: PlatformResource):
        keys = context.partition_keys if partitioned else ["unpartitioned"]
        for source, spec in specs.items():
            if spec.key in context.selected_asset_check_keys:
                counts = {key: read_counts(platform.quarantine_dir, domain, key, source) for key in keys}
                yield rejected_lines_result(spec, counts, max_share, partitioned)

    return _check


def rejected_lines_result(spec: dg.AssetCheckSpec, counts: Mapping[str, Mapping[str, int]],
                          max_share: float, partitioned: bool = True) -> dg.AssetCheckResult:
    """The reject-share check of `spec` over the read counts of the run's partitions (by key): a partition
    whose share is above `max_share` is held back (`partition_result`)."""
    lines = sum(c.get("lines", 0) for c in counts.values())
    rejected = sum(c.get("rejected", 0) for c in counts.values())
    worst = max((rejected_share(c) for c in counts.values()), default=0.0)
    metadata = {"lines_read": lines, "rejected_lines": rejected,
                "duplicate_lines": sum(c.get("duplicates", 0) for c in counts.values()),
                "conflicting_lines": sum(c.get("conflicts", 0) for c in counts.values()),
                "rejected_share": round(rejected / lines, 6) if lines else 0.0,
                "worst_partition_share": round(worst, 6)}
    if not partitioned:
        return dg.AssetCheckResult(asset_key=spec.asset_key, check_name=spec.name, passed=worst <= max_share,
                                   metadata=metadata)
    verdicts = {key: Outcome(
        passed=rejected_share(c) <= max_share,
        reason=f"{c.get('rejected', 0)} of {c.get('lines', 0)} lines rejected ({rejected_share(c):.1%}, more than "
               f"{max_share:.0%})") for key, c in counts.items()}
    return partition_result(verdicts, metadata, asset_key=spec.asset_key, check_name=spec.name)
