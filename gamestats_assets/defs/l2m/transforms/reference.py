"""Small committed reference tables of the L2M domain (`data/reference/l2m`)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

REFERENCE_DIR = Path(__file__).resolve().parents[4] / "data" / "reference" / "l2m"

KNOWN_COUNTRIES = ("TH", "VN", "ID", "PH", "SG", "MY")
OTHER_COUNTRY = "Other"


def currency_rates(path: Path = REFERENCE_DIR / "currency_rates.csv") -> pl.DataFrame:
    """currency (ISO 4217 code) → usd_per_unit: the USD value of one unit of the currency."""
    return pl.read_csv(path, schema={"currency": pl.Utf8, "usd_per_unit": pl.Float64})


def items(path: Path = REFERENCE_DIR / "items.csv") -> pl.DataFrame:
    """The 51 key progression items: item_id, item_name, item_group."""
    return pl.read_csv(path, schema={"item_id": pl.Int64, "item_name": pl.Utf8, "item_group": pl.Utf8})


def country_group(code: pl.Expr) -> pl.Expr:
    """The reporting country: the code when it is one of `KNOWN_COUNTRIES`, else 'Other' (also for null)."""
    return pl.when(code.is_in(KNOWN_COUNTRIES)).then(code).otherwise(pl.lit(OTHER_COUNTRY))
