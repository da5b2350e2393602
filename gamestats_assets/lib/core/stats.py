"""Honest statistics: every rate with its sample size and a confidence interval."""

import polars as pl

Z_95 = 1.959963984540054


def wilson_interval(successes: pl.Expr, trials: pl.Expr, z: float = Z_95) -> tuple[pl.Expr, pl.Expr]:
    """The Wilson score interval of the proportion `successes / trials` (95 % by default):
    `(centre ± half) / (1 + z²/n)` with `centre = p + z²/(2n)` and `half = z·sqrt(p(1-p)/n + z²/(4n²))`;
    (0, 1) where there are no trials."""
    p = successes / trials
    denominator = 1 + z**2 / trials
    centre = p + z**2 / (2 * trials)
    half = z * (p * (1 - p) / trials + z**2 / (4 * trials**2)).sqrt()
    low = pl.when(trials > 0).then(((centre - half) / denominator).clip(0.0, 1.0)).otherwise(0.0)
    high = pl.when(trials > 0).then(((centre + half) / denominator).clip(0.0, 1.0)).otherwise(1.0)
    return low, high


def with_wilson(frame: pl.DataFrame, successes: str, trials: str, prefix: str) -> pl.DataFrame:
    """`frame` plus `<prefix>_ci_low` and `<prefix>_ci_high`: the 95 % Wilson interval of successes/trials."""
    low, high = wilson_interval(pl.col(successes).cast(pl.Float64), pl.col(trials).cast(pl.Float64))
    return frame.with_columns(low.alias(f"{prefix}_ci_low"), high.alias(f"{prefix}_ci_high"))
