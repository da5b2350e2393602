"""The lake as Dagster's IO manager (`DeltaLakeIOManager`): each asset's table at `<root>/<key path>`, where
writing a partition replaces exactly that partition; a partitioned asset names its partition column in its metadata
(`partition_column`), and a run over some keys replaces exactly those keys in one Delta commit."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from typing import Any

import dagster as dg
import polars as pl
from deltalake import DeltaTable

from gamestats_assets.lib.core.columns import COLUMN_SCHEMA, conformance_errors, declared_columns
from gamestats_assets.lib.core.provenance import WORKER_METADATA, step_worker
from gamestats_assets.lib.lake.log import latest_version, table_exists
from gamestats_assets.lib.lake.merge import merge_small_files
from gamestats_assets.lib.lake.partitioning import (
    PARTITION_COLUMN,
    input_partition_values,
    partition_values,
    physically_partitioned,
)
from gamestats_assets.lib.lake.read import read_batches, read_partitions
from gamestats_assets.lib.lake.rows import FrameStream, Rows, mapped, schema_of
from gamestats_assets.lib.lake.storage import object_store_options
from gamestats_assets.lib.lake.write import (
    LakePartitionError,
    open_table,
    replace_file_rows,
    replace_table,
    side_by_side,
    write_partitions,
)

INPUT_COLUMNS = "columns"
"""The input metadata naming the only columns a step reads of an upstream table (`dg.AssetIn(metadata=...)`)."""


RUN_ROWS = "rows_in_run"


def row_count_metadata(rows: int, partitions: int) -> dict[str, int]:
    """A materialization's row count: `dagster/row_count` when it covers at most one partition; over several,
    only the run's total as `rows_in_run`, since Dagster records the same metadata on every partition of the
    run and a per-partition count would be wrong on each."""
    return {"dagster/row_count": rows} if partitions <= 1 else {RUN_ROWS: rows}


class LakeSchemaError(ValueError):
    """A frame is not the table its declaration says (`dagster/column_schema`)."""


class LakeMissingInputError(LookupError):
    """A step reads an unpartitioned table that was never written."""


def check_declared(asset_key: dg.AssetKey, rows: Rows, definition_metadata: Mapping[str, Any]) -> None:
    """Raise `LakeSchemaError` unless `rows` hold exactly the columns the table declares, each of a type its
    declared type takes (a table that declares none is not checked)."""
    declared = definition_metadata.get(COLUMN_SCHEMA)
    if declared is None:
        return
    errors = conformance_errors(declared_columns(declared), schema_of(rows))
    if errors:
        raise LakeSchemaError(f"{asset_key.to_user_string()} does not hold its declared columns: {'; '.join(errors)}")


class DeltaLakeIOManager(dg.ConfigurableIOManager):
    """Stores polars frames as Delta tables under `root`; partitioned writes replace exactly their keys.

    Daily tables are physically partitioned by their partition column unless their metadata says otherwise,
    dynamic-partitioned ones are not (`physically_partitioned`). An output may be a frame, a lazy query or a
    `FrameStream` (`Rows`), written batch by batch. Inputs typed `pl.LazyFrame` are returned as lazy
    scans, inputs typed `FrameStream` as streams read a row group at a time (`read_batches`), and an input whose
    metadata names `columns` reads only those. A partition never written reads as no rows; an unpartitioned
    table never written is a `LakeMissingInputError` naming it. Every write passes its rows through `erased` and
    every read for publishing through `published`, which keep them as they are here; the lake of the code location
    leaves the deleted players out there (`lib/erasure/lake_writes.py`).
    """

    root: str
    storage_options: dict[str, str] = {}

    def table_uri(self, asset_key: dg.AssetKey) -> str:
        return "/".join([self.root.rstrip("/"), *asset_key.path])

    def options(self) -> dict[str, str] | None:
        """The root's storage options: from the environment (`object_store_options`), then `storage_options`."""
        return {**object_store_options(self.root), **self.storage_options} or None

    def handle_output(self, context: dg.OutputContext, obj: Rows | None) -> None:
        if obj is None:
            return
        partitioned = context.has_asset_partitions
        context.add_output_metadata(self.write_asset(
            context.asset_key, obj, context.definition_metadata, context.asset_partitions_def if partitioned else None,
            context.asset_partition_keys if partitioned else None,
        ))

    def write_asset(self, asset_key: dg.AssetKey, rows: Rows, definition_metadata: Mapping[str, Any],
                    partitions_def: dg.PartitionsDefinition | None, partition_keys: Sequence[str] | None
                    ) -> dict[str, Any]:
        """Write `rows` as the table of `asset_key`: replace its `partition_keys` when it is partitioned, the
        whole table otherwise. Returns the materialization's metadata."""
        check_declared(asset_key, rows, definition_metadata)
        rows = self.erased(asset_key, rows)
        uri = self.table_uri(asset_key)
        options = self.options()
        if partitions_def is not None and partition_keys is not None:
            column = definition_metadata.get(PARTITION_COLUMN)
            if column is None:
                raise LakePartitionError(
                    f"{asset_key.to_user_string()} is partitioned but names no '{PARTITION_COLUMN}' in its metadata"
                )
            written = write_partitions(
                uri,
                rows,
                column,
                partition_values(partitions_def, partition_keys),
                physical_partitioning=physically_partitioned(partitions_def, definition_metadata),
                storage_options=options,
            )
        else:
            written = replace_table(uri, rows, storage_options=options)
        return {
            **row_count_metadata(written, len(partition_keys) if partition_keys is not None else 0),
            "dagster/uri": uri,
            "lake/version": latest_version(uri, options),
            WORKER_METADATA: step_worker(),
        }

    def replace_files(self, asset_key: dg.AssetKey, definition_metadata: Mapping[str, Any],
                      partitions_def: dg.PartitionsDefinition, day: dt.date, rows: pl.DataFrame,
                      files: Sequence[str], file_column: str) -> dict[str, Any]:
        """Replace the rows of a daily table's `day` read from `files` by `rows` (`replace_file_rows`), then merge
        the day's small files when enough have accumulated (`merge_small_files`). Returns the
        materialization's metadata."""
        check_declared(asset_key, rows, definition_metadata)
        rows = self.erased(asset_key, rows)
        uri, options = self.table_uri(asset_key), self.options()
        column = definition_metadata[PARTITION_COLUMN]
        table = open_table(uri, options)
        written = replace_file_rows(uri, rows, column, day, files, file_column,
                                    physical_partitioning=physically_partitioned(partitions_def, definition_metadata),
                                    storage_options=options, table=table)
        if table is None:
            table = DeltaTable(uri, storage_options=options)
        else:
            table.update_incremental()
        merged = merge_small_files(uri, column, day, file_column, options, table=table)
        return {"rows_replaced": written, "lake/files_merged": merged, "dagster/uri": uri,
                "lake/version": table.version(), WORKER_METADATA: step_worker()}

    def erased(self, asset_key: dg.AssetKey, rows: Rows) -> Rows:
        """`rows` of `asset_key`'s table as they are written: as they are here."""
        return rows

    def published(self, asset_key: dg.AssetKey, frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame | pl.LazyFrame:
        """`frame`, rows of `asset_key`'s table, as they are published: as they are here."""
        return frame

    def write_assets(self, context: dg.AssetExecutionContext, rows: Mapping[dg.AssetKey, Rows]
                     ) -> dict[dg.AssetKey, dict[str, Any]]:
        """Tables of the step's assets written side by side (`side_by_side`), each as `handle_output` writes
        it, for the run's partition keys: the metadata of each materialization. A step yields them as
        `dg.MaterializeResult`; the IO manager writes one output after another."""
        assets = context.assets_def
        keys = context.partition_keys if assets.partitions_def is not None else None
        metadata = {key: assets.specs_by_key[key].metadata for key in rows}
        return dict(zip(rows, side_by_side([
            functools.partial(self.write_asset, key, table, metadata[key], assets.partitions_def, keys)
            for key, table in rows.items()
        ]), strict=True))

    def selection(self, asset: dg.AssetsDefinition,
                  partition_keys: Sequence[str] | None) -> tuple[str, str | None, list[Any] | None]:
        """`asset`'s table, and its partition column and the values of `partition_keys` (None when unpartitioned):
        what a step reads of a table it does not take as an input (a publish, a copy, a count)."""
        column = asset.specs_by_key[asset.key].metadata.get(PARTITION_COLUMN) if asset.partitions_def else None
        values = partition_values(asset.partitions_def, partition_keys) if column is not None else None
        return self.table_uri(asset.key), column, values

    def day_rows(self, asset_key: dg.AssetKey, day: dt.date) -> pl.LazyFrame:
        """The rows of a daily table (partitioned by `date`) for `day`, as a lazy scan (no rows when never written)."""
        return read_partitions(self.table_uri(asset_key), "date", [day], self.options())

    def days_row_count(self, asset_key: dg.AssetKey, days: Sequence[dt.date]) -> dict[str, int]:
        """The row count metadata (`row_count_metadata`) of a daily table's `days` as the lake holds them."""
        table = open_table(self.table_uri(asset_key), self.options())
        rows = 0 if table is None else (pl.scan_delta(table).filter(pl.col("date").is_in(list(days)))
                                        .select(pl.len()).collect().item())
        return row_count_metadata(rows, len(days))

    def holds(self, asset_key: dg.AssetKey) -> bool:
        """Whether `asset_key`'s table has been written."""
        return table_exists(self.table_uri(asset_key), self.options())

    def scan(self, asset: dg.AssetsDefinition, partition_keys: Sequence[str] | None) -> pl.LazyFrame:
        """The rows of `asset`'s table for `partition_keys` (every row when it is unpartitioned) as a lazy scan, as
        they are published (`published`)."""
        return self.published(asset.key, read_partitions(*self.selection(asset, partition_keys), self.options()))

    def batches(self, asset: dg.AssetsDefinition, partition_keys: Sequence[str] | None,
                columns: Sequence[str] | None = None) -> FrameStream:
        """`scan`'s rows (only `columns` when given) read a row group at a time, only as they are asked for
        (`read_batches`)."""
        stream = read_batches(*self.selection(asset, partition_keys), self.options(), columns)
        return mapped(stream, lambda frame: self.published(asset.key, frame))

    def load_input(self, context: dg.InputContext) -> pl.DataFrame | pl.LazyFrame:
        upstream = context.upstream_output
        uri = self.table_uri(context.asset_key)
        if not context.has_asset_partitions and not table_exists(uri, self.options()):
            raise LakeMissingInputError(
                f"{context.asset_key.to_user_string()} has no table in the lake yet: it is not partitioned, so no "
                f"partition run builds it; materialize it first")
        column = upstream.definition_metadata.get(PARTITION_COLUMN) if upstream else None
        values = None
        if context.has_asset_partitions and column is not None:
            values = input_partition_values(context)
        scan = read_partitions(uri, column, values, self.options())
        columns = (context.definition_metadata or {}).get(INPUT_COLUMNS)
        if columns and scan.collect_schema().names():
            scan = scan.select(columns)
        if context.dagster_type.typing_type is pl.LazyFrame:
            return scan
        if context.dagster_type.typing_type is FrameStream:
            return read_batches(uri, column, values, self.options(), columns or None)
        return scan.collect()
