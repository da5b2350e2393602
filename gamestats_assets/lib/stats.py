"""Honest statistics: every rate with its sample size and a confidence interval."""

import math

import polars as pl

Z_95 = 1.959963984540054


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a binomial proportion; (0, 1) when there are no trials."""
    if trials == 0:
        return 0.0, 1.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def with_wilson(frame: pl.DataFrame, successes: str, trials: str, prefix: str) -> pl.DataFrame:
    """``frame`` plus ``<prefix>_ci_low`` and ``<prefix>_ci_high``: the 95 % Wilson interval of successes/trials."""
    bounds = [wilson_interval(int(s or 0), int(n or 0)) for s, n in zip(frame[successes], frame[trials], strict=True)]
    return frame.with_columns(
        pl.Series(f"{prefix}_ci_low", [b[0] for b in bounds], dtype=pl.Float64),
        pl.Series(f"{prefix}_ci_high", [b[1] for b in bounds], dtype=pl.Float64),
    )
