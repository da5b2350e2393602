"""Every LoL finding's statistics are published with its table, as the findings API computed them from the rows at
request time: on the planted days, each table's effect interval, p, Benjamini–Hochberg q over the family the page
tests together, `significant` and `measure` equal what scipy and statsmodels make from the published rows
independently (exact binomial and two-proportion tests, Wilson, Newcombe, Fisher and Wald intervals, a p from a
normal interval)."""

from __future__ import annotations

import math

import polars as pl
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest

Z = stats.norm.ppf(0.975)
MEASURES = {"first_core_item": "win_rate", "skill_max_order": "dpm", "first_objective": "win_rate",
            "vision_deaths": "deaths_per_10"}
"""The measure each family of discovered patterns counts."""


def bh(p_values: list[float]) -> list[float]:
    return list(multipletests(p_values, method="fdr_bh")[1]) if p_values else []


def close(value: float | None, expected: float, rel: float = 1e-9) -> bool:
    return value is not None and value == pytest.approx(expected, rel=rel, abs=1e-12)


def rows_of(planted, table: str) -> list[dict]:
    rows = planted.cons[table].to_dicts()
    assert rows, f"lol.{table} has no rows on the planted days"
    return rows


def assert_flagged(rows: list[dict], measure: str | None, q: str = "q_value", flag: str = "significant") -> None:
    """`flag` exactly where `q` is below 0.05, and every row of `measure` (None: no single measure column)."""
    for row in rows:
        assert row[flag] is (row[q] is not None and row[q] < 0.05), row
        if measure is not None:
            assert row["measure"] == measure


def assert_against_half(rows: list[dict], wins: str, games: str) -> None:
    """Each row's win rate against 50 %: the Wilson interval less one half, the exact binomial p, and the q over
    every row of the table."""
    for row in rows:
        low, high = proportion_confint(row[wins], row[games], method="wilson")
        assert close(row["effect"], row[wins] / row[games] - 0.5)
        assert close(row["effect_ci_low"], low - 0.5) and close(row["effect_ci_high"], high - 0.5)
        assert close(row["p_value"], stats.binomtest(row[wins], row[games], 0.5).pvalue)
    for row, q in zip(rows, bh([row["p_value"] for row in rows]), strict=True):
        assert close(row["q_value"], q)


def test_objective_stats(planted):
    rows = rows_of(planted, "objective_stats")
    assert_against_half(rows, "wins", "games")
    assert_flagged(rows, "win_rate")


def test_objective_timing(planted):
    rows = rows_of(planted, "objective_timing")
    assert_against_half(rows, "wins", "games")
    assert_flagged(rows, "win_rate")


def test_objective_tree(planted):
    rows = rows_of(planted, "objective_tree")
    assert_against_half(rows, "blue_wins_train", "n_train")
    assert_flagged(rows, "win_rate")


def test_vision_stats(planted):
    """Each band against its role's other bands of the queue and patch, the q over every band with others."""
    rows = rows_of(planted, "vision_stats")
    totals: dict[tuple, list[int]] = {}
    for row in rows:
        total = totals.setdefault((row["queue"], row["patch"], row["team_position"]), [0, 0])
        total[0] += row["games"]
        total[1] += row["wins"]
    tested = []
    for row in rows:
        games, wins = totals[(row["queue"], row["patch"], row["team_position"])]
        rest, rest_wins = games - row["games"], wins - row["wins"]
        assert (row["other_games"], row["other_wins"]) == (rest, rest_wins)
        if rest == 0:
            assert row["p_value"] is None and row["q_value"] is None
            continue
        low, high = confint_proportions_2indep(row["wins"], row["games"], rest_wins, rest, method="newcomb",
                                               compare="diff")
        assert close(row["effect"], row["wins"] / row["games"] - rest_wins / rest)
        assert close(row["effect_ci_low"], low) and close(row["effect_ci_high"], high)
        assert close(row["p_value"], proportions_ztest([row["wins"], rest_wins], [row["games"], rest])[1])
        tested.append(row)
    assert tested
    for row, q in zip(tested, bh([row["p_value"] for row in tested]), strict=True):
        assert close(row["q_value"], q)
    assert_flagged(rows, "win_rate")


def test_item_build_stats(planted):
    """A path's KDA change: the p of its normal interval, the q over every path with one."""
    rows = rows_of(planted, "item_build_stats")
    tested = [row for row in rows if row["kda_vs_others"] is not None]
    assert tested
    for row in rows:
        if row["kda_vs_others"] is None:
            assert row["p_value"] is None and row["q_value"] is None
            continue
        error = (row["kda_vs_others_ci_high"] - row["kda_vs_others_ci_low"]) / 2 / Z
        assert close(row["p_value"], 2 * stats.norm.sf(abs(row["kda_vs_others"]) / error), rel=1e-7)
    for row, q in zip(tested, bh([row["p_value"] for row in tested]), strict=True):
        assert close(row["q_value"], q)
    assert_flagged(rows, "kda")


def test_win_model(planted):
    """Each term's Wald interval, the q over every term but the intercepts."""
    rows = rows_of(planted, "win_model")
    terms = [row for row in rows if row["term"] != "const"]
    assert terms
    for row in rows:
        assert close(row["coefficient_ci_low"], row["coefficient"] - Z * row["std_error"])
        assert close(row["coefficient_ci_high"], row["coefficient"] + Z * row["std_error"])
        if row["term"] == "const":
            assert row["q_value"] is None and row["significant"] is False
    for row, q in zip(terms, bh([row["p_value"] for row in terms]), strict=True):
        assert close(row["q_value"], q)
    assert_flagged(rows, "log_odds")


def test_correlations(planted):
    """Pearson's r with Fisher's interval; significant where its q is below 0.05."""
    rows = rows_of(planted, "correlations")
    known = [row for row in rows if row["pearson_r"] is not None]
    assert known
    for row in known:
        centre, half = math.atanh(row["pearson_r"]), Z / math.sqrt(row["n"] - 3)
        assert close(row["pearson_ci_low"], math.tanh(centre - half), rel=1e-7)
        assert close(row["pearson_ci_high"], math.tanh(centre + half), rel=1e-7)
    assert_flagged(rows, "pearson_r", q="pearson_q")


def test_tables_that_published_q_flag_it(planted):
    """The tables whose q was already published: flagged exactly where it is below 0.05, with their measure."""
    assert_flagged(rows_of(planted, "dragon_vs_herald"), "win_rate")
    assert_flagged(rows_of(planted, "coordination_outcomes"), "win_rate")
    ngrams = rows_of(planted, "skill_ngrams")
    assert_flagged(ngrams, None)
    assert_flagged(ngrams, None, q="dpm_q_value", flag="dpm_significant")
    patterns = rows_of(planted, "discovered_patterns")
    assert_flagged(patterns, None)
    assert all(row["measure"] == MEASURES[row["pattern_type"]] for row in patterns)
    assert {row["measure"] for row in patterns} - {"win_rate"}, "the planted patterns hold effects other than win rates"


def test_no_finding_is_flagged_above_the_threshold(planted):
    """What the findings page may call significant: no row of any table above q 0.05 is flagged."""
    for name, frame in planted.cons.items():
        if "significant" in frame.columns and "q_value" in frame.columns:
            assert frame.filter(pl.col("significant") & ~(pl.col("q_value") < 0.05)).is_empty(), name
