"""Why games are won: correlations between player variables, and patterns that survive multiple testing.

``correlations`` tests every pair of numeric player variables per position (Pearson and Spearman).
``discovered_patterns`` runs four families of tests and keeps only effects with Benjamini–Hochberg
q < ``Q_THRESHOLD`` and at least ``MIN_GAMES`` games on each side of the comparison:
- ``first_core_item``: per champion, whether its win rate depends on the first core item completed
  (chi-square over the items it was built with), reported as the best item against its other games;
- ``skill_max_order``: per champion, whether its DPM depends on the skill max order (Welch's t-test for two
  orders, Alexander–Govern for more), reported as the best order against its other games;
- ``first_objective``: the win rate of the team that takes an objective first, against 50 % (binomial test);
- ``vision_deaths``: per position, the slope of deaths per 10 minutes on vision per minute (least squares,
  t-test of the slope).
One test per champion (not one per item) keeps mirrored comparisons (an item's gain is its alternatives'
loss) from counting twice. The q-values are computed over every test of the four families together.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl
from scipy import stats

MIN_GAMES = 30
"""Fewest games on each side of a comparison (and fewest players for a position's slope)."""
Q_THRESHOLD = 0.05
CORRELATION_VARIABLES = ("kills", "deaths", "assists", "kda", "dpm", "gold_per_min", "cs_per_min",
                         "vision_per_min", "deaths_per_10", "minutes", "win")

PATTERNS_SCHEMA = {"pattern_type": pl.String, "subject": pl.String, "condition": pl.String, "metric": pl.String,
                   "effect": pl.Float64, "value_with": pl.Float64, "baseline": pl.Float64, "n": pl.Int64,
                   "n_baseline": pl.Int64, "p_value": pl.Float64}


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg q-values: q_(i) = min over j ≥ i of p_(j)·m/j, capped at 1 (NaN p stays NaN)."""
    p = np.asarray(p_values, dtype=float)
    q = np.full(p.shape, np.nan)
    valid = ~np.isnan(p)
    m = int(valid.sum())
    if m == 0:
        return q
    order = np.argsort(p[valid])
    ranked = p[valid][order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1].clip(max=1.0)
    out = np.empty(m)
    out[order] = adjusted
    q[valid] = out
    return q


def correlation_p(r: np.ndarray, n: int) -> np.ndarray:
    """Two-sided p of a correlation r on n pairs (t = r·√((n−2)/(1−r²)), n−2 degrees of freedom)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        t = r * np.sqrt((n - 2) / np.clip(1 - r**2, 1e-300, None))
    return 2 * stats.t.sf(np.abs(t), n - 2)


def correlations(players: pl.DataFrame) -> pl.DataFrame:
    """Every pair of ``CORRELATION_VARIABLES`` per position: one row per (team_position, variable_x, variable_y).

    Pearson and Spearman r with their two-sided p, n (players of the position with every variable known),
    and Benjamini–Hochberg q over all pairs and positions (separately for the Pearson and Spearman p).
    A constant variable gives null r.
    """
    rows = []
    data = players.filter(pl.col("team_position").is_not_null()).with_columns(pl.col("win").cast(pl.Float64))
    for (position,), group in data.group_by("team_position"):
        matrix = group.select(CORRELATION_VARIABLES).drop_nulls().to_numpy().astype(float)
        n = matrix.shape[0]
        if n < 3:
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            pearson = np.corrcoef(matrix, rowvar=False)
            spearman = np.corrcoef(stats.rankdata(matrix, axis=0), rowvar=False)
        upper_x, upper_y = np.triu_indices(len(CORRELATION_VARIABLES), k=1)
        rows.append(pl.DataFrame({
            "team_position": position, "variable_x": [CORRELATION_VARIABLES[i] for i in upper_x],
            "variable_y": [CORRELATION_VARIABLES[j] for j in upper_y], "n": n,
            "pearson_r": pearson[upper_x, upper_y], "pearson_p": correlation_p(pearson[upper_x, upper_y], n),
            "spearman_r": spearman[upper_x, upper_y], "spearman_p": correlation_p(spearman[upper_x, upper_y], n),
        }))
    if not rows:
        return pl.DataFrame(schema={"team_position": pl.String, "variable_x": pl.String, "variable_y": pl.String,
                                    "n": pl.Int64, "pearson_r": pl.Float64, "pearson_p": pl.Float64,
                                    "spearman_r": pl.Float64, "spearman_p": pl.Float64, "pearson_q": pl.Float64,
                                    "spearman_q": pl.Float64})
    table = pl.concat(rows).with_columns(pl.col("n").cast(pl.Int64)).fill_nan(None)
    return table.with_columns(
        pl.Series("pearson_q", benjamini_hochberg(table["pearson_p"].fill_null(np.nan).to_numpy())),
        pl.Series("spearman_q", benjamini_hochberg(table["spearman_p"].fill_null(np.nan).to_numpy())),
    ).fill_nan(None).sort("team_position", "variable_x", "variable_y")


def best_condition_rows(players: pl.DataFrame, pattern_type: str, condition: str, metric: str,
                        test: Callable[[list[np.ndarray]], float]) -> pl.DataFrame:
    """One test per champion of whether ``metric`` differs across its ``condition`` groups (groups with at
    least ``MIN_GAMES`` games, two or more of them), reported as the group with the highest mean against the
    champion's other tested games."""
    rows = []
    known = players.filter(pl.col(condition).is_not_null() & pl.col("champion_name").is_not_null()
                           & pl.col(metric).is_not_null())
    for (champion,), games in known.group_by("champion_name"):
        groups = games.group_by(condition).agg(pl.col(metric).cast(pl.Float64)).filter(
            pl.col(metric).list.len() >= MIN_GAMES)
        if groups.height < 2:
            continue
        values = [np.asarray(v) for v in groups[metric].to_list()]
        best = int(np.argmax([v.mean() for v in values]))
        others = np.concatenate([v for i, v in enumerate(values) if i != best])
        rows.append({"pattern_type": pattern_type, "subject": champion, "condition": groups[condition][best],
                     "metric": "win_rate" if metric == "win" else metric,
                     "effect": values[best].mean() - others.mean(), "value_with": values[best].mean(),
                     "baseline": others.mean(), "n": len(values[best]), "n_baseline": len(others),
                     "p_value": test(values)})
    return pl.DataFrame(rows, schema=PATTERNS_SCHEMA)


def independence_p(groups: list[np.ndarray]) -> float:
    """Chi-square test that the win rate is the same in every group (wins × losses contingency table)."""
    table = np.array([[g.sum(), len(g) - g.sum()] for g in groups])
    if (table.sum(axis=0) == 0).any():
        return 1.0
    return float(stats.chi2_contingency(table, correction=False).pvalue)


def mean_difference_p(groups: list[np.ndarray]) -> float:
    """Welch's t-test for two groups; Alexander–Govern (unequal variances) for more."""
    if len(groups) == 2:
        return float(stats.ttest_ind(groups[0], groups[1], equal_var=False).pvalue)
    return float(stats.alexandergovern(*groups).pvalue)


def first_core_item_tests(players: pl.DataFrame) -> pl.DataFrame:
    """Per champion: does the win rate depend on the first core item? (chi-square over its first items)."""
    return best_condition_rows(players, "first_core_item", "core_1", "win", independence_p)


def skill_max_order_tests(players: pl.DataFrame) -> pl.DataFrame:
    """Per champion: does DPM depend on the skill max order? (Welch / Alexander–Govern over its orders)."""
    return best_condition_rows(players, "skill_max_order", "max_order", "dpm", mean_difference_p)


def first_objective_tests(first_objectives: pl.DataFrame) -> pl.DataFrame:
    """Objective: win rate of the team that took it first vs 50 % (exact binomial test)."""
    known = first_objectives.filter(pl.col("win").is_not_null())
    rows = []
    for objective in ("dragon", "herald", "baron", "tower"):
        takers = known.filter(pl.col(f"first_{objective}"))
        n, wins = takers.height, int(takers["win"].sum())
        if n == 0:
            continue
        rows.append({"pattern_type": "first_objective", "subject": "team", "condition": f"first {objective}",
                     "metric": "win_rate", "effect": wins / n - 0.5, "value_with": wins / n, "baseline": 0.5,
                     "n": n, "n_baseline": n, "p_value": stats.binomtest(wins, n, 0.5).pvalue})
    return pl.DataFrame(rows, schema=PATTERNS_SCHEMA)


def vision_deaths_tests(players: pl.DataFrame) -> pl.DataFrame:
    """Position: least-squares slope of deaths per 10 minutes on vision per minute, with its t-test."""
    rows = []
    known = players.filter(pl.col("vision_per_min").is_not_null() & pl.col("team_position").is_not_null())
    for (position,), group in known.group_by("team_position"):
        if group.height < 3 or group["vision_per_min"].n_unique() < 2:
            continue
        fit = stats.linregress(group["vision_per_min"].to_numpy(), group["deaths_per_10"].to_numpy())
        rows.append({"pattern_type": "vision_deaths", "subject": position, "condition": "vision_per_min",
                     "metric": "deaths_per_10", "effect": fit.slope, "value_with": fit.slope,
                     "baseline": float(group["deaths_per_10"].mean()), "n": group.height, "n_baseline": group.height,
                     "p_value": fit.pvalue})
    return pl.DataFrame(rows, schema=PATTERNS_SCHEMA)


def all_tests(players: pl.DataFrame, first_objectives: pl.DataFrame) -> pl.DataFrame:
    """Every test of the four families with its q-value (over all of them), before any filtering."""
    tests = pl.concat([first_core_item_tests(players), skill_max_order_tests(players),
                       first_objective_tests(first_objectives), vision_deaths_tests(players)])
    tests = tests.filter((pl.col("n") >= MIN_GAMES) & (pl.col("n_baseline") >= MIN_GAMES)).fill_nan(None)
    return tests.with_columns(pl.Series("q_value", benjamini_hochberg(tests["p_value"].fill_null(np.nan).to_numpy()),
                                        dtype=pl.Float64)).fill_nan(None)


def discovered_patterns(players: pl.DataFrame, first_objectives: pl.DataFrame) -> pl.DataFrame:
    """Patterns that hold: one row per (pattern_type, subject, condition) with q < ``Q_THRESHOLD`` and at least
    ``MIN_GAMES`` games each side; effect = value with the condition − baseline (for ``vision_deaths``, the
    slope), with n, p and q."""
    return (all_tests(players, first_objectives).filter(pl.col("q_value") < Q_THRESHOLD)
            .with_columns(pl.lit(MIN_GAMES, dtype=pl.Int64).alias("min_games"))
            .sort("q_value", "pattern_type", "subject", "condition"))
