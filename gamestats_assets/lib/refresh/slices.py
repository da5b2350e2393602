"""The strategy `Slicing`: a table over every day of its inputs made of independent slices (a queue and patch of
games), kept up to date by computing again only the slices whose games changed.

A `Slicing` names the slice columns (`by`), the column tying every input's rows to a game (`key`) and the input
that says each game's slice (`index`: rows of `date`, `key` and the `by` columns); every input is partitioned by
`date`. The state (`state.py`) is a lake table of the rows of every slice, as `compute` makes them, whose commit
records each input's version, the days held back and the definition. A refresh reads the inputs' Delta logs since those
versions: the days whose files were added or removed, and those newly held back or no longer held, hold the
changed games; their slices, with those of the index's removed files, are computed again from every input's rows
of their games, read only on the days holding them, and replace those slices' rows in the state. It computes every
slice again when it cannot tell what changed: no state, another definition, an input's log between the versions
gone, a file without a `date`, or a removed index file gone.

`across` is the step over every slice's rows at once (a false-discovery correction over every test, a comparison
with the previous patch): the table is `across` of the state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from gamestats_assets.lib.core.code import code_digest
from gamestats_assets.lib.lake.log import latest_version, table_scan
from gamestats_assets.lib.lake.storage import table_filesystem
from gamestats_assets.lib.refresh.changes import FoldSourceError, dated_changes, files_rows, readable
from gamestats_assets.lib.refresh.protocol import StateRefresh, TableDeclaration
from gamestats_assets.lib.refresh.state import commit_state, read_state, recorded


def unchanged(frame: pl.DataFrame) -> pl.DataFrame:
    return frame


@dataclass(frozen=True)
class Slicing(StateRefresh):
    """How a snapshot is sliced: by the `by` columns of its rows and of its `index` input (parameter name), whose
    rows give each game (`key`) its slice and `date`; `across`, the step over every slice's rows."""

    by: tuple[str, ...]
    index: str
    key: str = "match_id"
    across: Callable[[pl.DataFrame], pl.DataFrame] = field(default=unchanged)

    def validate(self, table: TableDeclaration) -> None:
        if table.kind != "snapshot" or table.given or table.read_as or table.read_for or self.index not in table.inputs:
            raise TypeError(f"{table.ref}: a sliced table is a snapshot of tables, one of which (`index`) gives each "
                            "game its slice")

    def definition(self, table: TableDeclaration) -> str:
        """The code that computed the slices (`code_digest`) and the table's columns."""
        return code_digest() + ":" + ",".join(table.columns)

    def refresh(self, table, sources, state_uri, definition, held, storage_options, erased):
        read = {param: Source(uri, table.reads.get(param, ())) for param, uri in sources.items()}
        return refresh(read, self, table.compute, state_uri, definition, held, storage_options, erased)

    def finish_state(self, state: pl.DataFrame) -> pl.DataFrame:
        return self.across(state)

    def finish_rows(self, rows: pl.DataFrame) -> pl.DataFrame:
        return self.across(rows)


@dataclass(frozen=True)
class Recorded:
    """What a state's commit records: the inputs' versions (-1: no table yet) and the days held back."""

    versions: dict[str, int]
    held: frozenset[dt.date]


def recorded_slices(state_uri: str, definition: str, storage_options: dict[str, str] | None) -> Recorded | None:
    """What the state at `state_uri` was computed from, if its latest commit is a refresh's of `definition`."""
    record = recorded(state_uri, definition, storage_options)
    if record is None or "held" not in record:
        return None
    return Recorded({param: int(version) for param, version in record["versions"].items()},
                    frozenset(dt.date.fromisoformat(day) for day in record["held"]))


def changed_days(uri: str, since: int, until: int, storage_options: dict[str, str] | None
                 ) -> tuple[set[dt.date], dict[str, dict[str, str | None]]] | None:
    """The days whose files the input's commits after `since` up to `until` added or removed, and the files removed;
    None when that cannot be told (`dated_changes`)."""
    changes = dated_changes(uri, since, until, storage_options)
    if changes is None:
        return None
    files = {**changes.added, **changes.removed}
    return {dt.date.fromisoformat(values["date"]) for values in files.values()}, changes.removed


def scan(uri: str, version: int, columns: Sequence[str] | None, storage_options: dict[str, str] | None,
         days: Sequence[dt.date] | None = None) -> pl.LazyFrame | None:
    """The input's rows at `version` (only `columns` when given), of `days` when given; None for no table yet."""
    if version < 0:
        return None
    rows = table_scan(uri, storage_options, version)
    if days is not None:
        rows = rows.filter(pl.col("date").is_in(list(days)))
    return rows.select(columns) if columns else rows


@dataclass(frozen=True)
class Source:
    """An input as a sliced table reads it: its table and the columns it reads (all when empty)."""

    uri: str
    columns: Sequence[str] = ()


def refresh(sources: Mapping[str, Source], slicing: Slicing, compute: Callable[..., pl.DataFrame],
            state_uri: str, definition: str, held: Sequence[dt.date], storage_options: dict[str, str] | None,
            erased: Callable[[pl.DataFrame], pl.DataFrame]) -> tuple[pl.DataFrame, dict[str, Any]]:
    """The state for the inputs' current versions, the `held` days left out, brought up to date from the state
    recorded and the inputs' logs as this module says and written (through `erased`, the lake's redaction of deleted
    players) with those versions; with what it did:
    whether it computed every slice (`full_refresh`), the slices computed, the days and games read, the slices
    and the days held back."""
    versions = {param: latest_version(source.uri, storage_options) for param, source in sources.items()}
    held = frozenset(held)
    before = recorded_slices(state_uri, definition, storage_options)
    days: set[dt.date] | None = set() if before is not None and before.versions.keys() == versions.keys() else None
    removed: dict[str, dict[str, str | None]] = {}
    for param, source in sources.items():
        if days is None:
            break
        changed = changed_days(source.uri, before.versions[param], versions[param], storage_options)
        if changed is None:
            days = None
        else:
            days |= changed[0]
            removed.update(changed[1] if param == slicing.index else {})
    if days is not None:
        days |= before.held ^ held
    dirty = None if days is None else dirty_slices(sources[slicing.index], versions[slicing.index], slicing, days,
                                                   removed, storage_options)
    if dirty is None:
        frames = read(sources, versions, None, None, slicing, held, storage_options)
        state = compute(**frames)
        index = frames[slicing.index]
        figures = {"full_refresh": True,
                   "slices_computed": index.select(slicing.by).unique().height if index.width else 0,
                   "games_read": index[slicing.key].n_unique() if index.width else 0}
    elif dirty.is_empty():
        state = read_state(state_uri, None, storage_options)
        figures = {"full_refresh": False, "slices_computed": 0}
    else:
        games = chosen_games(sources[slicing.index], versions[slicing.index], slicing, dirty, held, storage_options)
        frames = read(sources, versions, games["date"].unique().sort().to_list(), games.select(slicing.key), slicing,
                      held, storage_options)
        fresh = compute(**frames).join(dirty, on=list(slicing.by), how="semi", nulls_equal=True)
        kept = read_state(state_uri, None, storage_options).join(dirty, on=list(slicing.by), how="anti",
                                                                  nulls_equal=True)
        state = pl.concat([kept.select(fresh.columns), fresh], how="vertical_relaxed") if fresh.width else kept
        figures = {"full_refresh": False, "slices_computed": dirty.height,
                   "days_read": games["date"].n_unique(), "games_read": games.height}
    if dirty is None or not dirty.is_empty():
        state = commit_state(state_uri, state, {"versions": versions, "held": sorted(map(str, held))}, definition,
                             storage_options, erased)
    return state, {**figures, "slices": state.select(slicing.by).unique().height,
                   "held_days": len(held)}


def dirty_slices(index: Source, version: int, slicing: Slicing, days: set[dt.date],
                 removed: Mapping[str, Mapping[str, str | None]], storage_options: dict[str, str] | None
                 ) -> pl.DataFrame | None:
    """The slices of the games the index holds on `days` and of those its `removed` files held; None when a removed
    file is gone (vacuumed) or lacks a slice column."""
    columns = [slicing.key, *slicing.by]
    current = scan(index.uri, version, columns, storage_options, sorted(days))
    found = [] if current is None else [current.collect()]
    if removed:
        filesystem = table_filesystem(index.uri, storage_options)
        if not readable(filesystem, removed):
            return None
        schema = found[0].schema if found else table_scan(index.uri, storage_options).select(
            columns).collect_schema()
        try:
            found.append(files_rows(filesystem, removed, dict(schema)))
        except FoldSourceError:
            return None
    if not found:
        return pl.DataFrame(schema={name: pl.String for name in slicing.by})
    return pl.concat(found, how="vertical_relaxed").select(slicing.by).unique()


def chosen_games(index: Source, version: int, slicing: Slicing, dirty: pl.DataFrame, held: frozenset[dt.date],
                 storage_options: dict[str, str] | None) -> pl.DataFrame:
    """The games (`date`, key) of the `dirty` slices the index holds, but those of days held back (each slice
    column's values filtered first, so that the files of other slices are skipped by their statistics)."""
    games = scan(index.uri, version, ["date", slicing.key, *slicing.by], storage_options)
    if games is None:
        return pl.DataFrame(schema={"date": pl.Date, slicing.key: pl.String})
    within = [pl.col(name).is_in(dirty[name].drop_nulls().to_list()) | pl.col(name).is_null() for name in slicing.by]
    return (games.filter(~pl.col("date").is_in(list(held)), *within)
            .join(dirty.lazy(), on=list(slicing.by), how="semi", nulls_equal=True)
            .select("date", slicing.key).unique().collect())


def read(sources: Mapping[str, Source], versions: Mapping[str, int], days: Sequence[dt.date] | None,
         games: pl.DataFrame | None, slicing: Slicing, held: frozenset[dt.date],
         storage_options: dict[str, str] | None) -> dict[str, pl.DataFrame]:
    """Every input's rows at its version (of `games` on `days` when given), but those of the days held back; no
    rows, as the lake's input reader gives them, for an input not written yet."""
    frames = {}
    for param, source in sources.items():
        if versions[param] < 0:
            frames[param] = pl.DataFrame()
            continue
        rows = scan(source.uri, versions[param], source.columns, storage_options, days)
        if held:
            rows = rows.filter(~pl.col("date").is_in(list(held)))
        if games is not None:
            rows = rows.join(games.lazy(), on=slicing.key, how="semi")
        frames[param] = rows.collect()
    return frames
