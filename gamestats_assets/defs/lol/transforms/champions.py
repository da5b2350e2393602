"""The champion tier list: how often a champion is picked for a role and how often it wins there, kept as exact
counts merged game by game (`CHAMPION_STATS`, a joined fold of the players, the games and their ranked tiers)."""

from __future__ import annotations

import math
from fractions import Fraction

import polars as pl

from gamestats_assets.defs.lol.transforms.cons import GROUP, counted, with_rate
from gamestats_assets.lib.core.stats import Z_95, with_wilson
from gamestats_assets.lib.lake.fold import Fold
from gamestats_assets.lib.lake.joined_fold import JoinedFold
from gamestats_assets.sources.riot.league import ALL, BANDS, TIERS

SCALE = 10**6
"""The fixed point of the KDA values summed: a value counts as the nearest multiple of a millionth, summed exactly."""
EXACT = pl.Decimal(38, 0)
ROWS = {"queue": pl.String, "patch": pl.String, "tier": pl.String, "team_position": pl.String,
        "champion_id": pl.Int64, "champion_name": pl.String, "win": pl.Boolean, "kda": pl.Float64,
        "first_pick": pl.Int64, "queue_game": pl.Int64}
"""The rows folded: a counted player with a known result, or a counted game (`queue_game`), with its ranked tier."""


def champion_rows(players: pl.DataFrame, games: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    """One row per player of a counted game whose result is known (`first_pick` 1 for the first of its champion and
    position in the game) and one per counted game (`queue_game` 1), each with the game's ranked tier
    (`std/game_tiers`; null when no player is ranked)."""
    picks = (counted(players).filter(pl.col("win").is_not_null())
             .with_columns(pl.col("team_position").fill_null(""))
             .with_columns((pl.int_range(pl.len()).over("match_id", "team_position", "champion_id") == 0)
                           .cast(pl.Int64).alias("first_pick"), pl.lit(0, pl.Int64).alias("queue_game")))
    counted_games = counted(games).select("match_id", *GROUP, pl.lit(1, pl.Int64).alias("queue_game"))
    rows = pl.concat([picks.select("match_id", *(name for name in ROWS if name != "tier")), counted_games],
                     how="diagonal_relaxed")
    return rows.join(tiers.select("match_id", "tier"), on="match_id", how="left").select(
        pl.col(name).cast(dtype) for name, dtype in ROWS.items())


SCALED_KDA = (pl.col("kda") * SCALE).round().cast(pl.Int64)
PLAYER = pl.col("queue_game") == 0
CHAMPION_FOLD = Fold(
    ROWS, ("queue", "patch", "tier", "team_position", "champion_id", "champion_name"),
    {"games": PLAYER.cast(pl.Int64), "wins": (PLAYER & pl.col("win")).cast(pl.Int64),
     "picked_games": pl.col("first_pick"), "queue_games": pl.col("queue_game"),
     "kda_n": (PLAYER & pl.col("kda").is_not_null()).cast(pl.Int64),
     "kda_scaled": SCALED_KDA.cast(EXACT), "kda_squares": (SCALED_KDA.cast(pl.Int128) ** 2).cast(EXACT)},
    lambda state: finished_champion_stats(state), counted="games")
"""Per queue, patch, tier, position and champion: exact counts of games, wins, distinct games picked, the queue's
counted games (the rows of no champion) and the KDA's count, scaled sum and sum of squares."""


def tier_slices(state: pl.DataFrame) -> pl.DataFrame:
    """The state's rows once for every slice of ranked tiers their games are in (`tier`: `all`, the tier, each
    "and above" band it reaches)."""
    rank = pl.col("tier").replace_strict({tier: index for index, tier in enumerate(TIERS)}, default=None,
                                          return_dtype=pl.Int64)
    return pl.concat([state.with_columns(pl.lit(ALL).alias("tier")),
                      state.filter(pl.col("tier").is_not_null()).with_columns(pl.col("tier").str.to_lowercase()),
                      *(state.filter(rank >= TIERS.index(band)).with_columns(pl.lit(f"{band.lower()}_plus")
                                                                              .alias("tier")) for band in BANDS)])


def kda_interval(n: int, scaled: int, squares: int) -> tuple[float | None, float | None, float | None]:
    """The mean of `n` KDA values whose scaled sum and sum of squares are given, and its 95 % normal interval (null
    below two values), from the exact sums."""
    if n == 0:
        return None, None, None
    mean = float(Fraction(scaled, n * SCALE))
    if n < 2:
        return mean, None, None
    half = Z_95 * math.sqrt(float(Fraction(n * squares - scaled * scaled, n * (n - 1) * SCALE * SCALE))) / math.sqrt(n)
    return mean, mean - half, mean + half


def finished_champion_stats(state: pl.DataFrame) -> pl.DataFrame:
    """The tier list from the fold's state: every slice of tiers summed, then the rates and intervals."""
    keys = [*GROUP, "tier", "team_position", "champion_id"]
    terms = ["games", "wins", "picked_games", "queue_games", "kda_n", "kda_scaled", "kda_squares"]
    sliced = tier_slices(state).group_by(keys).agg(pl.col("champion_name").drop_nulls().first(), pl.col(terms).sum())
    queue_games = sliced.group_by(*GROUP, "tier").agg(pl.col("queue_games").sum())
    stats = sliced.filter(pl.col("champion_id").is_not_null() & (pl.col("games") > 0)).drop("queue_games")
    kda = pl.DataFrame([kda_interval(int(n), int(s), int(q)) for n, s, q in stats.select(
        "kda_n", "kda_scaled", "kda_squares").iter_rows()], schema={name: pl.Float64 for name in (
            "kda_mean", "kda_ci_low", "kda_ci_high")}, orient="row")
    stats = (pl.concat([stats.drop("kda_n", "kda_scaled", "kda_squares"), kda], how="horizontal")
             .join(queue_games, on=[*GROUP, "tier"])
             .with_columns(pl.col("games", "wins", "picked_games", "queue_games").cast(pl.Int64))
             .with_columns((pl.col("picked_games") / pl.col("queue_games")).alias("pick_rate")))
    stats = with_wilson(with_rate(stats), "picked_games", "queue_games", "pick_rate")
    return stats.select(*GROUP, "team_position", "champion_id", "champion_name", "games", "wins", "picked_games",
                        "kda_mean", "kda_ci_low", "kda_ci_high", "queue_games", "pick_rate", "win_rate", "low_sample",
                        "win_rate_ci_low", "win_rate_ci_high", "pick_rate_ci_low", "pick_rate_ci_high", "tier").sort(
        *GROUP, "tier", "team_position", "games", "champion_id", descending=[False, False, False, False, True, False])


CHAMPION_STATS = JoinedFold(CHAMPION_FOLD, champion_rows)
"""`champion_stats` as a fold kept game by game."""


def champion_stats(players: pl.DataFrame, games: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    """Champion × role by ranked tier: one row per (queue, patch, tier, team_position, champion_id) of counted games
    (`team_position` empty where the queue has no roles), with the champion's name; `games` (each player on it:
    both sides of a mirror match), wins and win rate with its 95 % Wilson interval and `low_sample`; the pick rate,
    the share of the queue and patch's counted games (`queue_games`) it was played in (`picked_games`), with its
    interval; and the mean KDA with its interval (each KDA to the nearest millionth). `tier` names the slice of
    games (all, one tier, a band)."""
    return CHAMPION_STATS(players=players, games=games, tiers=tiers)
