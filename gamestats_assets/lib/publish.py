"""The publish factory: a declarative list of lake tables becomes PostgreSQL publish assets and their checks.

For each ``PublishSpec`` it builds
- a blocking check on the lake asset that its key columns are present, never null and unique, so a bad
  table stops the run before anything reaches PostgreSQL;
- the publish asset ``[domain, "postgres", table]``, which writes the run's partitions in one transaction
  (partition replace, snapshot replace, or insert-if-absent);
- a reconciliation check on the publish asset: PostgreSQL's rows (and a column sum) for the run's
  partitions equal the lake's.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

import dagster as dg
import polars as pl

from gamestats_assets.lib import publisher
from gamestats_assets.lib.checks import frame_check, keys_valid
from gamestats_assets.lib.lake import PARTITION_COLUMN, partition_values
from gamestats_assets.lib.postgres import PostgresResource
from gamestats_assets.lib.provenance import WORKER_METADATA, step_worker

POSTGRES_POOL = "postgres_writer"


class PublishMode(Enum):
    PARTITION = "partition"
    """Replace the run's partitions: exchange each for a newly loaded one when the table is partitioned in
    PostgreSQL (``sql/070``), else delete their rows and COPY the new ones."""
    SNAPSHOT = "snapshot"
    """Replace the whole table."""
    INSERT_IF_ABSENT = "insert_if_absent"
    """Insert rows whose key is new; keep existing ones (two discovery paths race to fill the table)."""


@dataclass(frozen=True)
class PublishSpec:
    """One lake table published to ``table`` (``schema.table``) with the grain ``key_columns``.

    ``sum_column`` names a numeric column whose total must agree between the lake and PostgreSQL.
    """

    source: dg.AssetsDefinition
    table: str
    key_columns: tuple[str, ...]
    mode: PublishMode = PublishMode.PARTITION
    sum_column: str | None = None

    @property
    def partitions_def(self) -> dg.PartitionsDefinition | None:
        return self.source.partitions_def

    @property
    def partition_column(self) -> str | None:
        if self.partitions_def is None:
            return None
        return self.source.specs_by_key[self.source.key].metadata[PARTITION_COLUMN]

    @property
    def asset_key(self) -> dg.AssetKey:
        return dg.AssetKey([self.source.key.path[0], "postgres", publisher.split_table(self.table)[1]])


def run_partition_values(context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext, spec: PublishSpec):
    """The partition column's values of the partitions this run covers (None when unpartitioned)."""
    if spec.partitions_def is None:
        return None
    return partition_values(spec.partitions_def, context.partition_keys)


def build_publish_asset(spec: PublishSpec) -> dg.AssetsDefinition:
    """The asset that writes ``spec.source``'s rows of this run into PostgreSQL."""

    @dg.asset(
        key=spec.asset_key,
        ins={"frame": dg.AssetIn(spec.source.key)},
        partitions_def=spec.partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run() if spec.partitions_def else None,
        kinds={"postgres"},
        pool=POSTGRES_POOL,
        group_name=spec.source.key.path[0],
        description=f"{spec.table} in PostgreSQL: {spec.source.key.to_user_string()} as published, "
        f"one row per {', '.join(spec.key_columns)} ({spec.mode.value} publish).",
        metadata={"table": spec.table, "key_columns": ", ".join(spec.key_columns)},
    )
    def _publish(context: dg.AssetExecutionContext, postgres: PostgresResource, frame: pl.DataFrame):
        with postgres.connection() as conn:
            if spec.mode is PublishMode.PARTITION and spec.partitions_def is not None:
                rows = publisher.publish_partitions(
                    conn, spec.table, frame, spec.partition_column, run_partition_values(context, spec)
                )
            elif spec.mode is PublishMode.INSERT_IF_ABSENT:
                rows = publisher.insert_if_absent(conn, spec.table, frame, spec.key_columns)
            else:
                rows = publisher.replace_snapshot(conn, spec.table, frame)
        return dg.MaterializeResult(
            metadata={"dagster/row_count": rows, "rows_written": rows, WORKER_METADATA: step_worker()}
        )

    return _publish


def build_reconciliation_check(spec: PublishSpec, publish_asset: dg.AssetsDefinition) -> dg.AssetChecksDefinition:
    """PostgreSQL holds the lake's rows for the run's partitions: same count, same ``sum_column`` total."""

    @dg.asset_check(
        asset=publish_asset,
        name="postgres_matches_lake",
        description=f"{spec.table} holds exactly the lake's rows (and {spec.sum_column or 'no'} total) "
        "for the partitions of the run.",
        partitions_def=spec.partitions_def,
        additional_ins={"lake_frame": dg.AssetIn(spec.source.key)},
    )
    def _reconcile(context: dg.AssetCheckExecutionContext, postgres: PostgresResource, lake_frame: pl.DataFrame):
        with postgres.connection() as conn:
            pg_rows, pg_sum = publisher.partition_totals(
                conn, spec.table, spec.partition_column, run_partition_values(context, spec), spec.sum_column
            )
        lake_rows = lake_frame.height
        lake_sum = float(lake_frame[spec.sum_column].sum()) if spec.sum_column else None
        sums_agree = spec.sum_column is None or abs((pg_sum or 0.0) - lake_sum) <= 1e-6 * max(1.0, abs(lake_sum))
        rows_agree = pg_rows == lake_rows if spec.mode is not PublishMode.INSERT_IF_ABSENT else pg_rows >= lake_rows
        return dg.AssetCheckResult(
            passed=rows_agree and sums_agree,
            metadata={"lake_rows": lake_rows, "postgres_rows": pg_rows, "lake_sum": lake_sum, "postgres_sum": pg_sum},
        )

    return _reconcile


def build_publish_definitions(
    specs: Sequence[PublishSpec],
) -> tuple[list[dg.AssetsDefinition], list[dg.AssetChecksDefinition]]:
    """Publish assets and their checks (blocking key check upstream, reconciliation after) for ``specs``."""
    assets, checks = [], []
    for spec in specs:
        publish_asset = build_publish_asset(spec)
        assets.append(publish_asset)
        checks.append(
            frame_check(
                spec.source,
                "publish_keys_unique_and_not_null",
                keys_valid(spec.key_columns),
                description=f"Before publishing to {spec.table}: {', '.join(spec.key_columns)} present, "
                "never null, unique.",
                blocking=True,
            )
        )
        checks.append(build_reconciliation_check(spec, publish_asset))
    return assets, checks
