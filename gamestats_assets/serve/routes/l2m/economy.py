"""Lineage 2M's economy and revenue for the KPI board (base `/api/v1/l2m`): diamond and key-item sources and sinks
(`/economy`), cumulative revenue with the VIP tiers (`/revenue`) and the farmer accounts by type (`/farmer-types`)
over a date range, and the lifetime totals with the day cumulative figures count from (`/lifetime`)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from starlette.responses import Response

from gamestats_assets.serve.core.contract import unknown
from gamestats_assets.serve.core.envelope import enveloped
from gamestats_assets.serve.core.models import envelope
from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.queries import l2m_economy as queries
from gamestats_assets.serve.queries import l2m_farmers
from gamestats_assets.serve.routes.l2m.common import PREFIX, TAGS, CountryCode, From, ServerId, To, checked

router = APIRouter(prefix=PREFIX, tags=TAGS)

EconomyAnswer = envelope("L2mEconomyAnswer", queries.Economy, date_from=dt.date, date_to=dt.date,
                         server_id=int | None, country_code=str | None)
RevenueAnswer = envelope("L2mRevenueAnswer", queries.Revenue, date_from=dt.date, date_to=dt.date)
FarmerTypesAnswer = envelope("L2mFarmerTypesAnswer", l2m_farmers.FarmerTypes, date_from=dt.date, date_to=dt.date,
                             country_code=str | None)
LifetimeAnswer = envelope("L2mLifetimeAnswer", l2m_farmers.Lifetime | None, date_to=dt.date)


@router.get("/economy", response_model=EconomyAnswer, responses=unknown("the server asked"),
            summary="Diamond and key-item sources and sinks over a date range")
def economy(reader: ReaderDep, date_from: From, date_to: To, server_id: ServerId = None,
            country_code: CountryCode = None) -> Response:
    """The diamonds gained and spent each day, by reason (sources and sinks, each with its share), the key items
    gained and spent, and both by VIP tier, over the days `from` to `to` (at most a year), every server or one
    (404 when it has no published KPIs), every country or one."""
    checked(date_from, date_to)
    return enveloped(queries.economy.read(reader, date_from, date_to, server_id, country_code),
                     date_from=date_from.isoformat(), date_to=date_to.isoformat(), server_id=server_id,
                     country_code=country_code)


@router.get("/revenue", response_model=RevenueAnswer,
            summary="Cumulative revenue and the VIP tiers over a date range, every server")
def revenue(reader: ReaderDep, date_from: From, date_to: To) -> Response:
    """Each day from `from` to `to` (at most a year): the users who have ever paid, the day's revenue and their
    lifetime revenue; and each VIP tier on the range's last published day: its users, those who paid in the
    range, their revenue in the range and its share, and their lifetime revenue. Over every server (lifetime
    revenue is a user's, wherever they paid)."""
    checked(date_from, date_to)
    return enveloped(queries.revenue.read(reader, date_from, date_to), date_from=date_from.isoformat(),
                     date_to=date_to.isoformat())


@router.get("/farmer-types", response_model=FarmerTypesAnswer,
            summary="Farmer accounts by type (PU and non-PU) and by country over a date range")
def farmer_types(reader: ReaderDep, date_from: From, date_to: To, country_code: CountryCode = None) -> Response:
    """The accounts flagged as farmers over the days `from` to `to` (at most a year), split into `PU` (a payment on
    the day) and `non-PU` farmers, over every country and by country (`l2m.l2m_farmer_types`): their account-days
    and mean accounts a day, the most farms of a day, their revenue, key items gained and diamonds gained, spent and
    net. Every country or one; farmer types are not kept by server."""
    checked(date_from, date_to)
    return enveloped(l2m_farmers.farmer_types.read(reader, date_from, date_to, country_code),
                     date_from=date_from.isoformat(), date_to=date_to.isoformat(), country_code=country_code)


@router.get("/lifetime", response_model=LifetimeAnswer,
            summary="The lifetime totals up to a day and the day cumulative figures count from")
def lifetime(reader: ReaderDep, date_to: To) -> Response:
    """The payers ever and their lifetime revenue on the last published day up to `to` (`l2m.l2m_lifetime_totals`),
    with `cumulative_since`: the first day lifetime revenue, first charges, NPU, NNPU and VIP tiers count payments
    from when no opening balance was given (null when one was). Null when no day up to `to` is published."""
    return enveloped(l2m_farmers.lifetime.read(reader, date_to), date_to=date_to.isoformat())
