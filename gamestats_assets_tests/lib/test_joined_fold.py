"""A joined fold (`lib/refresh/joined.py`) on real Delta tables: a refresh folds only the games whose rows changed
in any input (a game landed, changed, removed; a day's tiers written again with one game's tier changed), folds none
when files are written again with the same rows, equals a fold of every game each time, and folds every game again
when it cannot tell what changed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
from deltalake import DeltaTable

from gamestats_assets.lib.refresh.fold import Fold
from gamestats_assets.lib.refresh.joined import JoinedFold, refresh
from gamestats_assets.lib.refresh.state import unredacted

DAYS = [dt.date(2026, 6, 1), dt.date(2026, 6, 2)]


def rows(players: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    """Each player with the tier of its game."""
    return players.join(tiers, on="match_id", how="left")


FOLD = Fold({"tier": pl.String, "champion": pl.String, "win": pl.Boolean},
            ("tier", "champion"), {"games": pl.lit(1, pl.Int64), "wins": pl.col("win").cast(pl.Int64)},
            lambda state: state.sort("tier", "champion", nulls_last=True), counted="games")
JOINED = JoinedFold(FOLD, rows)


class Lake:
    """Two inputs partitioned by day: players (a file per write, as a table computed by game writes them) and the
    games' tiers (each day's written whole, as a daily table is)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.players: dict[str, tuple[dt.date, list[tuple[str, bool]]]] = {}
        self.tiers: dict[str, tuple[dt.date, str | None]] = {}

    def uri(self, name: str) -> str:
        return str(self.root / name)

    def land(self, match_id: str, day: dt.date, players: list[tuple[str, bool]], tier: str | None) -> None:
        self.players[match_id] = (day, players)
        self.tiers[match_id] = (day, tier)
        self.write_players(day, [match_id])
        self.write_tiers(day)

    def write_players(self, day: dt.date, games: list[str]) -> None:
        """The rows of `games` of `day` written again (a game no longer held: its rows removed)."""
        frame = pl.DataFrame([{"date": day, "match_id": match_id, "champion": champion, "win": win}
                              for match_id in games if match_id in self.players
                              for champion, win in self.players[match_id][1]],
                             schema={"date": pl.Date, "match_id": pl.String, "champion": pl.String, "win": pl.Boolean})
        predicate = " OR ".join(f"match_id = '{match_id}'" for match_id in games)
        if DeltaTable.is_deltatable(self.uri("players")):
            DeltaTable(self.uri("players")).delete(f"date = '{day}' AND ({predicate})")
        frame.write_delta(self.uri("players"), mode="append", delta_write_options={"partition_by": ["date"]})

    def write_tiers(self, day: dt.date) -> None:
        frame = pl.DataFrame([{"date": day, "match_id": match_id, "tier": tier}
                              for match_id, (held, tier) in sorted(self.tiers.items()) if held == day],
                             schema={"date": pl.Date, "match_id": pl.String, "tier": pl.String})
        frame.write_delta(self.uri("tiers"), mode="overwrite", delta_write_options={
            "partition_by": ["date"], "predicate": f"date = '{day}'"})

    def refresh(self, definition: str = "one") -> tuple[pl.DataFrame, dict]:
        state, figures = refresh({"players": self.uri("players"), "tiers": self.uri("tiers")}, JOINED,
                                 self.uri("state"), definition, None, unredacted)
        return FOLD.finish(state), figures

    def every_game(self) -> pl.DataFrame:
        return JOINED(players=pl.read_delta(self.uri("players")), tiers=pl.read_delta(self.uri("tiers")))


def test_a_refresh_folds_only_the_games_whose_rows_changed(tmp_path):
    lake = Lake(tmp_path)
    lake.land("m1", DAYS[0], [("ahri", True), ("zed", False)], "GOLD")
    lake.land("m2", DAYS[0], [("ahri", False), ("lux", True)], None)
    table, figures = lake.refresh()
    assert figures["full_fold"] and table.equals(lake.every_game())

    lake.land("m3", DAYS[0], [("zed", True), ("lux", False)], "DIAMOND")
    table, figures = lake.refresh()
    assert (figures["full_fold"], figures["games_folded"]) == (False, 1), \
        "the day's tiers written whole again: only the new game's rows differ"
    assert table.equals(lake.every_game())

    lake.tiers["m1"] = (DAYS[0], "PLATINUM")
    lake.write_tiers(DAYS[0])
    table, figures = lake.refresh()
    assert figures["games_folded"] == 1, "one game's tier changed"
    assert table.equals(lake.every_game())

    lake.players["m2"] = (DAYS[0], [("ahri", True), ("lux", False)])
    lake.write_players(DAYS[0], ["m2"])
    del lake.players["m3"]
    del lake.tiers["m3"]
    lake.write_players(DAYS[0], ["m3"])
    lake.write_tiers(DAYS[0])
    table, figures = lake.refresh()
    assert figures["games_folded"] == 2, "a changed game and a removed one"
    assert table.equals(lake.every_game()) and "DIAMOND" not in table["tier"].to_list()

    lake.write_players(DAYS[0], ["m1", "m2"])
    lake.write_tiers(DAYS[0])
    table, figures = lake.refresh()
    assert figures["games_folded"] == 0, "files written again with the same rows change no game"
    assert table.equals(lake.every_game())


def test_every_game_is_folded_again_when_what_changed_cannot_be_told(tmp_path):
    lake = Lake(tmp_path)
    lake.land("m1", DAYS[0], [("ahri", True)], "GOLD")
    lake.refresh()
    assert lake.refresh(definition="two")[1]["full_fold"], "another definition (the code changed)"

    lake.players["m1"] = (DAYS[0], [("ahri", False)])
    lake.write_players(DAYS[0], ["m1"])
    DeltaTable(lake.uri("players")).vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=False)
    table, figures = lake.refresh(definition="two")
    assert figures["full_fold"], "the removed file was vacuumed: the game's old rows are unknown"
    assert table.equals(lake.every_game())

    lake.land("m2", DAYS[1], [("zed", True)], "IRON")
    tiers = DeltaTable(lake.uri("tiers"))
    tiers.alter.set_table_properties({"delta.logRetentionDuration": "interval 0 seconds"})
    tiers.create_checkpoint()
    tiers.cleanup_metadata()
    table, figures = lake.refresh(definition="two")
    assert figures["full_fold"], "the log since the state's versions is gone"
    assert table.equals(lake.every_game())
