"""The strategy `Fold`: a table that is a sum over the rows of a lake table, kept up to date from that table's Delta
log.

A `Fold` says which columns of its source it reads, the groups (`by`) and the integer terms each source row adds to
its group; its state (`state.py`) is a lake table of each group's exact sums, whose commit records the source version
it folds and the fold's definition (`refresh`). A refresh reads only the source's Parquet files the log added and
removed since that version, adds the added files' terms and subtracts the removed files' (a rewritten file is its
old file removed and its rest added again): the sums being integers, the state equals a fold of every row, whatever
order the changes came in. It folds every row again when it cannot do that: no state, another definition, a state
written by something else (a player's erasure), the log between the versions gone (checkpoints, cleanup), a
removed file gone (vacuum), or files that are not plain Parquet (deletion vectors, column mapping).

Each refresh writes the whole state, complete for the source version its commit names, in one commit: two
refreshes at once each write a state right for its own version, and whichever lands last is continued from."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
import pyarrow.fs as pafs
from deltalake import DeltaTable
from deltalake.exceptions import DeltaError

from gamestats_assets.lib.lake.log import plain_parquet, snapshot, table_exists
from gamestats_assets.lib.lake.storage import table_filesystem
from gamestats_assets.lib.refresh.changes import files_rows, log_changes, readable
from gamestats_assets.lib.refresh.protocol import StateRefresh, TableDeclaration
from gamestats_assets.lib.refresh.state import commit_state, read_state, recorded

EXACT = pl.Decimal(38, 0)
"""The type of an exact sum in a fold's state: the state is stored in Delta, which has no 128-bit integer."""


@dataclass(frozen=True)
class Fold(StateRefresh):
    """The sum over a source table's rows: `reads`, the source columns read (name → type), grouped `by` some of
    them, each row adding `terms` (state column → an integer expression of the row, a null adding nothing) to its
    group; `finish` makes the table from the state (a group whose terms are all zero is the same as no group).
    `counted` names the term that is 1 for every row, if one is: a check can then compare the state with the
    source's row count (`folded_rows`); `absent` the columns read that files written before the source held them
    lack (null there, which the terms make up for); `derived` columns computed from those read, which `by` may name
    (a timestamp's day). Called on the source's rows, it is the table computed from them at once."""

    reads: Mapping[str, pl.DataType]
    by: Sequence[str]
    terms: Mapping[str, pl.Expr]
    finish: Callable[[pl.DataFrame], pl.DataFrame]
    counted: str | None = None
    absent: frozenset[str] = frozenset()
    derived: Mapping[str, pl.Expr] = field(default_factory=dict)

    def __call__(self, **frames: pl.DataFrame) -> pl.DataFrame:
        [rows] = frames.values()
        return self.finish(self.state(rows) if rows.height else self.empty())

    def validate(self, table: TableDeclaration) -> None:
        if (table.kind != "snapshot" or len(table.inputs) != 1 or table.compute is not self or table.skip_days
                or table.given or table.read_as or table.reads or table.read_for):
            raise TypeError(f"{table.ref}: a fold is a snapshot of one input, computed by the fold alone (`folded`)")

    def definition(self, table: TableDeclaration | None = None) -> str:
        return self.digest

    def refresh(self, table, sources, state_uri, definition, held, storage_options, erased):
        [source] = sources.values()
        return refresh(source, state_uri, self, storage_options, erased)

    def finish_state(self, state: pl.DataFrame) -> pl.DataFrame:
        return self.finish(state)

    @property
    def digest(self) -> str:
        """A digest of what the state holds: the columns read, the groups, the terms and the derived columns."""
        text = json.dumps([{n: str(t) for n, t in self.reads.items()}, list(self.by),
                           {n: str(term) for n, term in self.terms.items()},
                           *([{n: str(column) for n, column in self.derived.items()}] if self.derived else [])])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def state(self, rows: pl.DataFrame, sign: int = 1) -> pl.DataFrame:
        """The groups' sums of `rows` (each negated when `sign` is -1), sorted by group, the all-zero groups left
        out."""
        rows = rows.select((pl.lit(None) if name in self.absent and name not in rows.columns else pl.col(name))
                           .cast(dtype).alias(name) for name, dtype in self.reads.items())
        rows = rows.with_columns(column.alias(name) for name, column in self.derived.items())
        terms = rows.select(*self.by, *(term.fill_null(0).alias(name) for name, term in self.terms.items()))
        summed = terms.group_by(list(self.by)).agg(pl.col(name).sum() for name in self.terms)
        return self.merged([summed if sign > 0 else summed.with_columns(-pl.col(name) for name in self.terms)])

    def merged(self, states: Sequence[pl.DataFrame]) -> pl.DataFrame:
        """The sum of `states`, sorted by group, the all-zero groups left out."""
        sums = pl.concat(states, how="vertical").group_by(list(self.by)).agg(
            pl.col(name).sum() for name in self.terms)
        return (sums.filter(pl.any_horizontal(pl.col(name) != 0 for name in self.terms))
                .sort(list(self.by), nulls_last=True))

    def empty(self) -> pl.DataFrame:
        return self.state(pl.DataFrame(schema=dict(self.reads)))


def recorded_version(state_uri: str, fold: Fold, storage_options: dict[str, str] | None) -> int | None:
    """The source version the state at `state_uri` folds, if its latest commit is a refresh's of this fold."""
    record = recorded(state_uri, fold.digest, storage_options)
    return None if record is None else int(record["version"])


def write_state(state_uri: str, fold: Fold, state: pl.DataFrame, version: int,
                storage_options: dict[str, str] | None, erased: Callable[[pl.DataFrame], pl.DataFrame]
                ) -> pl.DataFrame:
    """Write `state` as the whole state table, its commit naming the source `version` and the fold's digest."""
    return commit_state(state_uri, state, {"version": version}, fold.digest, storage_options, erased)


def refresh(source_uri: str, state_uri: str, fold: Fold, storage_options: dict[str, str] | None,
            erased: Callable[[pl.DataFrame], pl.DataFrame]) -> tuple[pl.DataFrame, dict[str, Any]]:
    """The fold's state for the source's current version, brought up to date from the state recorded and the
    source's log as this module says, and written (through `erased`, the lake's redaction of deleted players)
    with that version; with what it read: whether it folded every row (`full_fold`), the files added and removed
    it read, the rows it folded, the source version and the state's groups."""
    fallback = {"files_added": 0, "files_removed": 0}
    if not table_exists(source_uri, storage_options):
        return write_state(state_uri, fold, fold.empty(), -1, storage_options, erased), {
            "full_fold": True, **fallback, "rows_folded": 0, "source_version": -1, "groups": 0}
    source = snapshot(source_uri, storage_options)
    version = source.version()
    since = recorded_version(state_uri, fold, storage_options)
    changes = (log_changes(source_uri, since, version, storage_options)
               if since is not None and since <= version and plain_parquet(source) else None)
    filesystem = table_filesystem(source_uri, storage_options)
    if changes is not None and not readable(filesystem, [*changes.added, *changes.removed]):
        changes = None
    if changes is None:
        rows = all_rows(source, filesystem, fold)
        state, figures = fold.state(rows), {"full_fold": True, **fallback, "rows_folded": rows.height}
    else:
        added = files_rows(filesystem, changes.added, fold.reads, fold.absent)
        removed = files_rows(filesystem, changes.removed, fold.reads, fold.absent)
        state = fold.merged([read_state(state_uri, fold.empty().schema, storage_options),
                             fold.state(added), fold.state(removed, -1)])
        figures = {"full_fold": False, "files_added": len(changes.added), "files_removed": len(changes.removed),
                   "rows_folded": added.height + removed.height}
    if changes is None or changes.added or changes.removed:
        state = write_state(state_uri, fold, state, version, storage_options, erased)
    return state, {**figures, "source_version": version, "groups": state.height}


def all_rows(source: DeltaTable, filesystem: pafs.FileSystem, fold: Fold) -> pl.DataFrame:
    """Every row of the source's loaded version (the columns the fold reads): its files read as they are when they
    are plain Parquet, else through the Delta reader."""
    schema = fold.reads
    if not plain_parquet(source):
        return pl.scan_delta(source).select(list(schema)).collect().cast(dict(schema))
    actions = pl.DataFrame(source.get_add_actions(flatten=True))
    columns = source.metadata().partition_columns
    files = {path: {name: row.get(f"partition.{name}") for name in columns}
             for row in actions.iter_rows(named=True) for path in [row["path"]]} if actions.height else {}
    return files_rows(filesystem, files, schema, fold.absent)


def folded_rows(source_uri: str, state_uri: str, fold: Fold, storage_options: dict[str, str] | None = None
                ) -> dict[str, int]:
    """The rows of the source version the state folds (`source_rows`, from the log's file statistics: no row is
    read) beside those the state counts (`rows_in_state`, its `counted` term's sum); -1 for what cannot be told
    (no state of this fold, a version no longer in the log, files without statistics)."""
    since = recorded_version(state_uri, fold, storage_options)
    counted = (int(read_state(state_uri, None, storage_options)[fold.counted].cast(pl.Int64).sum())
               if since is not None and fold.counted else -1)
    if since is None or since < 0:
        return {"source_version": -1 if since is None else since, "source_rows": 0 if since == -1 else -1,
                "rows_in_state": counted}
    try:
        actions = pl.DataFrame(snapshot(source_uri, storage_options, since)
                               .get_add_actions(flatten=True))
    except DeltaError:
        return {"source_version": since, "source_rows": -1, "rows_in_state": counted}
    known = actions.height == 0 or actions["num_records"].null_count() == 0
    return {"source_version": since, "source_rows": int(actions["num_records"].sum()) if known else -1,
            "rows_in_state": counted}
