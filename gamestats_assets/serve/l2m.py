"""Lineage 2M daily KPIs (base `/api/v1/l2m`): DAU, NRU, PU, NPU, NNPU, revenue, ARPU and ARPPU per day,
country and server, from the published `l2m.l2m_daily_kpis`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request

from gamestats_assets.serve.envelope import enveloped
from gamestats_assets.serve.reader import Reader

router = APIRouter(prefix="/api/v1/l2m", tags=["lineage 2m"])
MAX_DAYS = 366


@router.get("/kpis", summary="Daily KPIs for a date range, one server or all")
def kpis(request: Request, date_from: Annotated[dt.date, Query(alias="from")],
         date_to: Annotated[dt.date, Query(alias="to")],
         server_id: Annotated[int | None, Query(ge=0, le=2**62)] = None,
         country_code: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")] = None) -> dict:
    if date_to < date_from:
        raise HTTPException(422, f"to ({date_to}) is before from ({date_from})")
    if (date_to - date_from).days >= MAX_DAYS:
        raise HTTPException(422, f"a range is at most {MAX_DAYS} days")
    reader: Reader = request.app.state.reader

    def compute(conn):
        if server_id is not None and conn.execute("SELECT 1 FROM l2m.l2m_daily_kpis WHERE server_id = %s LIMIT 1",
                                                  (server_id,)).fetchone() is None:
            raise HTTPException(404, f"server {server_id} not found in l2m.l2m_daily_kpis")
        return conn.execute(
            "SELECT date, country_code, server_id, dau, nru, pu, npu, nnpu, revenue_usd, arpu_usd, arppu_usd "
            "FROM l2m.l2m_daily_kpis WHERE date BETWEEN %s AND %s AND (%s::bigint IS NULL OR server_id = %s) "
            "AND (%s::text IS NULL OR country_code = %s) ORDER BY date, country_code, server_id",
            (date_from, date_to, server_id, server_id, country_code, country_code)).fetchall()

    answer = reader.read(("l2m.l2m_daily_kpis",), ("kpis", date_from, date_to, server_id, country_code), compute)
    return enveloped(answer, date_from=date_from.isoformat(), date_to=date_to.isoformat(), server_id=server_id,
                     country_code=country_code)
