"""Lineage 2M retention and bot farms for the KPI page (base `/api/v1/l2m`), over a date range, for every server
or one (`server_id`): day-N retention of each install cohort with its interval (`l2m.l2m_retention`, per
server `l2m.l2m_server_retention`: the cohort split by the server its users started on), and the accounts
flagged as farms per day and farm (`l2m.l2m_farmers_performance`, per server `l2m.l2m_server_farms`: the
farm's accounts on that server)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request

from gamestats_assets.serve.envelope import enveloped

router = APIRouter(prefix="/api/v1/l2m", tags=["lineage 2m"])
MAX_DAYS = 366
From = Annotated[dt.date, Query(alias="from")]
To = Annotated[dt.date, Query(alias="to")]
ServerId = Annotated[int | None, Query(ge=0, le=2**62, description="one server; every server when absent")]


def checked(date_from: dt.date, date_to: dt.date) -> None:
    if date_to < date_from:
        raise HTTPException(422, f"to ({date_to}) is before from ({date_from})")
    if (date_to - date_from).days >= MAX_DAYS:
        raise HTTPException(422, f"a range is at most {MAX_DAYS} days")


@dataclass(frozen=True)
class Ranged:
    """An endpoint's query of the days whose `day_column` is in a `from`–`to` range: over every server from
    `table`, over one from `server_table` (the same columns and `server_id`)."""

    summary: str
    table: str
    server_table: str
    columns: str
    day_column: str
    order: str

    def query(self, server: bool) -> str:
        source, one = (self.server_table, ", server_id") if server else (self.table, "")
        return (f"SELECT {self.columns}{one} FROM {source} WHERE {self.day_column} BETWEEN %s AND %s"
                f"{' AND server_id = %s' if server else ''} ORDER BY {self.order}")


RANGES = {
    "/retention": Ranged(
        "Day-N retention of the cohorts that installed in a date range, with intervals, for every server or one",
        "l2m.l2m_retention", "l2m.l2m_server_retention",
        "cohort_date, day_n, date, cohort_size, retained_users, retention_rate, ci_low, ci_high", "cohort_date",
        "cohort_date, day_n"),
    "/farms": Ranged(
        "Accounts flagged as bot farms per day, by farm, on every server or one",
        "l2m.l2m_farmers_performance", "l2m.l2m_server_farms",
        "date, farm_key, accounts, paying_accounts, items_gained, diamonds_gained, revenue_usd", "date",
        "date, accounts DESC, farm_key"),
}
"""Each endpoint: path → its tables and query."""


def over_range(ranged: Ranged):
    """The endpoint answering `ranged`'s rows for the days `from` to `to` (at most `MAX_DAYS`) and, when given,
    the server `server_id`, cached under the publish of the table it reads."""
    def endpoint(request: Request, date_from: From, date_to: To, server_id: ServerId = None) -> dict:
        checked(date_from, date_to)
        table = ranged.table if server_id is None else ranged.server_table
        params = (date_from, date_to) if server_id is None else (date_from, date_to, server_id)
        answer = request.app.state.reader.read(
            (table,), (table, date_from, date_to, server_id),
            lambda conn: conn.execute(ranged.query(server_id is not None), params).fetchall())
        return enveloped(answer, date_from=date_from.isoformat(), date_to=date_to.isoformat(), server_id=server_id)

    endpoint.__name__ = ranged.table.rsplit(".", 1)[-1]
    return endpoint


for path, ranged in RANGES.items():
    router.get(path, summary=ranged.summary)(over_range(ranged))
