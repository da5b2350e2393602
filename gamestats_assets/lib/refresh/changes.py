"""What changed in a lake table between two of its Delta versions, read from its log: the Parquet files the commits
in between added and removed (`log_changes`, `dated_changes`), the rows of such files (`files_rows`), and the games
whose rows differ between them (`changed_games`). A refresh strategy reads these instead of the whole table; each
returns None where the log cannot tell (a commit gone, files that are not plain Parquet, a file without a `date`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import polars as pl
import pyarrow.fs as pafs
import pyarrow.parquet as pq
from gamestats_assets.lib.lake.log import plain_parquet, snapshot, table_scan
from gamestats_assets.lib.lake.merge import ROWS_UNCHANGED
from gamestats_assets.lib.lake.storage import table_filesystem


class FoldSourceError(ValueError):
    """A changed file lacks a column a refresh reads (written before the refresh read it)."""


@dataclass(frozen=True)
class Changes:
    """The table's files added and removed between two versions (paths relative to the table, as the log writes
    them), with their partition values."""

    added: dict[str, dict[str, str | None]]
    removed: dict[str, dict[str, str | None]]


def log_changes(uri: str, since: int, until: int, storage_options: dict[str, str] | None) -> Changes | None:
    """The files the commits after version `since` up to `until` added and removed, a file added then removed in
    between in neither; None when a commit of them is no longer in the log. Actions that change no row are passed
    over: those written with `dataChange: false` (a compaction) and those of a commit saying so (a merge of small
    files, `ROWS_UNCHANGED`). A file such a commit removed that was added since `since` is then still counted added,
    and one it added that a later commit removes is counted removed: their rows are the table's rows all the same."""
    filesystem = table_filesystem(uri, storage_options)
    net: dict[str, int] = {}
    values: dict[str, dict[str, str | None]] = {}
    for version in range(since + 1, until + 1):
        try:
            with filesystem.open_input_stream(f"_delta_log/{version:020d}.json") as stream:
                lines = stream.read().decode().splitlines()
        except (FileNotFoundError, OSError):
            return None
        actions = [json.loads(line) for line in filter(None, lines)]
        if any(action.get("commitInfo", {}).get(ROWS_UNCHANGED) == "true" for action in actions):
            continue
        for action in actions:
            for kind, step in (("add", 1), ("remove", -1)):
                if kind in action and action[kind].get("dataChange", True):
                    path = action[kind]["path"]
                    net[path] = net.get(path, 0) + step
                    if action[kind].get("partitionValues") is not None:
                        values[path] = action[kind]["partitionValues"]
    if any(abs(count) > 1 for count in net.values()):
        return None
    return Changes({path: values.get(path, {}) for path, count in net.items() if count == 1},
                   {path: values.get(path, {}) for path, count in net.items() if count == -1})


def dated_changes(uri: str, since: int, until: int, storage_options: dict[str, str] | None) -> Changes | None:
    """`log_changes` of a table partitioned by `date` between versions `since` and `until` (none when they are the
    same); None when they cannot be told: `since` after `until` (the table made again), not plain Parquet, a commit
    no longer in the log, a file without a `date`."""
    if since == until:
        return Changes({}, {})
    if since > until or not plain_parquet(snapshot(uri, storage_options)):
        return None
    changes = log_changes(uri, since, until, storage_options)
    if changes is None or any(values.get("date") is None for values in {**changes.added, **changes.removed}.values()):
        return None
    return changes


def readable(filesystem: pafs.FileSystem, paths: Any) -> bool:
    """Whether every one of `paths` is a file of the table still on disk (relative, not vacuumed)."""
    return all("://" not in path and not path.startswith("/")
               and filesystem.get_file_info(unquote(path)).type == pafs.FileType.File for path in paths)


def file_rows(filesystem: pafs.FileSystem, path: str, partition_values: Mapping[str, str | None],
              schema: Mapping[str, pl.DataType], absent: frozenset[str] = frozenset()) -> pl.DataFrame:
    """The `schema` columns of one of the table's Parquet files: those it stores, its partition values for those it
    is partitioned by, nulls for those of `absent` it was written without (`FoldSourceError` for any other)."""
    stored = set(pq.read_schema(filesystem.open_input_file(unquote(path))).names)
    unknown = [name for name in schema if name not in stored and name not in partition_values and name not in absent]
    if unknown:
        raise FoldSourceError(f"{path} was written without {unknown}, which the refresh reads: compute its rows again")
    frame = pl.from_arrow(pq.read_table(unquote(path), columns=[n for n in schema if n in stored],
                                        filesystem=filesystem))
    return frame.select((pl.col(name).cast(dtype) if name in stored else partition_value(partition_values.get(name),
                                                                                         dtype)).alias(name)
                        for name, dtype in schema.items())


def partition_value(value: Any, dtype: pl.DataType) -> pl.Expr:
    """A partition value as the log writes it (text) or delta-rs gives it, as a column of `dtype`."""
    if isinstance(value, str) and dtype == pl.Date:
        return pl.lit(value).str.to_date()
    if isinstance(value, str) and isinstance(dtype, pl.Datetime):
        return pl.lit(value).str.to_datetime(time_unit=dtype.time_unit, time_zone=dtype.time_zone)
    return pl.lit(value).cast(dtype)


def files_rows(filesystem: pafs.FileSystem, files: Mapping[str, Mapping[str, str | None]],
               schema: Mapping[str, pl.DataType], absent: frozenset[str] = frozenset()) -> pl.DataFrame:
    frames = [file_rows(filesystem, path, values, schema, absent) for path, values in sorted(files.items())]
    return pl.concat(frames, how="vertical") if frames else pl.DataFrame(schema=dict(schema))


def changed_games(uri: str, since: int, until: int, key: str, storage_options: dict[str, str] | None
                  ) -> pl.DataFrame | None:
    """The games (`date`, key) whose rows of the table differ between versions `since` and `until`: those of the
    files the log added or removed in between whose rows are not the same in both (a file merged or written again
    with the same rows changes no game); None when that cannot be told."""
    changes = dated_changes(uri, since, until, storage_options)
    if changes is None:
        return None
    if not changes.added and not changes.removed:
        return pl.DataFrame(schema={"date": pl.Date, key: pl.String})
    filesystem = table_filesystem(uri, storage_options)
    if not readable(filesystem, changes.removed):
        return None
    schema = dict(table_scan(uri, storage_options, until).collect_schema())
    try:
        before, after = (files_rows(filesystem, files, schema) for files in (changes.removed, changes.added))
    except FoldSourceError:
        return None
    hashed = [frame.select("date", key, frame.hash_rows().alias("_row")) for frame in (before, after)]
    differing = [one.join(other, on=["date", key, "_row"], how="anti", nulls_equal=True)
                 for one, other in (hashed, hashed[::-1])]
    return pl.concat(differing).select("date", pl.col(key).cast(pl.String)).unique()
