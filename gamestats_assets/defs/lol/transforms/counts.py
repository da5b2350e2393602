"""What the statistics kept as exact counts share (`lib/refresh/joined.py`).

Ranked tiers are a dimension of most of them: a statistic by tier is given for every slice of the games the sites
let a player pick — `all` of them, each single tier (`iron` ... `challenger`, by the game's tier, `std/game_tiers`)
and the "X and above" bands (`platinum_plus` ... `master_plus`) — each row naming its slice in `tier`; a game no
ranked player played is in `all` only. Each game's rows carry its tier, the state sums per single tier, and the
finish sums the tiers of each slice before the rates. A mean is kept as the count, scaled sum and sum of squares of
its values, each value to the nearest millionth, summed exactly."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction

import polars as pl

from gamestats_assets.lib.core.stats import Z_95
from gamestats_assets.lib.refresh.fold import EXACT
from gamestats_assets.sources.riot.league import ALL, BANDS, TIERS

SCALE = 10**6
"""The fixed point of the values a mean sums."""


def with_tier(rows: pl.DataFrame, tiers: pl.DataFrame | None) -> pl.DataFrame:
    """`rows` (with `match_id`) with their game's ranked tier (`std/game_tiers`; null when no player is ranked, and
    for every game without `tiers`)."""
    if tiers is None:
        return rows.with_columns(pl.lit(None, pl.String).alias("tier"))
    return rows.join(tiers.select("match_id", "tier"), on="match_id", how="left")


def moments(column: str, where: pl.Expr = pl.lit(True)) -> dict[str, pl.Expr]:
    """The terms of the mean of `column` over the rows `where` holds: `<column>_n`, `_scaled`, `_squares`."""
    scaled = pl.when(where).then((pl.col(column) * SCALE).round().cast(pl.Int64))
    return {f"{column}_n": (where & pl.col(column).is_not_null()).cast(pl.Int64),
            f"{column}_scaled": scaled.cast(EXACT), f"{column}_squares": (scaled.cast(pl.Int128) ** 2).cast(EXACT)}


def tier_slices(state: pl.DataFrame) -> pl.DataFrame:
    """The state's rows once for every slice of ranked tiers their games are in (`tier`: `all`, the tier in lower
    case, each "and above" band it reaches)."""
    rank = pl.col("tier").replace_strict({tier: index for index, tier in enumerate(TIERS)}, default=None,
                                          return_dtype=pl.Int64)
    return pl.concat([state.with_columns(pl.lit(ALL).alias("tier")),
                      state.filter(pl.col("tier").is_not_null()).with_columns(pl.col("tier").str.to_lowercase()),
                      *(state.filter(rank >= TIERS.index(band)).with_columns(pl.lit(f"{band.lower()}_plus")
                                                                              .alias("tier")) for band in BANDS)])


def by_slice(state: pl.DataFrame, keys: Sequence[str], named: Sequence[str] = ()) -> pl.DataFrame:
    """The state summed per `keys` (`tier` among them: the slice) over every slice of tiers, each `named` column
    its first known value; the counts as Int64."""
    terms = [name for name in state.columns if name not in (*keys, *named)]
    return tier_slices(state).group_by(keys).agg(*(pl.col(name).drop_nulls().first() for name in named),
                                                 pl.col(terms).sum()).with_columns(
        pl.col(name).cast(pl.Int64) for name in terms if not name.endswith(("_scaled", "_squares")))


def interval(n: int, scaled: int, squares: int) -> tuple[float | None, float | None, float | None]:
    """The mean of `n` values of the given scaled sum and sum of squares, and its 95 % normal interval (null below
    two values), from the exact sums."""
    if n == 0:
        return None, None, None
    mean = float(Fraction(scaled, n * SCALE))
    if n < 2:
        return mean, None, None
    half = Z_95 * math.sqrt(float(Fraction(n * squares - scaled * scaled, n * (n - 1) * SCALE * SCALE))) / math.sqrt(n)
    return mean, mean - half, mean + half


def with_mean(frame: pl.DataFrame, column: str, prefix: str) -> pl.DataFrame:
    """`frame` with `<prefix>_mean`, `_ci_low` and `_ci_high` of `column` in place of its sums (`moments`)."""
    sums = [f"{column}_n", f"{column}_scaled", f"{column}_squares"]
    means = pl.DataFrame([interval(int(n), int(s), int(q)) for n, s, q in frame.select(sums).iter_rows()],
                         schema={f"{prefix}_{part}": pl.Float64 for part in ("mean", "ci_low", "ci_high")},
                         orient="row")
    return pl.concat([frame.drop(sums), means], how="horizontal")


def per_tier(step: Callable[[pl.DataFrame], pl.DataFrame]) -> Callable[[pl.DataFrame], pl.DataFrame]:
    """A step over a table's rows taken within each slice of tiers, `tier` kept the last column."""

    def tiered(frame: pl.DataFrame) -> pl.DataFrame:
        parts = [step(part).select(pl.exclude("tier"), "tier") for part in frame.partition_by("tier",
                                                                                                maintain_order=True)]
        return pl.concat(parts, how="vertical_relaxed") if parts else step(frame.drop("tier")).with_columns(
            pl.lit(None, dtype=pl.String).alias("tier"))

    return tiered
