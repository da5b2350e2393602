"""Writing a lake table: a run's partitions replaced exactly (`write_partitions`), the rows of some files of a
day replaced (`replace_file_rows`) or the whole table (`replace_table`), each in one Delta commit replayed when a
concurrent writer committed first (`committed`)."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import polars as pl
from deltalake import DeltaTable, WriterProperties, write_deltalake
from deltalake import Schema as DeltaSchema
from deltalake.exceptions import CommitFailedError
from deltalake.transaction import create_table_with_add_actions

from gamestats_assets.lib.lake.log import local_tables, table_exists, table_scan
from gamestats_assets.lib.lake.partition_files import PartitionFiles
from gamestats_assets.lib.lake.partitioning import partition_predicate, partition_text
from gamestats_assets.lib.lake.rows import FrameStream, RestartStream, Rows, arrow_stream, as_stream

COMMIT_ATTEMPTS = 5
TABLE_SETTINGS = {"delta.checkpointInterval": "10"}
"""The Delta properties a lake table is created with: a checkpoint every ten commits (Delta's default is a hundred),
so that opening a table that takes a commit a run, as a day receiving uploads does, reads at most ten commit files
after its last checkpoint."""
NO_HISTORY = {"delta.logRetentionDuration": "interval 0 seconds"}
"""The log retention an erasure sets for the moment it removes a table's log before a new checkpoint."""
HISTORY_KEPT = {"delta.logRetentionDuration": "interval 30 days"}
"""Delta's default log retention, set again once a table's history is forgotten: the checkpoints written every few
commits after it keep the commits a refresh reads, as on a table never erased from."""


def wanted_settings(configuration: dict[str, str]) -> dict[str, str]:
    """The properties a table of `configuration` lacks: `TABLE_SETTINGS`, and `HISTORY_KEPT` where an erasure of a
    release before erasures set it back left `NO_HISTORY`."""
    wanted = {**TABLE_SETTINGS, **(HISTORY_KEPT if configuration.items() >= NO_HISTORY.items() else {})}
    return {} if configuration.items() >= wanted.items() else wanted


SETTLED = "_settled_tables.json"
"""The file at a local lake's root where `settle_tables` records the tables it found with their settings: by path
under the root, the modification time of the table's `_delta_log` folder then (`log_ns`) and when it looked
(`checked_ns`)."""


def log_stamp(uri: str) -> int:
    """The modification time of the `_delta_log` folder of the local table at `uri`: a commit changes it."""
    return os.stat(os.path.join(uri, "_delta_log")).st_mtime_ns


def settled_record(root: str) -> dict[str, dict[str, int]]:
    """What `settle_tables` last recorded under the local lake `root` (`SETTLED`), without the entries it could not
    have written; empty when there is no such file or it is not such a record, so every table is looked at again."""
    try:
        with open(os.path.join(root, SETTLED), encoding="utf-8") as handle:
            record = json.load(handle)
    except (OSError, ValueError):
        return {}
    if not isinstance(record, dict):
        return {}
    return {name: entry for name, entry in record.items()
            if isinstance(entry, dict) and isinstance(entry.get("log_ns"), int)}


def save_record(root: str, record: dict[str, dict[str, int]]) -> None:
    """Write `record` as the lake's `SETTLED`, whole or not at all (a file of this process renamed over it); a lake
    that cannot take it (read-only) is left without, to be looked at whole again at the next start."""
    path = os.path.join(root, SETTLED)
    partial = f"{path}.{os.getpid()}"
    with contextlib.suppress(OSError):
        with open(partial, "w", encoding="utf-8") as handle:
            json.dump(record, handle, indent=0, sort_keys=True)
        os.replace(partial, path)


def settle_tables(root: str) -> list[str]:
    """Give the tables under a local lake `root` the properties they lack (`wanted_settings`: a release before the
    lake set them created them without, or an erasure left their log unkept), each in a commit of its properties
    alone; the tables settled. A table another writer committed to first is left as it is, for the next start, and a
    log holding no version is passed over. An erasure under way when its table's retention is set back is unharmed:
    it removes the log by the retention of the version it set (`erasure.forget_history`).

    A start opens only the tables new or committed to since the last: one recorded in `SETTLED` whose log has not
    changed since is passed over unread, so a start costs what changed in the lake, not the lake's size."""
    settled: list[str] = []
    if "://" in root:
        return settled
    known = settled_record(root)
    record = {}
    for uri in local_tables(root):
        name, stamp = os.path.relpath(uri, root), log_stamp(uri)
        if known.get(name, {}).get("log_ns") == stamp:
            record[name] = known[name]
            continue
        if not table_exists(uri):
            continue
        table = DeltaTable(uri)
        wanted = wanted_settings(table.metadata().configuration)
        if wanted:
            try:
                table.alter.set_table_properties(wanted)
            except CommitFailedError:
                continue
            settled.append(uri)
            stamp = log_stamp(uri)
        record[name] = {"log_ns": stamp, "checked_ns": time.time_ns()}
    if record != known:
        save_record(root, record)
    return settled


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


class LakePartitionError(ValueError):
    """A frame does not fit the partitions its run was asked to write."""


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
        existing = table_scan(uri, storage_options).collect_schema() if exists else None
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
            configuration=TABLE_SETTINGS,
        ), on_empty)

    return committed(write)


def open_table(uri: str, storage_options: dict[str, str] | None = None) -> DeltaTable | None:
    """The Delta table at `uri` at its latest version, None when there is none yet: opened once, it is read and
    written through (`replace_file_rows`, `merge_small_files`) instead of opened again for each."""
    return DeltaTable(uri, storage_options=storage_options) if table_exists(uri, storage_options) else None


def replace_file_rows(uri: str, rows: pl.DataFrame, column: str, value: Any, files: Sequence[str], file_column: str,
                      *, physical_partitioning: bool, storage_options: dict[str, str] | None = None,
                      table: DeltaTable | None = None) -> int:
    """Replace, in one commit, the rows of partition `value` of `column` read from `files` (named in `file_column`)
    by `rows`, which must all be such rows; every other row of the partition stays in its Parquet file untouched, so
    a new file costs its own rows. A table not written yet, or written before its rows named their files, gets the
    partition whole (`write_partitions`: `rows` are then every row of it). `table` is the table at `uri` opened
    already (`open_table`), written through. Returns how many rows were written."""
    stray = rows.filter((pl.col(column) != value) | ~pl.col(file_column).is_in(list(files)))
    if stray.height:
        raise LakePartitionError(f"rows of {stray.select(column, file_column).unique().rows()[:5]} are not rows of "
                                 f"{value!r} read from the files replaced")
    table = table or open_table(uri, storage_options)
    if table is None or file_column not in pl.scan_delta(table).collect_schema().names():
        return write_partitions(uri, rows, column, [value], physical_partitioning=physical_partitioning,
                                storage_options=storage_options)
    if not files:
        return 0
    predicate = f"{partition_predicate(column, [value])} AND {partition_predicate(file_column, files)}"
    attempts = itertools.count()

    def write() -> int:
        if next(attempts):
            table.update_incremental()
        if rows.is_empty():
            table.delete(predicate)
            return 0
        existing = pl.scan_delta(table).collect_schema()
        write_deltalake(table, conform_to_table(rows, existing).to_arrow(), mode="overwrite", predicate=predicate,
                        schema_mode="merge")
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
                                      configuration=TABLE_SETTINGS, storage_options=storage_options)
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
        uri, arrow_stream(frames), mode="overwrite", schema_mode="overwrite", configuration=TABLE_SETTINGS,
        storage_options=storage_options)))
