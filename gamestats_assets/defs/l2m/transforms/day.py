"""Every L2M table of one day computed in memory, in dependency order: the DAG the Dagster assets follow.

Used by tests and benchmarks; the assets call the same functions one table at a time.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

import polars as pl

from gamestats_assets.defs.l2m.transforms import cons, etl, farmers, kpis, std
from gamestats_assets.lib.quarantine import Reject


class DayTables(NamedTuple):
    """The day's tables by name (``etl_*``, ``std_active``, ``l2m_*``, ``farmers_detected``) and the rejects
    of each ETL table."""

    tables: dict[str, pl.DataFrame]
    rejects: dict[str, list[Reject]]


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


def derived_tables(t: dict[str, pl.DataFrame], day: dt.date,
                   previous_cumulative: pl.DataFrame | None = None,
                   active_history: pl.DataFrame | None = None) -> dict[str, pl.DataFrame]:
    """STD and CONS tables of the day from its ETL tables. ``previous_cumulative`` is yesterday's
    l2m_cumulative_revenue; ``active_history`` the l2m_active of earlier days (for retention)."""
    out = {"std_active": std.std_active(*(t[f"etl_{name}"] for name in std.SOURCES))}
    out["l2m_active"] = active = cons.l2m_active(out["std_active"], t["etl_user_profile"])
    out["l2m_recharge"] = recharge = cons.l2m_recharge(t["etl_recharge"], active)
    out["l2m_cumulative_revenue"] = cumulative = cons.l2m_cumulative_revenue(previous_cumulative, recharge, day)
    for source in etl.ECONOMY_SOURCES:
        out[f"l2m_{source.event}"] = cons.cons_economy(source, t[f"etl_{source.event}"], active, cumulative)
    out["l2m_server_performance"] = cons.l2m_server_performance(
        active, recharge, t["etl_money_gain"], t["etl_money_spend"], t["etl_logout"])
    out["farmers_detected"] = detected = farmers.detect_farmers(
        t["etl_login"], active, t["etl_item_gain"], t["etl_money_gain"], recharge)
    out["l2m_farmers_performance"] = farmers.l2m_farmers_performance(detected)
    out["l2m_farmers_snapshot"] = farmers.l2m_farmers_snapshot(detected)
    out["l2m_guild_info"] = cons.l2m_guild_info(t["etl_clan_change"])
    out["l2m_daily_kpis"] = kpis.l2m_daily_kpis(active, recharge, cumulative)
    window = active if active_history is None else pl.concat([active_history, active])
    out["l2m_retention"] = kpis.l2m_retention(window, day)
    return out

