"""Lineage 2M retention and bot farms for the KPI page (base `/api/v1/l2m`): day-N retention of each install
cohort with its interval (`l2m.l2m_retention`), and the accounts flagged as farms per day
(`l2m.l2m_farmers_performance`), over a date range."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request

from gamestats_assets.serve.envelope import enveloped

router = APIRouter(prefix="/api/v1/l2m", tags=["lineage 2m"])
MAX_DAYS = 366
From = Annotated[dt.date, Query(alias="from")]
To = Annotated[dt.date, Query(alias="to")]


def checked(date_from: dt.date, date_to: dt.date) -> None:
    if date_to < date_from:
        raise HTTPException(422, f"to ({date_to}) is before from ({date_from})")
    if (date_to - date_from).days >= MAX_DAYS:
        raise HTTPException(422, f"a range is at most {MAX_DAYS} days")


RANGES = {
    "/retention": (
        "l2m.l2m_retention", "Day-N retention of the cohorts that installed in a date range, with intervals",
        "SELECT cohort_date, day_n, date, cohort_size, retained_users, retention_rate, ci_low, ci_high "
        "FROM l2m.l2m_retention WHERE cohort_date BETWEEN %s AND %s ORDER BY cohort_date, day_n"),
    "/farms": (
        "l2m.l2m_farmers_performance", "Accounts flagged as bot farms per day, by farm",
        "SELECT date, farm_key, accounts, paying_accounts, servers, items_gained, diamonds_gained, revenue_usd "
        "FROM l2m.l2m_farmers_performance WHERE date BETWEEN %s AND %s ORDER BY date, accounts DESC, farm_key"),
}
"""Each endpoint: path → (the table it reads, its summary, its query over a `from`–`to` range of days)."""


def over_range(table: str, query: str):
    """The endpoint answering the rows of `query` for the days `from` to `to` (at most `MAX_DAYS`), cached under
    the publish of `table`."""
    def endpoint(request: Request, date_from: From, date_to: To) -> dict:
        checked(date_from, date_to)
        answer = request.app.state.reader.read(
            (table,), (table, date_from, date_to), lambda conn: conn.execute(query, (date_from, date_to)).fetchall())
        return enveloped(answer, date_from=date_from.isoformat(), date_to=date_to.isoformat())

    endpoint.__name__ = table.rsplit(".", 1)[-1]
    return endpoint


for path, (table, summary, query) in RANGES.items():
    router.get(path, summary=summary)(over_range(table, query))
