"""CONS statistics of the lol domain over every game so far: builds, skill orders, objectives, vision.

Every rate comes with its sample size and a 95 % Wilson interval, every mean with its n and a 95 % normal
interval (mean ± 1.96·sd/√n). Only games with their match file count (wins need it).
"""

from __future__ import annotations

import polars as pl

from gamestats_assets.lib.stats import Z_95, with_wilson

VISION_BANDS = 4
"""Vision-per-minute quartiles within a position."""


def mean_interval(column: str, prefix: str) -> list[pl.Expr]:
    """Aggregations: mean of ``column`` and its 95 % normal interval (null below two values)."""
    half = Z_95 * pl.col(column).std() / pl.col(column).count().sqrt()
    return [pl.col(column).mean().alias(f"{prefix}_mean"), (pl.col(column).mean() - half).alias(f"{prefix}_ci_low"),
            (pl.col(column).mean() + half).alias(f"{prefix}_ci_high")]


def games_and_wins() -> list[pl.Expr]:
    return [pl.len().cast(pl.Int64).alias("games"), pl.col("win").sum().cast(pl.Int64).alias("wins")]


def champion_games(players: pl.DataFrame) -> pl.DataFrame:
    return players.group_by("champion_id").agg(pl.len().cast(pl.Int64).alias("champion_games"))


def item_build_stats(players: pl.DataFrame) -> pl.DataFrame:
    """Champion × core path: one row per (champion_id, depth, core_path).

    ``core_path`` is the first ``depth`` core items in completion order (1 to 3, joined by `` > ``); a game
    counts for every depth its build reached. ``pick_rate`` = games with the path / the champion's games.
    Win rate with Wilson interval, mean KDA and DPM with normal intervals.
    """
    paths = []
    for depth in (1, 2, 3):
        cores = [f"core_{rank}" for rank in range(1, depth + 1)]
        paths.append(players.filter(pl.all_horizontal(pl.col(c).is_not_null() for c in cores)).with_columns(
            pl.lit(depth, dtype=pl.Int32).alias("depth"), pl.concat_str(cores, separator=" > ").alias("core_path")))
    stats = (
        pl.concat(paths).group_by("champion_id", "champion_name", "depth", "core_path")
        .agg(*games_and_wins(), *mean_interval("kda", "kda"), *mean_interval("dpm", "dpm"))
        .join(champion_games(players), on="champion_id")
        .with_columns((pl.col("wins") / pl.col("games")).alias("win_rate"),
                      (pl.col("games") / pl.col("champion_games")).alias("pick_rate"))
    )
    return with_wilson(stats, "wins", "games", "win_rate").sort("champion_id", "depth", "games", descending=[False, False, True])


def skill_order_stats(players: pl.DataFrame) -> pl.DataFrame:
    """Champion × skill max order: one row per (champion_id, max_order) with games, win rate (Wilson),
    pick rate within the champion, and mean DPM and KDA with intervals."""
    stats = (
        players.filter(pl.col("max_order").is_not_null())
        .group_by("champion_id", "champion_name", "max_order")
        .agg(*games_and_wins(), *mean_interval("dpm", "dpm"), *mean_interval("kda", "kda"))
        .join(champion_games(players), on="champion_id")
        .with_columns((pl.col("wins") / pl.col("games")).alias("win_rate"),
                      (pl.col("games") / pl.col("champion_games")).alias("pick_rate"))
    )
    return with_wilson(stats, "wins", "games", "win_rate").sort("champion_id", "games", descending=[False, True])


def objective_stats(first_objectives: pl.DataFrame, coordination: pl.DataFrame) -> pl.DataFrame:
    """Per objective (dragon, herald, baron, tower): one row per objective.

    ``games`` = games where someone took it (with a known winner); ``wins`` = games won by the team that took
    it first; win rate with Wilson interval; ``mean_teammates_near`` over every take of that objective.
    """
    teams = first_objectives.filter(pl.col("win").is_not_null())
    rows = [teams.filter(pl.col(f"first_{objective}")).select(
        pl.lit(objective).alias("objective"), pl.len().cast(pl.Int64).alias("games"),
        pl.col("win").sum().cast(pl.Int64).alias("wins"))
        for objective in ("dragon", "herald", "baron", "tower")]
    near = coordination.group_by("objective").agg(pl.col("teammates_near").mean().alias("mean_teammates_near"),
                                                  pl.len().cast(pl.Int64).alias("takes"))
    stats = pl.concat(rows).join(near, on="objective", how="left").with_columns(
        (pl.col("wins") / pl.col("games")).alias("win_rate"))
    return with_wilson(stats, "wins", "games", "win_rate").sort("objective")


def vision_stats(players: pl.DataFrame) -> pl.DataFrame:
    """Position × vision band: one row per (team_position, vision_band), band 1 = the position's lowest
    quartile of vision per minute; players, vision range, mean deaths per 10 minutes (interval), win rate (Wilson)."""
    banded = players.filter(pl.col("vision_per_min").is_not_null() & pl.col("team_position").is_not_null()).with_columns(
        (pl.col("vision_per_min").rank("ordinal").over("team_position") * VISION_BANDS
         / pl.len().over("team_position")).ceil().cast(pl.Int32).clip(1, VISION_BANDS).alias("vision_band"))
    stats = banded.group_by("team_position", "vision_band").agg(
        *games_and_wins(), pl.col("vision_per_min").min().alias("vision_min"),
        pl.col("vision_per_min").max().alias("vision_max"), *mean_interval("deaths_per_10", "deaths_per_10"),
    ).with_columns((pl.col("wins") / pl.col("games")).alias("win_rate"))
    return with_wilson(stats, "wins", "games", "win_rate").sort("team_position", "vision_band")
