"""Lineage 2M's reads: the servers with published KPIs, daily KPIs over a range, and per cohort or farm the
retention and bot-farm rows of a range, over every server or one."""

from __future__ import annotations

import datetime as dt

import psycopg

from gamestats_assets.published.l2m import COLUMNS
from gamestats_assets.serve.core.models import columns_of, field, row, shape
from gamestats_assets.serve.queries import NotFound, Query, query

KPIS = "l2m.l2m_daily_kpis"

Server = row("L2mServer", COLUMNS["l2m_daily_kpis"], "server_id", doc="A server with published daily KPIs",
             first_day=field(dt.date, "its first day published"), last_day=field(dt.date, "its last day published"),
             countries=field(list[str | None], "the countries of its players"))
Servers = shape("L2mServers", servers=field(list[Server], "the servers, by id"),
                total_count=field(int, "the servers listed"))


@query(KPIS, returns=Servers)
def servers(conn: psycopg.Connection) -> dict:
    rows = conn.execute(f"SELECT server_id, min(date) AS first_day, max(date) AS last_day, "
                        f"array_agg(DISTINCT country_code) AS countries FROM {KPIS} "
                        "GROUP BY server_id ORDER BY server_id").fetchall()
    return {"servers": rows, "total_count": len(rows)}


Kpis = row("L2mDailyKpis", COLUMNS["l2m_daily_kpis"], doc="A day's KPIs of a country on a server")


def known_server(conn: psycopg.Connection, server_id: int | None) -> None:
    """`NotFound` for a server `KPIS` has no row of (the servers `servers` lists are the known ones): an unknown
    server is a 404 on every route that takes one."""
    if server_id is not None and conn.execute(f"SELECT 1 FROM {KPIS} WHERE server_id = %s LIMIT 1",
                                              (server_id,)).fetchone() is None:
        raise NotFound(f"server {server_id} not found in {KPIS}")


@query(KPIS, returns=list[Kpis])
def kpis(conn: psycopg.Connection, date_from: dt.date, date_to: dt.date, server_id: int | None,
         country_code: str | None) -> list[dict]:
    """The days `date_from` to `date_to` of one server (404 when it is not known) or all, one country or all."""
    known_server(conn, server_id)
    return conn.execute(
        f"SELECT {columns_of(Kpis)} FROM {KPIS} WHERE date BETWEEN %s AND %s "
        "AND (%s::bigint IS NULL OR server_id = %s) AND (%s::text IS NULL OR country_code = %s) "
        "ORDER BY date, country_code, server_id",
        (date_from, date_to, server_id, server_id, country_code, country_code)).fetchall()


def ranged(table: str, model, day_column: str, order: str, server: bool) -> Query:
    """The rows of `table` (as `model`) whose `day_column` is in a range, of one server when `server` (404 for a
    server that is not known)."""
    def compute(conn: psycopg.Connection, date_from: dt.date, date_to: dt.date, *server_id: int) -> list[dict]:
        if server:
            known_server(conn, *server_id)
        return conn.execute(f"SELECT {columns_of(model)} FROM {table} WHERE {day_column} BETWEEN %s AND %s"
                            f"{' AND server_id = %s' if server else ''} ORDER BY {order}",
                            (date_from, date_to, *server_id)).fetchall()

    compute.__qualname__ = f"ranged.{table}"
    return Query((table, KPIS) if server else (table,), list[model], compute)


RETENTION = ("cohort_date", "day_n", "date", "cohort_size", "retained_users", "retention_rate", "ci_low", "ci_high")
Retention = row("L2mRetention", COLUMNS["l2m_retention"], *RETENTION,
                doc="Day-N retention of an install cohort, with its 95 % interval")
ServerRetention = row("L2mServerRetention", COLUMNS["l2m_server_retention"], *RETENTION, "server_id",
                      doc="Day-N retention of an install cohort on the server its users started on")
FARMS = ("date", "farm_key", "accounts", "paying_accounts", "items_gained", "diamonds_gained", "revenue_usd")
Farm = row("L2mFarm", COLUMNS["l2m_farmers_performance"], *FARMS, doc="A bot farm's accounts and gains on a day")
ServerFarm = row("L2mServerFarm", COLUMNS["l2m_server_farms"], *FARMS, "server_id",
                 doc="A bot farm's accounts and gains on a day, on one server")

retention = ranged("l2m.l2m_retention", Retention, "cohort_date", "cohort_date, day_n", server=False)
server_retention = ranged("l2m.l2m_server_retention", ServerRetention, "cohort_date", "cohort_date, day_n",
                          server=True)
farms = ranged("l2m.l2m_farmers_performance", Farm, "date", "date, accounts DESC, farm_key", server=False)
server_farms = ranged("l2m.l2m_server_farms", ServerFarm, "date", "date, accounts DESC, farm_key", server=True)
