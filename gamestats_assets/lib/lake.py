"""The lake: Delta tables of polars frames, where writing a partition replaces exactly that partition.

Each asset's table lives at ``<root>/<key path>``. A partitioned asset names its partition column in its
definition metadata (``partition_column``); the column holds the partition key as a ``date`` for daily
partitions and as a string for dynamic ones. A run over one key, a range of daily keys or several dynamic
keys replaces exactly those keys with a predicate overwrite in one Delta commit, and nothing else.

The root may be a local folder or object storage (``s3://bucket/prefix``; credentials, region and a custom
endpoint from the usual AWS variables, see ``object_store_options``). Concurrent writers to one table are
safe on every store: delta-rs commits a version by creating its log file only if it does not exist yet
(an atomic rename locally, a conditional ``PUT`` with ``If-None-Match: *`` on S3, which AWS S3 and the
common S3-compatible stores honour), so two writers can never both commit the same version. A writer that
loses that race to a commit touching the same files gets ``CommitFailedError`` and replays its whole write
on the new version (``COMMIT_ATTEMPTS``): a partition write replaces the partition whole, so the last
writer's rows win and no one sees a mix.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import dagster as dg
import polars as pl
import pyarrow as pa
from deltalake import DeltaTable, WriterProperties, write_deltalake
from deltalake.exceptions import CommitFailedError, TableNotFoundError

from gamestats_assets.lib.provenance import WORKER_METADATA, step_worker

PARTITION_COLUMN = "partition_column"
PHYSICAL_PARTITIONING = "physical_partitioning"
"""The definition metadata that, set to false, writes a daily table's files without a folder per day (see
``physically_partitioned``)."""
INPUT_COLUMNS = "columns"
"""The input metadata naming the only columns a step reads of an upstream table (``dg.AssetIn(metadata=...)``)."""
COMMIT_ATTEMPTS = 5
WRITE_BATCH_ROWS = 100_000

AWS_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_ENDPOINT_URL")
"""The AWS variables passed to delta-rs and polars for an ``s3://`` lake, when set."""


RUN_ROWS = "rows_in_run"


def row_count_metadata(rows: int, partitions: int) -> dict[str, int]:
    """A materialization's row count: ``dagster/row_count`` when it covers at most one partition; over several,
    only the run's total as ``rows_in_run``, since Dagster records the same metadata on every partition of the
    run and a per-partition count would be wrong on each."""
    return {"dagster/row_count": rows} if partitions <= 1 else {RUN_ROWS: rows}


def object_store_options(uri: str) -> dict[str, str]:
    """Storage options for ``uri`` read from the environment at the moment of use, so that no credential
    ever sits in a run's configuration: for ``s3://`` the usual AWS variables (``AWS_DEFAULT_REGION`` and
    ``AWS_ENDPOINT_URL_S3`` as fallbacks), and plain HTTP allowed when the endpoint is ``http://``
    (an S3-compatible server inside a cluster). Other URIs: none (local paths need none; ``az://`` and
    ``gs://`` read their own variables)."""
    if not uri.startswith(("s3://", "s3a://")):
        return {}
    environment = {
        **{name: os.environ.get(fallback, "") for name, fallback in
           (("AWS_REGION", "AWS_DEFAULT_REGION"), ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"))},
        **{name: os.environ[name] for name in AWS_VARIABLES if os.environ.get(name)},
    }
    options = {name: value for name, value in environment.items() if value}
    if options.get("AWS_ENDPOINT_URL", "").startswith("http://"):
        options["AWS_ALLOW_HTTP"] = "true"
    return options


def committed(write: Callable[[], None]) -> None:
    """Run ``write`` (one whole Delta write), replaying it when a concurrent writer committed first."""
    for attempt in range(1, COMMIT_ATTEMPTS + 1):
        try:
            write()
            return
        except CommitFailedError:
            if attempt == COMMIT_ATTEMPTS:
                raise


def arrow_stream(frame: pl.DataFrame) -> pa.RecordBatchReader:
    """``frame`` as a stream of Arrow batches of at most ``WRITE_BATCH_ROWS`` rows, each converted as the
    writer takes it: a table is written without a second whole copy of the frame in memory. Text travels
    as Arrow string views (no copy) unless the frame has categorical columns, whose view-typed
    dictionaries the Parquet writer does not take."""
    categorical = any(holds_categories(dtype) for dtype in frame.schema.values())
    level = pl.CompatLevel.oldest() if categorical else pl.CompatLevel.newest()
    schema = frame.head(0).to_arrow(compat_level=level).schema
    batches = (batch for rows in frame.iter_slices(WRITE_BATCH_ROWS)
               for batch in rows.to_arrow(compat_level=level).to_batches())
    return pa.RecordBatchReader.from_batches(schema, batches)


def holds_categories(dtype: pl.DataType) -> bool:
    """Whether ``dtype`` is or contains a categorical or enum type."""
    if isinstance(dtype, (pl.Categorical, pl.Enum)):
        return True
    if isinstance(dtype, (pl.List, pl.Array)):
        return holds_categories(dtype.inner)
    if isinstance(dtype, pl.Struct):
        return any(holds_categories(field.dtype) for field in dtype.fields)
    return False


class LakePartitionError(ValueError):
    """A frame does not fit the partitions its run was asked to write."""


def partition_values(partitions_def: dg.PartitionsDefinition, keys: Sequence[str]) -> list[Any]:
    """The values a partition column holds for ``keys``: dates for time windows, the keys otherwise."""
    if isinstance(partitions_def, dg.TimeWindowPartitionsDefinition):
        return [dt.datetime.strptime(key, partitions_def.fmt).date() for key in keys]
    return list(keys)


def physically_partitioned(partitions_def: dg.PartitionsDefinition, metadata: Mapping[str, Any]) -> bool:
    """Whether a partitioned table's files are laid out in a folder per partition key.

    Daily tables are, so a day's rewrite touches only that day's files, unless their definition metadata sets
    ``physical_partitioning`` to false: Delta's partitioned write costs about twice the CPU of an
    unpartitioned one, and a table written one day per run keeps one day per file anyway, whose column
    statistics confine a day's read and replace to that day's files (a run over several days writes files
    holding several days, which a later one-day replace rewrites without that day). Dynamic-partitioned
    tables (one key per match, per player) never are, to avoid a folder per key.
    """
    if not isinstance(partitions_def, dg.TimeWindowPartitionsDefinition):
        return False
    return bool(metadata.get(PHYSICAL_PARTITIONING, True))


def sql_literal(value: Any) -> str:
    """A value as a Delta (DataFusion) SQL literal, quotes escaped."""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return "'" + text.replace("'", "''") + "'"


def partition_predicate(column: str, values: Sequence[Any]) -> str:
    """``"column" IN (...)`` over ``values``, every identifier and literal quoted."""
    quoted_column = '"' + column.replace('"', '""') + '"'
    return f"{quoted_column} IN ({', '.join(sql_literal(v) for v in values)})"


def table_exists(uri: str, storage_options: dict[str, str] | None = None) -> bool:
    try:
        DeltaTable(uri, storage_options=storage_options)
    except TableNotFoundError:
        return False
    return True


def write_partitions(
    uri: str,
    frame: pl.DataFrame,
    column: str,
    values: Sequence[Any],
    *,
    physical_partitioning: bool,
    storage_options: dict[str, str] | None = None,
    writer_properties: WriterProperties | None = None,
) -> None:
    """Replace the rows whose ``column`` is in ``values`` by ``frame``, in one commit (Parquet written with
    ``writer_properties`` when given).

    Raises ``LakePartitionError`` when the frame lacks the column or holds rows of other partitions,
    so a bug upstream can never overwrite or leak into a partition it was not asked for.
    """
    if column not in frame.columns:
        raise LakePartitionError(f"frame has no partition column {column!r}; columns: {frame.columns}")
    stray = frame.select(pl.col(column).unique()).filter(~pl.col(column).is_in(list(values)))
    if stray.height:
        raise LakePartitionError(
            f"frame holds rows for partitions {stray[column].to_list()[:5]} outside this run's {list(values)[:5]}"
        )
    predicate = partition_predicate(column, values)

    def write() -> None:
        exists = table_exists(uri, storage_options)
        rows = frame
        if exists:
            rows = conform_to_table(frame, pl.scan_delta(uri, storage_options=storage_options).collect_schema())
        if rows.height == 0 and exists:
            DeltaTable(uri, storage_options=storage_options).delete(predicate)
            return
        write_deltalake(
            uri,
            arrow_stream(rows),
            mode="overwrite",
            predicate=predicate,
            partition_by=[column] if physical_partitioning else None,
            schema_mode="merge",
            storage_options=storage_options,
            writer_properties=writer_properties,
        )

    committed(write)


def conform_to_table(frame: pl.DataFrame, existing: pl.Schema) -> pl.DataFrame:
    """``frame`` with its columns cast to the ``existing`` table's types where that loses nothing (all-null columns,
    narrower integers); ``LakePartitionError`` naming the column where a cast would change values, so a
    day of decimals is never truncated into yesterday's integer column. New columns are added."""
    for name, dtype in existing.items():
        if name not in frame.columns or frame.schema[name] == dtype:
            continue
        try:
            cast = frame[name].cast(dtype, strict=True)
        except pl.exceptions.PolarsError:
            cast = None
        if cast is None or not cast.cast(frame.schema[name]).equals(frame[name], check_names=False):
            raise LakePartitionError(
                f"column {name!r} is {frame.schema[name]} in this run but {dtype} in the table: "
                "values would change; fix the type upstream or migrate the table"
            )
        frame = frame.with_columns(cast)
    return frame


def replace_table(uri: str, frame: pl.DataFrame, storage_options: dict[str, str] | None = None) -> None:
    """Replace the whole table by ``frame`` in one commit; readers see the old or the new, never a mix."""
    committed(lambda: write_deltalake(
        uri, arrow_stream(frame), mode="overwrite", schema_mode="overwrite", storage_options=storage_options
    ))


def read_partitions(
    uri: str,
    column: str | None,
    values: Sequence[Any] | None,
    storage_options: dict[str, str] | None = None,
) -> pl.LazyFrame:
    """A lazy scan of the table, filtered to ``values`` of ``column`` when given; empty if no table yet."""
    if not table_exists(uri, storage_options):
        return pl.LazyFrame()
    scan = pl.scan_delta(uri, storage_options=storage_options)
    if column is None or values is None:
        return scan
    return scan.filter(pl.col(column).is_in(list(values)))


class DeltaLakeIOManager(dg.ConfigurableIOManager):
    """Stores polars frames as Delta tables under ``root``; partitioned writes replace exactly their keys.

    Daily tables are physically partitioned by their partition column unless their metadata says otherwise,
    dynamic-partitioned ones are not (``physically_partitioned``). Inputs annotated ``pl.LazyFrame`` are
    returned as lazy scans, and an input whose metadata names ``columns`` reads only those.
    """

    root: str
    storage_options: dict[str, str] = {}

    def table_uri(self, asset_key: dg.AssetKey) -> str:
        return "/".join([self.root.rstrip("/"), *asset_key.path])

    def options(self) -> dict[str, str] | None:
        """The root's storage options: from the environment (``object_store_options``), then ``storage_options``."""
        return {**object_store_options(self.root), **self.storage_options} or None

    def handle_output(self, context: dg.OutputContext, obj: pl.DataFrame | None) -> None:
        if obj is None:
            return
        uri = self.table_uri(context.asset_key)
        options = self.options()
        if context.has_asset_partitions:
            partitions_def = context.asset_partitions_def
            column = context.definition_metadata.get(PARTITION_COLUMN)
            if column is None:
                raise LakePartitionError(
                    f"{context.asset_key.to_user_string()} is partitioned but names no "
                    f"'{PARTITION_COLUMN}' in its metadata"
                )
            values = partition_values(partitions_def, context.asset_partition_keys)
            write_partitions(
                uri,
                obj,
                column,
                values,
                physical_partitioning=physically_partitioned(partitions_def, context.definition_metadata),
                storage_options=options,
            )
        else:
            replace_table(uri, obj, storage_options=options)
        context.add_output_metadata(
            {
                **row_count_metadata(obj.height, len(context.asset_partition_keys) if context.has_asset_partitions
                                     else 0),
                "dagster/uri": uri,
                "lake/version": DeltaTable(uri, storage_options=options).version(),
                WORKER_METADATA: step_worker(),
            }
        )

    def load_input(self, context: dg.InputContext) -> pl.DataFrame | pl.LazyFrame:
        upstream = context.upstream_output
        uri = self.table_uri(context.asset_key)
        column = upstream.definition_metadata.get(PARTITION_COLUMN) if upstream else None
        values = None
        if context.has_asset_partitions and column is not None:
            values = partition_values(context.asset_partitions_def, context.asset_partition_keys)
        scan = read_partitions(uri, column, values, self.options())
        columns = (context.definition_metadata or {}).get(INPUT_COLUMNS)
        if columns and scan.collect_schema().names():
            scan = scan.select(columns)
        if context.dagster_type.typing_type is pl.LazyFrame:
            return scan
        return scan.collect()
