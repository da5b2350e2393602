"""Bot-lane duos: the ADC and support of one team (positions BOTTOM and UTILITY) and how their win rate
compares with what the two champions' own win rates predict.

The expectation model is additive in log-odds: each champion's deviation from 50 % in its own position,
measured on its games *with other partners* (the duo's own games left out, so a pair is not compared with
itself), add up:

    logit(expected) = logit(p_adc) + logit(p_support),   p = (wins + 1) / (games + 2)

(the add-one smoothing keeps a champion that always won or always lost finite). A pair is tested when both
champions have games with other partners: an exact two-sided binomial test of its wins against `expected`,
Benjamini–Hochberg q-values across every tested pair of the table, `significant` at q < `Q_THRESHOLD`."""

from __future__ import annotations

import numpy as np
import polars as pl

from gamestats_assets.defs.lol.transforms.cons import GROUP, counted, with_rate
from gamestats_assets.lib.core.stats import benjamini_hochberg, binomial_p
from gamestats_assets.lib.refresh.fold import Fold
from gamestats_assets.lib.refresh.joined import JoinedFold

ADC, SUPPORT = "BOTTOM", "UTILITY"
Q_THRESHOLD = 0.05


def logit(p: pl.Expr) -> pl.Expr:
    return (p / (1 - p)).log()


PAIR_KEYS = (*GROUP, "adc_champion_id", "support_champion_id")
PAIR_ROWS = {**{name: pl.String for name in GROUP}, "adc_champion_id": pl.Int64, "support_champion_id": pl.Int64,
             "adc_champion_name": pl.String, "support_champion_name": pl.String, "win": pl.Boolean}
"""The rows folded for the duos: each team's bot lane of a counted Summoner's Rift game."""


def pair_rows(players: pl.DataFrame) -> pl.DataFrame:
    """The ADC and support of each team of a counted Summoner's Rift game with exactly one BOTTOM and one UTILITY
    player whose result is known, with its win."""
    lane = (counted(players, summoners_rift=True).filter(pl.col("team_position").is_in([ADC, SUPPORT])
                                                         & pl.col("win").is_not_null())
            .select("match_id", "team_id", "team_position", *GROUP, "champion_id", "champion_name", "win"))
    complete = lane.group_by("match_id", "team_id").agg(
        (pl.col("team_position") == ADC).sum().alias("adcs"), (pl.col("team_position") == SUPPORT).sum().alias("sups"))
    lane = lane.join(complete.filter((pl.col("adcs") == 1) & (pl.col("sups") == 1)).select("match_id", "team_id"),
                     on=["match_id", "team_id"])
    side = {role: lane.filter(pl.col("team_position") == position).select(
        "match_id", "team_id", *GROUP, pl.col("champion_id").alias(f"{role}_champion_id"),
        pl.col("champion_name").alias(f"{role}_champion_name"), "win")
        for role, position in (("adc", ADC), ("support", SUPPORT))}
    pairs = side["adc"].join(side["support"].drop(*GROUP, "win"), on=["match_id", "team_id"])
    return pairs.select(pl.col(name).cast(dtype) for name, dtype in PAIR_ROWS.items())


def tested_pairs(state: pl.DataFrame) -> pl.DataFrame:
    """Each pair's games and wins (the fold's state) with each champion's smoothed win rate with other partners, the
    expectation and the binomial p against it: the `bot_duo_stats` rows before the q-values."""
    stats = state.group_by(PAIR_KEYS).agg(pl.col("adc_champion_name", "support_champion_name").drop_nulls().first(),
                                          pl.col("games", "wins").sum().cast(pl.Int64))
    for role in ("adc", "support"):
        own = stats.group_by(*GROUP, f"{role}_champion_id").agg(
            pl.col("games").sum().alias(f"{role}_all_games"), pl.col("wins").sum().alias(f"{role}_all_wins"))
        other_games = pl.col(f"{role}_all_games") - pl.col("games")
        stats = stats.join(own, on=[*GROUP, f"{role}_champion_id"]).with_columns(
            other_games.alias(f"{role}_other_games"),
            pl.when(other_games > 0).then((pl.col(f"{role}_all_wins") - pl.col("wins") + 1) / (other_games + 2))
            .alias(f"{role}_win_rate")).drop(f"{role}_all_games", f"{role}_all_wins")
    odds = (logit(pl.col("adc_win_rate")) + logit(pl.col("support_win_rate"))).exp()
    stats = with_rate(stats).with_columns((odds / (1 + odds)).alias("expected_win_rate"))
    stats = stats.with_columns((pl.col("win_rate") - pl.col("expected_win_rate")).alias("win_rate_vs_expected"))
    p_values = [None if expected is None or games == 0 else binomial_p(wins, games, expected)
                for wins, games, expected in stats.select("wins", "games", "expected_win_rate").iter_rows()]
    return stats.with_columns(pl.Series("p_value", p_values, dtype=pl.Float64))


def with_duo_q(pairs: pl.DataFrame) -> pl.DataFrame:
    """`tested_pairs` of every queue and patch with their Benjamini–Hochberg q across the tested pairs and whether
    it is below `Q_THRESHOLD` (`significant`): the `bot_duo_stats` table."""
    q = benjamini_hochberg(pairs["p_value"].fill_null(np.nan).to_numpy().astype(float))
    return (pairs.with_columns(pl.Series("q_value", q, dtype=pl.Float64).fill_nan(None))
            .with_columns((pl.col("q_value") < Q_THRESHOLD).alias("significant"))
            .sort(*GROUP, "games", "adc_champion_id", "support_champion_id", descending=[False, False, True, False, False]))


BOT_DUOS = JoinedFold(Fold(
    PAIR_ROWS, (*PAIR_KEYS, "adc_champion_name", "support_champion_name"),
    {"games": pl.lit(1, pl.Int64), "wins": pl.col("win").cast(pl.Int64)},
    lambda state: with_duo_q(tested_pairs(state)), counted="games"), pair_rows)
"""`bot_duo_stats` as a fold kept game by game: per queue, patch and pair, exact counts of games and wins; each
champion's games with other partners, the expectations and the tests are finished from them."""


def bot_duo_stats(players: pl.DataFrame) -> pl.DataFrame:
    """ADC × support of one team: one row per (queue, patch, adc_champion_id, support_champion_id) of counted
    Summoner's Rift games with exactly one BOTTOM and one UTILITY player on the team.

    `games`, `wins`, `win_rate` with its 95 % Wilson interval and `low_sample`; `adc_win_rate` and
    `support_win_rate` are each champion's smoothed win rate in its position without this partner (with
    `adc_other_games`, `support_other_games`), `expected_win_rate` their log-odds sum (module docstring),
    `win_rate_vs_expected` = `win_rate` − `expected_win_rate`; `p_value` the exact binomial test against the
    expectation, `q_value` Benjamini–Hochberg across the table's tested pairs, `significant` = q < 0.05.
    Untested pairs (a champion without other games) have null expectation, p and q."""
    return BOT_DUOS(players=players)
