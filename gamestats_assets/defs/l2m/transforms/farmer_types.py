"""Farmers by type and country: the day's detected farmer accounts split into PU farmers (a payment on the day)
and non-PU farmers, per reporting country, with their revenue and diamond flows."""

from __future__ import annotations

import polars as pl

from gamestats_assets.defs.l2m.transforms import reference
from gamestats_assets.defs.l2m.transforms.etl import diamonds

PU_FARMER, NON_PU_FARMER = "PU", "non-PU"
FARMER_TYPES = (PU_FARMER, NON_PU_FARMER)
"""A farmer account is `PU` on a day it paid (`revenue_usd > 0`, the KPIs' PU), `non-PU` otherwise."""

DETECTED_COLUMNS = ("date", "user_id", "farm_key", "revenue_usd", "items_gained", "diamonds_gained")
"""The columns `l2m_farmer_types` reads of the detected farmers."""
MONEY_SPEND_COLUMNS = ("date", "user_id", "money_type", "amount")
"""The columns it reads of the money spent."""


def farmer_type() -> pl.Expr:
    """`PU` for an account with revenue on the day, else `non-PU`."""
    return pl.when(pl.col("revenue_usd") > 0).then(pl.lit(PU_FARMER)).otherwise(pl.lit(NON_PU_FARMER))


def l2m_farmer_types(detected: pl.DataFrame, active: pl.DataFrame, money_spend: pl.DataFrame) -> pl.DataFrame:
    """The day's farmer accounts per (country, farmer type): accounts, the farms they belong to, revenue in USD,
    key items and diamonds gained, diamonds spent, and the net diamond flow (gained - spent). Country is the
    account's country in l2m_active; a (country, type) without a farmer account has no row.

    Grain: (date, country_code, farmer_type). Inputs: STD farmers_detected, CONS l2m_active and ETL money_spend
    (its diamonds) of the day."""
    spent = diamonds(money_spend).group_by("user_id").agg(pl.col("amount").sum().alias("diamonds_spent"))
    return (detected.select(DETECTED_COLUMNS)
            .join(active.select("user_id", "country_code"), on="user_id", how="left")
            .join(spent, on="user_id", how="left")
            .with_columns(reference.country_group(pl.col("country_code")).alias("country_code"),
                          farmer_type().alias("farmer_type"), pl.col("diamonds_spent").fill_null(0))
            .group_by("date", "country_code", "farmer_type")
            .agg(pl.len().cast(pl.Int64).alias("accounts"), pl.col("farm_key").n_unique().cast(pl.Int64).alias("farms"),
                 pl.col("revenue_usd").sum(), pl.col("items_gained").sum().cast(pl.Int64),
                 pl.col("diamonds_gained").sum().cast(pl.Int64), pl.col("diamonds_spent").sum().cast(pl.Int64))
            .with_columns((pl.col("diamonds_gained") - pl.col("diamonds_spent")).alias("diamonds_net"))
            .sort("country_code", "farmer_type"))
