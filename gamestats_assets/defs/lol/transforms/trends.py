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
    games_and_wins,
    length_bucket,
    with_rate,
)
from gamestats_assets.lib.core.stats import with_wilson


def length_win_rates(players: pl.DataFrame) -> pl.DataFrame:
    """Win rate by game length per champion and per build: one row per (queue, patch, champion_id, depth,
    core_path, length_from_min).

    Games are bucketed by length in `LENGTH_BUCKET_MINUTES`-minute steps: `length_from_min` ≤ minutes <
    `length_to_min`. Depth 0 (empty `core_path`) is every game of the champion; depths 1 to 3 the games
    whose build reached that core path (`item_build_stats`). `share_of_games` is the bucket's share of the
    row's champion-and-path games, so a bucket's weight in the overall win rate can be read off.
    """
    paths = build_paths(counted(players).with_columns(length_bucket()), (0, *BUILD_DEPTHS))
    keys = (*GROUP, "champion_id", "depth", "core_path")
    stats = (paths.group_by(*keys, "length_bucket")
             .agg(pl.col("champion_name").first(), *games_and_wins())
             .with_columns((pl.col("length_bucket") * LENGTH_BUCKET_MINUTES).alias("length_from_min"),
                           ((pl.col("length_bucket") + 1) * LENGTH_BUCKET_MINUTES).alias("length_to_min"),
                           (pl.col("games") / pl.col("games").sum().over(keys)).alias("share_of_games"))
             .drop("length_bucket"))
    return with_rate(stats).select(*keys, "champion_name", "length_from_min", "length_to_min",
                                   pl.exclude(*keys, "champion_name", "length_from_min", "length_to_min")
                                   ).sort(*keys, "length_from_min")


def patch_order() -> pl.Expr:
    parts = pl.col("patch").str.split(".")
    return parts.list.get(0).cast(pl.Int32) * 1000 + parts.list.get(1).cast(pl.Int32)


def patch_stats(players: pl.DataFrame) -> pl.DataFrame:
    """The `patch_trend` rows of each queue and patch whose players `players` holds, without the changes from the
    previous patch."""
    players = counted(players)
    queue_games = players.group_by(*GROUP).agg(pl.col("match_id").n_unique().cast(pl.Int64).alias("queue_games"))
    keys = ("queue", "champion_id", "patch")
    stats = (players.group_by(*keys)
             .agg(pl.col("champion_name").first(), *games_and_wins(),
                  pl.col("match_id").n_unique().cast(pl.Int64).alias("picked_games"))
             .join(queue_games, on=list(GROUP))
             .with_columns((pl.col("picked_games") / pl.col("queue_games")).alias("pick_rate")))
    return with_wilson(with_rate(stats), "picked_games", "queue_games", "pick_rate")


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


def patch_trend(players: pl.DataFrame) -> pl.DataFrame:
    """A champion's win rate and pick rate per patch, within a queue: one row per (queue, champion_id, patch).

    `games` and `wins` count the champion's player-games; `picked_games` the queue's games on that patch
    in which it was picked, out of `queue_games`: `pick_rate` = picked_games / queue_games with its Wilson
    interval. `previous_patch` is the latest earlier patch of the queue where the champion was played, with
    `win_rate_change` and `pick_rate_change` against it (null for its first patch).
    """
    return with_patch_changes(patch_stats(players))
