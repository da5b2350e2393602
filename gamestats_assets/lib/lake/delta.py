"""The lake: Delta tables of polars frames, where writing a partition replaces exactly that partition.

Each asset's table lives at `<root>/<key path>`, on a local folder or object storage (`s3://bucket/prefix`,
`object_store_options`). A partitioned asset names its partition column in its metadata
(`partition_column`); a run over some keys replaces exactly those keys in one Delta commit (`write_partitions`)."""

from __future__ import annotations

import bisect
import collections
import datetime as dt
import functools
import itertools
import json
import os
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

import dagster as dg
import polars as pl
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq
from dagster._check import CheckError
from deltalake import DeltaTable, WriterProperties, write_deltalake
from deltalake import Schema as DeltaSchema
from deltalake.exceptions import CommitFailedError, TableNotFoundError
from deltalake.fs import DeltaStorageHandler
from deltalake.transaction import AddAction, create_table_with_add_actions

from gamestats_assets.lib.core.columns import COLUMN_SCHEMA, conformance_errors, declared_columns
from gamestats_assets.lib.core.erasure import published_rows, redacted
from gamestats_assets.lib.core.provenance import WORKER_METADATA, step_worker
from gamestats_assets.lib.core.sql_text import identifier, literal

PARTITION_COLUMN = "partition_column"
PHYSICAL_PARTITIONING = "physical_partitioning"
"""The definition metadata that, set to false, writes a daily table's files without a folder per day (see
`physically_partitioned`)."""
INPUT_COLUMNS = "columns"
"""The input metadata naming the only columns a step reads of an upstream table (`dg.AssetIn(metadata=...)`)."""
COMMIT_ATTEMPTS = 5
WRITE_BATCH_ROWS = 100_000
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

AWS_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_ENDPOINT_URL")
"""The AWS variables passed to delta-rs and polars for an `s3://` lake, when set."""


RUN_ROWS = "rows_in_run"


def row_count_metadata(rows: int, partitions: int) -> dict[str, int]:
    """A materialization's row count: `dagster/row_count` when it covers at most one partition; over several,
    only the run's total as `rows_in_run`, since Dagster records the same metadata on every partition of the
    run and a per-partition count would be wrong on each."""
    return {"dagster/row_count": rows} if partitions <= 1 else {RUN_ROWS: rows}


def object_store_options(uri: str) -> dict[str, str]:
    """Storage options for `uri` read from the environment at the moment of use, so that no credential
    ever sits in a run's configuration: for `s3://` the usual AWS variables (`AWS_DEFAULT_REGION` and
    `AWS_ENDPOINT_URL_S3` as fallbacks), and plain HTTP allowed when the endpoint is `http://`
    (an S3-compatible server inside a cluster). Other URIs: none (local paths need none; `az://` and
    `gs://` read their own variables)."""
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


def committed(write: Callable[[], int]) -> int:
    """Run `write` (one whole Delta write) and return what it returns, replaying it when a concurrent writer
    committed first or its stream restarted.

    delta-rs commits a version only if its log file does not exist yet (an atomic rename locally, a
    conditional `PUT` with `If-None-Match: *` on S3), so two writers never commit the same version; the
    loser replays its whole write, and as a write replaces its partitions whole, the last writer's rows win."""
    for _ in range(COMMIT_ATTEMPTS - 1):
        try:
            return write()
        except (CommitFailedError, RestartStream):
            continue
    return write()


Bound = tuple[Any, Any]
"""A range of a column's values: `low <= value < high`, None for no bound on that side."""

Condition = Bound | frozenset
"""Which values of a column to keep: a range (`Bound`), or a set of values."""


@dataclass(frozen=True)
class FrameStream:
    """Rows too many to hold at once: their `schema`, and `batches()`, which starts a new pass over the rows
    in frames of that schema each time it is called (a write may need a second pass, see `RestartStream`).

    `where(column, condition)`, when the source can, is the same rows restricted to the values of a column that
    meet a `Condition`, read without decoding the rest (a lake table skips the files of other partitions and the
    row groups whose statistics show no such value)."""

    schema: pl.Schema
    batches: Callable[[], Iterable[pl.DataFrame]]
    where: Callable[[str, Condition], FrameStream] | None = None


Rows = pl.DataFrame | pl.LazyFrame | FrameStream
"""What the lake writes: a frame; a lazy query, run batch by batch and never collected whole; or a stream."""


class RestartStream(Exception):
    """Raised by a stream when rows it gave must be taken back (it learned later in the pass that they do not
    belong): the write is abandoned before its commit and done again from a new pass."""


def as_stream(rows: Rows) -> FrameStream:
    """`rows` as a stream of frames of at most `WRITE_BATCH_ROWS` rows."""
    if isinstance(rows, pl.DataFrame):
        return FrameStream(rows.schema, lambda: chunk_slices(rows, WRITE_BATCH_ROWS))
    if isinstance(rows, pl.LazyFrame):
        return FrameStream(rows.collect_schema(), lambda: rows.collect_batches(chunk_size=WRITE_BATCH_ROWS),
                           lambda column, condition: as_stream(rows.filter(meets(column, condition))))
    return rows


def chunk_slices(frame: pl.DataFrame, rows: int) -> Iterator[pl.DataFrame]:
    """`frame` in slices of at most `rows` rows, each ending where a chunk of one of its columns ends if it comes
    first: a slice within one chunk of every column converts to Arrow without a copy, a slice across a chunk
    boundary is copied whole (frames read from Arrow or DuckDB come in chunks of their record batches). Chunks
    shorter than an eighth of `rows` are crossed, so that many small ones do not make as many small slices."""
    ends = sorted({end for column in frame.get_columns() for end in itertools.accumulate(column.chunk_lengths())})
    start = 0
    while start < frame.height:
        end = min(start + rows, frame.height)
        chunk_end = ends[bisect.bisect_right(ends, start)]
        if start + rows // 8 <= chunk_end < end:
            end = chunk_end
        yield frame.slice(start, end - start)
        start = end


def schema_of(rows: Rows) -> pl.Schema:
    """The columns of `rows` and their types."""
    return rows.schema if isinstance(rows, FrameStream) else rows.collect_schema()


def mapped(rows: Rows, change: Callable[[Any], Any]) -> Rows:
    """`change` (a select, a filter) applied to `rows`: at once to a frame or a lazy query, batch by batch to a
    stream (and to its restrictions)."""
    if isinstance(rows, FrameStream):
        where = rows.where
        return FrameStream(change(pl.DataFrame(schema=rows.schema)).schema, lambda: map(change, rows.batches()),
                           None if where is None else lambda column, condition: mapped(where(column, condition), change))
    return change(rows)


def chained(parts: Sequence[Rows]) -> Rows:
    """`parts` one after the other: frames or lazy queries concatenated (their columns' types relaxed to fit),
    streams read in turn."""
    if len(parts) == 1:
        return parts[0]
    if any(isinstance(part, FrameStream) for part in parts):
        streams = [as_stream(part) for part in parts]
        return FrameStream(streams[0].schema, lambda: itertools.chain.from_iterable(s.batches() for s in streams))
    return pl.concat(parts, how="vertical_relaxed")


def meets(column: str, condition: Condition) -> pl.Expr:
    """Whether `column`'s value meets `condition`."""
    if isinstance(condition, frozenset):
        return pl.col(column).is_in(list(condition))
    low, high = condition
    kept = pl.lit(True)
    if low is not None:
        kept &= pl.col(column) >= low
    if high is not None:
        kept &= pl.col(column) < high
    return kept


def may_meet(condition: Condition, smallest: Any, largest: Any) -> bool:
    """Whether some value between `smallest` and `largest` (both included) may meet `condition`."""
    if isinstance(condition, frozenset):
        return any(smallest <= value <= largest for value in condition)
    low, high = condition
    return (low is None or largest >= low) and (high is None or smallest < high)


def restricted(rows: Rows, column: str, condition: Condition) -> Rows:
    """The rows of `rows` whose `column` meets `condition`: through the stream's `where` when it has one,
    else filtered (a lazy scan then skips files and row groups by their statistics; a stream is read whole)."""
    if isinstance(rows, FrameStream) and rows.where is not None:
        return rows.where(column, condition)
    return mapped(rows, lambda frame: frame.filter(meets(column, condition)))


def arrow_stream(rows: Rows) -> pa.RecordBatchReader:
    """`rows` as a stream of Arrow batches, each converted as the reader takes it: a table is written without
    a second whole copy of its rows in memory. Text travels as Arrow string views (no copy) unless a column is
    categorical, whose view-typed dictionaries the Parquet writer does not take."""
    stream = as_stream(rows)
    categorical = any(holds_categories(dtype) for dtype in stream.schema.values())
    level = pl.CompatLevel.oldest() if categorical else pl.CompatLevel.newest()
    schema = pl.DataFrame(schema=stream.schema).to_arrow(compat_level=level).schema
    batches = (batch if batch.schema == schema else batch.cast(schema)
               for frame in stream.batches() for batch in frame.to_arrow(compat_level=level).to_batches())
    return pa.RecordBatchReader.from_batches(schema, batches)


def holds_categories(dtype: pl.DataType) -> bool:
    """Whether `dtype` is or contains a categorical or enum type."""
    if isinstance(dtype, (pl.Categorical, pl.Enum)):
        return True
    if isinstance(dtype, (pl.List, pl.Array)):
        return holds_categories(dtype.inner)
    if isinstance(dtype, pl.Struct):
        return any(holds_categories(field.dtype) for field in dtype.fields)
    return False


class LakePartitionError(ValueError):
    """A frame does not fit the partitions its run was asked to write."""


class LakeSchemaError(ValueError):
    """A frame is not the table its declaration says (`dagster/column_schema`)."""


class LakeMissingInputError(LookupError):
    """A step reads an unpartitioned table that was never written."""


def check_declared(asset_key: dg.AssetKey, rows: "Rows", definition_metadata: Mapping[str, Any]) -> None:
    """Raise `LakeSchemaError` unless `rows` hold exactly the columns the table declares, each of a type its
    declared type takes (a table that declares none is not checked)."""
    declared = definition_metadata.get(COLUMN_SCHEMA)
    if declared is None:
        return
    errors = conformance_errors(declared_columns(declared), schema_of(rows))
    if errors:
        raise LakeSchemaError(f"{asset_key.to_user_string()} does not hold its declared columns: {'; '.join(errors)}")


def partition_values(partitions_def: dg.PartitionsDefinition, keys: Sequence[str]) -> list[Any]:
    """The values a partition column holds for `keys`: dates for time windows, the keys otherwise."""
    if isinstance(partitions_def, dg.TimeWindowPartitionsDefinition):
        if partitions_def.fmt == ISO_DAY:
            return [dt.date.fromisoformat(key) for key in keys]
        return [dt.datetime.strptime(key, partitions_def.fmt).date() for key in keys]
    return list(keys)


ISO_DAY = "%Y-%m-%d"
"""The format of daily partition keys, which `date.fromisoformat` reads far faster than `strptime`."""


def input_partition_values(context: dg.InputContext) -> list[Any]:
    """The values of the partition column that `context`'s input reads (`partition_values` of its keys).

    A daily input whose partitions are one run of days (every day, as an unpartitioned step reads, or a backfill's
    range) gets its days from that range's time window, without Dagster listing each key of the calendar, which it
    does a cron tick at a time."""
    partitions_def = context.asset_partitions_def
    if (isinstance(partitions_def, dg.TimeWindowPartitionsDefinition) and partitions_def.fmt == ISO_DAY
            and partitions_def.cron_schedule == "0 0 * * *"):
        try:
            window = context.asset_partitions_time_window
        except CheckError:
            window = None
        if window is not None:
            first, end = window.start.date(), window.end.date()
            return [first + dt.timedelta(days=offset) for offset in range((end - first).days)]
    return partition_values(partitions_def, context.asset_partition_keys)


def physically_partitioned(partitions_def: dg.PartitionsDefinition, metadata: Mapping[str, Any]) -> bool:
    """Whether a partitioned table's files are laid out in a folder per partition key.

    Daily tables are, so a day's rewrite touches only that day's files, unless their definition metadata sets
    `physical_partitioning` to false: Delta's partitioned write costs more CPU than an unpartitioned
    one, and a table written one day per run keeps one day per file anyway, whose column
    statistics confine a day's read and replace to that day's files (a run over several days writes files
    holding several days, which a later one-day replace rewrites without that day). Dynamic-partitioned
    tables (one key per match, per player) never are, to avoid a folder per key.
    """
    if not isinstance(partitions_def, dg.TimeWindowPartitionsDefinition):
        return False
    return bool(metadata.get(PHYSICAL_PARTITIONING, True))


def partition_predicate(column: str, values: Sequence[Any]) -> str:
    """`"column" IN (...)` over `values` (dates in ISO form), a Delta (DataFusion) predicate, every identifier and
    literal quoted."""
    texts = (value.isoformat() if isinstance(value, dt.date) else str(value) for value in values)
    return f"{identifier(column)} IN ({', '.join(literal(text) for text in texts)})"


LOG_ENTRY = re.compile(r"\d{20}\.(json|checkpoint\..+)")
"""A Delta log's version file: a commit (`00000000000000000007.json`) or a checkpoint of one."""


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


def write_partitions(
    uri: str,
    rows: Rows,
    column: str,
    values: Sequence[Any],
    *,
    physical_partitioning: bool,
    storage_options: dict[str, str] | None = None,
    writer_properties: WriterProperties | None = None,
) -> int:
    """Replace the rows whose `column` is in `values` by `rows`, in one commit; return how many rows were
    written. The column holds a daily key as a `date`, a dynamic key as a string. Rows come batch by batch
    (`Rows`). A physically partitioned table gets files of `PartitionFiles`, written as the rows come (the
    partitioned writer of delta-rs would hold a whole partition); any other is written by delta-rs, with
    `writer_properties` when given.

    Raises `LakePartitionError` when the rows lack the column or hold rows of other partitions, so a bug
    upstream can never overwrite or leak into a partition it was not asked for; nothing is committed then.
    """
    stream = as_stream(rows)
    if column not in stream.schema:
        raise LakePartitionError(f"frame has no partition column {column!r}; columns: {stream.schema.names()}")
    predicate = partition_predicate(column, values)

    def within_partitions(frame: pl.DataFrame) -> None:
        stray = frame.select(pl.col(column).unique()).filter(~pl.col(column).is_in(list(values)))
        if stray.height:
            raise LakePartitionError(
                f"frame holds rows for partitions {stray[column].to_list()[:5]} outside this run's {list(values)[:5]}"
            )

    def write() -> int:
        exists = table_exists(uri, storage_options)
        existing = pl.scan_delta(uri, storage_options=storage_options).collect_schema() if exists else None
        on_empty = (lambda: DeltaTable(uri, storage_options=storage_options).delete(predicate)) if exists else None
        if physical_partitioning:
            return write_pass(stream, existing, within_partitions, lambda frames: commit_partition_files(
                uri, frames, column, values, existing, storage_options), on_empty)
        return write_pass(stream, existing, within_partitions, lambda frames: write_deltalake(
            uri,
            arrow_stream(frames),
            mode="overwrite",
            predicate=predicate,
            schema_mode="merge",
            storage_options=storage_options,
            writer_properties=writer_properties,
        ), on_empty)

    return committed(write)


def replace_file_rows(uri: str, rows: pl.DataFrame, column: str, value: Any, files: Sequence[str], file_column: str,
                      *, physical_partitioning: bool, storage_options: dict[str, str] | None = None) -> int:
    """Replace, in one commit, the rows of partition `value` of `column` read from `files` (named in `file_column`)
    by `rows`, which must all be such rows; every other row of the partition stays in its Parquet file untouched, so
    a new file costs its own rows. A table not written yet, or written before its rows named their files, gets the
    partition whole (`write_partitions`: `rows` are then every row of it). Returns how many rows were written."""
    stray = rows.filter((pl.col(column) != value) | ~pl.col(file_column).is_in(list(files)))
    if stray.height:
        raise LakePartitionError(f"rows of {stray.select(column, file_column).unique().rows()[:5]} are not rows of "
                                 f"{value!r} read from the files replaced")
    if (not table_exists(uri, storage_options)
            or file_column not in pl.scan_delta(uri, storage_options=storage_options).collect_schema().names()):
        return write_partitions(uri, rows, column, [value], physical_partitioning=physical_partitioning,
                                storage_options=storage_options)
    if not files:
        return 0
    predicate = f"{partition_predicate(column, [value])} AND {partition_predicate(file_column, files)}"

    def write() -> int:
        if rows.is_empty():
            DeltaTable(uri, storage_options=storage_options).delete(predicate)
            return 0
        existing = pl.scan_delta(uri, storage_options=storage_options).collect_schema()
        write_deltalake(uri, conform_to_table(rows, existing).to_arrow(), mode="overwrite", predicate=predicate,
                        schema_mode="merge", storage_options=storage_options)
        return rows.height

    return committed(write)


T = TypeVar("T")


def side_by_side(writes: Sequence[Callable[[], T]]) -> list[T]:
    """What each of `writes` (whole table writes) returns, in order, the writes run at once, each in a thread
    of its own: delta-rs and polars encode Parquet without holding the GIL, so tables written side by side take
    about as long as the largest alone. The first error is raised once every write has ended."""
    with ThreadPoolExecutor(max_workers=max(1, len(writes))) as pool:
        running = [pool.submit(write) for write in writes]
    return [write.result() for write in running]


def write_pass(
    stream: FrameStream,
    existing: pl.Schema | None,
    check: Callable[[pl.DataFrame], None],
    write: Callable[[FrameStream], Any],
    on_empty: Callable[[], Any] | None = None,
) -> int:
    """One pass over `stream` handed to `write`, each frame checked by `check` and conformed to the
    `existing` table's schema (`conform_to_table`); a pass without rows calls `on_empty` instead, when
    given. Returns the rows written. An error raised during the pass (by the stream or a check)
    is raised as itself, not as the Delta writer's error that it caused, and nothing is committed."""
    frames = iter(stream.batches())
    first = next((frame for frame in frames if frame.height), None)
    if first is None and on_empty is not None:
        on_empty()
        return 0
    written, raised = 0, []

    def conformed() -> Iterator[pl.DataFrame]:
        nonlocal written
        try:
            for frame in itertools.chain([] if first is None else [first], frames):
                check(frame)
                frame = frame if existing is None else conform_to_table(frame, existing)
                written += frame.height
                yield frame
        except Exception as error:
            raised.append(error)
            raise

    schema = stream.schema if existing is None else conform_to_table(pl.DataFrame(schema=stream.schema),
                                                                     existing).schema
    try:
        write(FrameStream(schema, conformed))
    except Exception:
        if raised:
            raise raised[0] from None
        raise
    return written


def commit_partition_files(
    uri: str,
    frames: FrameStream,
    column: str,
    values: Sequence[Any],
    existing: pl.Schema | None,
    storage_options: dict[str, str] | None,
) -> None:
    """Replace the partitions `values` of the table partitioned by `column` by the rows of `frames`, in one
    commit: the rows are written as Parquet files under `<column>=<value>/` as they come (`PartitionFiles`: a file
    is written while the next gathers), then committed as the partitions' only files
    (new columns added to the table's schema). The files hold the partitions whole whatever the table's version, so
    a commit beaten by a concurrent writer is made again on the new version without writing them again: the window
    in which another writer can win is the commit's, not the files'."""
    files = PartitionFiles(uri, frames.schema, column, storage_options)
    try:
        for frame in frames.batches():
            files.write(frame)
    except BaseException:
        files.abandon()
        raise
    adds = files.close()
    schema = pl.DataFrame(schema={**(existing or {}), **frames.schema}).to_arrow().schema
    if existing is None:
        create_table_with_add_actions(uri, DeltaSchema.from_arrow(schema), adds, mode="error", partition_by=[column],
                                      storage_options=storage_options)
        return
    for attempt in range(1, COMMIT_ATTEMPTS + 1):
        table = DeltaTable(uri, storage_options=storage_options)
        try:
            table.create_write_transaction(
                adds, mode="overwrite", schema=table.schema() if set(frames.schema) <= set(existing) else schema,
                partition_by=[column], partition_filters=[(column, "in", [partition_text(value) for value in values])],
            )
            return
        except CommitFailedError:
            if attempt == COMMIT_ATTEMPTS:
                raise


def partition_text(value: Any) -> str:
    """A partition value as the Delta log and the folder name hold it."""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def table_filesystem(uri: str, storage_options: dict[str, str] | None) -> pafs.FileSystem:
    """A table's folder as a filesystem: a local folder, or object storage through delta-rs's own store."""
    if "://" not in uri:
        os.makedirs(uri, exist_ok=True)
        return pafs.SubTreeFileSystem(os.path.abspath(uri), pafs.LocalFileSystem())
    return pafs.PyFileSystem(DeltaStorageHandler(uri, storage_options))


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


def conform_to_table(frame: pl.DataFrame, existing: pl.Schema) -> pl.DataFrame:
    """`frame` with its columns cast to the `existing` table's types where that loses nothing (all-null columns,
    narrower integers); `LakePartitionError` naming the column where a cast would change values, so a
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


def replace_table(uri: str, rows: Rows, storage_options: dict[str, str] | None = None) -> int:
    """Replace the whole table by `rows` in one commit; readers see the old or the new, never a mix. Returns
    how many rows were written."""
    stream = as_stream(rows)
    return committed(lambda: write_pass(stream, None, lambda frame: None, lambda frames: write_deltalake(
        uri, arrow_stream(frames), mode="overwrite", schema_mode="overwrite", storage_options=storage_options
    )))


def read_partitions(
    uri: str,
    column: str | None,
    values: Sequence[Any] | None,
    storage_options: dict[str, str] | None = None,
) -> pl.LazyFrame:
    """A lazy scan of the table, filtered to `values` of `column` when given; empty if no table yet."""
    if not table_exists(uri, storage_options):
        return pl.LazyFrame()
    scan = pl.scan_delta(uri, storage_options=storage_options)
    if column is None or values is None:
        return scan
    return scan.filter(pl.col(column).is_in(list(values)))


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
    table = DeltaTable(uri, storage_options=storage_options)
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


FANIN = 8
"""Files of a tier merged at once; a merged file is about this many times its parts' size."""
SMALLEST = 16 << 10
"""The upper size of the lowest tier's files, in bytes."""
LARGEST = PARTITION_FILE_BYTES // FANIN
"""Files of this size and larger are never merged, so that a merged file stays within about `PARTITION_FILE_BYTES`."""


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
                      storage_options: dict[str, str] | None = None) -> int:
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
    deleted (a vacuum), so that the files merged or replaced away do not pile up on disk."""
    if "://" in uri:
        return 0
    table = DeltaTable(uri, storage_options=storage_options)
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
    scan = pl.scan_delta(uri, version=table.version(), storage_options=storage_options)
    rows = (scan.filter(pl.col(column).is_in([value]), pl.col(key_column).is_in(keys)).collect()
            .sort(key_column, maintain_order=True))
    predicate = f"{partition_predicate(column, [value])} AND {partition_predicate(key_column, keys)}"
    try:
        write_deltalake(table, rows.to_arrow(), mode="overwrite", predicate=predicate, storage_options=storage_options,
                        writer_properties=WriterProperties(max_row_group_size=ROW_GROUP_ROWS))
    except CommitFailedError:
        return 0
    DeltaTable(uri, storage_options=storage_options).vacuum(dry_run=False)
    return len(chosen)


class DeltaLakeIOManager(dg.ConfigurableIOManager):
    """Stores polars frames as Delta tables under `root`; partitioned writes replace exactly their keys.

    Daily tables are physically partitioned by their partition column unless their metadata says otherwise,
    dynamic-partitioned ones are not (`physically_partitioned`). An output may be a frame, a lazy query or a
    `FrameStream` (`Rows`), written batch by batch. Inputs typed `pl.LazyFrame` are returned as lazy
    scans, inputs typed `FrameStream` as streams read a row group at a time (`read_batches`), and an input whose
    metadata names `columns` reads only those. A partition never written reads as no rows; an unpartitioned
    table never written is a `LakeMissingInputError` naming it. With `deleted_players`, the register of deleted
    players (the data folder's `state/deletions.json`), every write leaves them out (`lib/core/erasure.py`).
    """

    root: str
    storage_options: dict[str, str] = {}
    deleted_players: str = ""

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
            "lake/version": DeltaTable(uri, storage_options=options).version(),
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
        written = replace_file_rows(uri, rows, column, day, files, file_column,
                                    physical_partitioning=physically_partitioned(partitions_def, definition_metadata),
                                    storage_options=options)
        merged = merge_small_files(uri, column, day, file_column, options)
        return {"rows_replaced": written, "lake/files_merged": merged, "dagster/uri": uri,
                "lake/version": DeltaTable(uri, storage_options=options).version(), WORKER_METADATA: step_worker()}

    def erased(self, asset_key: dg.AssetKey, rows: Rows) -> Rows:
        """`rows` of `asset_key`'s table without the deleted players of the register (`erasure.redacted`)."""
        if not self.deleted_players:
            return rows
        register = Path(self.deleted_players)
        return mapped(rows, lambda frame: redacted(frame, asset_key.path[0], asset_key.path[-1], register))

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
        scan = read_partitions(self.table_uri(asset_key), "date", list(days), self.options())
        rows = scan.select(pl.len()).collect().item() if scan.collect_schema() else 0
        return row_count_metadata(rows, len(days))

    def scan(self, asset: dg.AssetsDefinition, partition_keys: Sequence[str] | None) -> pl.LazyFrame:
        """The rows of `asset`'s table for `partition_keys` (every row when it is unpartitioned) as a lazy scan, as
        they are published (`erasure.published_rows`: a deleted player's own rows left out)."""
        scan = read_partitions(*self.selection(asset, partition_keys), self.options())
        return published_rows(scan, asset.key.path[0], asset.key.path[-1])

    def batches(self, asset: dg.AssetsDefinition, partition_keys: Sequence[str] | None,
                columns: Sequence[str] | None = None) -> FrameStream:
        """`scan`'s rows (only `columns` when given) read a row group at a time, only as they are asked for
        (`read_batches`)."""
        stream = read_batches(*self.selection(asset, partition_keys), self.options(), columns)
        return mapped(stream, lambda frame: published_rows(frame, asset.key.path[0], asset.key.path[-1]))

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
