"""Lineage 2M retention and bot farms for the KPI page (base `/api/v1/l2m`), over a date range, for every server
or one (`server_id`): day-N retention of each install cohort with its interval (`l2m.l2m_retention`, per
server `l2m.l2m_server_retention`: the cohort split by the server its users started on), and the accounts
flagged as farms per day and farm (`l2m.l2m_farmers_performance`, per server `l2m.l2m_server_farms`: the
farm's accounts on that server)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fastapi import APIRouter
from starlette.responses import Response

from gamestats_assets.serve.core.envelope import enveloped
from gamestats_assets.serve.core.models import envelope
from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.queries import Query as Read
from gamestats_assets.serve.queries import l2m as queries
from gamestats_assets.serve.routes.l2m.common import PREFIX, SERVER_UNKNOWN, TAGS, From, ServerId, To, checked

router = APIRouter(prefix=PREFIX, tags=TAGS, responses=SERVER_UNKNOWN)


@dataclass(frozen=True)
class Ranged:
    """An endpoint over the days of a `from`–`to` range: `every` reads every server, `one` a server's rows, the
    answer's model named `answer`."""

    name: str
    answer: str
    summary: str
    description: str
    every: Read
    one: Read

    def model(self) -> type:
        return envelope(self.answer, self.one.returns | self.every.returns, date_from=dt.date, date_to=dt.date,
                        server_id=int | None)


RANGES = {
    "/retention": Ranged("l2m_retention", "L2mRetentionAnswer",
                         "Day-N retention of the cohorts that installed in a date range, with intervals, for every "
                         "server or one",
                         "D1, D3, D7 and D30 retention of the cohorts registered from `from` to `to` (at most a year), "
                         "by cohort day and n, with 95 % Wilson intervals: over every server (`l2m.l2m_retention`) "
                         "or, given `server_id`, of the users who started on it (`l2m.l2m_server_retention`); a "
                         "server that has no published KPIs is a 404.", queries.retention, queries.server_retention),
    "/farms": Ranged("l2m_farmers_performance", "L2mFarmsAnswer",
                     "Accounts flagged as bot farms per day, by farm, on every server or one",
                     "The bot farms detected each day from `from` to `to` (at most a year), most accounts first: "
                     "their accounts, paying accounts, items, diamonds and revenue, over every server "
                     "(`l2m.l2m_farmers_performance`) or on one (`l2m.l2m_server_farms`); a server that has no "
                     "published KPIs is a 404.", queries.farms, queries.server_farms),
}
"""Each endpoint: path → its queries."""


def over_range(ranged: Ranged):
    """The endpoint answering `ranged`'s rows for the days `from` to `to` (at most `MAX_DAYS`) and, when given,
    the server `server_id`, cached under the publish of the table it reads."""
    def endpoint(reader: ReaderDep, date_from: From, date_to: To, server_id: ServerId = None) -> Response:
        checked(date_from, date_to)
        answer = (ranged.every.read(reader, date_from, date_to) if server_id is None
                  else ranged.one.read(reader, date_from, date_to, server_id))
        return enveloped(answer, date_from=date_from.isoformat(), date_to=date_to.isoformat(), server_id=server_id)

    endpoint.__name__ = ranged.name
    return endpoint


for path, ranged in RANGES.items():
    router.get(path, response_model=ranged.model(), summary=ranged.summary, description=ranged.description)(
        over_range(ranged))
