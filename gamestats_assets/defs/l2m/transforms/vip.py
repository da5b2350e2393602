"""VIP tiers from a user's cumulative revenue.

Cumulative revenue is measured in units of 26 000 USD (`VIP_UNIT_USD`): `vip_units = cumulative_revenue_usd
/ 26 000`. Tiers, lower bound included, upper bound excluded:

| tier | vip_units        | cumulative revenue (USD) |
|------|------------------|--------------------------|
| Free | 0 (never paid)   | 0                        |
| A    | (0, 0.01)        | (0, 260)                 |
| B    | [0.01, 0.05)     | [260, 1 300)             |
| C    | [0.05, 0.10)     | [1 300, 2 600)           |
| D    | [0.10, 0.25)     | [2 600, 6 500)           |
| E    | [0.25, 0.50)     | [6 500, 13 000)          |
| F    | [0.50, 1.00)     | [13 000, 26 000)         |
| G    | [1.00, ∞)        | [26 000, ∞)              |
"""

from __future__ import annotations

import polars as pl

VIP_UNIT_USD = 26_000.0
FREE_TIER = "Free"
TIER_LOWER_BOUNDS = (("G", 1.00), ("F", 0.50), ("E", 0.25), ("D", 0.10), ("C", 0.05), ("B", 0.01))
TIERS = (FREE_TIER, "A", "B", "C", "D", "E", "F", "G")


def vip_tier(cumulative_revenue_usd: pl.Expr) -> pl.Expr:
    """The VIP tier (Free, A-G) of a cumulative revenue in USD; null revenue counts as never paid."""
    units = cumulative_revenue_usd.fill_null(0.0) / VIP_UNIT_USD
    tier = pl.when(units <= 0).then(pl.lit(FREE_TIER))
    for name, lower in TIER_LOWER_BOUNDS:
        tier = tier.when(units >= lower).then(pl.lit(name))
    return tier.otherwise(pl.lit("A"))
