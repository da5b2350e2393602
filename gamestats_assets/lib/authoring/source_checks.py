"""The checks of what came in, each a factory of an asset check: a table's measure equal to its source's
(`reconciliation_check`), a landing partition of one source only (`one_source_check`), what a partition sent to
quarantine (`quarantine_check`) and the share of a source's lines rejected (`reject_share_checks`), every partition
judged on its own where the check blocks (`checks.partition_result`)."""

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import dagster as dg
import polars as pl

from gamestats_assets.lib.authoring.checks import (
    Outcome,
    and_column,
    asset_check,
    judged_by_partition,
    multi_asset_check,
    partition_column,
    partition_result,
    read_columns,
)
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.intake.landing import FILES, SYNTHETIC, file_sources
from gamestats_assets.lib.intake.quarantine import quarantined, read_counts, rejected_share


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
