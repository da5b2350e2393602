"""The publish factory: a declarative list of lake tables (`PublishSpec`) becomes PostgreSQL publish assets and
their checks: a blocking key check on each lake table, one publish step per domain and partitions definition
writing its tables in one transaction, and reconciliation checks after it (`build_publish_definitions`)."""

from collections.abc import Sequence
from dataclasses import dataclass, field

import dagster as dg
import polars as pl
import psycopg
from psycopg import sql

from gamestats_assets.lib.authoring.assets import Publish, PublishMode
from gamestats_assets.lib.authoring.checks import frame_check, keys_valid, multi_asset_check
from gamestats_assets.lib.core.columns import COLUMN_SCHEMA, Columns, declared_columns, table_schema
from gamestats_assets.lib.core.figures import cell, readable
from gamestats_assets.lib.core.partitions import partitions_name
from gamestats_assets.lib.refresh.generations import read_generations
from gamestats_assets.lib.publish import publisher
from gamestats_assets.lib.publish.by_key import publish_by_key
from gamestats_assets.lib.publish.held import (
    HELD_PARTITIONS,
    held_metadata,
    held_tag,
    published_keys,
    record_holds,
    run_holds,
)
from gamestats_assets.lib.core.provenance import WORKER_METADATA, step_worker
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.lake.io_manager import row_count_metadata
from gamestats_assets.lib.lake.partitioning import PARTITION_COLUMN, partition_values
from gamestats_assets.lib.publish.postgres import PostgresResource
from gamestats_assets.lib.publish.ranged_load import RangeCuts, quantile_cuts
from gamestats_assets.lib.refresh.by_key import BY_KEY

POSTGRES_POOL = "postgres_writer"


@dataclass(frozen=True)
class PublishSpec:
    """One lake table published to `table` (`schema.table`) with the grain `key_columns`.

    `sum_column` names a numeric column whose total must agree between the lake and PostgreSQL; `columns`,
    `indexes`, `checks`, `comment` and `retired` are what its PostgreSQL table is generated from. A daily table computed by
    key (`by_key`, the key's column) is published by key (`lib/publish/by_key.py`).
    """

    source: dg.AssetsDefinition
    table: str
    key_columns: tuple[str, ...]
    mode: PublishMode = PublishMode.PARTITION
    sum_column: str | None = None
    columns: Columns = field(default_factory=dict)
    indexes: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    comment: str | None = None
    by_key: str | None = None
    retired: tuple[str, ...] = ()

    @property
    def partitions_def(self) -> dg.PartitionsDefinition | None:
        return self.source.partitions_def

    @property
    def partition_column(self) -> str | None:
        if self.partitions_def is None:
            return None
        return self.source.specs_by_key[self.source.key].metadata[PARTITION_COLUMN]

    @property
    def partitioned_in_postgres(self) -> bool:
        """Whether its PostgreSQL table is partitioned by its partition column, a partition per day, so that a
        day is published by exchanging its partition: a daily table published by partition."""
        return self.mode is PublishMode.PARTITION and isinstance(self.partitions_def, dg.TimeWindowPartitionsDefinition)

    @property
    def asset_key(self) -> dg.AssetKey:
        return dg.AssetKey([self.source.key.path[0], "postgres", publisher.split_table(self.table)[1]])


def published_specs(assets: Sequence[dg.AssetsDefinition]) -> list[PublishSpec]:
    """A `PublishSpec` for every lake table among `assets` whose declaration says it is published (`Publish`),
    a table of a multi-asset published alone out of it."""
    specs = []
    for asset in assets:
        for key in asset.keys:
            metadata = asset.specs_by_key[key].metadata
            declared = Publish.of(metadata)
            if declared:
                table, publish = declared
                source = asset if len(asset.keys) == 1 else asset.subset_for({key}, selected_asset_check_keys=None)
                columns = declared_columns(metadata[COLUMN_SCHEMA]) if COLUMN_SCHEMA in metadata else {}
                specs.append(PublishSpec(source, table, publish.key, publish.mode, publish.sum_column, columns,
                                         publish.indexes, publish.checks, publish.comment, metadata.get(BY_KEY),
                                         publish.retired))
    return specs


def keys_values(spec: PublishSpec, keys: Sequence[str] | None):
    """The partition column's values of `keys` (None when unpartitioned)."""
    if spec.partitions_def is None:
        return None
    return partition_values(spec.partitions_def, keys)


def write(conn, context: dg.AssetExecutionContext, spec: PublishSpec, keys: Sequence[str] | None,
          postgres: PostgresResource) -> tuple[int, dict]:
    """Write `spec`'s rows of partitions `keys` with its mode (by key when it is computed by key), and record the
    publish in `publisher.PUBLISH_LOG`; nested in the caller's transaction (a savepoint). Returns the rows written
    and the publish's own metadata (the keys published by key)."""
    lake, extra = context.resources.lake, {}
    if spec.by_key is not None and spec.mode is PublishMode.PARTITION and keys:
        data_dir, key_of = context.resources.platform.data_dir, dict(zip(keys_values(spec, keys), keys, strict=True))

        def publish_whole(days: Sequence) -> int:
            return publish_partitions(conn, context, spec, [key_of[day] for day in days], postgres)

        done = publish_by_key(conn, spec.table, spec.partition_column, spec.by_key, list(key_of),
                              lambda day: read_generations(data_dir, spec.source.key, day),
                              lambda day: lake.scan(spec.source, [key_of[day]]), publish_whole)
        rows, extra = done.rows, done.metadata()
    elif spec.mode is PublishMode.PARTITION and spec.partitions_def is not None:
        rows = publish_partitions(conn, context, spec, keys, postgres)
    elif spec.mode is PublishMode.INSERT_IF_ABSENT:
        rows = publisher.insert_if_absent(conn, spec.table, lake.batches(spec.source, keys), spec.key_columns)
    else:
        rows = publisher.replace_snapshot(conn, spec.table, lake.batches(spec.source, keys))
    publisher.record_publish(conn, spec.table, rows)
    return rows, extra


def publish_partitions(conn, context: dg.AssetExecutionContext, spec: PublishSpec, keys: Sequence[str],
                       postgres: PostgresResource) -> int:
    """Replace `spec`'s partitions `keys` in PostgreSQL by the lake's (`publisher.publish_partitions`)."""
    return publisher.publish_partitions(conn, spec.table, context.resources.lake.batches(spec.source, keys),
                                        spec.partition_column, keys_values(spec, keys),
                                        load_slices(context, spec, keys, postgres))


def load_slices(context: dg.AssetExecutionContext, spec: PublishSpec, keys: Sequence[str] | None,
                postgres: PostgresResource) -> RangeCuts | None:
    """How the large partitions `keys` of `spec` are cut to be loaded over several connections at once: by the
    first integer key column besides the partition column, into `GAMESTATS_PUBLISH_CONNECTIONS` ranges of about
    equal rows (None when the table has no such column or one connection is set)."""
    connections = Settings.from_env().publish_connections
    scan = context.resources.lake.scan(spec.source, keys)
    schema = scan.collect_schema()
    column = next((c for c in spec.key_columns if c != spec.partition_column and c in schema
                   and schema[c].is_integer()), None)
    if column is None or connections < 2:
        return None
    cuts = quantile_cuts(scan.select(spec.partition_column, column), spec.partition_column, column, connections)
    return RangeCuts(column, cuts, postgres.connection) if cuts else None


PREVIEW_ROWS = 5


def preview(conn: psycopg.Connection, spec: PublishSpec, keys: Sequence[str] | None) -> dg.TableMetadataValue:
    """The first `PREVIEW_ROWS` rows by key of what `spec`'s table holds for the partitions `keys` (the whole
    table when unpartitioned), read back from PostgreSQL, figures readable."""
    values = keys_values(spec, keys)
    where = sql.SQL(" WHERE {} = ANY(%s)").format(sql.Identifier(spec.partition_column)) if values is not None \
        else sql.SQL("")
    cursor = conn.execute(sql.SQL("SELECT * FROM {}{} ORDER BY {} LIMIT {}").format(
        publisher.qualified(spec.table), where, sql.SQL(", ").join(map(sql.Identifier, spec.key_columns)),
        sql.Literal(PREVIEW_ROWS)), (list(values),) if values is not None else ())
    names = [column.name for column in cursor.description]
    return dg.MetadataValue.table([dg.TableRecord(dict(zip(names, map(cell, row), strict=True)))
                                   for row in cursor.fetchall()],
                                  schema=table_schema(spec.columns, spec.key_columns) if spec.columns else None)


def run_holds_of(context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext, domain: str,
                 partitions_def: dg.PartitionsDefinition | None) -> dict:
    """The holds the run's blocking checks on `domain`'s tables put on its partitions (`held.run_holds`); none
    when unpartitioned."""
    if partitions_def is None:
        return {}
    return run_holds(context.instance, context.run.run_id, domain, context.partition_keys)


def publishable(context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext, spec: PublishSpec,
                holds: dict) -> list[str] | None:
    """The partition keys of the run that are published to `spec`'s table (None when unpartitioned): those
    no hold keeps from it."""
    if spec.partitions_def is None:
        return None
    return published_keys(context.partition_keys, holds, spec.table)


def build_publish_step(name: str, specs: Sequence[PublishSpec]) -> dg.AssetsDefinition:
    """One step that publishes every table of `specs` (one domain, one partitions definition) in ONE
    PostgreSQL transaction: a day's tables change together or not at all, so a failure in any of them
    (a value PostgreSQL refuses, a frame that does not fit its table) leaves every table as it was.
    A run selecting only some of the tables publishes those, still in one transaction.

    The partitions of the run that a blocking check of the domain held back are left as they were and recorded
    in `public.held_partitions` (in the same transaction, which also clears the partitions published); the
    run's tag `gamestats/<domain>_partitions_held` and the step's metadata name them. The step fails when every
    partition of its run was held."""
    partitions_def = specs[0].partitions_def
    domain = specs[0].source.key.path[0]

    @dg.multi_asset(
        name=name,
        specs=[
            dg.AssetSpec(
                spec.asset_key,
                deps=[spec.source.key],
                kinds={"postgres"},
                group_name=domain,
                description=f"{spec.table} in PostgreSQL: {spec.source.key.to_user_string()} as published, "
                f"one row per {', '.join(spec.key_columns)} ({spec.mode.value} publish), in one transaction "
                f"with the other tables of {name}.",
                metadata={"table": spec.table, "key_columns": ", ".join(spec.key_columns),
                          **({COLUMN_SCHEMA: table_schema(spec.columns, spec.key_columns)} if spec.columns else {})},
            )
            for spec in specs
        ],
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run() if partitions_def else None,
        pool=POSTGRES_POOL,
        can_subset=True,
        required_resource_keys={"postgres", "lake", *(["platform"] if any(spec.by_key for spec in specs) else [])},
    )
    def _publish(context: dg.AssetExecutionContext):
        selected = [spec for spec in specs if spec.asset_key in context.selected_asset_keys]
        postgres: PostgresResource = context.resources.postgres
        holds = run_holds_of(context, domain, partitions_def)
        keys = {spec.asset_key: publishable(context, spec, holds) for spec in selected}
        publishing = [spec for spec in selected if keys[spec.asset_key] != []]
        written, extra = {}, {}
        with postgres.connection() as conn:
            try:
                with conn.transaction():
                    for spec in publishing:
                        written[spec.asset_key], extra[spec.asset_key] = write(conn, context, spec,
                                                                               keys[spec.asset_key], postgres)
                    if partitions_def is not None:
                        record_holds(conn, domain, [s.table for s in selected], context.partition_keys, holds,
                                     context.run.run_id)
                previews = {spec.asset_key: preview(conn, spec, keys[spec.asset_key]) for spec in publishing}
            except psycopg.Error as error:
                failed = publishing[len(written)].table if len(written) < len(publishing) else "public.held_partitions"
                raise publisher.PublishError(
                    f"{failed} could not be published, so none of {[s.table for s in selected]} changed: {error}"
                ) from error
        if holds:
            context.instance.add_run_tags(context.run.run_id, {held_tag(domain): str(len(holds))})
            context.log.warning(f"{len(holds)} of {len(context.partition_keys)} partitions held back from some or "
                                f"all tables, left as they were there: {held_metadata(holds).value}")
        if not publishing:
            raise dg.Failure(description="Every partition of the run was held back by a blocking check; none of "
                             f"{[s.table for s in selected]} changed.",
                             metadata={HELD_PARTITIONS: held_metadata(holds)})
        for spec in publishing:
            key, rows, published = spec.asset_key, written[spec.asset_key], keys[spec.asset_key]
            held = {} if published is None else {
                "partitions_published": len(published), "partitions_held": len(context.partition_keys) - len(published),
                HELD_PARTITIONS: held_metadata(holds, spec.table)}
            partitions = len(published) if context.has_partition_key_range else 0
            yield dg.MaterializeResult(asset_key=key, metadata={**row_count_metadata(rows, partitions), **held,
                                                                "rows_written": rows, **extra[key],
                                                                "preview": previews[key],
                                                                WORKER_METADATA: step_worker()})

    return _publish


def build_reconciliation_checks(name: str, specs: Sequence[PublishSpec]) -> dg.AssetChecksDefinition:
    """One step of checks, one per table of the publish step `name` (partition replace, snapshot replace or
    insert-if-absent): PostgreSQL holds the lake's rows for
    the partitions the run published (not those held back), the same count and the same `sum_column` total."""
    domain = specs[0].source.key.path[0]

    @multi_asset_check(
        name=f"{name}_reconciliation",
        specs=[dg.AssetCheckSpec(
            "postgres_matches_lake", asset=spec.asset_key, partitions_def=spec.partitions_def,
            additional_deps=[spec.source.key],
            description=f"{spec.table} holds exactly the lake's rows (and {spec.sum_column or 'no'} total) for the "
                        "partitions the run published.",
        ) for spec in specs],
        required_resource_keys={"postgres", "lake"},
        can_subset=True,
    )
    def _reconcile(context: dg.AssetCheckExecutionContext):
        postgres: PostgresResource = context.resources.postgres
        holds = run_holds_of(context, domain, specs[0].partitions_def)
        with postgres.connection() as conn:
            for spec in specs:
                if dg.AssetCheckKey(spec.asset_key, "postgres_matches_lake") not in context.selected_asset_check_keys:
                    continue
                keys = publishable(context, spec, holds)
                scan = context.resources.lake.scan(spec.source, keys)
                yield reconciliation(conn, spec, keys, scan)

    return _reconcile


def reconciliation(conn, spec: PublishSpec, keys: Sequence[str] | None,
                   lake_frame: pl.LazyFrame) -> dg.AssetCheckResult:
    """Whether `spec.table` holds the lake's rows (count and `sum_column` total) for partitions `keys`,
    counted over a scan of the lake without loading its rows."""
    pg_rows, pg_sum = publisher.partition_totals(
        conn, spec.table, spec.partition_column, keys_values(spec, keys), spec.sum_column
    )
    totals = lake_frame.select(pl.len(), *([pl.col(spec.sum_column).sum()] if spec.sum_column else [])).collect()
    lake_rows = totals.item(0, 0)
    lake_sum = float(totals.item(0, 1)) if spec.sum_column else None
    sums_agree = spec.sum_column is None or abs((pg_sum or 0.0) - lake_sum) <= 1e-6 * max(1.0, abs(lake_sum))
    rows_agree = pg_rows == lake_rows if spec.mode is not PublishMode.INSERT_IF_ABSENT else pg_rows >= lake_rows
    return dg.AssetCheckResult(
        asset_key=spec.asset_key, check_name="postgres_matches_lake", passed=rows_agree and sums_agree,
        metadata={"lake_rows": lake_rows, "postgres_rows": pg_rows, "lake_sum": readable(lake_sum),
                  "postgres_sum": readable(pg_sum)},
    )


def step_name(domain: str, partitions_def: dg.PartitionsDefinition | None) -> str:
    """`<domain>__postgres__<daily|snapshots|dynamic partitions' name>`."""
    return f"{domain}__postgres__{partitions_name(partitions_def)}"


def build_publish_definitions(
    specs: Sequence[PublishSpec],
) -> tuple[list[dg.AssetsDefinition], list[dg.AssetChecksDefinition]]:
    """Publish steps and their checks for `specs`: one step per domain and partitions definition, writing all
    of its tables in one transaction; a blocking key check on each lake table before it (one per table, since a
    check step over tables that depend on each other would split the publish step, and its transaction, in
    Dagster's plan), and one step of reconciliation checks after it."""
    steps: dict[str, list[PublishSpec]] = {}
    for spec in specs:
        steps.setdefault(step_name(spec.source.key.path[0], spec.partitions_def), []).append(spec)
    checks = [check for name, grouped in steps.items() for check in (
        *(frame_check(spec.source, "publish_keys_unique_and_not_null", keys_valid(spec.key_columns),
                      columns=spec.key_columns, blocking=True,
                      description=f"Before publishing to {spec.table}: {', '.join(spec.key_columns)} present, never "
                                  "null, unique.") for spec in grouped),
        build_reconciliation_checks(name, grouped))]
    return [build_publish_step(name, grouped) for name, grouped in steps.items()], checks
