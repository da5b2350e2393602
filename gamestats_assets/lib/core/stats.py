"""Honest statistics: every rate with its sample size and a confidence interval."""

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

Z_95 = 1.959963984540054


def wilson_interval(successes: pl.Expr, trials: pl.Expr, z: float = Z_95) -> tuple[pl.Expr, pl.Expr]:
    """The Wilson score interval of the proportion `successes / trials` (95 % by default):
    `(centre ± half) / (1 + z²/n)` with `centre = p + z²/(2n)` and `half = z·sqrt(p(1-p)/n + z²/(4n²))`;
    (0, 1) where there are no trials. The interval holds `p`, also where rounding would put a bound a hair past it
    (0 of n)."""
    p = successes / trials
    denominator = 1 + z**2 / trials
    centre = p + z**2 / (2 * trials)
    half = z * (p * (1 - p) / trials + z**2 / (4 * trials**2)).sqrt()
    low = pl.when(trials > 0).then(((centre - half) / denominator).clip(0.0, p)).otherwise(0.0)
    high = pl.when(trials > 0).then(((centre + half) / denominator).clip(p, 1.0)).otherwise(1.0)
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
    return max(0.0, min(p, (centre - half) / denominator)), min(1.0, max(p, (centre + half) / denominator))


def fewest_to_decide(floor: float, z: float = Z_95) -> int:
    """The fewest cases of which all found puts a rate's Wilson lower bound at or above `floor`: for n of n the
    bound is n / (n + z²), so n ≥ z²·floor / (1 − floor) (35 for a floor of 0.9, 73 for 0.95)."""
    n = max(1, math.ceil(z**2 * floor / (1 - floor) - 1e-9))
    while wilson_bounds(n, n, z)[0] < floor:
        n += 1
    return n


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


ONE_SD_COVERAGE = (0.15865525393145707, 0.8413447460685429)
"""The quantiles a normal's mean ± one standard deviation falls on: Φ(−1) and Φ(1)."""


def spread_band(mean: float | None, sd: float | None, upper: float | None = None) -> tuple[float, float] | None:
    """Where the middle 68 % of a non-negative quantity with this `mean` and `sd` lies, within its support
    `[0, upper]` (`upper` None: unbounded): the `ONE_SD_COVERAGE` quantiles of the distribution of that support
    with the same mean and variance — a gamma on `[0, ∞)`, a beta scaled to `[0, upper]`. It is mean ± sd where
    the quantity lies far from its bounds, and never leaves the support where mean − sd would fall below zero
    (a count whose mean is under its spread). None without a spread; a point where there is none or the mean sits
    on a bound; the whole support where the variance is as large as the support allows."""
    if mean is None or sd is None or math.isnan(sd):
        return None
    from scipy.special import betaincinv, gammaincinv

    if sd == 0 or mean <= 0 or (upper is not None and mean >= upper):
        point = min(max(mean, 0.0), upper) if upper is not None else max(mean, 0.0)
        return point, point
    if upper is None:
        shape, scale = (mean / sd) ** 2, sd**2 / mean
        return tuple(float(scale * gammaincinv(shape, q)) for q in ONE_SD_COVERAGE)
    share, variance = mean / upper, (sd / upper) ** 2
    if variance >= share * (1 - share):
        return 0.0, float(upper)
    common = share * (1 - share) / variance - 1
    return tuple(float(upper * betaincinv(share * common, (1 - share) * common, q)) for q in ONE_SD_COVERAGE)


def newcombe_interval(successes1: pl.Expr, trials1: pl.Expr, successes2: pl.Expr, trials2: pl.Expr,
                      z: float = Z_95) -> tuple[pl.Expr, pl.Expr]:
    """The interval of the difference of two proportions `p1 − p2` from their Wilson intervals, as expressions
    (`newcombe_bounds` for plain numbers)."""
    p1, p2 = successes1 / trials1, successes2 / trials2
    (l1, u1), (l2, u2) = wilson_interval(successes1, trials1, z), wilson_interval(successes2, trials2, z)
    return (p1 - p2 - ((p1 - l1) ** 2 + (u2 - p2) ** 2).sqrt(),
            p1 - p2 + ((u1 - p1) ** 2 + (p2 - l2) ** 2).sqrt())


def two_sided_p(difference: pl.Expr, error: pl.Expr) -> pl.Expr:
    """The two-sided normal p of `difference` with standard error `error`, `erfc(|difference / error| / √2)`; 1 where
    the error is not positive (no spread to test against) or not a number."""
    from scipy import special

    return pl.when((error > 0) & error.is_not_nan()).then(
        (difference / error).abs().map_batches(lambda z: pl.Series(special.erfc(z.to_numpy() / math.sqrt(2))),
                                               return_dtype=pl.Float64)).otherwise(1.0)


def newcombe_bounds(successes1: int, trials1: int, successes2: int, trials2: int,
                    z: float = Z_95) -> tuple[float, float]:
    """The interval of the difference of two proportions `p1 − p2` from their Wilson intervals (Newcombe 1998,
    method 10): `p1 − p2 − √((p1 − l1)² + (u2 − p2)²)` to `p1 − p2 + √((u1 − p1)² + (p2 − l2)²)`."""
    p1, p2 = successes1 / trials1, successes2 / trials2
    (l1, u1), (l2, u2) = wilson_bounds(successes1, trials1, z), wilson_bounds(successes2, trials2, z)
    return (p1 - p2 - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
            p1 - p2 + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))


def fisher_bounds(r: float, n: int, z: float = Z_95) -> tuple[float, float]:
    """The interval of a correlation `r` on `n` pairs by Fisher's transformation: `tanh(atanh(r) ± z/√(n − 3))`
    (the whole of −1 to 1 below four pairs)."""
    if n < 4:
        return -1.0, 1.0
    centre, half = math.atanh(max(-1.0, min(1.0, r)) * (1 - 1e-15)), z / math.sqrt(n - 3)
    return math.tanh(centre - half), math.tanh(centre + half)


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg q-values: q_(i) = min over j ≥ i of p_(j)·m/j, capped at 1, never below p (which
    `p·m/m` can fall by a rounding); NaN p stays NaN."""
    p = np.asarray(p_values, dtype=float)
    q = np.full(p.shape, np.nan)
    valid = ~np.isnan(p)
    m = int(valid.sum())
    if m == 0:
        return q
    order = np.argsort(p[valid])
    ranked = p[valid][order] * m / np.arange(1, m + 1)
    adjusted = np.maximum(np.minimum.accumulate(ranked[::-1])[::-1].clip(max=1.0), p[valid][order])
    out = np.empty(m)
    out[order] = adjusted
    q[valid] = out
    return q


def binomial_p(successes: int, trials: int, rate: float = 0.5) -> float:
    """The exact two-sided binomial p of `successes` of `trials` against the rate `rate` (one in two by default)."""
    from scipy import stats
    return float(stats.binomtest(successes, trials, rate).pvalue)


def normal_p(z: float) -> float:
    """The two-sided p of a standard normal statistic `z`: `2·(1 − Φ(|z|))`."""
    from scipy import stats
    return float(2 * stats.norm.sf(abs(z)))


def proportion_test(trials1: int, successes1: float, trials2: int, successes2: float) -> tuple[float, float]:
    """The two-proportion z-test (pooled variance) of `successes1 / trials1` against `successes2 / trials2`: the
    signed statistic and its two-sided p; (0, 1) where the rates cannot differ (no spread)."""
    pooled = (successes1 + successes2) / (trials1 + trials2)
    error = math.sqrt(pooled * (1 - pooled) * (1 / trials1 + 1 / trials2))
    if error == 0:
        return 0.0, 1.0
    z = (successes1 / trials1 - successes2 / trials2) / error
    return z, normal_p(z)


def interval_p(effect: float, low: float, high: float, z: float = Z_95) -> float:
    """The two-sided p of `effect` from its normal interval `low` to `high` at `z` (its standard error the interval's
    half over `z`); 1 where the interval has no width."""
    error = (high - low) / 2 / z
    return 1.0 if error <= 0 else normal_p(effect / error)


BETTER, WORSE, NOT_DISTINGUISHABLE, UNJUDGED = "better", "worse", "not distinguishable", "unjudged"


def paired_difference(differences: np.ndarray) -> dict[str, float | int | str | None]:
    """Paired differences (a model's error less a baseline's, case by case): their `mean`, its 95 % normal interval
    (`ci_low`, `ci_high`: mean ± z·sd/√n) and `n`, and the `verdict`: `better` where the interval lies below 0,
    `worse` where it lies above, else `not distinguishable`; `unjudged`, with no interval, under two cases."""
    values = np.asarray(differences, dtype=float)
    n = len(values)
    mean = float(values.mean()) if n else None
    if n < 2:
        return {"mean": mean, "ci_low": None, "ci_high": None, "n": n, "verdict": UNJUDGED}
    half = Z_95 * float(values.std(ddof=1)) / math.sqrt(n)
    verdict = BETTER if mean + half < 0 else WORSE if mean - half > 0 else NOT_DISTINGUISHABLE
    return {"mean": mean, "ci_low": mean - half, "ci_high": mean + half, "n": n, "verdict": verdict}


def t_interval(mean: float | None, sd: float | None, n: int,
               bounds: tuple[float, float] | None = None) -> tuple[float, float] | None:
    """The 95 % Student's t interval of a mean of `n` values whose sample standard deviation is `sd`:
    `mean ± t(0.975, n − 1)·sd/√n`, cut to `bounds` when given; None under two values or without a spread."""
    if mean is None or sd is None or n < 2:
        return None
    from scipy.stats import t

    half = float(t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    low, high = mean - half, mean + half
    return (max(bounds[0], low), min(bounds[1], high)) if bounds else (low, high)


def against_band(mean: float | None, games: int, total: float, m2: float, band_games: int, band_total: float,
                 band_m2: float, upper: float | None = None) -> dict[str, float | int | None]:
    """A player's `mean` of a quantity against the other players of their band. The band's figures (`band_games`
    values summing to `band_total`, `band_m2` squared deviations from their mean) hold the player's own `games`
    values (summing to `total`, `m2`), which are taken out by Chan's pairwise update run backwards: the others'
    mean, sample standard deviation and count (`peer_mean`, `peer_sd`, `peer_games`) as `avg`, `stddev_samp` and
    `count` over their values give them; where the middle 68 % of the others' values lie (`band_low`, `band_high`:
    `spread_band` on `[0, upper]`); and the player's `z` against them, in their standard deviations."""
    rest = band_games - games
    peer_mean = peer_sd = None
    if rest > 0:
        peer_mean = (band_total - total) / rest
    if rest > 1:
        own = total / games if games else 0.0
        spread = band_m2 - m2 - (own - peer_mean) ** 2 * games * rest / band_games
        peer_sd = math.sqrt(max(spread, 0.0) / (rest - 1))
    low, high = spread_band(peer_mean, peer_sd, upper) or (None, None)
    return {"peer_mean": peer_mean, "peer_sd": peer_sd, "peer_games": max(rest, 0), "band_low": low,
            "band_high": high, "z": (mean - peer_mean) / peer_sd if peer_sd and mean is not None else None}
