"""The champion tier list: how often a champion is picked for a role and how often it wins there."""

from __future__ import annotations

import polars as pl

from gamestats_assets.defs.lol.transforms.cons import GROUP, counted, games_and_wins, mean_interval, with_rate
from gamestats_assets.lib.core.stats import with_wilson


def champion_stats(players: pl.DataFrame, games: pl.DataFrame) -> pl.DataFrame:
    """Champion × role: one row per (queue, patch, team_position, champion_id) of counted games (`team_position`
    empty where the queue has no roles), with the champion's name; `games` (each player on it: both sides of a
    mirror match), wins and win rate with its 95 % Wilson interval and `low_sample`; the pick rate, the share of the
    queue and patch's counted games (`queue_games`) it was played in (`picked_games`), with its interval; and the
    mean KDA with its interval."""
    queue_games = counted(games).group_by(*GROUP).agg(pl.len().cast(pl.Int64).alias("queue_games"))
    stats = (counted(players).filter(pl.col("win").is_not_null())
             .with_columns(pl.col("team_position").fill_null(""))
             .group_by(*GROUP, "team_position", "champion_id")
             .agg(pl.col("champion_name").drop_nulls().first(), *games_and_wins(),
                  pl.col("match_id").n_unique().cast(pl.Int64).alias("picked_games"), *mean_interval("kda", "kda"))
             .join(queue_games, on=list(GROUP))
             .with_columns((pl.col("picked_games") / pl.col("queue_games")).alias("pick_rate")))
    return with_wilson(with_rate(stats), "picked_games", "queue_games", "pick_rate").sort(
        *GROUP, "team_position", "games", "champion_id", descending=[False, False, False, True, False])
