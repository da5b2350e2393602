"""Numbers behind the L2M asset checks: each function measures one property that must hold.

They return plain numbers (for check metadata); the threshold that passes is stated in each docstring.
"""

from __future__ import annotations

import polars as pl

from gamestats_assets.defs.l2m.transforms.farmer_types import PU_FARMER
from gamestats_assets.defs.l2m.transforms.reference import KNOWN_COUNTRIES, OTHER_COUNTRY

REVENUE_TOLERANCE_USD = 1e-6
"""Absolute tolerance, in USD, between one user's cumulative revenue and yesterday's plus today's."""

REVENUE_RELATIVE_TOLERANCE = 1e-9
"""Relative tolerance between two sums of the same day's revenue added up in different orders."""


def revenue_tolerance_usd(total_usd: float) -> float:
    """The largest gap, in USD, accepted between two sums of `total_usd` of revenue:
    `REVENUE_RELATIVE_TOLERANCE * max(1, |total_usd|)`. Floating-point sums drift with their size and order
    (ETL sums payments, CONS sums per-user subtotals), so the tolerance grows with the total."""
    return REVENUE_RELATIVE_TOLERANCE * max(1.0, abs(total_usd))


def recharge_reconciliation(etl_recharge: pl.DataFrame, cons_recharge: pl.DataFrame) -> dict[str, float]:
    """Payments and USD revenue in ETL recharge vs CONS l2m_recharge. Passes when `payment_gap` is 0 and
    `revenue_gap_usd` is at most `revenue_tolerance_usd` (`revenue_tolerance_usd` of the ETL revenue)."""
    etl_revenue = float(etl_recharge["amount_usd"].sum())
    cons_revenue = float(cons_recharge["daily_rev_usd"].sum())
    return {
        "etl_payments": etl_recharge.height,
        "cons_payments": int(cons_recharge["payments"].sum()),
        "payment_gap": etl_recharge.height - int(cons_recharge["payments"].sum()),
        "etl_revenue_usd": etl_revenue,
        "cons_revenue_usd": cons_revenue,
        "revenue_gap_usd": abs(etl_revenue - cons_revenue),
        "revenue_tolerance_usd": revenue_tolerance_usd(etl_revenue),
    }


def dau_reconciliation(std_active: pl.DataFrame, daily_kpis: pl.DataFrame) -> dict[str, int]:
    """Distinct users of STD active vs the day's DAU summed over countries and servers (a user has one
    country and one server a day). Passes when `gap` is 0."""
    users = std_active["user_id"].n_unique()
    dau = int(daily_kpis["dau"].sum())
    return {"std_active_users": users, "kpi_dau": dau, "gap": users - dau}


def duplicate_active_users(active: pl.DataFrame) -> int:
    """Rows of an active table beyond one per (date, user_id). Passes when 0."""
    return active.height - active.select("date", "user_id").n_unique()


def cumulative_revenue_violations(previous: pl.DataFrame | None, recharge: pl.DataFrame,
                                  cumulative: pl.DataFrame) -> dict[str, int]:
    """Users breaking `cumulative = previous + today`: `mismatched` (off by more than the tolerance),
    `decreasing` (below yesterday), `dropped` (in yesterday's table, missing today). Passes when all 0.

    On the first partition (`previous` None) the state before is what the day's rows hold before the day's
    revenue (`cumulative_revenue_usd - daily_rev_usd`: the opening balance, or 0), so `mismatched` counts the
    users whose day's revenue is not the recharge's or who paid and are missing."""
    before = (cumulative.select("user_id", pl.col("cumulative_revenue_usd") - pl.col("daily_rev_usd"))
              .filter(pl.col("cumulative_revenue_usd").abs() > REVENUE_TOLERANCE_USD)
              if previous is None else previous.select("user_id", "cumulative_revenue_usd"))
    expected = (before.join(recharge.select("user_id", "daily_rev_usd"), on="user_id", how="full", coalesce=True)
                .select("user_id", (pl.col("cumulative_revenue_usd").fill_null(0.0)
                                    + pl.col("daily_rev_usd").fill_null(0.0)).alias("expected")))
    compared = (expected.join(cumulative.select("user_id", "cumulative_revenue_usd"), on="user_id", how="full",
                              coalesce=True)
                .join(before.rename({"cumulative_revenue_usd": "yesterday"}), on="user_id", how="left"))
    return {
        "mismatched": compared.filter(
            ((pl.col("cumulative_revenue_usd") - pl.col("expected")).abs() > REVENUE_TOLERANCE_USD)
            | pl.col("cumulative_revenue_usd").is_null() | pl.col("expected").is_null()).height,
        "decreasing": compared.filter(pl.col("cumulative_revenue_usd") < pl.col("yesterday")).height,
        "dropped": compared.filter(pl.col("yesterday").is_not_null() & pl.col("cumulative_revenue_usd").is_null())
        .height,
    }


def unknown_country_rows(frame: pl.DataFrame) -> int:
    """Rows whose `country_code` is neither a known country nor 'Other' (null included). Passes when 0."""
    allowed = [*KNOWN_COUNTRIES, OTHER_COUNTRY]
    return frame.filter(~pl.col("country_code").is_in(allowed).fill_null(False)).height


def split_sum_gaps(split: pl.DataFrame, whole: pl.DataFrame, keys: tuple[str, ...],
                   columns: tuple[str, ...]) -> dict[str, int]:
    """How many groups of `keys` the per-server `split` and the `whole` table disagree on: one of `columns`
    summed over the split's servers differs from the whole's (a group missing on either side counts as 0 there)."""
    parts = split.group_by(*keys).agg(pl.col(c).sum().alias(f"_split_{c}") for c in columns)
    totals = whole.group_by(*keys).agg(pl.col(c).sum().alias(f"_whole_{c}") for c in columns)
    joined = parts.join(totals, on=list(keys), how="full", coalesce=True)
    differ = pl.any_horizontal(pl.col(f"_split_{c}").fill_null(0) != pl.col(f"_whole_{c}").fill_null(0) for c in columns)
    return {"groups": joined.height, "groups_disagreeing": joined.filter(differ).height}


def farmer_type_gaps(types: pl.DataFrame, performance: pl.DataFrame) -> dict[str, float]:
    """l2m_farmer_types against l2m_farmers_performance of the same day: `account_gap`, `pu_account_gap` (its PU
    accounts against the farms' paying accounts), `items_gap` and `diamonds_gap` (gained) summed over countries and
    types; `revenue_gap_usd` against `revenue_tolerance_usd`; `non_pu_rows_with_revenue`. Passes when every gap is
    0 (the revenue's within its tolerance) and no non-PU row has revenue."""
    def total(frame: pl.DataFrame, column: str) -> float:
        return frame.get_column(column).sum() or 0

    pu = types.filter(pl.col("farmer_type") == PU_FARMER)
    revenue = float(total(performance, "revenue_usd"))
    return {
        "accounts": int(total(types, "accounts")),
        "account_gap": int(total(types, "accounts") - total(performance, "accounts")),
        "pu_account_gap": int(total(pu, "accounts") - total(performance, "paying_accounts")),
        "items_gap": int(total(types, "items_gained") - total(performance, "items_gained")),
        "diamonds_gap": int(total(types, "diamonds_gained") - total(performance, "diamonds_gained")),
        "revenue_gap_usd": abs(float(total(types, "revenue_usd")) - revenue),
        "revenue_tolerance_usd": revenue_tolerance_usd(revenue),
        "non_pu_rows_with_revenue": types.filter((pl.col("farmer_type") != PU_FARMER)
                                                 & (pl.col("revenue_usd") != 0)).height,
    }
