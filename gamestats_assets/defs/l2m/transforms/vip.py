"""VIP tiers from a user's cumulative revenue."""

from __future__ import annotations

import polars as pl

VIP_UNIT_USD = 26_000.0
FREE_TIER = "Free"
TIER_LOWER_BOUNDS = (("G", 1.00), ("F", 0.50), ("E", 0.25), ("D", 0.10), ("C", 0.05), ("B", 0.01))
TIERS = (FREE_TIER, "A", "B", "C", "D", "E", "F", "G")


def vip_tier(cumulative_revenue_usd: pl.Expr) -> pl.Expr:
    """The VIP tier (Free, A-G) of a cumulative revenue in USD; null revenue counts as never paid.
    With `vip_units` = revenue / `VIP_UNIT_USD`, the tier is the highest of `TIER_LOWER_BOUNDS` the units
    reach (lower bound included), `A` for a positive revenue below them all, `Free` for none."""
    units = cumulative_revenue_usd.fill_null(0.0) / VIP_UNIT_USD
    tier = pl.when(units <= 0).then(pl.lit(FREE_TIER))
    for name, lower in TIER_LOWER_BOUNDS:
        tier = tier.when(units >= lower).then(pl.lit(name))
    return tier.otherwise(pl.lit("A"))
