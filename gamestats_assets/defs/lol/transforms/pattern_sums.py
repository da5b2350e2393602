"""The pattern tests (`patterns.discovered_patterns`) from exact sums kept game by game (`PATTERNS`, a joined fold):
every test of the four families is a function of counts, sums, sums of squares and cross products, so the state
holds those per queue, patch, ranked tier, family, subject, role and condition; the finish sums the tiers of each
slice of ranked tiers (`counts.tier_slices`), makes the tests from them, then judges the tests of each slice together
(`patterns.patterns_found`). Each value counts to the nearest billionth (`SCALE`)."""

from __future__ import annotations

import math
from decimal import Decimal

import polars as pl

from gamestats_assets.defs.lol.transforms.cons import GROUP, counted
from gamestats_assets.defs.lol.transforms.counts import tier_slices, with_tier
from gamestats_assets.defs.lol.transforms.patterns import PATTERNS_SCHEMA, patterns_found
from gamestats_assets.lib.core.stats import binomial_p, newcombe_bounds, proportion_test, wilson_bounds
from gamestats_assets.lib.refresh.fold import EXACT, Fold
from gamestats_assets.lib.refresh.joined import JoinedFold
from gamestats_assets.published.lol import MIN_GAMES
from gamestats_assets.sources.riot.compound import OBJECTIVES

KEYS = (*GROUP, "tier", "pattern_type", "subject", "role", "condition")
ROWS = {**{name: pl.String for name in KEYS}, "x": pl.Float64, "y": pl.Float64}
"""The rows folded: one observation of a test family (`pattern_type`) for a subject in a role under a condition, in
a game of a ranked tier (null: no ranked player), its value `y` (a win as 1 or 0, a DPM, deaths per 10 minutes)
and, for a slope, `x` (vision score per minute)."""
TEST = ("queue", "patch", "tier", "pattern_type", "subject", "role")
"""What one test is of: a champion in a role, the team, or a role, within a queue, patch and slice of tiers."""
NO_ROLE = ""
"""The role of a team's test, and of a champion's in a queue without positions."""
SCALE = 10**9
"""The fixed point of the values summed: a slope and its test are sensitive to each value's last digits, so each
counts to the nearest billionth (a sum of squared scaled DPM stays within `Decimal(38, 0)` over 10¹³ games)."""


def pattern_rows(players: pl.DataFrame, first_objectives: pl.DataFrame, games: pl.DataFrame,
                 tiers: pl.DataFrame | None = None) -> pl.DataFrame:
    """The observations of every family in counted games, with the game's ranked tier (`std/game_tiers`; null
    without `tiers`): a champion's win in its role under its first core item, its DPM in its role under its skill
    max order, the win of the team that took an objective first (Summoner's Rift), and a position's deaths per 10
    minutes against its vision score per minute (Summoner's Rift)."""
    players = counted(players)
    champion = pl.col("champion_name").is_not_null()
    position = pl.col("team_position").fill_null(NO_ROLE).alias("role")
    rift = counted(games, summoners_rift=True).select("match_id", *GROUP)
    teams = first_objectives.filter(pl.col("win").is_not_null()).join(rift, on="match_id")
    parts = [
        players.filter(champion & pl.col("core_1").is_not_null() & pl.col("win").is_not_null()).select(
            "match_id", *GROUP, pl.lit("first_core_item").alias("pattern_type"),
            pl.col("champion_name").alias("subject"), position, pl.col("core_1").alias("condition"),
            pl.col("win").cast(pl.Float64).alias("y")),
        players.filter(champion & pl.col("max_order").is_not_null() & pl.col("dpm").is_not_null()).select(
            "match_id", *GROUP, pl.lit("skill_max_order").alias("pattern_type"),
            pl.col("champion_name").alias("subject"), position, pl.col("max_order").alias("condition"),
            pl.col("dpm").alias("y")),
        *(teams.filter(pl.col(f"first_{objective}")).select(
            "match_id", *GROUP, pl.lit("first_objective").alias("pattern_type"), pl.lit("team").alias("subject"),
            pl.lit(NO_ROLE).alias("role"), pl.lit(f"first {objective}").alias("condition"),
            pl.col("win").cast(pl.Float64).alias("y"))
          for objective in OBJECTIVES),
        players.filter(pl.col("summoners_rift") & pl.col("vision_score_per_min").is_not_null()
                       & pl.col("deaths_per_10").is_not_null() & pl.col("team_position").is_not_null()).select(
            "match_id", *GROUP, pl.lit("vision_deaths").alias("pattern_type"), pl.col("team_position").alias("subject"),
            pl.col("team_position").alias("role"), pl.lit("vision_score_per_min").alias("condition"),
            pl.col("vision_score_per_min").alias("x"), pl.col("deaths_per_10").alias("y")),
    ]
    rows = pl.concat(parts, how="diagonal_relaxed")
    return with_tier(rows, tiers).select(pl.col(name).cast(dtype) for name, dtype in ROWS.items())


def scaled(column: str) -> pl.Expr:
    return (pl.col(column) * SCALE).round().cast(pl.Int128)


PATTERNS_FOLD = Fold(
    ROWS, KEYS,
    {"n": pl.lit(1, pl.Int64), "sy": scaled("y").cast(EXACT), "syy": (scaled("y") ** 2).cast(EXACT),
     "sx": scaled("x").cast(EXACT), "sxx": (scaled("x") ** 2).cast(EXACT),
     "sxy": (scaled("x") * scaled("y")).cast(EXACT)},
    lambda state: patterns_found(each_test(sliced(state))), counted="n")
"""Per queue, patch, ranked tier, family, subject, role and condition: the observations and the exact sums of their
values (each to the nearest billionth), squares and cross products."""
PATTERNS = JoinedFold(PATTERNS_FOLD, pattern_rows)


def sliced(state: pl.DataFrame) -> pl.DataFrame:
    """The fold's state summed per slice of ranked tiers (`tier`: `all`, one tier, a band), its sums kept exact."""
    terms = [name for name in state.columns if name not in KEYS]
    return tier_slices(state).group_by(KEYS).agg(pl.col(terms).sum())


def moments(n: int, total: int, squares: int) -> tuple[float, float]:
    """The mean and the sample variance (0 below two values) of `n` values of the scaled sum and sum of squares."""
    mean = total / (n * SCALE)
    return mean, (n * squares - total * total) / (n * (n - 1) * SCALE * SCALE) if n > 1 else 0.0


def welch_test(n1: int, mean1: float, var1: float, n2: int, mean2: float, var2: float
               ) -> tuple[float, float, float, float]:
    """Welch's t-test of two means (unequal variances): the signed statistic, its two-sided p and the 95 % interval
    of mean1 − mean2 (Welch–Satterthwaite degrees of freedom)."""
    from scipy import stats
    error = var1 / n1 + var2 / n2
    if error <= 0:
        return 0.0, 1.0, mean1 - mean2, mean1 - mean2
    t = (mean1 - mean2) / math.sqrt(error)
    df = error**2 / ((var1 / n1) ** 2 / (n1 - 1) + (var2 / n2) ** 2 / (n2 - 1))
    half = float(stats.t.ppf(0.975, df)) * math.sqrt(error)
    return t, float(2 * stats.t.sf(abs(t), df)), mean1 - mean2 - half, mean1 - mean2 + half


def contrasts(groups: list[dict], pattern_type: str) -> dict | None:
    """One subject's test of its conditions against its other games (`patterns.condition_contrasts`) from the sums
    of each condition's observations: its most extreme comparison, p multiplied by the comparisons made."""
    total = {name: sum(group[name] for group in groups) for name in ("n", "sy", "syy")}
    results = []
    for group in groups:
        rest = {name: total[name] - group[name] for name in ("n", "sy", "syy")}
        if group["n"] < MIN_GAMES or rest["n"] < MIN_GAMES:
            continue
        (mean1, var1), (mean2, var2) = moments(group["n"], group["sy"], group["syy"]), moments(
            rest["n"], rest["sy"], rest["syy"])
        if pattern_type == "first_core_item":
            wins, rest_wins = round(group["sy"] / SCALE), round(rest["sy"] / SCALE)
            statistic, p = proportion_test(group["n"], wins, rest["n"], rest_wins)
            low, high = newcombe_bounds(wins, group["n"], rest_wins, rest["n"])
        else:
            statistic, p, low, high = welch_test(group["n"], mean1, var1, rest["n"], mean2, var2)
        results.append((group["condition"], group["n"], rest["n"], mean1, mean2, statistic, p, low, high))
    if not results:
        return None
    condition, n, n_rest, value_with, baseline, _, p, low, high = max(results,
                                                                       key=lambda r: (round(abs(r[5]), 9), r[5]))
    comparisons = 1 if len(groups) == 2 else len(results)
    return {"pattern_type": pattern_type, "subject": groups[0]["subject"], "condition": condition,
            "metric": "win_rate" if pattern_type == "first_core_item" else "dpm", "effect": value_with - baseline,
            "effect_ci_low": low, "effect_ci_high": high, "value_with": value_with, "baseline": baseline, "n": n,
            "n_baseline": n_rest, "p_value": min(1.0, p * comparisons)}


def objective_test(group: dict) -> dict:
    """The win rate of the team that took an objective first against 50 % (exact binomial test, the Wilson
    interval less one half)."""
    n, wins = group["n"], round(group["sy"] / SCALE)
    low, high = wilson_bounds(wins, n)
    return {"pattern_type": "first_objective", "subject": "team", "condition": group["condition"],
            "metric": "win_rate", "effect": wins / n - 0.5, "effect_ci_low": low - 0.5, "effect_ci_high": high - 0.5,
            "value_with": wins / n, "baseline": 0.5, "n": n, "n_baseline": n,
            "p_value": binomial_p(wins, n)}


def slope_test(group: dict) -> dict | None:
    """A position's least-squares slope of deaths per 10 minutes on vision score per minute, with its t-test and its
    95 % interval (slope ± t·√(SSE/(n−2)/Sxx)), from the sums (`scipy.stats.linregress` on the values)."""
    from scipy import stats
    n = group["n"]
    sxx = (n * group["sxx"] - group["sx"] ** 2) / SCALE**2
    syy = (n * group["syy"] - group["sy"] ** 2) / SCALE**2
    sxy = (n * group["sxy"] - group["sx"] * group["sy"]) / SCALE**2
    if n < 3 or sxx <= 0:
        return None
    r = 0.0 if syy <= 0 else max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))
    df = n - 2
    t = r * math.sqrt(df / max((1.0 - r) * (1.0 + r), 1e-20))
    slope = sxy / sxx
    half = float(stats.t.ppf(0.975, df)) * math.sqrt(max(syy - slope * sxy, 0.0) / (df * sxx))
    return {"pattern_type": "vision_deaths", "subject": group["subject"], "condition": "vision_score_per_min",
            "metric": "deaths_per_10", "effect": slope, "effect_ci_low": slope - half, "effect_ci_high": slope + half,
            "value_with": slope, "baseline": group["sy"] / (n * SCALE), "n": n, "n_baseline": n,
            "p_value": float(2 * stats.t.sf(abs(t), df))}


def each_test(state: pl.DataFrame) -> pl.DataFrame:
    """Every test of the four families within each queue, patch and slice of tiers, a champion's within each of its
    roles, with at least `MIN_GAMES` games each side, before any correction, from the fold's state summed per slice
    (`sliced`)."""
    rows = []
    for key, groups in state.sort(KEYS).group_by(*TEST, maintain_order=True):
        pattern_type = key[TEST.index("pattern_type")]
        groups = [{name: int(value) if isinstance(value, (int, Decimal)) else value for name, value in group.items()}
                  for group in groups.iter_rows(named=True)]
        if pattern_type in ("first_core_item", "skill_max_order"):
            found = [contrasts(groups, pattern_type)]
        elif pattern_type == "first_objective":
            found = [objective_test(group) for group in groups]
        else:
            found = [slope_test(group) for group in groups]
        where = dict(zip(TEST, key, strict=True))
        rows.extend({**where, **test} for test in found if test is not None)
    tests = pl.DataFrame(rows, schema={"queue": pl.String, "patch": pl.String, "tier": pl.String, "role": pl.String,
                                       **PATTERNS_SCHEMA})
    return tests.filter((pl.col("n") >= MIN_GAMES) & (pl.col("n_baseline") >= MIN_GAMES)).fill_nan(None)


def discovered_patterns(players: pl.DataFrame, first_objectives: pl.DataFrame, games: pl.DataFrame,
                        tiers: pl.DataFrame | None = None) -> pl.DataFrame:
    """Patterns that hold, by ranked tier and role: one row per (queue, patch, tier, pattern_type, subject, role,
    condition) rejected by the false-share exceedance procedure, with q < `Q_THRESHOLD` and at least `MIN_GAMES`
    games each side; effect = value with the condition − baseline (for `vision_deaths`, the slope), with its 95 %
    interval, n, p and q.

    Four families of two-sided tests (`each_test`): a champion's win rate in a role by first core item
    (two-proportion z-tests, each item against the champion's other games in the role; Newcombe's interval) and its
    DPM in a role by skill max order (Welch t-tests and intervals, likewise; a champion's row is its most extreme
    comparison, p multiplied by the comparisons made), the win rate of the team taking an objective first against
    50 % (exact binomial, Wilson's interval; no role), and per position the slope of deaths per 10 minutes on vision
    score per minute (least squares, t-test). Each test is made within one slice of ranked tiers (`tier`: all
    games, one tier, an "and above" band; without `tiers`, every game in `all` alone). Benjamini–Hochberg bounds
    only the *expected* share of false patterns, so a pattern must also be rejected by `exceedance_rejections`;
    both run over every test made in the slice, whatever its outcome (every queue, patch, family, subject and
    role). Every row is `significant`; its `measure` says what its effect counts (`win_rate` for the first core item
    and the first objective, `dpm`, `deaths_per_10`). Kept as exact sums merged game by game (`PATTERNS`)."""
    return PATTERNS(players=players, first_objectives=first_objectives, games=games, tiers=tiers)
