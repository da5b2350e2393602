"""The champion tier list: how often a champion is picked for a role and how often it wins there, kept as exact
counts merged game by game (`CHAMPION_STATS`, a joined fold of the players, the games and their ranked tiers)."""

from __future__ import annotations

import polars as pl

from gamestats_assets.defs.lol.transforms.cons import GROUP, counted, with_rate
from gamestats_assets.defs.lol.transforms.counts import by_slice, moments, with_mean, with_tier
from gamestats_assets.lib.core.stats import with_wilson
from gamestats_assets.lib.refresh.fold import Fold
from gamestats_assets.lib.refresh.joined import JoinedFold

ROWS = {"queue": pl.String, "patch": pl.String, "tier": pl.String, "team_position": pl.String,
        "champion_id": pl.Int64, "champion_name": pl.String, "win": pl.Boolean, "kda": pl.Float64,
        "first_pick": pl.Int64, "queue_game": pl.Int64, "banned": pl.Int64}
"""The rows folded: a counted player with a known result, a counted game (`queue_game`) or a champion it banned
(`banned`), with its ranked tier."""


def champion_rows(players: pl.DataFrame, games: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    """One row per player of a counted game whose result is known (`first_pick` 1 for the first of its champion and
    position in the game), one per counted game (`queue_game` 1) and one per champion it banned (`banned` 1), each
    with the game's ranked tier."""
    picks = (counted(players).filter(pl.col("win").is_not_null())
             .with_columns(pl.col("team_position").fill_null(""))
             .with_columns((pl.int_range(pl.len()).over("match_id", "team_position", "champion_id") == 0)
                           .cast(pl.Int64).alias("first_pick"), pl.lit(0, pl.Int64).alias("queue_game")))
    games = counted(games)
    counted_games = games.select("match_id", *GROUP, pl.lit(1, pl.Int64).alias("queue_game"))
    bans = (games.select("match_id", *GROUP, pl.col("banned_champion_ids").alias("champion_id")).explode("champion_id")
            .drop_nulls("champion_id").with_columns(pl.lit(1, pl.Int64).alias("banned")))
    rows = pl.concat([picks.select("match_id", *(name for name in ROWS if name not in ("tier", "banned"))),
                      counted_games, bans], how="diagonal_relaxed")
    zeros = pl.col("first_pick", "queue_game", "banned").fill_null(0)
    return with_tier(rows.with_columns(zeros), tiers).select(pl.col(name).cast(dtype) for name, dtype in ROWS.items())


PLAYER = (pl.col("queue_game") == 0) & (pl.col("banned") == 0)
CHAMPION_FOLD = Fold(
    ROWS, ("queue", "patch", "tier", "team_position", "champion_id", "champion_name"),
    {"games": PLAYER.cast(pl.Int64), "wins": (PLAYER & pl.col("win")).cast(pl.Int64),
     "picked_games": pl.col("first_pick"), "queue_games": pl.col("queue_game"), "banned_games": pl.col("banned"),
     **moments("kda", PLAYER)},
    lambda state: finished_champion_stats(state), counted="games")
"""Per queue, patch, tier, position and champion: exact counts of games, wins, distinct games picked, the queue's
counted games (the rows of no champion), the games that banned the champion (the rows of no position) and the KDA's
count, scaled sum and sum of squares."""


def finished_champion_stats(state: pl.DataFrame) -> pl.DataFrame:
    """The tier list from the fold's state: every slice of tiers summed, then the rates and intervals."""
    sliced = by_slice(state, [*GROUP, "tier", "team_position", "champion_id"], ["champion_name"])
    queue_games = sliced.group_by(*GROUP, "tier").agg(pl.col("queue_games").sum())
    bans = sliced.group_by(*GROUP, "tier", "champion_id").agg(pl.col("banned_games").sum())
    stats = (with_mean(sliced.filter(pl.col("champion_id").is_not_null() & (pl.col("games") > 0))
                       .drop("queue_games", "banned_games"), "kda", "kda")
             .join(queue_games, on=[*GROUP, "tier"]).join(bans, on=[*GROUP, "tier", "champion_id"], how="left")
             .with_columns(pl.col("banned_games").fill_null(0))
             .with_columns((pl.col("picked_games") / pl.col("queue_games")).alias("pick_rate"),
                           (pl.col("banned_games") / pl.col("queue_games")).alias("ban_rate")))
    stats = with_wilson(with_wilson(with_rate(stats), "picked_games", "queue_games", "pick_rate"),
                        "banned_games", "queue_games", "ban_rate")
    return stats.select(*GROUP, "team_position", "champion_id", "champion_name", "games", "wins", "picked_games",
                        "kda_mean", "kda_ci_low", "kda_ci_high", "queue_games", "pick_rate", "win_rate", "low_sample",
                        "win_rate_ci_low", "win_rate_ci_high", "pick_rate_ci_low", "pick_rate_ci_high",
                        "banned_games", "ban_rate", "ban_rate_ci_low", "ban_rate_ci_high", "tier").sort(
        *GROUP, "tier", "team_position", "games", "champion_id", descending=[False, False, False, False, True, False])


CHAMPION_STATS = JoinedFold(CHAMPION_FOLD, champion_rows)
"""`champion_stats` as a fold kept game by game."""


def champion_stats(players: pl.DataFrame, games: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    """Champion × role by ranked tier: one row per (queue, patch, tier, team_position, champion_id) of counted games
    (`team_position` empty where the queue has no roles), with the champion's name; `games` (each player on it:
    both sides of a mirror match), wins and win rate with its 95 % Wilson interval and `low_sample`; the pick rate,
    the share of the queue and patch's counted games (`queue_games`) it was played in (`picked_games`), with its
    interval; the ban rate, the share of those games in which either team banned the champion (`banned_games`),
    with its interval; and the mean KDA with its interval (each KDA to the nearest millionth). `tier` names the
    slice of games (all, one tier, a band)."""
    return CHAMPION_STATS(players=players, games=games, tiers=tiers)
