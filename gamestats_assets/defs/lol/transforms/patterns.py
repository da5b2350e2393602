"""Why games are won: correlations between player variables (`correlations`), and patterns that survive
multiple testing (`discovered_patterns`), over counted games, tested within one queue and patch.

scipy is imported by the functions that use it, so loading the code location does not load it."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from gamestats_assets.defs.lol.transforms.cons import counted

MIN_GAMES = 30
"""Fewest games on each side of a comparison (and fewest players for a position's slope)."""
Q_THRESHOLD = 0.05
"""Benjamini–Hochberg level every reported pattern also meets."""
FALSE_SHARE = 0.10
EXCEEDANCE_LEVEL = 0.05
"""Reported patterns keep P(more than `FALSE_SHARE` of them are false) ≤ `EXCEEDANCE_LEVEL`."""
CORRELATION_VARIABLES = ("kills", "deaths", "assists", "kda", "dpm", "gold_per_min", "cs_per_min",
                         "vision_per_min", "vision_score_per_min", "deaths_per_10", "minutes", "win")
COMPUTED_FROM = {
    "kda": {"kills", "deaths", "assists"},
    "dpm": {"minutes"}, "gold_per_min": {"minutes"}, "cs_per_min": {"minutes"}, "vision_per_min": {"minutes"},
    "vision_score_per_min": {"minutes"}, "deaths_per_10": {"deaths", "minutes"},
}
"""The variables each derived variable is computed from: such a pair correlates by construction, untested."""
LENGTH = "minutes"
"""The game length partial correlations control for: counts grow with it."""
GROUP = ("queue", "patch")

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
    from scipy import stats
    with np.errstate(divide="ignore", invalid="ignore"):
        t = r * np.sqrt((n - 2) / np.clip(1 - r**2, 1e-300, None))
    return 2 * stats.t.sf(np.abs(t), n - 2)


def pairs_to_test() -> list[tuple[int, int]]:
    """Index pairs (i < j) of `CORRELATION_VARIABLES` where neither variable is computed from the other."""
    names = CORRELATION_VARIABLES
    return [(i, j) for i in range(len(names)) for j in range(i + 1, len(names))
            if names[j] not in COMPUTED_FROM.get(names[i], set()) and names[i] not in COMPUTED_FROM.get(names[j], set())]


def partial_on(r: np.ndarray, control: int) -> np.ndarray:
    """Partial correlations given `control`: r_xy·z = (r_xy − r_xz·r_yz) / √((1 − r_xz²)(1 − r_yz²))."""
    with np.errstate(divide="ignore", invalid="ignore"):
        r_z = r[:, control]
        return (r - np.outer(r_z, r_z)) / np.sqrt(np.outer(1 - r_z**2, 1 - r_z**2))


CORRELATIONS_SCHEMA = {"queue": pl.String, "patch": pl.String, "team_position": pl.String, "variable_x": pl.String,
                       "variable_y": pl.String, "n": pl.Int64, "pearson_r": pl.Float64, "pearson_p": pl.Float64,
                       "spearman_r": pl.Float64, "spearman_p": pl.Float64, "partial_r": pl.Float64,
                       "partial_p": pl.Float64, "low_sample": pl.Boolean, "pearson_q": pl.Float64,
                       "spearman_q": pl.Float64, "partial_q": pl.Float64}


def correlation_tests(players: pl.DataFrame) -> pl.DataFrame:
    """The `correlations` of each queue, patch and position whose players `players` holds, without their q."""
    within = (*GROUP, "team_position")
    pairs = pairs_to_test()
    upper_x, upper_y = (np.array(index) for index in zip(*pairs, strict=True))
    control = CORRELATION_VARIABLES.index(LENGTH)
    rows = []
    data = (counted(players).lazy().filter(pl.col("team_position").is_not_null() & (pl.col("team_position") != ""))
            .select(*within, *[pl.col(v).cast(pl.Float64) for v in CORRELATION_VARIABLES]).drop_nulls().collect())
    ranks = data.with_columns(pl.col(CORRELATION_VARIABLES).rank("average").over(within))
    values, ranked = (frame.partition_by(*within, as_dict=True) for frame in (data, ranks))
    for key, group in values.items():
        n = group.height
        if n < 4:
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            pearson = np.corrcoef(group.drop(*within).to_numpy(), rowvar=False)
            spearman = np.corrcoef(ranked[key].drop(*within).to_numpy(), rowvar=False)
        partial = partial_on(pearson, control)[upper_x, upper_y]
        partial[(upper_x == control) | (upper_y == control)] = np.nan
        pearson, spearman = pearson[upper_x, upper_y], spearman[upper_x, upper_y]
        rows.append(pl.DataFrame({
            **dict(zip(within, key, strict=True)),
            "variable_x": [CORRELATION_VARIABLES[i] for i in upper_x],
            "variable_y": [CORRELATION_VARIABLES[j] for j in upper_y], "n": n,
            "pearson_r": pearson, "pearson_p": correlation_p(pearson, n),
            "spearman_r": spearman, "spearman_p": correlation_p(spearman, n),
            "partial_r": partial, "partial_p": correlation_p(partial, n - 1), "low_sample": n < MIN_GAMES,
        }))
    if not rows:
        return pl.DataFrame(schema={name: dtype for name, dtype in CORRELATIONS_SCHEMA.items()
                                    if not name.endswith("_q")})
    return pl.concat(rows).with_columns(pl.col("n").cast(pl.Int64)).fill_nan(None)


def with_correlation_q(table: pl.DataFrame) -> pl.DataFrame:
    """`correlation_tests` of every queue, patch and position with their Benjamini–Hochberg q over every pair of
    the table, separately for each measure: the `correlations` table."""
    return table.with_columns(
        *[pl.Series(f"{measure}_q", benjamini_hochberg(table[f"{measure}_p"].fill_null(np.nan).to_numpy()),
                    dtype=pl.Float64) for measure in ("pearson", "spearman", "partial")],
    ).fill_nan(None).select(*CORRELATIONS_SCHEMA).sort("queue", "patch", "team_position", "variable_x", "variable_y")


def correlations(players: pl.DataFrame) -> pl.DataFrame:
    """Pairs of `CORRELATION_VARIABLES` per queue, patch and position: one row per (queue, patch,
    team_position, variable_x, variable_y), one player of one counted game per observation.

    A pair where one variable is computed from the other (`COMPUTED_FROM`: a count and its per-minute or
    per-10 rate, a ratio and its parts) is not tested. Pearson and Spearman r with their two-sided p, and
    `partial_r`: Pearson's r controlling for game length (null for pairs with `minutes`), p on n − 3
    degrees of freedom. n = players of the group with every variable known (`low_sample` below
    `MIN_GAMES`); Benjamini–Hochberg q over every remaining pair of the table, separately for each measure.
    A constant variable gives null r.
    """
    return with_correlation_q(correlation_tests(players))


def condition_contrasts(players: pl.DataFrame, pattern_type: str, condition: str, metric: str,
                        contrast: Callable[[np.ndarray, np.ndarray], tuple[float, float]]) -> pl.DataFrame:
    """One test per champion: does `metric` differ between games with one of its conditions and its other games?

    Every condition the champion has at least `MIN_GAMES` games with, and at least `MIN_GAMES` without,
    is compared with all the champion's other games (`contrast` gives a signed statistic and its two-sided
    p). The champion's row is its most extreme comparison, with that p multiplied by the number of conditions
    compared (Bonferroni: the p of the strongest of k comparisons); with exactly two conditions the two
    comparisons are one and the same, so the p stands and the condition with the higher mean is reported.
    """
    rows = []
    known = players.filter(pl.col(condition).is_not_null() & pl.col("champion_name").is_not_null()
                           & pl.col(metric).is_not_null())
    for (champion,), games in known.group_by("champion_name"):
        labels = games[condition].to_numpy()
        values = games[metric].cast(pl.Float64).to_numpy()
        conditions, counts = np.unique(labels, return_counts=True)
        tested = [c for c, n in zip(conditions, counts, strict=True)
                  if n >= MIN_GAMES and len(labels) - n >= MIN_GAMES]
        if not tested:
            continue
        results = []
        for name in tested:
            with_condition = labels == name
            statistic, p = contrast(values[with_condition], values[~with_condition])
            results.append((name, with_condition, statistic, p))
        strongest = max(results, key=lambda r: (round(abs(r[2]), 9), r[2]))
        name, with_condition, _, p = strongest
        comparisons = 1 if len(conditions) == 2 else len(tested)
        value_with, baseline = values[with_condition].mean(), values[~with_condition].mean()
        rows.append({"pattern_type": pattern_type, "subject": champion, "condition": name,
                     "metric": "win_rate" if metric == "win" else metric, "effect": value_with - baseline,
                     "value_with": value_with, "baseline": baseline, "n": int(with_condition.sum()),
                     "n_baseline": int((~with_condition).sum()), "p_value": min(1.0, p * comparisons)})
    return pl.DataFrame(rows, schema=PATTERNS_SCHEMA)


def proportion_contrast(with_condition: np.ndarray, without: np.ndarray) -> tuple[float, float]:
    """Two-proportion z-test of win rates (pooled variance; the chi-square test of the 2 × 2 table)."""
    from scipy import stats
    n1, n2 = len(with_condition), len(without)
    pooled = (with_condition.sum() + without.sum()) / (n1 + n2)
    error = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if error == 0:
        return 0.0, 1.0
    z = (with_condition.mean() - without.mean()) / error
    return float(z), float(2 * stats.norm.sf(abs(z)))


def mean_contrast(with_condition: np.ndarray, without: np.ndarray) -> tuple[float, float]:
    """Welch's t-test of means (unequal variances)."""
    from scipy import stats
    result = stats.ttest_ind(with_condition, without, equal_var=False)
    if np.isnan(result.statistic):
        return 0.0, 1.0
    return float(result.statistic), float(result.pvalue)


def first_core_item_tests(players: pl.DataFrame) -> pl.DataFrame:
    """Per champion: does its win rate depend on its first core item? (two-proportion z-tests, item vs the rest)."""
    return condition_contrasts(players, "first_core_item", "core_1", "win", proportion_contrast)


def skill_max_order_tests(players: pl.DataFrame) -> pl.DataFrame:
    """Per champion: does its DPM depend on its skill max order? (Welch t-tests, order vs the rest)."""
    return condition_contrasts(players, "skill_max_order", "max_order", "dpm", mean_contrast)


def first_objective_tests(first_objectives: pl.DataFrame) -> pl.DataFrame:
    """Objective: win rate of the team that took it first vs 50 % (exact binomial test)."""
    from scipy import stats
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
    from scipy import stats
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


def exceedance_rejections(p_values: np.ndarray, share: float = FALSE_SHARE, level: float = EXCEEDANCE_LEVEL
                          ) -> np.ndarray:
    """Which hypotheses the Lehmann–Romano step-down procedure rejects so that P(false share > `share`) ≤
    `level` (Lehmann & Romano 2005, "Generalizations of the familywise error rate", Theorem 3.1).

    With the m p-values sorted, p_(i) is compared with α_i = (⌊share·i⌋ + 1)·level / (m + ⌊share·i⌋ + 1 − i);
    hypotheses are rejected from the smallest p up to the first one above its α_i. NaN p is never rejected.
    """
    p = np.asarray(p_values, dtype=float)
    rejected = np.zeros(p.shape, dtype=bool)
    valid = np.flatnonzero(~np.isnan(p))
    m = len(valid)
    ordered = valid[np.argsort(p[valid], kind="stable")]
    allowed = np.floor(share * np.arange(1, m + 1))
    critical = (allowed + 1) * level / (m + allowed + 1 - np.arange(1, m + 1))
    above = np.flatnonzero(p[ordered] > critical)
    rejected[ordered[:above[0] if len(above) else m]] = True
    return rejected


def group_tests(players: pl.DataFrame, first_objectives: pl.DataFrame) -> pl.DataFrame:
    """The four families of tests on one queue and patch's games."""
    return pl.concat([first_core_item_tests(players), skill_max_order_tests(players),
                      first_objective_tests(first_objectives), vision_deaths_tests(players)])


def pattern_tests(players: pl.DataFrame, first_objectives: pl.DataFrame, games: pl.DataFrame) -> pl.DataFrame:
    """Every test of the four families within each queue and patch (counted games; objectives and vision on
    Summoner's Rift) with at least `MIN_GAMES` games each side, before any correction."""
    players = counted(players)
    rift = counted(games, summoners_rift=True).select("match_id", *GROUP)
    teams = first_objectives.join(rift, on="match_id")
    parts = []
    for key, group in players.partition_by(*GROUP, as_dict=True).items():
        where = dict(zip(GROUP, key, strict=True))
        rift_vision = pl.when(pl.col("summoners_rift")).then(pl.col("vision_per_min")).alias("vision_per_min")
        tests = group_tests(group.with_columns(rift_vision), teams.filter(**where))
        parts.append(tests.select(*[pl.lit(v, dtype=pl.String).alias(k) for k, v in where.items()], pl.all()))
    tests = (pl.concat(parts) if parts else pl.DataFrame(schema={"queue": pl.String, "patch": pl.String,
                                                                  **PATTERNS_SCHEMA}))
    return tests.filter((pl.col("n") >= MIN_GAMES) & (pl.col("n_baseline") >= MIN_GAMES)).fill_nan(None)


def judged(tests: pl.DataFrame) -> pl.DataFrame:
    """`pattern_tests` with each test's Benjamini–Hochberg q-value and whether the false-share exceedance procedure
    rejects it, both over all the tests together."""
    p_values = tests["p_value"].fill_null(np.nan).to_numpy()
    return tests.with_columns(pl.Series("q_value", benjamini_hochberg(p_values), dtype=pl.Float64),
                              pl.Series("rejected", exceedance_rejections(p_values), dtype=pl.Boolean)).fill_nan(None)


def all_tests(players: pl.DataFrame, first_objectives: pl.DataFrame, games: pl.DataFrame) -> pl.DataFrame:
    """Every test (`pattern_tests`), `judged` together."""
    return judged(pattern_tests(players, first_objectives, games))


def patterns_found(tests: pl.DataFrame) -> pl.DataFrame:
    """The `discovered_patterns` among `pattern_tests` of every queue and patch."""
    return (judged(tests).filter(pl.col("rejected") & (pl.col("q_value") < Q_THRESHOLD))
            .drop("rejected").with_columns(pl.lit(MIN_GAMES, dtype=pl.Int64).alias("min_games"))
            .sort("q_value", *GROUP, "pattern_type", "subject", "condition"))


def discovered_patterns(players: pl.DataFrame, first_objectives: pl.DataFrame, games: pl.DataFrame) -> pl.DataFrame:
    """Patterns that hold: one row per (queue, patch, pattern_type, subject, condition) rejected by the
    false-share exceedance procedure, with q < `Q_THRESHOLD` and at least `MIN_GAMES` games each side;
    effect = value with the condition − baseline (for `vision_deaths`, the slope), with n, p and q.

    Four families of two-sided tests (`group_tests`): a champion's win rate by first core item, its DPM by
    skill max order, the win rate of the team taking an objective first against 50 %, and per position the
    slope of deaths per 10 minutes on vision per minute. Benjamini–Hochberg bounds only the *expected* share
    of false patterns, so a pattern must also be rejected by `exceedance_rejections`; both run over every
    test made (`all_tests`), whatever its outcome."""
    return patterns_found(pattern_tests(players, first_objectives, games))
