"""Lineage 2M daily KPIs (base `/api/v1/l2m`): DAU, NRU, PU, NPU, NNPU, revenue, ARPU and ARPPU per day,
country and server, from the published `l2m.l2m_daily_kpis`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from starlette.responses import Response

from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.envelope import enveloped
from gamestats_assets.serve.models import envelope
from gamestats_assets.serve.queries import l2m as queries

router = APIRouter(prefix="/api/v1/l2m", tags=["lineage 2m"])
MAX_DAYS = 366

KpisAnswer = envelope("L2mKpisAnswer", list[queries.Kpis], date_from=dt.date, date_to=dt.date,
                      server_id=int | None, country_code=str | None)


def checked(date_from: dt.date, date_to: dt.date) -> None:
    """422 unless `date_from`–`date_to` is a range of at most `MAX_DAYS` days."""
    if date_to < date_from:
        raise HTTPException(422, f"to ({date_to}) is before from ({date_from})")
    if (date_to - date_from).days >= MAX_DAYS:
        raise HTTPException(422, f"a range is at most {MAX_DAYS} days")


@router.get("/kpis", response_model=KpisAnswer, summary="Daily KPIs for a date range, one server or all")
def kpis(reader: ReaderDep, date_from: Annotated[dt.date, Query(alias="from")],
         date_to: Annotated[dt.date, Query(alias="to")],
         server_id: Annotated[int | None, Query(ge=0, le=2**62)] = None,
         country_code: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")] = None) -> Response:
    checked(date_from, date_to)
    return enveloped(queries.kpis.read(reader, date_from, date_to, server_id, country_code),
                     date_from=date_from.isoformat(), date_to=date_to.isoformat(), server_id=server_id,
                     country_code=country_code)
