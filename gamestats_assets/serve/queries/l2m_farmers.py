"""Lineage 2M's farmer types and lifetime totals for the KPI board: the farmer accounts of a date range split into
`PU` and `non-PU` farmers, in all and by country (`l2m.l2m_farmer_types`, one row per date, country and type),
and the lifetime totals of the range's last published day with the day the cumulative figures count from
(`l2m.l2m_lifetime_totals`, one row per date)."""

from __future__ import annotations

import datetime as dt

import psycopg

from gamestats_assets.published.l2m import COLUMNS
from gamestats_assets.serve.core.models import field, row, shape
from gamestats_assets.serve.queries import query

FARMER_TYPES, LIFETIME = "l2m.l2m_farmer_types", "l2m.l2m_lifetime_totals"
SUMS = ("revenue_usd", "items_gained", "diamonds_gained", "diamonds_spent", "diamonds_net")
"""The columns of `FARMER_TYPES` that add up over days and countries."""

FLOWS = {name: field(float if name == "revenue_usd" else int, f"the range's sum of `{name}`") for name in SUMS}
FarmerType = shape(
    "L2mFarmerType", "The farmer accounts of one type (and country) over a date range",
    farmer_type=field(str, "`PU` (farmer accounts with a payment on the day) or `non-PU`"),
    country_code=field(str | None, "the accounts' country (null in the totals over every country)"),
    days=field(int, "the days with such accounts"),
    account_days=field(int, "the sum over days of the accounts detected on the day"),
    mean_accounts=field(float, "account_days / days"),
    max_farms=field(int, "the most farms those accounts belonged to on one day"), **FLOWS)
FarmerTypes = shape("L2mFarmerTypes", "The range's farmer accounts by type, in all and by country",
                    types=field(list[FarmerType], "each type over every country: `PU`, then `non-PU`"),
                    countries=field(list[FarmerType], "each country and type, most account-days first"))
Lifetime = row("L2mLifetimeTotals", COLUMNS["l2m_lifetime_totals"],
               doc="The lifetime totals of a day, with the day the cumulative figures count payments from")


def totals(by_country: bool) -> str:
    """The statement of the range's farmer types, one row per type (and country when `by_country`)."""
    country = "country_code" if by_country else "NULL::text"
    group = "farmer_type, country_code" if by_country else "farmer_type"
    sums = ", ".join(f"coalesce(sum({c}), 0)::{'float8' if c == 'revenue_usd' else 'bigint'} AS {c}" for c in SUMS)
    return (f"SELECT farmer_type, {country} AS country_code, count(DISTINCT date) AS days, "
            "sum(accounts)::bigint AS account_days, max(farms)::bigint AS max_farms, "
            f"sum(accounts)::float8 / count(DISTINCT date) AS mean_accounts, {sums} FROM {FARMER_TYPES} "
            "WHERE date BETWEEN %(date_from)s AND %(date_to)s "
            "AND (%(country_code)s::text IS NULL OR country_code = %(country_code)s) "
            f"GROUP BY {group}")


@query(FARMER_TYPES, returns=FarmerTypes)
def farmer_types(conn: psycopg.Connection, date_from: dt.date, date_to: dt.date, country_code: str | None) -> dict:
    """The farmer accounts of `date_from`–`date_to` by type, in all and by country, one country or all."""
    params = {"date_from": date_from, "date_to": date_to, "country_code": country_code}
    types = conn.execute(f"SELECT * FROM ({totals(False)}) t ORDER BY farmer_type = 'non-PU', farmer_type",
                         params).fetchall()
    countries = conn.execute(f"SELECT * FROM ({totals(True)}) t ORDER BY account_days DESC, country_code, "
                             "farmer_type = 'non-PU'", params).fetchall()
    return {"types": types, "countries": countries}


@query(LIFETIME, returns=Lifetime | None)
def lifetime(conn: psycopg.Connection, date_to: dt.date) -> dict | None:
    """The lifetime totals of the last published day up to `date_to` (null when none is)."""
    return conn.execute(f"SELECT date, payers, lifetime_revenue_usd, cumulative_since, opening_balance "
                        f"FROM {LIFETIME} WHERE date <= %s ORDER BY date DESC LIMIT 1", (date_to,)).fetchone()
