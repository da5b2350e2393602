"""Wilson intervals agree with statsmodels and stay inside [0, 1], with (0, 1) for no trials; Newcombe's interval
and the normal test's p as expressions agree with their plain-number definitions."""

import math

import polars as pl
import pytest
from statsmodels.stats.proportion import proportion_confint

from gamestats_assets.lib.core.stats import newcombe_bounds, newcombe_interval, two_sided_p, with_wilson


def test_wilson_interval_matches_statsmodels():
    frame = pl.DataFrame({"hits": [13, 0, 50, 0], "n": [28, 40, 50, 0]})
    bounds = with_wilson(frame, "hits", "n", "rate")
    for hits, n, low, high in bounds.iter_rows():
        expected = proportion_confint(hits, n, method="wilson") if n else (0.0, 1.0)
        assert (low, high) == pytest.approx(expected, abs=1e-12)


def test_newcombe_interval_and_two_sided_p_as_expressions_match_the_plain_numbers():
    frame = pl.DataFrame({"w1": [13, 0, 50, 31], "n1": [28, 40, 50, 60], "w2": [200, 7, 12, 30],
                          "n2": [410, 30, 30, 60], "difference": [0.4, -1.0, 0.0, 2.5], "error": [0.2, 0.5, 0.0, float("nan")]})
    low, high = newcombe_interval(*(pl.col(name).cast(pl.Float64) for name in ("w1", "n1", "w2", "n2")))
    rows = frame.with_columns(low.alias("low"), high.alias("high"),
                              two_sided_p(pl.col("difference"), pl.col("error")).alias("p")).iter_rows(named=True)
    for row in rows:
        assert (row["low"], row["high"]) == pytest.approx(newcombe_bounds(row["w1"], row["n1"], row["w2"], row["n2"]),
                                                          abs=1e-12)
        tested = row["error"] > 0 and not math.isnan(row["error"])
        expected = math.erfc(abs(row["difference"] / row["error"]) / math.sqrt(2)) if tested else 1.0
        assert row["p"] == pytest.approx(expected, abs=1e-15)
