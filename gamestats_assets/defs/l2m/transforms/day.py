"""Every L2M table of consecutive days computed in memory, in dependency order: the DAG the Dagster assets
follow.

Used by tests and benchmarks; the assets call the same functions one table at a time. As in the assets, the
self-dependent tables (std_user_profile, l2m_cumulative_revenue) carry yesterday's partition forward, and the
snapshots (l2m_guild_info, l2m_farmers_snapshot) are built from every day given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import polars as pl

from gamestats_assets.defs.l2m.transforms import cons, etl, farmers, kpis, std
from gamestats_assets.lib.quarantine import Reject


class DayTables(NamedTuple):
    """The day's tables by name (``etl_*``, ``std_*``, ``l2m_*``, ``farmers_detected``) and the rejects
    of each ETL table."""

    tables: dict[str, pl.DataFrame]
    rejects: dict[str, list[Reject]]


class DaysTables(NamedTuple):
    """The daily tables and rejects of each day, and the snapshots built from all of them."""

    days: dict[dt.date, DayTables]
    snapshots: dict[str, pl.DataFrame]


def etl_tables(day_dir: Path, day: dt.date) -> DayTables:
    """The nine ETL tables of the day: the seven activity sources, the user profile and clan changes."""
    parsed = {
        "etl_login": etl.etl_login(day_dir, day),
        "etl_logout": etl.etl_logout(day_dir, day),
        "etl_recharge": etl.etl_recharge(day_dir, day),
        **{f"etl_{source.event}": etl.etl_economy(source, day_dir, day) for source in etl.ECONOMY_SOURCES},
        "etl_user_profile": etl.etl_user_profile(day_dir, day),
        "etl_clan_change": etl.etl_clan_change(day_dir, day),
    }
    return DayTables({k: p.frame for k, p in parsed.items()}, {k: p.rejects for k, p in parsed.items()})


def derived_tables(t: Mapping[str, pl.DataFrame], day: dt.date,
                   yesterday: Mapping[str, pl.DataFrame] | None = None,
                   active_history: pl.DataFrame | None = None,
                   login_history: pl.DataFrame | None = None) -> dict[str, pl.DataFrame]:
    """STD and daily CONS tables of the day from its ETL tables. ``yesterday`` holds the tables of ``day - 1``
    (its std_user_profile and l2m_cumulative_revenue are carried forward; None on the first day);
    ``active_history`` the l2m_active of earlier days (for retention); ``login_history`` the ETL login of
    the ``farmers.HISTORY_DAYS`` before (for farmer detection)."""
    yesterday = yesterday or {}
    out = {"std_active": std.std_active(*(t[f"etl_{name}"] for name in std.SOURCES))}
    out["std_user_profile"] = std.std_user_profile(yesterday.get("std_user_profile"), t["etl_user_profile"], day)
    out["l2m_active"] = active = cons.l2m_active(out["std_active"], out["std_user_profile"])
    out["l2m_recharge"] = recharge = cons.l2m_recharge(t["etl_recharge"], active)
    out["l2m_cumulative_revenue"] = cumulative = cons.l2m_cumulative_revenue(
        yesterday.get("l2m_cumulative_revenue"), recharge, day)
    for source in etl.ECONOMY_SOURCES:
        out[f"l2m_{source.event}"] = cons.cons_economy(source, t[f"etl_{source.event}"], active, cumulative)
    out["l2m_server_performance"] = cons.l2m_server_performance(
        active, recharge, t["etl_money_gain"], t["etl_money_spend"], t["etl_logout"])
    out["farmers_detected"] = detected = farmers.detect_farmers(
        t["etl_login"], t["etl_logout"], active, t["etl_item_gain"], t["etl_money_gain"], recharge,
        None if login_history is None else login_history.lazy())
    out["l2m_farmers_performance"] = farmers.l2m_farmers_performance(detected)
    out["l2m_daily_kpis"] = kpis.l2m_daily_kpis(active, recharge, cumulative)
    window = active if active_history is None else pl.concat([active_history, active])
    out["l2m_retention"] = kpis.l2m_retention(window, day)
    return out


def snapshot_tables(days: Sequence[Mapping[str, pl.DataFrame]]) -> dict[str, pl.DataFrame]:
    """The unpartitioned snapshots from the tables of every day given: l2m_guild_info from all ETL clan
    changes, l2m_farmers_snapshot from all farmer detections."""
    return {
        "l2m_guild_info": cons.l2m_guild_info(pl.concat([t["etl_clan_change"] for t in days])),
        "l2m_farmers_snapshot": farmers.l2m_farmers_snapshot(pl.concat([t["farmers_detected"] for t in days])),
    }


def days_tables(landing_dir: Path, days: Sequence[dt.date]) -> DaysTables:
    """Every table of the consecutive ``days`` read from ``landing_dir/<YYYY-MM-DD>``: each day gets
    yesterday's tables, the l2m_active of all earlier days and the ETL login of the
    ``farmers.HISTORY_DAYS`` before; the snapshots cover all ``days``."""
    out: dict[dt.date, DayTables] = {}
    yesterday, history, logins = None, None, []
    for day in days:
        etl_day = etl_tables(Path(landing_dir) / day.isoformat(), day)
        earlier = pl.concat(logins[-farmers.HISTORY_DAYS:]) if logins else None
        derived = derived_tables(etl_day.tables, day, yesterday=yesterday, active_history=history,
                                 login_history=earlier)
        out[day] = DayTables({**etl_day.tables, **derived}, etl_day.rejects)
        yesterday = derived
        history = derived["l2m_active"] if history is None else pl.concat([history, derived["l2m_active"]])
        logins.append(etl_day.tables["etl_login"])
    return DaysTables(out, snapshot_tables([d.tables for d in out.values()]))
