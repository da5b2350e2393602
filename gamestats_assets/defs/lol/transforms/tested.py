"""The tested form a lol finding is published in, whatever its table: its `effect` with a 95 % interval, its
two-sided `p_value`, the Benjamini–Hochberg `q_value` over the family its table tests together, whether it is
`significant` (q below `Q_THRESHOLD`) and the `measure` its effect counts (only a `win_rate` finding says what
helps win). Each statistic is one function of `lib/core/stats.py`; this module only applies them to a table's rows,
so that the API reads them and computes none."""

from __future__ import annotations

import numpy as np
import polars as pl

from gamestats_assets.lib.core.stats import benjamini_hochberg, binomial_p, newcombe_bounds, proportion_test
from gamestats_assets.published.lol import Q_THRESHOLD

WIN_RATE, DPM, KDA, DEATHS, PEARSON_R, LOG_ODDS = "win_rate", "dpm", "kda", "deaths_per_10", "pearson_r", "log_odds"
"""What an effect counts (`measure`): a win rate (a difference of win rates, a win rate against 50 % or its change
per step), damage per minute, KDA, deaths per 10 minutes per vision score per minute, Pearson's r, a log-odds
coefficient of winning."""
PATTERN_MEASURES = {"first_core_item": WIN_RATE, "skill_max_order": DPM, "first_objective": WIN_RATE,
                    "vision_deaths": DEATHS}
"""The measure of each family of `discovered_patterns`."""


def significant(q: str = "q_value") -> pl.Expr:
    """Whether the q of column `q` is below `Q_THRESHOLD` (false where it is null: untested)."""
    return (pl.col(q) < Q_THRESHOLD).fill_null(False)


def with_q(frame: pl.DataFrame, p: str = "p_value", q: str = "q_value") -> pl.DataFrame:
    """`frame` with `q`: the Benjamini–Hochberg q of column `p` over every row with a p (the family), null where
    p is."""
    values = benjamini_hochberg(frame[p].cast(pl.Float64).fill_null(np.nan).to_numpy()) if frame.height else []
    return frame.with_columns(pl.Series(q, values, dtype=pl.Float64).fill_nan(None))


def as_findings(frame: pl.DataFrame, measure: str | pl.Expr, q: str = "q_value",
                flag: str = "significant") -> pl.DataFrame:
    """`frame` with `flag` (its q of column `q` below `Q_THRESHOLD`) and `measure` (a name of this module, or an
    expression of the row)."""
    said = pl.lit(measure) if isinstance(measure, str) else measure
    return frame.with_columns(significant(q).alias(flag), said.alias("measure"))


def tested(frame: pl.DataFrame, measure: str | pl.Expr) -> pl.DataFrame:
    """`frame`, whose rows hold `p_value`, with its q over every row (`with_q`), `significant` and `measure`."""
    return as_findings(with_q(frame), measure)


def against_half(frame: pl.DataFrame, wins: str = "wins", games: str = "games", rate: str = "win_rate") -> pl.DataFrame:
    """`frame` with a win rate (`wins` of `games`, its Wilson interval `<rate>_ci_low`, `<rate>_ci_high`) tested
    against an even 50 %: `effect` = rate − one half with the interval less one half, and the exact binomial
    `p_value`."""
    p = [binomial_p(won, played) if played else None for won, played in frame.select(wins, games).iter_rows()]
    return frame.with_columns((pl.col(rate) - 0.5).alias("effect"), (pl.col(f"{rate}_ci_low") - 0.5)
                              .alias("effect_ci_low"), (pl.col(f"{rate}_ci_high") - 0.5).alias("effect_ci_high"),
                              pl.Series("p_value", p, dtype=pl.Float64))


def against_others(frame: pl.DataFrame, wins: str, games: str, other_wins: str, other_games: str,
                   fewest: int = 1) -> pl.DataFrame:
    """`frame` with the win rate `wins / games` against the others' `other_wins / other_games`: `effect` the
    difference, Newcombe's 95 % interval, the two-proportion z-test's `p_value` (all null under `fewest` games on
    either side)."""
    columns = {"effect": [], "effect_ci_low": [], "effect_ci_high": [], "p_value": []}
    for won, played, others_won, others in frame.select(wins, games, other_wins, other_games).iter_rows():
        if played < max(fewest, 1) or others < max(fewest, 1):
            values = (None, None, None, None)
        else:
            values = (won / played - others_won / others, *newcombe_bounds(won, played, others_won, others),
                      proportion_test(played, won, others, others_won)[1])
        for name, value in zip(columns, values, strict=True):
            columns[name].append(value)
    return frame.with_columns(pl.Series(name, values, dtype=pl.Float64) for name, values in columns.items())
