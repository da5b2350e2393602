"""What a table's Delta log says: whether a table is there, the tables under a local folder, and a table's current
version as plain Parquet files (`ParquetTable`) when they hold its rows as they are."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import polars as pl
from deltalake import DeltaTable
from deltalake.exceptions import TableNotFoundError

LOG_ENTRY = re.compile(r"\d{20}\.(json|checkpoint\..+)")
"""A Delta log's version file: a commit (`00000000000000000007.json`) or a checkpoint of one."""


def local_tables(folder: str | Path) -> Iterator[str]:
    """The Delta tables under a local `folder` (every folder holding a `_delta_log`), none when it is not there."""
    for parent, subfolders, _ in os.walk(folder):
        if "_delta_log" in subfolders:
            subfolders.clear()
            yield parent


def table_exists(uri: str, storage_options: dict[str, str] | None = None) -> bool:
    """Whether a Delta table is at `uri`: on a local disk, whether its log holds a version (a listing, not a
    read of the log); on object storage, whether delta-rs finds one."""
    if "://" not in uri:
        try:
            with os.scandir(os.path.join(uri, "_delta_log")) as entries:
                return any(LOG_ENTRY.fullmatch(entry.name) for entry in entries)
        except (FileNotFoundError, NotADirectoryError):
            return False
    try:
        DeltaTable(uri, storage_options=storage_options)
    except TableNotFoundError:
        return False
    return True


@dataclass(frozen=True)
class ParquetTable:
    """A lake table's current version as plain Parquet files: their absolute paths, the columns (in the table's
    order, as polars reads them) and the columns the files are partitioned by (in `<column>=<value>/` folders)."""

    files: list[str]
    schema: pl.Schema
    partitioned_by: list[str]


def plain_parquet(table: DeltaTable) -> bool:
    """Whether the files of `table`'s current version hold its rows as they are, to be read as plain Parquet: no
    deletion vectors (rows deleted outside the files) and no column mapping (columns stored under other names)."""
    return not set(table.protocol().reader_features or ()) & {"deletionVectors", "columnMapping"}


def parquet_table(uri: str, storage_options: dict[str, str] | None = None) -> ParquetTable | None:
    """The table at `uri` as plain Parquet files (`ParquetTable`), or None when it cannot be read as such: on
    object storage, with deletion vectors or column mapping, or without a file."""
    if "://" in uri or not table_exists(uri, storage_options):
        return None
    table = DeltaTable(uri, storage_options=storage_options)
    if not plain_parquet(table):
        return None
    files = [os.path.join(os.path.abspath(uri), unquote(path))
             for path in pl.DataFrame(table.get_add_actions(flatten=True)).get_column("path")]
    if not files:
        return None
    return ParquetTable(files, pl.scan_delta(uri, storage_options=storage_options).collect_schema(),
                        list(table.metadata().partition_columns))
