"""Lineage 2M retention and bot farms for the KPI page (base `/api/v1/l2m`): day-N retention of each install
cohort with its interval (`l2m.l2m_retention`), and the accounts flagged as farms per day
(`l2m.l2m_farmers_performance`), over a date range."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request

from gamestats_assets.serve.envelope import enveloped
from gamestats_assets.serve.reader import Reader

router = APIRouter(prefix="/api/v1/l2m", tags=["lineage 2m"])
MAX_DAYS = 366
From = Annotated[dt.date, Query(alias="from")]
To = Annotated[dt.date, Query(alias="to")]


def checked(date_from: dt.date, date_to: dt.date) -> None:
    if date_to < date_from:
        raise HTTPException(422, f"to ({date_to}) is before from ({date_from})")
    if (date_to - date_from).days >= MAX_DAYS:
        raise HTTPException(422, f"a range is at most {MAX_DAYS} days")


@router.get("/retention", summary="Day-N retention of the cohorts that installed in a date range, with intervals")
def retention(request: Request, date_from: From, date_to: To) -> dict:
    checked(date_from, date_to)
    reader: Reader = request.app.state.reader

    def compute(conn):
        return conn.execute("SELECT cohort_date, day_n, date, cohort_size, retained_users, retention_rate, ci_low, "
                            "ci_high FROM l2m.l2m_retention WHERE cohort_date BETWEEN %s AND %s "
                            "ORDER BY cohort_date, day_n", (date_from, date_to)).fetchall()

    answer = reader.read(("l2m.l2m_retention",), ("retention", date_from, date_to), compute)
    return enveloped(answer, date_from=date_from.isoformat(), date_to=date_to.isoformat())


@router.get("/farms", summary="Accounts flagged as bot farms per day, by farm")
def farms(request: Request, date_from: From, date_to: To) -> dict:
    checked(date_from, date_to)
    reader: Reader = request.app.state.reader

    def compute(conn):
        return conn.execute("SELECT date, farm_key, accounts, paying_accounts, servers, items_gained, diamonds_gained, "
                            "revenue_usd FROM l2m.l2m_farmers_performance WHERE date BETWEEN %s AND %s "
                            "ORDER BY date, accounts DESC, farm_key", (date_from, date_to)).fetchall()

    answer = reader.read(("l2m.l2m_farmers_performance",), ("farms", date_from, date_to), compute)
    return enveloped(answer, date_from=date_from.isoformat(), date_to=date_to.isoformat())
