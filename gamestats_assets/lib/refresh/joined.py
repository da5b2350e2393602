"""The strategy `JoinedFold`: a fold of rows made from several lake tables game by game, kept up to date from those
tables' Delta logs.

A `JoinedFold` makes its source rows with `rows(**frames)` from its inputs' rows of some games (each input is
partitioned by `date` and holds the game `key`; a game's rows come from that game's input rows alone), and sums them
as its `fold` says. Its state (`state.py`) is a lake table of the groups' exact sums, whose commit records each
input's version and the definition. A refresh finds the games whose rows changed since those versions
(`changes.changed_games`: a file merged or written again with the same rows changes no game). It subtracts those
games' terms as the inputs held them at the recorded versions (read by time travel) and adds their terms as they
hold them now: the sums being integers, the state equals a fold of every game. It folds every game again when it
cannot: no state, another definition, an input's log between the versions gone, a removed file gone or written
with other columns, a file without a `date`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from gamestats_assets.lib.core.code import code_digest
from gamestats_assets.lib.lake.log import latest_version, table_scan
from gamestats_assets.lib.refresh.changes import changed_games
from gamestats_assets.lib.refresh.fold import Fold
from gamestats_assets.lib.refresh.protocol import StateRefresh, TableDeclaration
from gamestats_assets.lib.refresh.state import commit_state, read_state, recorded


@dataclass(frozen=True)
class JoinedFold(StateRefresh):
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

    def validate(self, table: TableDeclaration) -> None:
        if table.kind != "snapshot" or table.skip_days or table.given or table.read_as or table.reads or table.read_for:
            raise TypeError(f"{table.ref}: a joined fold is a snapshot of whole tables, computed by the fold alone")

    def definition(self, table: TableDeclaration) -> str:
        """The code that made the rows (`code_digest`) and the fold's digest."""
        return f"{code_digest()}:{self.fold.digest}"

    def refresh(self, table, sources, state_uri, definition, held, storage_options, erased):
        return refresh(sources, self, state_uri, definition, storage_options, erased)

    def finish_state(self, state: pl.DataFrame) -> pl.DataFrame:
        return self.fold.finish(state)


def games_rows(uri: str, version: int, games: pl.DataFrame, key: str,
               storage_options: dict[str, str] | None) -> pl.DataFrame:
    """The input's rows of `games` at `version`, read on their days alone and filtered on their keys (so that the
    files and row groups of other games are skipped by their statistics); no rows of its current columns when it
    had no table then."""
    if version < 0:
        return table_scan(uri, storage_options).head(0).collect()
    return (table_scan(uri, storage_options, version)
            .filter(pl.col("date").is_in(games["date"].unique().to_list()),
                    pl.col(key).is_in(games[key].unique().to_list())).collect())


def refresh(sources: Mapping[str, str], joined: JoinedFold, state_uri: str, definition: str,
            storage_options: dict[str, str] | None, erased: Callable[[pl.DataFrame], pl.DataFrame]
            ) -> tuple[pl.DataFrame, dict[str, Any]]:
    """The state for the inputs' current versions, brought up to date from the state recorded and the inputs' logs
    as this module says and written (through `erased`, the lake's redaction of deleted players) with those versions;
    with what it did: whether it folded every game (`full_fold`), the games and days it read, the state's groups."""
    versions = {param: latest_version(uri, storage_options) for param, uri in sources.items()}
    record = recorded(state_uri, definition, storage_options)
    before = None if record is None else {param: int(version) for param, version in record["versions"].items()}
    changed: list[pl.DataFrame] | None = [] if before is not None and before.keys() == versions.keys() else None
    for param, uri in sources.items():
        if changed is None:
            break
        games = changed_games(uri, before[param], versions[param], joined.key, storage_options)
        changed = None if games is None else [*changed, games]
    schema = joined.fold.empty().schema
    if changed is None:
        frames = {param: table_scan(uri, storage_options, versions[param]).collect()
                  if versions[param] >= 0 else pl.DataFrame() for param, uri in sources.items()}
        state = joined.state(frames)
        figures = {"full_fold": True}
    else:
        games = pl.concat(changed).unique()
        if games.is_empty():
            state = read_state(state_uri, schema, storage_options)
            return state, {"full_fold": False, "games_folded": 0, "days_read": 0, "groups": state.height}
        now, then = ({param: games_rows(uri, at[param], games, joined.key, storage_options)
                      for param, uri in sources.items()} for at in (versions, before))
        state = joined.fold.merged([read_state(state_uri, schema, storage_options),
                                    joined.state(now), joined.state(then, -1)])
        figures = {"full_fold": False, "games_folded": games[joined.key].n_unique(),
                   "days_read": games["date"].n_unique()}
    state = commit_state(state_uri, state, {"versions": versions}, definition, storage_options, erased)
    return state, {**figures, "groups": state.height}
