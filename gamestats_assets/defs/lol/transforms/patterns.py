"""Why games are won: correlations between player variables, and patterns that survive multiple testing.

``correlations`` tests every pair of numeric player variables per position (Pearson and Spearman).
``discovered_patterns`` runs four families of tests and keeps only effects with Benjamini–Hochberg
q < ``Q_THRESHOLD`` and at least ``MIN_GAMES`` games on each side of the comparison:
- ``first_core_item``: a champion's win rate when a core item is completed first, against the same
  champion's games with another first core item (two-proportion z-test);
- ``skill_max_order``: a champion's DPM with a skill max order, against its games with other orders
  (Welch's t-test);
- ``first_objective``: the win rate of the team that takes an objective first, against 50 % (binomial test);
- ``vision_deaths``: per position, the slope of deaths per 10 minutes on vision per minute (least squares,
  t-test of the slope).
The q-values are computed over every test of the four families together.
"""

from __future__ import annotations

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


def first_core_item_tests(players: pl.DataFrame) -> pl.DataFrame:
    """Champion × first core item: win rate with it vs the champion's other first core items."""
    built = players.filter(pl.col("core_1").is_not_null() & pl.col("champion_name").is_not_null())
    groups = built.group_by("champion_name", "core_1").agg(pl.len().alias("n"), pl.col("win").sum().alias("w"))
    totals = built.group_by("champion_name").agg(pl.len().alias("n_all"), pl.col("win").sum().alias("w_all"))
    table = groups.join(totals, on="champion_name").with_columns(
        (pl.col("n_all") - pl.col("n")).alias("n_baseline"), (pl.col("w_all") - pl.col("w")).alias("w_baseline"))
    n1, w1 = table["n"].to_numpy().astype(float), table["w"].to_numpy().astype(float)
    n0, w0 = table["n_baseline"].to_numpy().astype(float), table["w_baseline"].to_numpy().astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p0, pooled = w1 / n1, w0 / n0, (w1 + w0) / (n1 + n0)
        z = (p1 - p0) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    return pl.DataFrame({
        "pattern_type": "first_core_item", "subject": table["champion_name"], "condition": table["core_1"],
        "metric": "win_rate", "effect": p1 - p0, "value_with": p1, "baseline": p0, "n": table["n"].cast(pl.Int64),
        "n_baseline": table["n_baseline"].cast(pl.Int64), "p_value": 2 * stats.norm.sf(np.abs(z)),
    }, schema=PATTERNS_SCHEMA)


def skill_max_order_tests(players: pl.DataFrame) -> pl.DataFrame:
    """Champion × skill max order: DPM with it vs the champion's other max orders (Welch's t-test)."""
    known = players.filter(pl.col("max_order").is_not_null() & pl.col("champion_name").is_not_null()
                           & pl.col("dpm").is_not_null())
    moments = [pl.len().alias("n"), pl.col("dpm").sum().alias("s"), (pl.col("dpm") ** 2).sum().alias("ss")]
    groups = known.group_by("champion_name", "max_order").agg(*moments)
    totals = known.group_by("champion_name").agg(*[m.name.suffix("_all") for m in moments])
    table = groups.join(totals, on="champion_name")
    n1, s1, ss1 = (table[c].to_numpy().astype(float) for c in ("n", "s", "ss"))
    n0, s0, ss0 = (table[f"{c}_all"].to_numpy().astype(float) - x for c, x in (("n", n1), ("s", s1), ("ss", ss1)))
    with np.errstate(divide="ignore", invalid="ignore"):
        m1, m0 = s1 / n1, s0 / n0
        v1, v0 = (ss1 - n1 * m1**2) / (n1 - 1), (ss0 - n0 * m0**2) / (n0 - 1)
        se2 = v1 / n1 + v0 / n0
        t = (m1 - m0) / np.sqrt(se2)
        df = se2**2 / ((v1 / n1) ** 2 / (n1 - 1) + (v0 / n0) ** 2 / (n0 - 1))
    return pl.DataFrame({
        "pattern_type": "skill_max_order", "subject": table["champion_name"], "condition": table["max_order"],
        "metric": "dpm", "effect": m1 - m0, "value_with": m1, "baseline": m0, "n": n1.astype(np.int64),
        "n_baseline": n0.astype(np.int64), "p_value": 2 * stats.t.sf(np.abs(t), df),
    }, schema=PATTERNS_SCHEMA)


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
