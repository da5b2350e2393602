"""The first completed item against the gold a player has at 15 minutes (`first_item_gold`): within one queue,
patch, role, band of game length and band of gold at 15, each first core item's win rate against the other first
items of the same cell, so that an item is compared like with like (players as rich at 15, in games as long).

A player's first item is the first core (legendary or mythic) item they completed, as the build paths take it
(`std/participant_games.core_1_id`: from the item purchase events, undone and sold items resolved, components,
consumables, starters and boots not core); their gold is `total_gold` in the participant frame of minute
`GOLD_MINUTE` of the timeline (`std/lane_states.gold_15`: a player in a role held once on each side). Kept as exact
counts merged game by game (`lib/refresh/joined.py`)."""

from __future__ import annotations

import polars as pl

from gamestats_assets.defs.lol.transforms.cons import GROUP, counted, with_rate
from gamestats_assets.defs.lol.transforms.tested import WIN_RATE, against_others, tested
from gamestats_assets.lib.refresh.fold import Fold
from gamestats_assets.lib.refresh.joined import JoinedFold
from gamestats_assets.published.lol import MIN_GAMES

GOLD_MINUTE = 15
"""The minute of the participant frame whose total gold is the player's gold (`std/lane_states.gold_15`)."""
GOLD_BAND = 1000
"""The width of a band of gold at `GOLD_MINUTE`: a band holds `gold_15_from` to `gold_15_from + GOLD_BAND` (excluded)."""
LENGTH_BANDS = (0, 25, 35)
"""The first minute of each band of game length; the last band is open."""
CELL = (*GROUP, "team_position", "length_from_min", "gold_15_from")
"""What an item is compared within: the others of the same cell are as rich at 15, in games as long."""
ROWS = {**{name: pl.String for name in GROUP}, "team_position": pl.String, "length_from_min": pl.Int32,
        "gold_15_from": pl.Int64, "item_id": pl.Int64, "item_name": pl.String, "win": pl.Boolean}
"""The rows folded: each counted Summoner's Rift player with a role, a first core item, a known result and a frame at
`GOLD_MINUTE`, in its cell."""


def length_from(minutes: pl.Expr) -> pl.Expr:
    """The first minute of the band of `LENGTH_BANDS` a game of `minutes` falls in."""
    band = pl.lit(LENGTH_BANDS[0], pl.Int32)
    for start in LENGTH_BANDS[1:]:
        band = pl.when(minutes >= start).then(pl.lit(start, pl.Int32)).otherwise(band)
    return band


def first_item_rows(players: pl.DataFrame, lanes: pl.DataFrame) -> pl.DataFrame:
    """Each counted Summoner's Rift player in a role (`lanes`: held once on each side), with a first core item and a
    known result, whose timeline has the frame of `GOLD_MINUTE`: its cell (role, band of game length, band of gold
    at that frame) and first item."""
    gold = lanes.filter(pl.col(f"gold_{GOLD_MINUTE}").is_not_null()).select(
        "match_id", "participant_id", pl.col(f"gold_{GOLD_MINUTE}").cast(pl.Int64).alias("gold_15"))
    chosen = counted(players, summoners_rift=True).filter(pl.col("core_1_id").is_not_null()
                                                          & pl.col("win").is_not_null())
    return chosen.join(gold, on=["match_id", "participant_id"]).select(
        *GROUP, "team_position", length_from(pl.col("minutes")).alias("length_from_min"),
        (pl.col("gold_15") // GOLD_BAND * GOLD_BAND).alias("gold_15_from"), pl.col("core_1_id").alias("item_id"),
        pl.col("core_1").alias("item_name"), "win").select(pl.col(name).cast(dtype) for name, dtype in ROWS.items())


def length_to(start: pl.Expr) -> pl.Expr:
    """The band of game length's end (excluded): the next band's first minute, null for the last."""
    end = pl.lit(None, pl.Int32)
    for first, following in zip(LENGTH_BANDS, LENGTH_BANDS[1:], strict=False):
        end = pl.when(start == first).then(pl.lit(following, pl.Int32)).otherwise(end)
    return end


def finished_first_item_gold(state: pl.DataFrame) -> pl.DataFrame:
    """The table from the fold's state: each item's rate, the other first items of its cell, the test against them
    and the q over every item tested."""
    cell = list(CELL)
    rows = state.select(*cell, "item_id", "item_name", pl.col("games", "wins").cast(pl.Int64)).with_columns(
        (pl.col("games").sum().over(cell) - pl.col("games")).alias("other_games"),
        (pl.col("wins").sum().over(cell) - pl.col("wins")).alias("other_wins"))
    rows = with_rate(rows).with_columns((pl.col("other_wins") / pl.col("other_games")).fill_nan(None)
                                        .alias("other_win_rate"),
                                        length_to(pl.col("length_from_min")).alias("length_to_min"),
                                        (pl.col("gold_15_from") + GOLD_BAND).alias("gold_15_to"),
                                        pl.lit(MIN_GAMES, pl.Int64).alias("min_games"))
    rows = tested(against_others(rows, "wins", "games", "other_wins", "other_games", MIN_GAMES), WIN_RATE)
    return rows.select(*GROUP, "team_position", "length_from_min", "length_to_min", "gold_15_from", "gold_15_to",
                       "item_id", "item_name", "games", "wins", "win_rate", "win_rate_ci_low", "win_rate_ci_high",
                       "low_sample", "other_games", "other_wins", "other_win_rate", "effect", "effect_ci_low",
                       "effect_ci_high", "p_value", "q_value", "significant", "measure", "min_games").sort(
        *cell, "games", "item_id", descending=[False] * len(cell) + [True, False])


FIRST_ITEMS = JoinedFold(Fold(
    ROWS, (*CELL, "item_id", "item_name"),
    {"games": pl.lit(1, pl.Int64), "wins": pl.col("win").cast(pl.Int64)},
    lambda state: finished_first_item_gold(state), counted="games"), first_item_rows)
"""`first_item_gold` as a fold kept game by game: per cell and first item, the players and their wins."""


def first_item_gold(players: pl.DataFrame, lanes: pl.DataFrame) -> pl.DataFrame:
    """First completed item against gold at 15 minutes: one row per (queue, patch, team_position, length_from_min,
    gold_15_from, item_id) of counted Summoner's Rift players in a role held once on each side, with a known result,
    whose timeline reaches minute 15.

    `item_id` is the player's first completed core item (`core_1_id`, as the build paths take it); `gold_15_from`
    the band of their total gold at the minute-15 frame (`GOLD_BAND` wide, `gold_15_to` excluded, absolute gold,
    not a lane difference); `length_from_min` the band of game length (`LENGTH_BANDS`; `length_to_min` excluded,
    null for the last). `games`, `wins`, the win rate with its Wilson interval and `low_sample`. The finding, like
    with like: the item's win rate against the other first items of the same queue, patch, role, length band and
    gold band (`other_games`, `other_wins`, `other_win_rate`), the difference (`effect`) with Newcombe's interval,
    the two-proportion z-test's `p_value`, its Benjamini–Hochberg `q_value` over every item tested in the table,
    `significant` and `measure` (`win_rate`); null under `min_games` players on either side."""
    return FIRST_ITEMS(players=players, lanes=lanes)
