"""Why games are won: correlations between player variables (`correlations`), and how patterns are judged to
survive multiple testing (`patterns_found`; the tests themselves are made from exact sums in `pattern_sums`), over
counted games, tested within one queue and patch.

scipy is imported by the functions that use it, so loading the code location does not load it."""

from __future__ import annotations

import numpy as np
import polars as pl

from gamestats_assets.defs.lol.transforms.cons import counted
from gamestats_assets.defs.lol.transforms.tested import PATTERN_MEASURES, PEARSON_R, as_findings
from gamestats_assets.lib.core.stats import benjamini_hochberg, fisher_bounds
from gamestats_assets.published.lol import MIN_GAMES, Q_THRESHOLD

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
                   "effect": pl.Float64, "effect_ci_low": pl.Float64, "effect_ci_high": pl.Float64,
                   "value_with": pl.Float64, "baseline": pl.Float64, "n": pl.Int64,
                   "n_baseline": pl.Int64, "p_value": pl.Float64}


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
FINDING = ("pearson_ci_low", "pearson_ci_high", "significant", "measure")
"""The columns of a correlation's finding after its q."""


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
    bounds = [(None, None) if r is None or n is None else fisher_bounds(r, n)
              for r, n in table.select("pearson_r", "n").iter_rows()]
    table = table.with_columns(
        *[pl.Series(f"{measure}_q", benjamini_hochberg(table[f"{measure}_p"].fill_null(np.nan).to_numpy()),
                    dtype=pl.Float64) for measure in ("pearson", "spearman", "partial")],
        *[pl.Series(f"pearson_ci_{end}", [bound[i] for bound in bounds], dtype=pl.Float64)
          for i, end in enumerate(("low", "high"))],
    ).fill_nan(None)
    return as_findings(table, PEARSON_R, q="pearson_q").select(*CORRELATIONS_SCHEMA, *FINDING).sort(
        "queue", "patch", "team_position", "variable_x", "variable_y")


def correlations(players: pl.DataFrame) -> pl.DataFrame:
    """Pairs of `CORRELATION_VARIABLES` per queue, patch and position: one row per (queue, patch,
    team_position, variable_x, variable_y), one player of one counted game per observation.

    A pair where one variable is computed from the other (`COMPUTED_FROM`: a count and its per-minute or
    per-10 rate, a ratio and its parts) is not tested. Pearson and Spearman r with their two-sided p, and
    `partial_r`: Pearson's r controlling for game length (null for pairs with `minutes`), p on n − 3
    degrees of freedom. n = players of the group with every variable known (`low_sample` below
    `MIN_GAMES`); Benjamini–Hochberg q over every remaining pair of the table, separately for each measure.
    A constant variable gives null r. The finding: Pearson's r with Fisher's 95 % interval (`pearson_ci_low`,
    `pearson_ci_high`), `significant` (its `pearson_q` below `Q_THRESHOLD`) and `measure` (`pearson_r`).
    """
    return with_correlation_q(correlation_tests(players))


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


def judged_together(tests: pl.DataFrame) -> pl.DataFrame:
    """Pattern tests with each test's Benjamini–Hochberg q-value and whether the false-share exceedance procedure
    rejects it, both over all the tests together."""
    p_values = tests["p_value"].fill_null(np.nan).to_numpy()
    return tests.with_columns(pl.Series("q_value", benjamini_hochberg(p_values), dtype=pl.Float64),
                              pl.Series("rejected", exceedance_rejections(p_values), dtype=pl.Boolean)).fill_nan(None)


def judged(tests: pl.DataFrame) -> pl.DataFrame:
    """Pattern tests (`pattern_sums.each_test`) judged together within each slice of ranked tiers (`tier`): the
    family of a test is every test of its slice, of every queue, patch, family, subject and role."""
    parts = [judged_together(part) for part in tests.partition_by("tier", maintain_order=True)]
    return pl.concat(parts) if parts else judged_together(tests)


def patterns_found(tests: pl.DataFrame) -> pl.DataFrame:
    """The discovered patterns (`pattern_sums.discovered_patterns`) among the tests of every queue, patch and slice
    of ranked tiers, each `significant` and with the `measure` its family's effect counts (`PATTERN_MEASURES`)."""
    found = judged(tests).filter(pl.col("rejected") & (pl.col("q_value") < Q_THRESHOLD))
    return (as_findings(found, pl.col("pattern_type").replace_strict(PATTERN_MEASURES, return_dtype=pl.String))
            .drop("rejected").with_columns(pl.lit(MIN_GAMES, dtype=pl.Int64).alias("min_games"))
            .sort("tier", "q_value", *GROUP, "pattern_type", "subject", "role", "condition"))
