"""n-grams of the skill levelling sequence (`skill_ngrams`): which runs of consecutive skill points in a champion's
early levels go with more damage and more wins, against the champion's players without them, within one queue and
patch, kept as exact counts merged game by game (`lib/refresh/joined.py`).

A player's n-grams are the distinct runs of `N` consecutive skill points among their first `LEVELS` (`QQW`: two
points in Q then one in W, anywhere in levels 1 to 9), from `std/skill_orders`' `skill_sequence`; a player who put
fewer than `LEVELS` points has none. An n-gram is compared with the champion's other players who put `LEVELS` points:
the win rate's difference with Newcombe's interval and its two-sided p (a two-proportion z test), the mean DPM's
difference with a normal interval and its p (Welch's z), and each test's Benjamini–Hochberg q over every n-gram of
the table.
Only n-grams of at least `MIN_GAMES` players on either side are tested."""

from __future__ import annotations

import numpy as np
import polars as pl

from gamestats_assets.defs.lol.transforms.cons import GROUP, counted, with_rate
from gamestats_assets.defs.lol.transforms.counts import SCALE, moments, with_mean
from gamestats_assets.defs.lol.transforms.tested import significant
from gamestats_assets.lib.core.stats import Z_95, benjamini_hochberg, newcombe_interval, two_sided_p
from gamestats_assets.lib.refresh.fold import Fold
from gamestats_assets.lib.refresh.joined import JoinedFold
from gamestats_assets.published.lol import MIN_GAMES

N = 3
"""The skill points in an n-gram."""
LEVELS = 9
"""The first skill points an n-gram is taken from: the early game, before the third basic skill is maxed."""
ROWS = {**{name: pl.String for name in GROUP}, "champion_id": pl.Int64, "champion_name": pl.String,
        "ngram": pl.String, "win": pl.Boolean, "dpm": pl.Float64}
"""The rows folded: each counted player with `LEVELS` points once with no n-gram (the champion's players) and once
per distinct n-gram of their first `LEVELS` points."""


def ngram_rows(players: pl.DataFrame, skills: pl.DataFrame) -> pl.DataFrame:
    """Each counted player with a known result and at least `LEVELS` skill points, once with no n-gram and once for
    every distinct n-gram of their first `LEVELS` points."""
    early = (counted(players).filter(pl.col("win").is_not_null())
             .join(skills.select("match_id", "participant_id", "skill_sequence"), on=["match_id", "participant_id"])
             .filter(pl.col("skill_sequence").str.len_chars() >= LEVELS)
             .with_columns(pl.col("skill_sequence").str.slice(0, LEVELS).alias("early")))
    grams = (early.with_columns(pl.concat_list([pl.col("early").str.slice(start, N)
                                                for start in range(LEVELS - N + 1)]).list.unique().alias("ngram"))
             .explode("ngram"))
    whole = early.with_columns(pl.lit(None, pl.String).alias("ngram"))
    return pl.concat([whole, grams], how="diagonal_relaxed").select(
        pl.col(name).cast(dtype) for name, dtype in ROWS.items())


def with_tests(grams: pl.DataFrame) -> pl.DataFrame:
    """`grams` plus each n-gram's win-rate difference against the champion's other players (Newcombe's interval, the
    two-proportion z test's p) and DPM difference (normal interval, Welch's z test's p); null under `MIN_GAMES`
    players on either side."""
    games, wins, other_games, other_wins = (pl.col(name).cast(pl.Float64)
                                            for name in ("games", "wins", "other_games", "other_wins"))
    low, high = newcombe_interval(wins, games, other_wins, other_games)
    pooled = (wins + other_wins) / (games + other_games)
    difference = wins / games - other_wins / other_games
    error = (pooled * (1 - pooled) * (1 / games + 1 / other_games)).sqrt()
    dpm = pl.col("dpm_mean") - pl.col("other_dpm_mean")
    dpm_error = (pl.col("dpm_variance") / pl.col("dpm_count")
                 + pl.col("other_dpm_variance") / pl.col("other_dpm_n")).sqrt()
    tests = {"win_rate_difference": difference, "difference_ci_low": low, "difference_ci_high": high,
             "p_value": two_sided_p(difference, error), "dpm_difference": dpm,
             "dpm_difference_ci_low": dpm - Z_95 * dpm_error, "dpm_difference_ci_high": dpm + Z_95 * dpm_error,
             "dpm_p_value": two_sided_p(dpm, dpm_error)}
    enough = pl.min_horizontal("games", "other_games") >= MIN_GAMES
    return grams.with_columns(pl.when(enough).then(test).otherwise(None).cast(pl.Float64).alias(name)
                              for name, test in tests.items())


def sample_variance(n: pl.Expr, total: pl.Expr, squares: pl.Expr) -> pl.Expr:
    """The sample variance of `n` values of the scaled `total` and `squares` (`counts.moments`)."""
    mean = total / SCALE / n
    return (squares / SCALE**2 - n * mean**2) / (n - 1)


def corrected(p: pl.Series) -> pl.Series:
    """The Benjamini–Hochberg q of each p of `p`, null where p is."""
    known = p.is_not_null().to_numpy()
    q = np.full(len(p), np.nan)
    if known.any():
        q[known] = benjamini_hochberg(p.to_numpy()[known].astype(float))
    return pl.Series(q, dtype=pl.Float64).fill_nan(None)


def finished_skill_ngrams(state: pl.DataFrame) -> pl.DataFrame:
    """The n-grams from the fold's state: each against the champion's other players, the tests' q over the table."""
    champion = [*GROUP, "champion_id"]
    sums = ["games", "wins", "dpm_n", "dpm_scaled", "dpm_squares"]
    totals = state.filter(pl.col("ngram").is_null()).group_by(champion).agg(
        pl.col(name).sum().alias(f"champion_{name}") for name in sums)
    grams = state.filter(pl.col("ngram").is_not_null()).join(totals, on=champion)
    other = {name: pl.col(f"champion_{name}") - pl.col(name) for name in sums}
    grams = grams.with_columns(
        other["games"].alias("other_games"), other["wins"].alias("other_wins"),
        other["dpm_n"].cast(pl.Float64).alias("other_dpm_n"),
        (other["dpm_scaled"].cast(pl.Float64) / SCALE / other["dpm_n"]).alias("other_dpm_mean"),
        sample_variance(other["dpm_n"].cast(pl.Float64), other["dpm_scaled"].cast(pl.Float64),
                        other["dpm_squares"].cast(pl.Float64)).alias("other_dpm_variance"),
        sample_variance(pl.col("dpm_n").cast(pl.Float64), pl.col("dpm_scaled").cast(pl.Float64),
                        pl.col("dpm_squares").cast(pl.Float64)).alias("dpm_variance"),
        pl.col("dpm_n").cast(pl.Float64).alias("dpm_count"),
        (pl.col("games") / pl.col("champion_games")).alias("share_of_players"))
    grams = with_rate(with_mean(grams, "dpm", "dpm").with_columns(pl.col("games", "wins").cast(pl.Int64)))
    grams = with_tests(grams)
    grams = grams.with_columns(corrected(grams["p_value"]).alias("q_value"),
                               corrected(grams["dpm_p_value"]).alias("dpm_q_value"))
    return grams.with_columns(significant().alias("significant"), significant("dpm_q_value").alias("dpm_significant")
                              ).select(
        *champion, "champion_name", "ngram", "games", "wins", "champion_games", "share_of_players", "win_rate",
        "win_rate_ci_low", "win_rate_ci_high", "low_sample", "dpm_mean", "dpm_ci_low", "dpm_ci_high", "other_games",
        "win_rate_difference", "difference_ci_low", "difference_ci_high", "dpm_difference", "dpm_difference_ci_low",
        "dpm_difference_ci_high", "p_value", "q_value", "dpm_p_value", "dpm_q_value", "significant",
        "dpm_significant").sort(*champion, "games", "ngram",
                                                            descending=[False, False, False, True, False])


SKILL_NGRAMS = JoinedFold(Fold(
    ROWS, (*GROUP, "champion_id", "champion_name", "ngram"),
    {"games": pl.lit(1, pl.Int64), "wins": pl.col("win").cast(pl.Int64), **moments("dpm")},
    lambda state: finished_skill_ngrams(state), counted="games"), ngram_rows)
"""`skill_ngrams` as a fold kept game by game: per queue, patch, champion and n-gram (none: the champion's players),
the players, their wins and the moments of their DPM."""


def skill_ngrams(players: pl.DataFrame, skills: pl.DataFrame) -> pl.DataFrame:
    """n-grams of the skill levelling sequence: one row per (queue, patch, champion_id, ngram) of counted players with
    `LEVELS` skill points: `games` (players with the n-gram among their first `LEVELS` points), `wins`, win rate
    (Wilson, `low_sample`), mean DPM (interval), `share_of_players` of the champion's `champion_games`; against the
    champion's `other_games` players without it, the win rate's difference (Newcombe's interval, p, and the
    Benjamini–Hochberg q over the table) and the DPM's (normal interval, p, q), null under `MIN_GAMES` on either
    side; `significant` (the win-rate test's q below `Q_THRESHOLD`: a win-rate finding) and `dpm_significant` (the
    DPM test's: a damage-per-minute finding)."""
    return SKILL_NGRAMS(players=players, skills=skills)
