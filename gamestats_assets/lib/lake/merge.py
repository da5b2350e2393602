"""Merging a day's small files: the files many small writes leave in a partition merged by size tier, and the files
the table stopped referencing longer ago than its retention vacuumed."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import polars as pl
import pyarrow.parquet as pq
from deltalake import CommitProperties, DeltaTable, WriterProperties, write_deltalake
from deltalake.exceptions import CommitFailedError

from gamestats_assets.lib.lake.log import plain_parquet
from gamestats_assets.lib.lake.partition_files import PARTITION_FILE_BYTES, ROW_GROUP_ROWS
from gamestats_assets.lib.lake.partitioning import partition_predicate, partition_text
from gamestats_assets.lib.lake.storage import table_filesystem

FANIN = 8
"""Files of a tier merged at once; a merged file is about this many times its parts' size."""
SMALLEST = 16 << 10
"""The upper size of the lowest tier's files, in bytes."""
LARGEST = PARTITION_FILE_BYTES // FANIN
"""Files of this size and larger are never merged, so that a merged file stays within about `PARTITION_FILE_BYTES`."""
ROWS_UNCHANGED = "lake.rows_unchanged"
"""The commit metadata of a merge: the files it removes and adds hold the same rows, so a reader of the log's changes
passes over it as it passes over actions written with `dataChange: false` (`lib/refresh/changes.py`)."""


def tier(size: pl.Expr) -> pl.Expr:
    """The tier of a file of `size` bytes: 0 below `SMALLEST`, one more for every `FANIN` times larger."""
    return pl.when(size < SMALLEST).then(0).otherwise(1 + (size / SMALLEST).log(FANIN).floor()).cast(pl.Int64)


def files_to_merge(files: pl.DataFrame) -> list[str]:
    """Of a partition's files (`path`, `size_bytes`), those of the lowest tier holding `FANIN` or more files below
    `LARGEST` bytes; none when no tier does."""
    tiers = (files.filter(pl.col("size_bytes") < LARGEST)
             .with_columns(tier=tier(pl.col("size_bytes")))
             .group_by("tier").agg(pl.col("path")).filter(pl.col("path").list.len() >= FANIN).sort("tier"))
    return tiers["path"][0].to_list() if tiers.height else []


def merge_small_files(uri: str, column: str, value: Any, key_column: str,
                      storage_options: dict[str, str] | None = None, table: DeltaTable | None = None) -> int:
    """Merge the small files of partition `value` of `column` of the table at `uri` once a tier holds `FANIN` of
    them: the rows of their `key_column` values, sorted by it, replace those rows in one commit. Returns the files
    merged (0 when none were, or when a concurrent commit won).

    Each run of a day replaces only its new games' or files' rows (`replace_file_rows`), a Parquet file per write:
    unmerged, a day receiving a replay every few seconds would hold a file per run in every table, and each read
    and key replacement of the day would open more files with every run. Files fall in size tiers (`tier`); a day of
    N writes holds about `FANIN` files per tier of its log(N) tiers, each row written again once per tier, and a
    merged file's row groups, sorted, are skipped by a key's statistics. Files of `LARGEST` bytes and more stay as
    they are. The merge reads and commits at one version: a concurrent commit touching the same files makes it give
    up (a later write merges them), never write rows older than the table's. After a merge, the files the table
    stopped referencing longer ago than its retention (`delta.deletedFileRetentionDuration`, a week unless set) are
    deleted (a vacuum), so that the files merged or replaced away do not pile up on disk. Its commit says it changes
    no row (`ROWS_UNCHANGED`). `table` is the table at `uri` opened already at its latest version, merged and
    vacuumed through."""
    if "://" in uri:
        return 0
    table = table or DeltaTable(uri, storage_options=storage_options)
    if not plain_parquet(table) or column not in table.metadata().partition_columns:
        return 0
    files = pl.DataFrame(table.get_add_actions(flatten=True)).filter(
        pl.col(f"partition.{column}").cast(pl.String) == partition_text(value))
    chosen = files_to_merge(files.select("path", "size_bytes"))
    if not chosen:
        return 0
    filesystem = table_filesystem(uri, storage_options)
    parts = [pq.ParquetFile(unquote(path), filesystem=filesystem) for path in chosen]
    if any(key_column not in part.schema_arrow.names for part in parts):
        return 0
    keys = sorted({key for part in parts for key in part.read(columns=[key_column])[key_column].to_pylist()
                   if key is not None})
    if not keys:
        return 0
    scan = pl.scan_delta(table)
    rows = (scan.filter(pl.col(column).is_in([value]), pl.col(key_column).is_in(keys)).collect()
            .sort(key_column, maintain_order=True))
    predicate = f"{partition_predicate(column, [value])} AND {partition_predicate(key_column, keys)}"
    try:
        write_deltalake(table, rows.to_arrow(), mode="overwrite", predicate=predicate,
                        writer_properties=WriterProperties(max_row_group_size=ROW_GROUP_ROWS),
                        commit_properties=CommitProperties(custom_metadata={ROWS_UNCHANGED: "true"}))
    except CommitFailedError:
        return 0
    table.vacuum(dry_run=False)
    return len(chosen)
