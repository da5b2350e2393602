"""Lineage 2M's economy and revenue reads for the KPI board: the diamonds and key items gained and spent over a
date range (`l2m.l2m_money_gain`, `l2m_money_spend`, `l2m_item_gain`, `l2m_item_spend`) by day, reason, item and
VIP tier, and the lifetime revenue of the users who ever paid (`l2m.l2m_cumulative_revenue`) by day and by VIP
tier."""

from __future__ import annotations

import datetime as dt

import psycopg

from gamestats_assets.serve.core.models import field, shape
from gamestats_assets.serve.queries import query
from gamestats_assets.serve.queries.l2m import KPIS, known_server
from gamestats_assets.serve.queries.l2m_board import CUMULATIVE

MONEY_GAIN, MONEY_SPEND = "l2m.l2m_money_gain", "l2m.l2m_money_spend"
ITEM_GAIN, ITEM_SPEND = "l2m.l2m_item_gain", "l2m.l2m_item_spend"
REASONS = {101: "daily quest", 102: "achievement", 103: "purchase", 104: "event reward", 105: "exchange sale",
           201: "shop", 202: "summon", 203: "enhancement", 204: "teleport", 205: "exchange purchase"}
"""The game's diamond reason codes with a known name; another code is named by its number."""
TIERS = "CASE vip_tier WHEN 'Free' THEN '0' ELSE vip_tier END"
FILTER = ("date BETWEEN %(date_from)s AND %(date_to)s AND (%(server_id)s::bigint IS NULL OR server_id = %(server_id)s) "
          "AND (%(country_code)s::text IS NULL OR country_code = %(country_code)s)")

EconomyDay = shape("L2mEconomyDay", "A day's diamonds gained and spent",
                   date=field(dt.date, "the day"), diamonds_gained=field(int, "diamonds gained"),
                   diamonds_spent=field(int, "diamonds spent"))
Reason = shape("L2mDiamondReason", "The diamonds a reason moved over the range",
               reason_id=field(int, "the game's reason code"), reason=field(str, "its name, or `reason <code>`"),
               direction=field(str, "`source` (gained) or `sink` (spent)"), amount=field(int, "diamonds moved"),
               events=field(int, "log events"), share=field(float, "amount / all diamonds moved the same direction"))
Item = shape("L2mItemFlow", "A key item's quantities gained and spent over the range",
             item_id=field(int, "the item"), item_name=field(str | None, "its name"),
             item_group=field(str | None, "its group"), gained=field(int, "quantity gained"),
             spent=field(int, "quantity spent"), net=field(int, "gained - spent"))
TierFlow = shape("L2mTierEconomy", "What a VIP tier gained and spent over the range",
                 vip_tier=field(str, "`Free`, then `A` to `G`"), diamonds_gained=field(int, "diamonds gained"),
                 diamonds_spent=field(int, "diamonds spent"), items_gained=field(int, "key items gained"),
                 items_spent=field(int, "key items spent"))
Economy = shape("L2mEconomy", "Diamond and key-item sources and sinks over a date range",
                days=field(list[EconomyDay], "each day, in order"),
                reasons=field(list[Reason], "each reason's diamonds, sources then sinks, largest first"),
                items=field(list[Item], "each key item, most gained first"),
                tiers=field(list[TierFlow], "each VIP tier, in order"))

RevenueDay = shape("L2mRevenueDay", "The lifetime revenue of the users who ever paid, as of a day",
                   date=field(dt.date, "the day"), payers_ever=field(int, "users with a payment up to the day"),
                   revenue_usd=field(float, "the day's payments, USD"),
                   cumulative_revenue_usd=field(float, "their payments up to the end of the day, USD"))
Tier = shape("L2mVipTier", "A VIP tier on the range's last day and its payments over the range",
             vip_tier=field(str, "`A` to `G` (a tier of lifetime revenue)"),
             users=field(int, "users in the tier at the end of the last day"),
             payers=field(int, "of those, users who paid in the range"),
             revenue_usd=field(float, "their payments in the range, USD"),
             cumulative_revenue_usd=field(float, "their lifetime payments up to the last day, USD"),
             revenue_share=field(float | None, "revenue_usd / the range's revenue"))
Revenue = shape("L2mRevenue", "Cumulative revenue by day and VIP tiers over a date range, every server",
                days=field(list[RevenueDay], "each day, in order"),
                tiers=field(list[Tier], "each VIP tier with users on the last day, in order"),
                last_day=field(dt.date | None, "the day the tiers are of (null when no day is published)"))


def flows(conn: psycopg.Connection, params: dict) -> list[dict]:
    """Each reason's diamonds, as sources and sinks, with its share of its direction."""
    rows = conn.execute(
        f"SELECT reason_id, 'source' AS direction, sum(amount)::bigint AS amount, sum(events)::bigint AS events "
        f"FROM {MONEY_GAIN} WHERE {FILTER} GROUP BY reason_id UNION ALL "
        f"SELECT reason_id, 'sink', sum(amount)::bigint, sum(events)::bigint FROM {MONEY_SPEND} WHERE {FILTER} "
        "GROUP BY reason_id ORDER BY direction DESC, amount DESC, reason_id", params).fetchall()
    totals = {d: sum(r["amount"] for r in rows if r["direction"] == d) for d in ("source", "sink")}
    return [{**r, "reason": REASONS.get(r["reason_id"], f"reason {r['reason_id']}"),
             "share": r["amount"] / totals[r["direction"]] if totals[r["direction"]] else 0.0} for r in rows]


@query(MONEY_GAIN, MONEY_SPEND, ITEM_GAIN, ITEM_SPEND, KPIS, returns=Economy)
def economy(conn: psycopg.Connection, date_from: dt.date, date_to: dt.date, server_id: int | None,
            country_code: str | None) -> dict:
    """The range's diamonds and key items on one server (404 when it is not known) and country, or all."""
    known_server(conn, server_id)
    params = {"date_from": date_from, "date_to": date_to, "server_id": server_id, "country_code": country_code}
    days = conn.execute(
        f"SELECT date, sum(gained)::bigint AS diamonds_gained, sum(spent)::bigint AS diamonds_spent FROM ("
        f"SELECT date, amount AS gained, 0 AS spent FROM {MONEY_GAIN} WHERE {FILTER} UNION ALL "
        f"SELECT date, 0, amount FROM {MONEY_SPEND} WHERE {FILTER}) moved GROUP BY date ORDER BY date",
        params).fetchall()
    items = conn.execute(
        f"SELECT item_id, max(item_name) AS item_name, max(item_group) AS item_group, "
        "sum(gained)::bigint AS gained, sum(spent)::bigint AS spent, sum(gained - spent)::bigint AS net FROM ("
        f"SELECT item_id, item_name, item_group, quantity AS gained, 0 AS spent FROM {ITEM_GAIN} WHERE {FILTER} "
        f"UNION ALL SELECT item_id, item_name, item_group, 0, quantity FROM {ITEM_SPEND} WHERE {FILTER}) moved "
        "GROUP BY item_id ORDER BY gained DESC, item_id", params).fetchall()
    tiers = conn.execute(
        "SELECT vip_tier, sum(dg)::bigint AS diamonds_gained, sum(ds)::bigint AS diamonds_spent, "
        "sum(ig)::bigint AS items_gained, sum(isp)::bigint AS items_spent FROM ("
        f"SELECT vip_tier, amount AS dg, 0 AS ds, 0 AS ig, 0 AS isp FROM {MONEY_GAIN} WHERE {FILTER} UNION ALL "
        f"SELECT vip_tier, 0, amount, 0, 0 FROM {MONEY_SPEND} WHERE {FILTER} UNION ALL "
        f"SELECT vip_tier, 0, 0, quantity, 0 FROM {ITEM_GAIN} WHERE {FILTER} UNION ALL "
        f"SELECT vip_tier, 0, 0, 0, quantity FROM {ITEM_SPEND} WHERE {FILTER}) moved "
        f"GROUP BY vip_tier ORDER BY {TIERS}", params).fetchall()
    return {"days": days, "reasons": flows(conn, params), "items": items, "tiers": tiers}


@query(CUMULATIVE, returns=Revenue)
def revenue(conn: psycopg.Connection, date_from: dt.date, date_to: dt.date) -> dict:
    """Each day's payers ever and lifetime revenue, and the VIP tiers of the range's last published day."""
    days = conn.execute(
        f"SELECT date, count(*) FILTER (WHERE first_charge_date <= date) AS payers_ever, "
        "coalesce(sum(daily_rev_usd), 0)::float8 AS revenue_usd, "
        f"coalesce(sum(cumulative_revenue_usd), 0)::float8 AS cumulative_revenue_usd FROM {CUMULATIVE} "
        "WHERE date BETWEEN %s AND %s GROUP BY date ORDER BY date", (date_from, date_to)).fetchall()
    last = days[-1]["date"] if days else None
    tiers = conn.execute(
        "WITH ranged AS (SELECT user_id, sum(daily_rev_usd) AS revenue, bool_or(daily_rev_usd > 0) AS paid "
        f"FROM {CUMULATIVE} WHERE date BETWEEN %s AND %s GROUP BY user_id) "
        "SELECT c.vip_tier, count(*) AS users, count(*) FILTER (WHERE r.paid) AS payers, "
        "coalesce(sum(r.revenue), 0)::float8 AS revenue_usd, "
        "coalesce(sum(c.cumulative_revenue_usd), 0)::float8 AS cumulative_revenue_usd "
        f"FROM {CUMULATIVE} c JOIN ranged r USING (user_id) WHERE c.date = %s AND c.vip_tier <> 'Free' "
        f"GROUP BY c.vip_tier ORDER BY {TIERS.replace('vip_tier', 'c.vip_tier')}",
        (date_from, date_to, last)).fetchall()
    total = sum(d["revenue_usd"] for d in days)
    return {"days": days, "last_day": last,
            "tiers": [{**t, "revenue_share": t["revenue_usd"] / total if total else None} for t in tiers]}
