"""Lineage 2M daily KPIs (base `/api/v1/l2m`): DAU, NRU, PU, NPU, NNPU, revenue, ARPU and ARPPU per day,
country and server, from the published `l2m.l2m_daily_kpis`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from gamestats_assets.serve.contract import unknown
from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.envelope import enveloped
from gamestats_assets.serve.errors import refused
from gamestats_assets.serve.models import envelope
from gamestats_assets.serve.queries import l2m as queries

router = APIRouter(prefix="/api/v1/l2m", tags=["lineage 2m"], responses=unknown("the server asked"))
MAX_DAYS = 366
From = Annotated[dt.date, Query(alias="from", description="the first day, ISO 8601")]
To = Annotated[dt.date, Query(alias="to", description=f"the last day, included (at most {MAX_DAYS} days in all)")]
ServerId = Annotated[int | None, Query(ge=0, le=2**62, description="one server (default: every server)")]
CountryCode = Annotated[str | None, Query(pattern=r"^([A-Z]{2}|Other)$",
                                          description="one country (default: every country)")]

KpisAnswer = envelope("L2mKpisAnswer", list[queries.Kpis], date_from=dt.date, date_to=dt.date,
                      server_id=int | None, country_code=str | None)


def checked(date_from: dt.date, date_to: dt.date) -> None:
    """422 (at `to`) unless `date_from`–`date_to` is a range of at most `MAX_DAYS` days."""
    if date_to < date_from:
        raise refused(("query", "to"), f"to ({date_to}) is before from ({date_from})")
    if (date_to - date_from).days >= MAX_DAYS:
        raise refused(("query", "to"), f"a range is at most {MAX_DAYS} days")


@router.get("/kpis", response_model=KpisAnswer, summary="Daily KPIs for a date range, one server or all")
def kpis(reader: ReaderDep, date_from: From, date_to: To, server_id: ServerId = None,
         country_code: CountryCode = None) -> Response:
    """DAU, NRU, PU, NPU, NNPU, revenue, ARPU and ARPPU per day, country and server (`l2m.l2m_daily_kpis`) for the
    days `from` to `to` (at most a year), every server or one; a server that has no published KPIs is a 404."""
    checked(date_from, date_to)
    return enveloped(queries.kpis.read(reader, date_from, date_to, server_id, country_code),
                     date_from=date_from.isoformat(), date_to=date_to.isoformat(), server_id=server_id,
                     country_code=country_code)
