"""What a table's Delta log says: whether a table is there, the tables under a local folder, a table's latest version
and its state at a version for reading (`snapshot`, `table_scan`), and a table's current version as plain Parquet files
(`ParquetTable`) when they hold its rows as they are."""

from __future__ import annotations

import os
import re
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import polars as pl
from deltalake import DeltaTable
from deltalake.exceptions import TableNotFoundError

LOG_ENTRY = re.compile(r"\d{20}\.(json|checkpoint\..+)")
"""A Delta log's version file: a commit (`00000000000000000007.json`) or a checkpoint of one."""
SNAPSHOTS_KEPT = 64
"""Table states a process keeps open for reading (`snapshot`), the least recently used let go first."""
IDENTITY_BYTES = 4096
"""The bytes of a log entry read to tell it from another written under its name (`_entry_identity`)."""


def local_tables(folder: str | Path) -> Iterator[str]:
    """The Delta tables under a local `folder` (every folder holding a `_delta_log`), none when it is not there."""
    for parent, subfolders, _ in os.walk(folder):
        if "_delta_log" in subfolders:
            subfolders.clear()
            yield parent


def table_exists(uri: str, storage_options: dict[str, str] | None = None) -> bool:
    """Whether a Delta table is at `uri`: on a local disk, whether its log holds a version (a listing, not a
    read of the log); on object storage, whether delta-rs finds one."""
    if local(uri):
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


def local(uri: str) -> bool:
    """Whether `uri` is a path on this machine's disk rather than on object storage."""
    return "://" not in uri


def latest_version(uri: str, storage_options: dict[str, str] | None = None) -> int:
    """The table's latest version, -1 when there is no table: on a local disk the newest version its log holds (a
    listing, not a read of the log; a commit is written whole under its final name, and a log cleaned up keeps
    the checkpoint it starts from); on object storage, delta-rs's."""
    if not local(uri):
        return DeltaTable(uri, storage_options=storage_options).version() if table_exists(uri, storage_options) else -1
    try:
        with os.scandir(os.path.join(uri, "_delta_log")) as entries:
            return max((int(entry.name[:20]) for entry in entries if LOG_ENTRY.fullmatch(entry.name)), default=-1)
    except (FileNotFoundError, NotADirectoryError):
        return -1


class Snapshots:
    """Table states opened for reading, kept by table, version and the identity of that version's log entry (a
    table removed and written again from version 0 is another table); a table's latest state lets the states of
    its earlier versions go. Opening a table reads its log through delta-rs's runtime, several milliseconds of CPU
    each time, and a run reads each table it writes several times. Emptied in a forked child, which must open its
    own."""

    def __init__(self, kept: int) -> None:
        self.kept, self.tables, self.lock = kept, OrderedDict(), threading.Lock()
        os.register_at_fork(after_in_child=self.tables.clear)

    def get(self, uri: str, version: int | None) -> DeltaTable:
        path = os.path.abspath(uri)
        wanted = latest_version(path) if version is None else version
        key = (path, wanted, _entry_identity(path, wanted))
        with self.lock:
            table = self.tables.get(key)
            if table is not None:
                self.tables.move_to_end(key)
                return table
        table = DeltaTable(path, version=version)
        if version is None and table.version() != wanted:
            key = (path, table.version(), _entry_identity(path, table.version()))
        with self.lock:
            if version is None:
                for older in [k for k in self.tables if k[0] == path and k[1] <= key[1] and k != key]:
                    del self.tables[older]
            self.tables[key] = table
            while len(self.tables) > self.kept:
                self.tables.popitem(last=False)
        return table


def _entry_identity(path: str, version: int) -> tuple[int, int, int, int] | None:
    """What tells version `version`'s commit (or checkpoint) in the log at `path` from another written under the same
    name: its inode, modification time, size and the checksum of its first bytes (a commit's first line records
    when it was made)."""
    log = os.path.join(path, "_delta_log")
    for name in (f"{version:020d}.json", f"{version:020d}.checkpoint.parquet"):
        try:
            with open(os.path.join(log, name), "rb") as entry:
                found = os.fstat(entry.fileno())
                return found.st_ino, found.st_mtime_ns, found.st_size, zlib.crc32(entry.read(IDENTITY_BYTES))
        except FileNotFoundError:
            continue
    return None


SNAPSHOTS = Snapshots(SNAPSHOTS_KEPT)


def snapshot(uri: str, storage_options: dict[str, str] | None = None, version: int | None = None) -> DeltaTable:
    """The table at `uri` at `version` (its latest when None), to read and never to write through: on a local disk
    the state this process already opened when the log has not moved (`Snapshots`), on object storage a new one."""
    if not local(uri):
        return DeltaTable(uri, version=version, storage_options=storage_options)
    return SNAPSHOTS.get(uri, version)


def table_scan(uri: str, storage_options: dict[str, str] | None = None, version: int | None = None) -> pl.LazyFrame:
    """A lazy scan of the table at `uri` at `version` (its latest when None), from its `snapshot` on a local disk."""
    if not local(uri):
        return pl.scan_delta(uri, version=version, storage_options=storage_options)
    return pl.scan_delta(snapshot(uri, version=version))


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
    if not local(uri) or not table_exists(uri, storage_options):
        return None
    table = snapshot(uri)
    if not plain_parquet(table):
        return None
    files = [os.path.join(os.path.abspath(uri), unquote(path))
             for path in pl.DataFrame(table.get_add_actions(flatten=True)).get_column("path")]
    if not files:
        return None
    return ParquetTable(files, pl.scan_delta(table).collect_schema(), list(table.metadata().partition_columns))
