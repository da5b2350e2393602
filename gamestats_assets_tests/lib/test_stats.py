"""Wilson intervals agree with statsmodels and stay inside [0, 1], with (0, 1) for no trials."""

import polars as pl
import pytest
from statsmodels.stats.proportion import proportion_confint

from gamestats_assets.lib.core.stats import with_wilson


def test_wilson_interval_matches_statsmodels():
    frame = pl.DataFrame({"hits": [13, 0, 50, 0], "n": [28, 40, 50, 0]})
    bounds = with_wilson(frame, "hits", "n", "rate")
    for hits, n, low, high in bounds.iter_rows():
        expected = proportion_confint(hits, n, method="wilson") if n else (0.0, 1.0)
        assert (low, high) == pytest.approx(expected, abs=1e-12)
