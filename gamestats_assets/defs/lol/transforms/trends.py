"""How a champion's results move: with the length of the game, and from patch to patch.

Both tables count counted games only (no remake, no AFK player: STD `games`) and keep queues apart; every
rate carries its games, a 95 % Wilson interval and `low_sample` (`cons.MIN_SAMPLE`).
"""

from __future__ import annotations

import polars as pl

from gamestats_assets.defs.lol.transforms.cons import (
    BUILD_DEPTHS,
    GROUP,
    LENGTH_BUCKET_MINUTES,
    build_paths,
    counted,
    length_bucket,
    with_rate,
)
from gamestats_assets.defs.lol.transforms.counts import by_slice, per_tier, with_tier
from gamestats_assets.lib.core.stats import with_wilson
from gamestats_assets.lib.refresh.fold import Fold
from gamestats_assets.lib.refresh.joined import JoinedFold


LENGTH_KEYS = (*GROUP, "tier", "champion_id", "depth", "core_path", "length_bucket")
LENGTH_ROWS = {**{name: pl.String for name in GROUP}, "tier": pl.String, "champion_id": pl.Int64, "depth": pl.Int32,
               "core_path": pl.String, "length_bucket": pl.Int32, "champion_name": pl.String, "win": pl.Boolean}
"""The rows folded for the win rates by length: each counted player once for every build depth it reached."""


def length_rows(players: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    """Each player of a counted game once for every depth of its build (0: every game), with its game's length
    bucket and ranked tier."""
    paths = build_paths(counted(players).with_columns(length_bucket()), (0, *BUILD_DEPTHS))
    return with_tier(paths, tiers).select(pl.col(name).cast(dtype) for name, dtype in LENGTH_ROWS.items())


def finished_length_win_rates(state: pl.DataFrame) -> pl.DataFrame:
    """The win rates by length from the fold's state: every slice of tiers summed, then the rates and shares."""
    keys = [key for key in LENGTH_KEYS if key != "length_bucket"]
    stats = (by_slice(state, list(LENGTH_KEYS), ["champion_name"])
             .with_columns((pl.col("length_bucket") * LENGTH_BUCKET_MINUTES).alias("length_from_min"),
                           ((pl.col("length_bucket") + 1) * LENGTH_BUCKET_MINUTES).alias("length_to_min"),
                           (pl.col("games") / pl.col("games").sum().over(keys)).alias("share_of_games"))
             .drop("length_bucket"))
    shown = [key for key in keys if key != "tier"]
    return with_rate(stats).select(*shown, "champion_name", "length_from_min", "length_to_min",
                                   pl.exclude(*keys, "champion_name", "length_from_min", "length_to_min"), "tier"
                                   ).sort(*keys, "length_from_min")


LENGTH_WIN_RATES = JoinedFold(Fold(
    LENGTH_ROWS, (*LENGTH_KEYS, "champion_name"),
    {"games": pl.lit(1, pl.Int64), "wins": pl.col("win").cast(pl.Int64)},
    lambda state: finished_length_win_rates(state), counted="games"), length_rows)
"""`length_win_rates` as a fold kept game by game: per queue, patch, tier, champion, build and length bucket, exact
counts of games and wins."""


def length_win_rates(players: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    """Win rate by game length per champion and per build by ranked tier: one row per (queue, patch, tier,
    champion_id, depth, core_path, length_from_min).

    Games are bucketed by length in `LENGTH_BUCKET_MINUTES`-minute steps: `length_from_min` ≤ minutes <
    `length_to_min`. Depth 0 (empty `core_path`) is every game of the champion; depths 1 to 3 the games
    whose build reached that core path (`item_build_stats`). `share_of_games` is the bucket's share of the
    row's champion-and-path games, so a bucket's weight in the overall win rate can be read off. `tier` names the
    slice of games (all, one tier, a band).
    """
    return LENGTH_WIN_RATES(players=players, tiers=tiers)


def patch_order() -> pl.Expr:
    parts = pl.col("patch").str.split(".")
    return parts.list.get(0).cast(pl.Int32) * 1000 + parts.list.get(1).cast(pl.Int32)


PATCH_ROWS = {"queue": pl.String, "patch": pl.String, "tier": pl.String, "champion_id": pl.Int64,
              "champion_name": pl.String, "win": pl.Boolean, "first_of_champion": pl.Int64, "first_of_game": pl.Int64}
"""The rows folded for the patch trend: each counted player, first of its champion or of its game or not."""


def patch_rows(players: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    """Each player of a counted game with the game's ranked tier, `first_of_champion` 1 for the first player of its
    champion in the game and `first_of_game` 1 for the game's first player."""
    players = counted(players).with_columns(
        (pl.int_range(pl.len()).over("match_id", "champion_id") == 0).cast(pl.Int64).alias("first_of_champion"),
        (pl.int_range(pl.len()).over("match_id") == 0).cast(pl.Int64).alias("first_of_game"))
    return with_tier(players, tiers).select(pl.col(name).cast(dtype) for name, dtype in PATCH_ROWS.items())


def finished_patch_trend(state: pl.DataFrame) -> pl.DataFrame:
    """The patch trend from the fold's state: every slice of tiers summed, the rates, then each champion's changes
    from its previous patch within its queue and slice."""
    sliced = by_slice(state, [*GROUP, "tier", "champion_id"], ["champion_name"])
    queue_games = sliced.group_by(*GROUP, "tier").agg(pl.col("queue_games").sum())
    stats = (sliced.filter(pl.col("games") > 0).drop("queue_games").join(queue_games, on=[*GROUP, "tier"])
             .with_columns((pl.col("picked_games") / pl.col("queue_games")).alias("pick_rate")))
    stats = with_wilson(with_rate(stats), "picked_games", "queue_games", "pick_rate").select(
        "queue", "champion_id", "patch", "champion_name", "games", "wins", "picked_games", "queue_games",
        "pick_rate", "win_rate", "low_sample", "win_rate_ci_low", "win_rate_ci_high", "pick_rate_ci_low",
        "pick_rate_ci_high", "tier")
    return per_tier(with_patch_changes)(stats)


PATCH_TREND = JoinedFold(Fold(
    PATCH_ROWS, ("queue", "patch", "tier", "champion_id", "champion_name"),
    {"games": pl.lit(1, pl.Int64), "wins": pl.col("win").cast(pl.Int64), "picked_games": pl.col("first_of_champion"),
     "queue_games": pl.col("first_of_game")}, lambda state: finished_patch_trend(state), counted="games"),
    patch_rows)
"""`patch_trend` as a fold kept game by game: per queue, patch, tier and champion, exact counts of its player-games,
wins and games picked, and the queue's games."""


def with_patch_changes(stats: pl.DataFrame) -> pl.DataFrame:
    """`patch_stats` of every patch with each champion's previous patch in its queue and the changes from it: the
    `patch_trend` table."""
    by_champion = ("queue", "champion_id")
    return (stats.sort(*by_champion, patch_order())
            .with_columns(pl.col("patch").shift(1).over(by_champion).alias("previous_patch"),
                          (pl.col("win_rate") - pl.col("win_rate").shift(1)).over(by_champion)
                          .alias("win_rate_change"),
                          (pl.col("pick_rate") - pl.col("pick_rate").shift(1)).over(by_champion)
                          .alias("pick_rate_change")))


def patch_trend(players: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    """A champion's win rate and pick rate per patch by ranked tier, within a queue: one row per (queue, champion_id,
    patch, tier).

    `games` and `wins` count the champion's player-games; `picked_games` the queue's games on that patch
    in which it was picked, out of `queue_games`: `pick_rate` = picked_games / queue_games with its Wilson
    interval. `previous_patch` is the latest earlier patch of the queue where the champion was played in the slice
    of tiers, with `win_rate_change` and `pick_rate_change` against it (null for its first patch). `tier` names the
    slice of games (all, one tier, a band).
    """
    return PATCH_TREND(players=players, tiers=tiers)
