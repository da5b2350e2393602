"""Lineage 2M's KPI board reads: a period's users, payers and revenue (from `l2m.l2m_active` joined with the day's
payments of `l2m.l2m_recharge`, as `l2m_daily_kpis` counts them), against the period before and its targets, or
split by country, server or VIP tier.

A period counts each user once: `active_users` are distinct users active on any of its days, `payers` those who
paid on any of them, so its paying rate is a share of independent users (its 95 % Wilson interval over
`active_users`). Split, each user falls in the segment of their last active day of the period (their country,
server, or VIP tier at the end of that day), so segments add up to the whole."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import psycopg

from gamestats_assets.lib.core.stats import wilson_bounds
from gamestats_assets.serve.core.l2m_targets import METRICS, PeriodTargets
from gamestats_assets.serve.core.models import field, fields_of, shape
from gamestats_assets.serve.queries import Query, query
from gamestats_assets.serve.queries.l2m import KPIS, known_server

ACTIVE, RECHARGE, CUMULATIVE = "l2m.l2m_active", "l2m.l2m_recharge", "l2m.l2m_cumulative_revenue"
Split = Literal["country", "server", "vip_tier"]
SEGMENTS: dict[str, str] = {"country": "coalesce(a.country_code, 'Other')", "server": "a.server_id::text",
                            "vip_tier": "coalesce(c.vip_tier, 'Free')"}
"""What a split groups users by, on their last active day of the period."""
VIP_ORDER = "CASE segment WHEN 'Free' THEN '0' ELSE segment END"

Period = shape(
    "L2mPeriod", "A period's users, payers and revenue, each user counted once",
    date_from=field(dt.date, "its first day"), date_to=field(dt.date, "its last day, included"),
    days=field(int, "its days"), days_published=field(int, "of those, days with published KPIs"),
    active_users=field(int, "distinct users active on any of its days (WAU for a week, MAU for 30 days)"),
    user_days=field(int, "the sum of its days' DAU"),
    mean_dau=field(float | None, "DAU averaged over its published days (null when none is)"),
    new_users=field(int, "users who registered in it (the sum of its days' NRU)"),
    payers=field(int, "distinct users who paid on any of its days"),
    revenue_usd=field(float, "its payments in USD"),
    arpu_usd=field(float | None, "ARPU of the period: revenue_usd / active_users"),
    arppu_usd=field(float | None, "ARPPU of the period: revenue_usd / payers (null when nobody paid)"),
    paying_rate=field(float | None, "payers / active_users"),
    paying_rate_ci_low=field(float | None, "the lower bound of the 95 % Wilson interval of paying_rate"),
    paying_rate_ci_high=field(float | None, "its upper bound"))
Segment = shape("L2mSegment", "A segment's users, payers and revenue over a period",
                segment=field(str, "the country code, server id or VIP tier (`Free`, then `A` to `G`)"),
                **fields_of(Period))
Metric = shape(
    "L2mMetricChange", "A KPI of the period against the period before and its target",
    metric=field(str, "`mean_dau`, `new_users`, `revenue_usd`, `arpu_usd`, `arppu_usd` or `paying_rate`"),
    current=field(float | None, "its value in the period"),
    previous=field(float | None, "in the period before (null unless each of its days is published)"),
    change=field(float | None, "current - previous (null unless both periods have each of their days published)"),
    change_share=field(float | None, "change / previous (null when previous is 0 or null)"),
    change_ci_low=field(float | None, "for a rate, the lower bound of the 95 % interval of the change (Newcombe's "
                                      "hybrid score interval, from both periods' Wilson intervals)"),
    change_ci_high=field(float | None, "its upper bound"),
    n=field(int | None, "for a rate, the users it is a share of in the period (previous_n: in the period before)"),
    previous_n=field(int | None, "for a rate, the users it is a share of in the period before"),
    target=field(float | None, "the target for a period of this length (null when none is set)"),
    target_due=field(float | None, "the target the published days are judged against: a total's (`new_users`, "
                                   "`revenue_usd`) pro-rated to days_published / days, a mean's (`mean_dau`) as it "
                                   "is; a per-user figure's (`arpu_usd`, `arppu_usd`, `paying_rate`) null until "
                                   "every day of the period is published; null when no day is"),
    target_met=field(bool | None, "current >= target_due (null without it or a value)"))
Comparison = shape("L2mComparison", "A period's KPIs against the period of the same length before it",
                   current=field(Period, "the period asked"), previous=field(Period, "the days just before it"),
                   complete=field(bool, "both periods have every day published: totals compare like with like"),
                   metrics=field(list[Metric], "each KPI: its change and its target"))
Segments = shape("L2mSegments", "A period split by country, server or VIP tier",
                 whole=field(Period, "the period over every segment"),
                 segments=field(list[Segment], "each segment, most active users first (VIP tiers in order)"))


def period_sql(by: str | None) -> str:
    """The statement of a period's figures (`%(date_from)s`–`%(date_to)s`, one server and country or all), one row
    per segment of `by` (a `SEGMENTS` key) or a single row."""
    segment = SEGMENTS[by] if by else "NULL::text"
    vip = (f" LEFT JOIN {CUMULATIVE} c ON c.date = a.date AND c.user_id = a.user_id" if by == "vip_tier" else "")
    return (f"WITH days AS (SELECT a.date, a.user_id, a.is_new_user, r.user_id IS NOT NULL AS paid, "
            f"coalesce(r.daily_rev_usd, 0) AS revenue, {segment} AS segment FROM {ACTIVE} a "
            f"LEFT JOIN {RECHARGE} r ON r.date = a.date AND r.user_id = a.user_id{vip} "
            "WHERE a.date BETWEEN %(date_from)s AND %(date_to)s "
            "AND (%(server_id)s::bigint IS NULL OR a.server_id = %(server_id)s) "
            "AND (%(country_code)s::text IS NULL OR a.country_code = %(country_code)s)), "
            "users AS (SELECT user_id, count(*) AS days, bool_or(is_new_user) AS new, bool_or(paid) AS paid, "
            "sum(revenue) AS revenue, (array_agg(segment ORDER BY date DESC))[1] AS segment FROM days "
            "GROUP BY user_id) "
            "SELECT segment, count(*) AS active_users, coalesce(sum(days), 0)::bigint AS user_days, "
            "count(*) FILTER (WHERE new) AS new_users, count(*) FILTER (WHERE paid) AS payers, "
            "coalesce(sum(revenue), 0)::float8 AS revenue_usd FROM users GROUP BY segment")


def figures(counts: dict, date_from: dt.date, date_to: dt.date, days_published: int) -> dict:
    """A `Period` from a row of `period_sql` (or none: an empty period)."""
    users, payers, revenue = counts.get("active_users", 0), counts.get("payers", 0), counts.get("revenue_usd", 0.0)
    low, high = wilson_bounds(payers, users) if users else (None, None)
    return {"date_from": date_from, "date_to": date_to, "days": (date_to - date_from).days + 1,
            "days_published": days_published, "active_users": users, "user_days": counts.get("user_days", 0),
            "mean_dau": counts.get("user_days", 0) / days_published if days_published else None,
            "new_users": counts.get("new_users", 0), "payers": payers, "revenue_usd": revenue,
            "arpu_usd": revenue / users if users else None, "arppu_usd": revenue / payers if payers else None,
            "paying_rate": payers / users if users else None, "paying_rate_ci_low": low, "paying_rate_ci_high": high}


def published_days(conn: psycopg.Connection, date_from: dt.date, date_to: dt.date) -> int:
    return conn.execute(f"SELECT count(DISTINCT date) AS days FROM {KPIS} WHERE date BETWEEN %s AND %s",
                        (date_from, date_to)).fetchone()["days"]


def period(conn: psycopg.Connection, date_from: dt.date, date_to: dt.date, server_id: int | None,
           country_code: str | None) -> dict:
    """The `Period` of `date_from`–`date_to` on one server and country or all."""
    found = conn.execute(period_sql(None), {"date_from": date_from, "date_to": date_to, "server_id": server_id,
                                            "country_code": country_code}).fetchone()
    return figures(found or {}, date_from, date_to, published_days(conn, date_from, date_to))


def newcombe(current: tuple[int, int], previous: tuple[int, int]) -> tuple[float | None, float | None]:
    """The 95 % interval of p1 - p2 for p1 = k1/n1 (`current`) and p2 = k2/n2 (`previous`), Newcombe's hybrid
    score method (his method 10) from each rate's Wilson interval; (None, None) when either n is 0."""
    (k1, n1), (k2, n2) = current, previous
    if not n1 or not n2:
        return None, None
    p1, p2 = k1 / n1, k2 / n2
    (l1, u1), (l2, u2) = wilson_bounds(k1, n1), wilson_bounds(k2, n2)
    return (p1 - p2 - ((p1 - l1) ** 2 + (u2 - p2) ** 2) ** 0.5, p1 - p2 + ((u1 - p1) ** 2 + (p2 - l2) ** 2) ** 0.5)


PRO_RATED = ("new_users", "revenue_usd")
"""The KPIs that add up over days: their target is pro-rated to the days published."""
AS_IS = ("mean_dau",)
"""The KPIs that do not grow with the days counted: their target holds for any days published."""


def whole(period: dict) -> bool:
    """Whether each day of `period` is published."""
    return period["days_published"] == period["days"]


def due(metric: str, current: dict, target: float | None) -> float | None:
    """The target of `metric` the published days of `current` are judged against (`Metric.target_due`)."""
    if target is None or not current["days_published"]:
        return None
    if metric in PRO_RATED:
        return target * current["days_published"] / current["days"]
    return target if metric in AS_IS or whole(current) else None


def change(metric: str, current: dict, previous: dict, target: float | None) -> dict:
    """`metric` of the `current` period against the `previous` one (only when both are whole) and `target`."""
    now, before = current[metric], previous[metric] if whole(previous) else None
    moved = now - before if whole(current) and now is not None and before is not None else None
    rate = metric == "paying_rate"
    low, high = (newcombe((current["payers"], current["active_users"]), (previous["payers"], previous["active_users"]))
                 if rate and moved is not None else (None, None))
    return {"metric": metric, "current": now, "previous": before, "change": moved,
            "change_share": moved / before if moved is not None and before else None,
            "change_ci_low": low, "change_ci_high": high,
            "n": current["active_users"] if rate else None, "previous_n": previous["active_users"] if rate else None,
            "target": target, "target_due": (judged := due(metric, current, target)),
            "target_met": None if judged is None or now is None else now >= judged}


@query(ACTIVE, RECHARGE, KPIS, returns=Comparison)
def compare(conn: psycopg.Connection, date_to: dt.date, days: int, server_id: int | None, country_code: str | None,
            targets: PeriodTargets) -> dict:
    """The `days` days ending `date_to` against the `days` before them, on one server (404 when it is not known)
    and country or all, each KPI with its change (only between two whole periods) and its target of `targets`
    (`due`)."""
    known_server(conn, server_id)
    start = date_to - dt.timedelta(days=days - 1)
    current = period(conn, start, date_to, server_id, country_code)
    previous = period(conn, start - dt.timedelta(days=days), start - dt.timedelta(days=1), server_id, country_code)
    return {"current": current, "previous": previous,
            "complete": current["days_published"] == previous["days_published"] == days,
            "metrics": [change(m, current, previous, getattr(targets, m)) for m in METRICS]}


def split(by: Split) -> Query:
    """The period `date_from`–`date_to` split `by` country, server or VIP tier, on one server and country or all."""
    tables = (ACTIVE, RECHARGE, KPIS, *((CUMULATIVE,) if by == "vip_tier" else ()))

    def compute(conn: psycopg.Connection, date_from: dt.date, date_to: dt.date, server_id: int | None,
                country_code: str | None) -> dict:
        known_server(conn, server_id)
        params = {"date_from": date_from, "date_to": date_to, "server_id": server_id, "country_code": country_code}
        order = VIP_ORDER if by == "vip_tier" else "active_users DESC, segment"
        rows = conn.execute(f"SELECT * FROM ({period_sql(by)}) s ORDER BY {order}", params).fetchall()
        days = published_days(conn, date_from, date_to)
        whole = {k: sum(r[k] for r in rows) for k in ("active_users", "user_days", "new_users", "payers",
                                                       "revenue_usd")}
        return {"whole": figures(whole, date_from, date_to, days),
                "segments": [{"segment": r["segment"], **figures(r, date_from, date_to, days)} for r in rows]}

    compute.__qualname__ = f"split.{by}"
    return Query(tables, Segments, compute)


SPLITS = {by: split(by) for by in SEGMENTS}
