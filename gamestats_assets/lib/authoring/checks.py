"""Asset-check factories: each states one property a table must hold and reports its numbers as metadata.

A check reads exactly the partitions of its run. A blocking check judges each partition on its own
(`partition_result`): failing partitions are held back from publishing while the others publish."""

import functools
import inspect
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import dagster as dg
import polars as pl
from dagster._core.definitions.asset_checks.asset_check_evaluation import AssetCheckEvaluationTargetMaterializationData

from gamestats_assets.lib.authoring.keyed_checks import of_unjudged, record_passed, unjudged_keys
from gamestats_assets.lib.core.step_order import AFTER_THE_PUBLISH
from gamestats_assets.lib.core.stats import BELOW, UNDECIDED, RateAgainstFloor
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
