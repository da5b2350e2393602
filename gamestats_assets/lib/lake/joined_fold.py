"""A fold of rows made from several lake tables game by game, kept up to date from those tables' Delta logs.

A `JoinedFold` makes its source rows with `rows(**frames)` from its inputs' rows of some games (each input is
partitioned by `date` and holds the game `key`; a game's rows come from that game's input rows alone), and sums them
as its `fold` says. Its state is a lake table of the groups' exact sums, whose Delta commit records each input's
version and the definition. A refresh finds the games whose rows changed since those versions: the keys of the
Parquet files each input's log added or removed, kept only where the removed files' rows and the added files'
differ (a file merged or written again with the same rows changes no game). It subtracts those games' terms as the
inputs held them at the recorded versions (read by time travel) and adds their terms as they hold them now: the
sums being integers, the state equals a fold of every game. It folds every game again when it cannot: no state,
another definition, an input's log between the versions gone, a removed file gone or written with other columns,
a file without a `date`."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl
from deltalake import CommitProperties, DeltaTable, write_deltalake

from gamestats_assets.lib.lake.fold import Fold, FoldSourceError, dated_changes, exists, files_rows, is_relative
from gamestats_assets.lib.lake.log import table_exists
from gamestats_assets.lib.lake.slices import version_of
from gamestats_assets.lib.lake.storage import table_filesystem

VERSIONS, DEFINITION = "fold.versions", "fold.definition"
"""The keys of a state commit's metadata: each input's version (-1: no table yet), the definition digest."""


@dataclass(frozen=True)
class JoinedFold:
    """The `fold` of the rows `rows(**frames)` makes of its inputs' rows of some games (`key`). Called on the inputs'
    rows, it is the table computed from them at once."""

    fold: Fold
    rows: Callable[..., pl.DataFrame]
    key: str = "match_id"

    def __call__(self, **frames: pl.DataFrame) -> pl.DataFrame:
        return self.fold.finish(self.state(frames))

    def state(self, frames: Mapping[str, pl.DataFrame], sign: int = 1) -> pl.DataFrame:
        rows = self.rows(**{param: frame if frame is None else frame.drop("date", strict=False)
                            for param, frame in frames.items()})
        return self.fold.state(rows, sign) if rows.height else self.fold.empty()


def recorded(state_uri: str, definition: str, storage_options: dict[str, str] | None) -> dict[str, int] | None:
    """The inputs' versions the state at `state_uri` folds, if its latest commit is a refresh's of `definition`."""
    if not table_exists(state_uri, storage_options):
        return None
    [commit] = DeltaTable(state_uri, storage_options=storage_options).history(1)
    if commit.get(DEFINITION) != definition or VERSIONS not in commit:
        return None
    return {param: int(version) for param, version in json.loads(commit[VERSIONS]).items()}


def changed_games(uri: str, since: int, until: int, key: str, storage_options: dict[str, str] | None
                  ) -> pl.DataFrame | None:
    """The games (`date`, key) whose rows of the input differ between versions `since` and `until`: those of the
    files the log added or removed in between whose rows are not the same in both; None when that cannot be told."""
    changes = dated_changes(uri, since, until, storage_options)
    if changes is None:
        return None
    if not changes.added and not changes.removed:
        return pl.DataFrame(schema={"date": pl.Date, key: pl.String})
    filesystem = table_filesystem(uri, storage_options)
    if not all(is_relative(path) and exists(filesystem, path) for path in changes.removed):
        return None
    schema = dict(pl.scan_delta(uri, version=until, storage_options=storage_options).collect_schema())
    try:
        before, after = (files_rows(filesystem, files, schema) for files in (changes.removed, changes.added))
    except FoldSourceError:
        return None
    hashed = [frame.select("date", key, frame.hash_rows().alias("_row")) for frame in (before, after)]
    differing = [one.join(other, on=["date", key, "_row"], how="anti", nulls_equal=True)
                 for one, other in (hashed, hashed[::-1])]
    return pl.concat(differing).select("date", pl.col(key).cast(pl.String)).unique()


def games_rows(uri: str, version: int, games: pl.DataFrame, key: str,
               storage_options: dict[str, str] | None) -> pl.DataFrame:
    """The input's rows of `games` at `version`, read on their days alone and filtered on their keys (so that the
    files and row groups of other games are skipped by their statistics); no rows of its current columns when it
    had no table then."""
    if version < 0:
        return pl.scan_delta(uri, storage_options=storage_options).head(0).collect()
    return (pl.scan_delta(uri, version=version, storage_options=storage_options)
            .filter(pl.col("date").is_in(games["date"].unique().to_list()),
                    pl.col(key).is_in(games[key].unique().to_list())).collect())


def refresh(sources: Mapping[str, str], joined: JoinedFold, state_uri: str, definition: str,
            storage_options: dict[str, str] | None = None,
            erased: Callable[[pl.DataFrame], pl.DataFrame] = lambda frame: frame
            ) -> tuple[pl.DataFrame, dict[str, Any]]:
    """The state for the inputs' current versions, brought up to date from the state recorded and the inputs' logs
    as this module says and written (through `erased`, the lake's redaction of deleted players) with those versions;
    with what it did: whether it folded every game (`full_fold`), the games and days it read, the state's groups."""
    versions = {param: version_of(uri, storage_options) for param, uri in sources.items()}
    before = recorded(state_uri, definition, storage_options)
    changed: list[pl.DataFrame] | None = [] if before is not None and before.keys() == versions.keys() else None
    for param, uri in sources.items():
        if changed is None:
            break
        games = changed_games(uri, before[param], versions[param], joined.key, storage_options)
        changed = None if games is None else [*changed, games]
    if changed is None:
        frames = {param: pl.read_delta(uri, version=versions[param], storage_options=storage_options)
                  if versions[param] >= 0 else pl.DataFrame() for param, uri in sources.items()}
        state = joined.state(frames)
        figures = {"full_fold": True}
    else:
        games = pl.concat(changed).unique()
        if games.is_empty():
            state = pl.read_delta(state_uri, storage_options=storage_options).cast(joined.fold.empty().schema)
            return state, {"full_fold": False, "games_folded": 0, "days_read": 0, "groups": state.height}
        now, then = ({param: games_rows(uri, at[param], games, joined.key, storage_options)
                      for param, uri in sources.items()} for at in (versions, before))
        state = joined.fold.merged([
            pl.read_delta(state_uri, storage_options=storage_options).cast(joined.fold.empty().schema),
            joined.state(now), joined.state(then, -1)])
        figures = {"full_fold": False, "games_folded": games[joined.key].n_unique(),
                   "days_read": games["date"].n_unique()}
    state = erased(state)
    write_deltalake(state_uri, state.to_arrow(), mode="overwrite", schema_mode="overwrite",
                    storage_options=storage_options, commit_properties=CommitProperties(custom_metadata={
                        VERSIONS: json.dumps(versions), DEFINITION: definition}))
    return state, {**figures, "groups": state.height}
