"""The Lineage 2M KPI board (base `/api/v1/l2m`): a period's KPIs against the period before and their targets
(`/compare`), a period split by country, server or VIP tier (`/split`), and the targets in effect (`/targets`,
`serve.l2m_targets`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from starlette.responses import Response

from gamestats_assets.serve.core.contract import unknown
from gamestats_assets.serve.core.envelope import enveloped
from gamestats_assets.serve.core.errors import refused
from gamestats_assets.serve.core.iso import IsoDate
from gamestats_assets.serve.core.l2m_targets import PERIODS, Targets, targets
from gamestats_assets.serve.core.models import envelope
from gamestats_assets.serve.core.reader import Answer
from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.queries import l2m_board as queries
from gamestats_assets.serve.routes.l2m.common import PREFIX, TAGS, CountryCode, From, ServerId, To, checked

router = APIRouter(prefix=PREFIX, tags=TAGS)
PeriodName = Literal["day", "week", "month"]

CompareAnswer = envelope("L2mCompareAnswer", queries.Comparison, date_to=dt.date, period=str,
                         server_id=int | None, country_code=str | None)
SplitAnswer = envelope("L2mSplitAnswer", queries.Segments, date_from=dt.date, date_to=dt.date, by=str,
                       server_id=int | None, country_code=str | None)
TargetsAnswer = envelope("L2mTargetsAnswer", Targets)


@router.get("/compare", response_model=CompareAnswer, responses=unknown("the server asked"),
            summary="A period's KPIs against the period before it and their targets")
def compare(reader: ReaderDep, date_to: Annotated[IsoDate, Query(alias="to", description="the period's last day")],
            period: Annotated[PeriodName, Query(description="`day`, `week` (7 days) or `month` (30 days)")] = "week",
            server_id: ServerId = None, country_code: CountryCode = None) -> Response:
    """Mean DAU, new users, revenue, ARPU, ARPPU and the paying rate of the `period` ending on `to` against the
    period of the same length just before it: each change, for the paying rate with its n and the 95 % interval
    of the change, and each KPI's target for a period of that length (`GAMESTATS_L2M_TARGETS`). `complete` is
    false when a day of either period has no published KPIs. Every server or one (404 when it has no published
    KPIs), every country or one."""
    if (date_to - dt.date.min).days < 2 * PERIODS[period] - 1:
        raise refused(("query", "to"), f"the {period} before the one ending on {date_to} would begin before 0001-01-01")
    answer = queries.compare.read(reader, date_to, PERIODS[period], server_id, country_code,
                                  getattr(targets(), period))
    return enveloped(answer, date_to=date_to.isoformat(), period=period, server_id=server_id,
                     country_code=country_code)


@router.get("/split", response_model=SplitAnswer, responses=unknown("the server asked"),
            summary="A date range's KPIs split by country, server or VIP tier")
def split(reader: ReaderDep, date_from: From, date_to: To,
          by: Annotated[queries.Split, Query(description="`country`, `server` or `vip_tier` (the tier at the end "
                                                         "of the user's last active day)")] = "country",
          server_id: ServerId = None, country_code: CountryCode = None) -> Response:
    """Active users, mean DAU, new users, payers, revenue, ARPU, ARPPU and the paying rate (with its 95 % Wilson
    interval and n) of each segment over the days `from` to `to` (at most a year), each user in the segment of
    their last active day, so the segments add up to `whole`. Every server or one (404 when it has no published
    KPIs), every country or one."""
    checked(date_from, date_to)
    answer = queries.SPLITS[by].read(reader, date_from, date_to, server_id, country_code)
    return enveloped(answer, date_from=date_from.isoformat(), date_to=date_to.isoformat(), by=by,
                     server_id=server_id, country_code=country_code)


@router.get("/targets", response_model=TargetsAnswer, summary="The KPI targets the board shows against actuals")
def kpi_targets() -> Response:
    """The targets of each period's KPIs and of day-N retention, from `GAMESTATS_L2M_TARGETS` (default: the
    packaged `l2m_targets.json`); a KPI without a target is null."""
    return enveloped(Answer(targets(), {}))
