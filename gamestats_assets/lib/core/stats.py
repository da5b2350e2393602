"""Honest statistics: every rate with its sample size and a confidence interval."""

from dataclasses import dataclass

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


def wilson_bounds(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of `successes / trials` for plain numbers (see `wilson_interval`)."""
    if trials <= 0:
        return 0.0, 1.0
    p = successes / trials
    denominator = 1 + z**2 / trials
    centre = p + z**2 / (2 * trials)
    half = z * (p * (1 - p) / trials + z**2 / (4 * trials**2)) ** 0.5
    return max(0.0, (centre - half) / denominator), min(1.0, (centre + half) / denominator)


MEETS, BELOW, UNDECIDED = "meets", "below", "undecided"


@dataclass(frozen=True)
class RateAgainstFloor:
    """A rate found on planted truth (recall, precision), `successes` of `trials`, judged against the `floor` it
    must reach by its 95 % Wilson interval: `meets` when the whole interval is at or above the floor, `below`
    when the whole interval is under it (the evidence says the rate falls short), `undecided` when the interval
    holds the floor (the sample is too small to say either)."""

    name: str
    successes: int
    trials: int
    floor: float

    @property
    def judgement(self) -> str:
        low, high = wilson_bounds(self.successes, self.trials)
        if self.trials and high < self.floor:
            return BELOW
        return MEETS if self.trials and low >= self.floor else UNDECIDED

    def metadata(self) -> dict[str, float | int | str | None]:
        """The rate with its n, interval, floor and judgement, each under `<name>_…`."""
        low, high = wilson_bounds(self.successes, self.trials)
        return {f"{self.name}": round(self.successes / self.trials, 4) if self.trials else None,
                f"{self.name}_n": self.trials, f"{self.name}_ci_low": round(low, 4),
                f"{self.name}_ci_high": round(high, 4), f"{self.name}_floor": self.floor,
                f"{self.name}_judgement": self.judgement}
