"""The Parquet files of a physically partitioned table, written as its rows come (`PartitionFiles`), and the
layout of their rows: file sizes, row groups, Delta's types."""

from __future__ import annotations

import collections
import datetime as dt
import json
import uuid
from concurrent.futures import Future, ThreadPoolExecutor

import polars as pl
import pyarrow as pa
from deltalake import Schema as DeltaSchema
from deltalake.transaction import AddAction

from gamestats_assets.lib.lake.partitioning import partition_text
from gamestats_assets.lib.lake.storage import table_filesystem

ROW_GROUP_ROWS = 1 << 16
"""Rows per Parquet row group of a physically partitioned table: a reader streams a table a row group at a time."""
PARTITION_FILE_ROWS = 1 << 20
"""Rows per Parquet file of a physically partitioned table's partition, at most (give or take a batch)."""
PARTITION_FILE_BYTES = 1 << 26
"""Rows per Parquet file of a physically partitioned table's partition, at most, in bytes (polars' estimate of the
rows in memory, give or take a batch): a file's rows are held until it is written whole. The files open at once
(one per partition value of a run over several days) hold this much together at most: past it, the largest is
written."""
PENDING_FILES = 1
"""Files of `PartitionFiles` that wait for the writer beside the one it writes, at most: the rows given beyond them
wait for it."""


def delta_file_schema(frame: pl.DataFrame) -> pa.Schema:
    """The Arrow schema `frame`'s columns are stored with in a Delta table's files: Delta's types (microsecond
    timestamps, signed integers ...) as delta-rs maps them."""
    return pa.schema(DeltaSchema.from_arrow(frame.to_arrow().schema).to_arrow())


class PartitionFiles:
    """Parquet files of a physically partitioned table's rows, written as the rows come: the rows of each partition
    value are gathered into a file until it holds `PARTITION_FILE_ROWS` rows or `PARTITION_FILE_BYTES`, then polars
    writes the file whole, to a local folder or object storage: row groups of `ROW_GROUP_ROWS`, snappy, dictionaries
    for the columns whose values repeat, the columns encoded in parallel, without the partition column (Delta keeps
    partition values in the log), in Delta's types (`delta_file_schema`). `close` returns the files' add actions (row
    counts as their statistics), in the order the files were begun.

    One thread writes the files, in the order they fill, while the next ones gather: memory holds the file being
    written, at most `PENDING_FILES` more waiting for it (`write` waits while more do), and the open files' rows,
    `PARTITION_FILE_BYTES` together at most, whatever the partitions' sizes."""

    def __init__(self, uri: str, schema: pl.Schema, column: str, storage_options: dict[str, str] | None) -> None:
        self.filesystem = table_filesystem(uri, storage_options)
        self.uri, self.storage_options = uri.rstrip("/"), storage_options
        self.column, self.run = column, uuid.uuid4().hex
        stored = delta_file_schema(pl.DataFrame(schema={n: t for n, t in schema.items() if n != column}))
        self.file_schema = pl.from_arrow(pa.Table.from_batches([], schema=stored)).schema
        self.open: dict[str, tuple[int, list[pl.DataFrame], int, int]] = {}
        self.begun = 0
        self.adds: dict[int, AddAction] = {}
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="partition-files")
        self.pending: collections.deque[Future[None]] = collections.deque()

    def write(self, frame: pl.DataFrame) -> None:
        """Hands `frame`'s rows to their partitions' files."""
        parts = ({(frame[self.column][0],): frame} if frame[self.column].n_unique() == 1
                 else frame.partition_by(self.column, as_dict=True))
        for (value,), rows in parts.items():
            text = partition_text(value)
            number, gathered, held, size = self.open.get(text) or (self._begin(), [], 0, 0)
            given = rows.drop(self.column)
            gathered.append(given)
            self.open[text] = (number, gathered, held + given.height, size + given.estimated_size())
            if held + given.height >= PARTITION_FILE_ROWS:
                self._finish(text)
        while self.open and sum(size for _, _, _, size in self.open.values()) >= PARTITION_FILE_BYTES:
            self._finish(max(self.open, key=lambda text: self.open[text][3]))

    def close(self) -> list[AddAction]:
        """Waits for every file to be written; their add actions. Raises the first write's error."""
        try:
            for text in list(self.open):
                self._finish(text)
            for task in self.pending:
                task.result()
        finally:
            self.writer.shutdown()
        return [self.adds[number] for number in sorted(self.adds)]

    def abandon(self) -> None:
        """Stops writing (the files written are left uncommitted): waits for the write under way, whatever it
        raises, and drops the rest."""
        self.writer.shutdown(cancel_futures=True)

    def _begin(self) -> int:
        number, self.begun = self.begun, self.begun + 1
        return number

    def _finish(self, text: str) -> None:
        """Hands the open file of partition `text` to the writer, once at most `PENDING_FILES` wait for it."""
        number, gathered, _, _ = self.open.pop(text)
        while len(self.pending) > PENDING_FILES:
            self.pending.popleft().result()
        self.pending.append(self.writer.submit(self._write_file, number, text, gathered))

    def _path(self, number: int, text: str) -> str:
        return f"{self.column}={text}/part-{number:05d}-{self.run}-c000.snappy.parquet"

    def _write_file(self, number: int, text: str, gathered: list[pl.DataFrame]) -> None:
        path = self._path(number, text)
        rows = pl.concat(gathered, how="vertical", rechunk=False).cast(self.file_schema)
        self.filesystem.create_dir(path.rsplit("/", 1)[0])
        rows.write_parquet(f"{self.uri}/{path}", compression="snappy", row_group_size=ROW_GROUP_ROWS,
                           statistics=True, storage_options=self.storage_options)
        self.adds[number] = AddAction(
            path=path, size=self.filesystem.get_file_info(path).size, partition_values={self.column: text},
            modification_time=int(dt.datetime.now(dt.UTC).timestamp() * 1000), data_change=True,
            stats=json.dumps({"numRecords": rows.height}),
        )
