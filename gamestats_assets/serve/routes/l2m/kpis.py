"""Lineage 2M daily KPIs (`GET /api/v1/l2m/kpis`): DAU, NRU, PU, NPU, NNPU, revenue, ARPU and ARPPU per day,
country and server, from the published `l2m.l2m_daily_kpis`."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from starlette.responses import Response

from gamestats_assets.serve.core.envelope import enveloped
from gamestats_assets.serve.core.models import envelope
from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.queries import l2m as queries
from gamestats_assets.serve.routes.l2m.common import (
    PREFIX,
    SERVER_UNKNOWN,
    TAGS,
    CountryCode,
    From,
    ServerId,
    To,
    checked,
)

router = APIRouter(prefix=PREFIX, tags=TAGS, responses=SERVER_UNKNOWN)
KpisAnswer = envelope("L2mKpisAnswer", list[queries.Kpis], date_from=dt.date, date_to=dt.date,
                      server_id=int | None, country_code=str | None)


@router.get("/kpis", response_model=KpisAnswer, summary="Daily KPIs for a date range, one server or all")
def kpis(reader: ReaderDep, date_from: From, date_to: To, server_id: ServerId = None,
         country_code: CountryCode = None) -> Response:
    """DAU, NRU, PU, NPU, NNPU, revenue, ARPU and ARPPU per day, country and server (`l2m.l2m_daily_kpis`) for the
    days `from` to `to` (at most a year), every server or one; a server that has no published KPIs is a 404."""
    checked(date_from, date_to)
    return enveloped(queries.kpis.read(reader, date_from, date_to, server_id, country_code),
                     date_from=date_from.isoformat(), date_to=date_to.isoformat(), server_id=server_id,
                     country_code=country_code)

