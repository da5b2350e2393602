"""Reading a lake table: a lazy scan of some partitions (`read_partitions`), or their rows a Parquet row group at a
time, only as they are asked for (`read_batches`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import unquote

import polars as pl
import pyarrow.parquet as pq

from gamestats_assets.lib.lake.log import plain_parquet, snapshot, table_exists, table_scan
from gamestats_assets.lib.lake.partition_files import ROW_GROUP_ROWS
from gamestats_assets.lib.lake.rows import Condition, FrameStream, as_stream, may_meet, meets
from gamestats_assets.lib.lake.storage import table_filesystem

def read_partitions(
    uri: str,
    column: str | None,
    values: Sequence[Any] | None,
    storage_options: dict[str, str] | None = None,
) -> pl.LazyFrame:
    """A lazy scan of the table, filtered to `values` of `column` when given; empty if no table yet."""
    if not table_exists(uri, storage_options):
        return pl.LazyFrame()
    scan = table_scan(uri, storage_options)
    if column is None or values is None:
        return scan
    return scan.filter(pl.col(column).is_in(list(values)))


def read_batches(uri: str, column: str | None, values: Sequence[Any] | None,
                 storage_options: dict[str, str] | None = None, columns: Sequence[str] | None = None) -> FrameStream:
    """The rows `read_partitions` selects (only `columns` when given), read a Parquet row group at a time and
    only as they are asked for: a
    consumer slower than the read (a COPY into PostgreSQL, an insert into DuckDB) never has them pile up in memory,
    as a lazy scan reading ahead does. The files are read as this lake writes them; rows selected by a column the
    files are not partitioned by (a match id), and a table with deletion vectors or column mapping, are streamed
    from the lazy scan instead, which skips files by their statistics."""
    scan = read_partitions(uri, column, values, storage_options)
    if columns is not None and scan.collect_schema():
        scan = scan.select(columns)
    schema = scan.collect_schema()
    if not schema:
        return as_stream(scan)
    table = snapshot(uri, storage_options)
    partitioned_by = table.metadata().partition_columns
    if not plain_parquet(table) or (values is not None and column not in partitioned_by):
        return as_stream(scan)
    files = pl.DataFrame(table.get_add_actions(flatten=True))
    if files.is_empty():
        return as_stream(scan)
    if values is not None:
        files = files.filter(pl.col(f"partition.{column}").is_in(list(values)))
    filesystem = table_filesystem(uri, storage_options)

    def batches(restriction: tuple[str, Condition] | None = None) -> Iterator[pl.DataFrame]:
        for file in files.iter_rows(named=True):
            if restriction is not None and restriction[0] in partitioned_by:
                value = file[f"partition.{restriction[0]}"]
                if value is None or not may_meet(restriction[1], value, value):
                    continue
            constants = [pl.lit(file[f"partition.{name}"], schema[name]).alias(name)
                         for name in partitioned_by if name in schema]
            parquet = pq.ParquetFile(unquote(file["path"]), filesystem=filesystem)
            stored = [name for name in parquet.schema_arrow.names if name in schema]
            groups = None if restriction is None else row_groups_meeting(parquet.metadata, *restriction)
            for batch in parquet.iter_batches(ROW_GROUP_ROWS, row_groups=groups, columns=stored):
                frame = pl.from_arrow(batch).with_columns(constants)
                if restriction is not None:
                    frame = frame.filter(meets(*restriction))
                yield frame.select(pl.col(name) if name in frame.columns else pl.lit(None).alias(name)
                                   for name in schema).cast(schema)

    return FrameStream(schema, batches,
                       lambda column, condition: FrameStream(schema, lambda: batches((column, condition))))


def row_groups_meeting(metadata: pq.FileMetaData, column: str, condition: Condition) -> list[int] | None:
    """The row groups of a Parquet file that may hold values of `column` meeting `condition`, by their
    statistics (None, every row group, when the file does not store the column)."""
    leaves = [i for i in range(metadata.num_columns) if metadata.schema.column(i).path == column]
    if not leaves:
        return None
    groups = []
    for group in range(metadata.num_row_groups):
        statistics = metadata.row_group(group).column(leaves[0]).statistics
        if (statistics is None or not statistics.has_min_max
                or may_meet(condition, statistics.min, statistics.max)):
            groups.append(group)
    return groups
