"""The L2M tables and their inputs, declared once as `Table`s (`lib/authoring/table.py`): the Dagster assets,
the in-memory runs of tests and the benchmark are all built from `TABLES`. The ETL tables' `compute` reads a
day's landing folder (`compute(day_dir, day)`) into a `ReadResult`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

import polars as pl

from gamestats_assets.published.l2m import COLUMNS
from gamestats_assets.defs.l2m.transforms import (checks, cons, etl, farm_rings, farmer_types, farmers, kpis, opening,
                                                  std)
from gamestats_assets.lib.authoring.assets import Publish, PublishMode
from gamestats_assets.lib.authoring.source_checks import MAX_REJECTED_SHARE
from gamestats_assets.lib.authoring.headline import Figures, Headline, rate_figures, rate_meanings, ratio
from gamestats_assets.lib.authoring.memory_run import MemoryRun
from gamestats_assets.lib.authoring.memory_run import run_in_memory as run_tables
from gamestats_assets.lib.authoring.table import Table
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.intake.quarantine import Reject, over_reject_limit


def rejected_days(platform: PlatformResource) -> list[dt.date]:
    """The days held back from publishing because too many of their lines were rejected: the snapshots leave
    them out."""
    return [dt.date.fromisoformat(key) for key in over_reject_limit(platform.quarantine_dir, "l2m", MAX_REJECTED_SHARE)]


ETL_TABLES = [
    Table("etl", "login", etl.etl_login, "Logins: one row per login event (key event_uuid) with user, server, level, "
          "IP, device.", kind="etl"),
    Table("etl", "logout", etl.etl_logout, "Logouts: one row per logout event (key event_uuid) with user, server, "
          "level and play time.", kind="etl"),
    Table("etl", "recharge", etl.etl_recharge, "Recharges: one row per payment (key order_id), amount in the paid "
          "currency and in USD from the currency rates reference, converted in the same scan.", kind="etl"),
    *[Table("etl", source.event, partial(etl.etl_economy, source), source.describe(), kind="etl")
      for source in etl.ECONOMY_SOURCES],
    Table("etl", "user_profile", etl.etl_user_profile, "User profiles (user_set lines): one row per (date, user_id) "
          "with country code and registration date.", kind="etl"),
    Table("etl", "clan_change", etl.etl_clan_change, "Clan (guild) membership changes: one row per change event "
          "(key event_uuid).", kind="etl"),
]



def daily_kpi_figures(kpis_of_day: pl.DataFrame) -> Figures:
    """The day's KPIs over every country and server: each user counts on one (country, server), so counts
    and revenue add up, and ARPU and ARPPU are recomputed from the totals."""
    dau, nru, pu, npu = (int(kpis_of_day.get_column(c).sum() or 0) for c in ("dau", "nru", "pu", "npu"))
    revenue = float(kpis_of_day.get_column("revenue_usd").sum() or 0.0)
    return {"dau": dau, "nru": nru, "pu": pu, "npu": npu, "revenue_usd": revenue,
            "arpu_usd": ratio(revenue, dau), "arppu_usd": ratio(revenue, pu)}


DAILY_KPIS_HEADLINE = Headline({
    "dau": "daily active users: distinct users active on the day, every country and server",
    "nru": "new registered users: active users whose registration date is the day",
    "pu": "paying users: users with at least one payment on the day",
    "npu": "new paying users: users whose first payment ever is on the day",
    "revenue_usd": "the day's payments in USD",
    "arpu_usd": "average revenue per user: revenue_usd / dau",
    "arppu_usd": "average revenue per paying user: revenue_usd / pu (absent on a day nobody paid)",
}, daily_kpi_figures)


def retention_figures(retention_of_day: pl.DataFrame) -> Figures:
    """D1, D3, D7 and D30 retention measured on the day, each with its cohort size and Wilson interval; a Dn
    whose cohort day is not in the lake has no figures."""
    figures: dict[str, int | float | None] = {}
    for row in retention_of_day.iter_rows(named=True):
        figures.update(rate_figures(f"d{row['day_n']}", row["retained_users"], row["cohort_size"]))
    return figures


RETENTION_HEADLINE = Headline({
    name: meaning for n in kpis.RETENTION_DAYS for name, meaning in rate_meanings(
        f"d{n}", f"D{n} retention: the share of the users registered {n} day(s) before who are active on the day",
        f"users registered {n} day(s) before (the cohort)", f"users of the D{n} cohort active on the day").items()
}, retention_figures)


def server_figures(servers_of_day: pl.DataFrame) -> Figures:
    """The day's server totals (each active user on one server, each payer on one payment server) and how
    concentrated revenue is."""
    revenue = float(servers_of_day.get_column("revenue_usd").sum() or 0.0)
    top = float(servers_of_day.get_column("revenue_usd").max() or 0.0)
    return {"servers": servers_of_day.height,
            **{c: int(servers_of_day.get_column(c).sum() or 0)
               for c in ("dau", "paying_users", "diamonds_gained", "diamonds_spent")},
            "revenue_usd": revenue, "top_server_revenue_share": ratio(top, revenue)}


SERVER_PERFORMANCE_HEADLINE = Headline({
    "servers": "servers with activity or payments on the day",
    "dau": "active users over every server (each on the server of their highest level)",
    "paying_users": "paying users over every server (each on the server of their largest payment)",
    "revenue_usd": "the day's revenue in USD over every server",
    "top_server_revenue_share": "the share of the day's revenue made on the best-earning server (absent without "
                                "revenue)",
    "diamonds_gained": "diamonds gained over every server",
    "diamonds_spent": "diamonds spent over every server",
}, server_figures)

TABLES: list[Table] = [
    *ETL_TABLES,
    Table("std", "active", lambda day, **sources: std.std_active(*(sources[s] for s in std.SOURCES)),
          "Active users: the union of every line of the seven activity sources, one row per (date, user_id) with "
          "the highest level seen that day and its server.",
          {source: f"etl/{source}" for source in std.SOURCES},
          reads={source: std.ACTIVE_COLUMNS for source in std.SOURCES}),
    Table("std", "user_profile",
          lambda yesterday, day, profile, opening_balance: std.std_user_profile(
              opening.state_before(yesterday, day, opening_balance, lambda state: state.profile), profile, day),
          "The user-profile dimension as of the end of the day (key date, user_id): every user ever seen in a "
          "user_set line with server, country code and registration date, each the latest value known. Reads its "
          "own previous day, since the game sends user_set only when a property changes; the first day continues "
          "the opening balance's accounts (`landing/l2m/opening/`, first seen as their registration date), if any.",
          {"profile": "etl/user_profile"}, kind="carried", given={"opening_balance": opening.opening_of}),
    Table("cons", "l2m_active", lambda day, active, profile: cons.l2m_active(active, profile),
          "l2m_active: one row per (date, user_id) active that day, with server, level, country (TH, VN, ID, PH, SG, "
          "MY or Other), registration date and whether the user is new.",
          {"active": "std/active", "profile": "std/user_profile"},
          columns=COLUMNS["l2m_active"],
          publish=Publish(("date", "user_id"), sum_column="level")),
    Table("cons", "l2m_recharge", lambda day, recharge, active: cons.l2m_recharge(recharge, active),
          "l2m_recharge: one row per (date, user_id) who paid: payments and daily revenue in USD, with server and "
          "country.", {"recharge": "etl/recharge", "active": "cons/l2m_active"},
          columns=COLUMNS["l2m_recharge"],
          publish=Publish(("date", "user_id"), sum_column="daily_rev_usd")),
    Table("cons", "l2m_cumulative_revenue",
          lambda yesterday, day, recharge, opening_balance: cons.l2m_cumulative_revenue(
              opening.state_before(yesterday, day, opening_balance, lambda state: state.balance), recharge, day),
          "l2m_cumulative_revenue: lifetime revenue in USD of every user who has ever paid, as of the end of the day "
          "(key date, user_id), with first and last charge dates and VIP tier. Reads its own previous day; a run "
          "over several days carries each day into the next. History begins at the first daily partition "
          "(GAMESTATS_START_DATE), from the opening balance in `landing/l2m/opening/` when one is given (a game "
          "adopted while live), else from zero; a later day whose previous day was never materialized is refused, "
          "since its totals would silently restart.",
          {"recharge": "cons/l2m_recharge"}, kind="carried", given={"opening_balance": opening.opening_of},
          invariant=lambda yesterday, today, recharge: checks.cumulative_revenue_violations(yesterday, recharge, today),
          columns=COLUMNS["l2m_cumulative_revenue"],
          publish=Publish(("date", "user_id"), sum_column="cumulative_revenue_usd")),
    Table("cons", "l2m_lifetime_totals",
          lambda day, cumulative, since: opening.lifetime_totals(cumulative, day, since),
          "l2m_lifetime_totals: one row per day (key date): the accounts that have ever paid and their lifetime "
          "revenue, and since when the cumulative figures count (`cumulative_since`: the adoption when no opening "
          "balance was given, so a board can say that NPU, first charges and VIP tiers start there).",
          {"cumulative": "cons/l2m_cumulative_revenue"}, given={"since": opening.history_since},
          reads={"cumulative": ("date", "user_id", "cumulative_revenue_usd")},
          columns=COLUMNS["l2m_lifetime_totals"],
          publish=Publish(("date",), sum_column="payers")),
    *[Table("cons", f"l2m_{source.event}",
            lambda day, table, active, cumulative, source=source: cons.cons_economy(source, table, active, cumulative),
            f"l2m_{source.event}: {source.measure} of the {'diamonds' if source.money else 'key items'} per (date, "
            f"server_id, country_code, vip_tier, {source.key}), with the users' country and VIP tier.",
            {"table": f"etl/{source.event}", "active": "cons/l2m_active", "cumulative": "cons/l2m_cumulative_revenue"},
            reads={"table": source.columns, **cons.DIMENSION_COLUMNS},
            columns=COLUMNS[f"l2m_{source.event}"],
            publish=Publish(("date", "server_id", "country_code", "vip_tier", source.key)))
      for source in etl.ECONOMY_SOURCES],
    Table("cons", "l2m_server_performance",
          lambda day, active, recharge, money_gain, money_spend, logout: cons.l2m_server_performance(
              active, recharge, money_gain, money_spend, logout),
          "l2m_server_performance: per (date, server_id) active users, payers, revenue, diamonds gained and spent, "
          "and play time.",
          {"active": "cons/l2m_active", "recharge": "cons/l2m_recharge", "money_gain": "etl/money_gain",
           "money_spend": "etl/money_spend", "logout": "etl/logout"}, headline=SERVER_PERFORMANCE_HEADLINE,
          reads={"logout": ("date", "user_id", "online_seconds")},
          columns=COLUMNS["l2m_server_performance"],
          publish=Publish(("date", "server_id"))),
    Table("std", "farmers_detected",
          lambda day, login, logout, active, item_gain, money_gain, recharge, clan_change: farmers.detect_farmers(
              login.filter(pl.col("date") == day), logout, active, item_gain, money_gain, recharge,
              login.filter(pl.col("date") < day).lazy(), clan_change),
          "Accounts detected as bot farmers on the day (key date, user_id): candidates that farm like a script "
          "(grinding, round the clock, machine-regular sessions) linked into farms by devices or networks shared "
          "over the last week, or by identical days, and managed rings of all-day accounts whose logins coincide "
          "day after day, each with its farm, the signals that flagged it, a score and the evidence (definitions "
          "in transforms/farmers.py and transforms/farm_rings.py).",
          {"login": "etl/login", "logout": "etl/logout", "active": "cons/l2m_active", "item_gain": "etl/item_gain",
           "money_gain": "etl/money_gain", "recharge": "cons/l2m_recharge", "clan_change": "etl/clan_change"},
          history={"login": farmers.HISTORY_DAYS, "clan_change": farmers.HISTORY_DAYS},
          reads={"login": farmers.LOGIN_COLUMNS, "logout": (*farmers.LOGIN_COLUMNS, "online_seconds"),
                   "item_gain": farmers.ITEM_GAIN_COLUMNS, "money_gain": farmers.MONEY_GAIN_COLUMNS,
                   "clan_change": farm_rings.CLAN_CHANGE_COLUMNS}),
    Table("cons", "l2m_farmers_performance", lambda day, detected: farmers.l2m_farmers_performance(detected),
          "l2m_farmers_performance: per (date, farm_key) the detected farm's accounts, payers, revenue and farmed "
          "items and diamonds.", {"detected": "std/farmers_detected"},
          columns=COLUMNS["l2m_farmers_performance"],
          publish=Publish(("date", "farm_key"))),
    Table("cons", "l2m_server_farms", lambda day, detected: farmers.l2m_server_farms(detected),
          "l2m_server_farms: per (date, server_id, farm_key) the detected farm's accounts on the server, payers, "
          "revenue and farmed items and diamonds; summed over servers, `l2m_farmers_performance`.",
          {"detected": "std/farmers_detected"},
          columns=COLUMNS["l2m_server_farms"],
          publish=Publish(("date", "server_id", "farm_key"), sum_column="accounts")),
    Table("cons", "l2m_farmer_types",
          lambda day, detected, active, money_spend: farmer_types.l2m_farmer_types(detected, active, money_spend),
          "l2m_farmer_types: the day's detected farmer accounts per (date, country_code, farmer_type): PU farmers "
          "(a payment on the day) and non-PU farmers, with their farms, revenue, key items and diamonds gained, "
          "diamonds spent and the net diamond flow; summed over countries and types, `l2m_farmers_performance`.",
          {"detected": "std/farmers_detected", "active": "cons/l2m_active", "money_spend": "etl/money_spend"},
          reads={"detected": farmer_types.DETECTED_COLUMNS, "active": ("date", "user_id", "country_code"),
                 "money_spend": farmer_types.MONEY_SPEND_COLUMNS},
          columns=COLUMNS["l2m_farmer_types"],
          publish=Publish(("date", "country_code", "farmer_type"), sum_column="accounts")),
    Table("cons", "l2m_daily_kpis",
          lambda day, active, recharge, cumulative: kpis.l2m_daily_kpis(active, recharge, cumulative),
          "l2m_daily_kpis: per (date, country_code, server_id) DAU, NRU, PU, NPU, NNPU, revenue, ARPU and ARPPU in "
          "USD (definitions in transforms/kpis.py).",
          {"active": "cons/l2m_active", "recharge": "cons/l2m_recharge", "cumulative": "cons/l2m_cumulative_revenue"},
          headline=DAILY_KPIS_HEADLINE,
          columns=COLUMNS["l2m_daily_kpis"],
          publish=Publish(("date", "country_code", "server_id"), sum_column="revenue_usd")),
    Table("cons", "l2m_retention", lambda day, active: kpis.l2m_retention(active, day),
          "l2m_retention: D1, D3, D7 and D30 retention measured on the day (key date, day_n): the cohort registered n "
          "days before, how many are active on the day, the rate and its Wilson 95 % interval. Reads only the days "
          "it measures and their cohort days.",
          {"active": "cons/l2m_active"}, kind="window", window_days=kpis.RETENTION_DAYS, headline=RETENTION_HEADLINE,
          columns=COLUMNS["l2m_retention"],
          publish=Publish(("date", "day_n"), sum_column="cohort_size")),
    Table("cons", "l2m_server_retention", lambda day, active: kpis.l2m_server_retention(active, day),
          "l2m_server_retention: `l2m_retention` per server (key date, server_id, day_n): each cohort split by the "
          "server its users started on, retained when active on the day on any server; summed over servers, "
          "`l2m_retention`.",
          {"active": "cons/l2m_active"}, kind="window", window_days=kpis.RETENTION_DAYS,
          columns=COLUMNS["l2m_server_retention"],
          publish=Publish(("date", "server_id", "day_n"), sum_column="cohort_size")),
    Table("cons", "l2m_guild_info", lambda changes: cons.l2m_guild_info(changes),
          "l2m_guild_info: every user's latest clan membership (key user_id), from all clan changes so far.",
          {"changes": "etl/clan_change"}, kind="snapshot", skip_days=rejected_days,
          columns=COLUMNS["l2m_guild_info"],
          publish=Publish(("user_id",), PublishMode.SNAPSHOT)),
    Table("cons", "l2m_farmers_snapshot", lambda detected: farmers.l2m_farmers_snapshot(detected),
          "l2m_farmers_snapshot: every account ever detected as a farmer (key user_id) with its latest farm, "
          "signals and score, and its evidence: shared networks and devices, days detected, level, farmed "
          "amounts, payments.",
          {"detected": "std/farmers_detected"}, kind="snapshot", skip_days=rejected_days,
          columns=COLUMNS["l2m_farmers_snapshot"],
          publish=Publish(("user_id",), PublishMode.SNAPSHOT, indexes=("farm_key",))),
]

BY_REF = {table.ref: table for table in TABLES}


def given_in_memory(table: Table, platform: PlatformResource | None, first_day: dt.date) -> Table:
    """`table` with its givens bound as its asset computes them from `platform` (the opening balance, the day the
    history counts from); without a platform, as a pipeline adopted on `first_day` without an opening balance."""
    if not table.given:
        return table
    absent = {"opening_balance": lambda: opening.NO_OPENING, "since": first_day}
    values = {param: given(platform) if platform is not None else absent[param] for param, given in table.given.items()}
    return replace(table, compute=partial(table.compute, **values), given={})


def run_in_memory(landing_dir: Path, days: Sequence[dt.date], on_table: Callable[[Table, dt.date | None], None]
                  = lambda table, day: None, platform: PlatformResource | None = None) -> MemoryRun:
    """Every table of `TABLES` for the consecutive `days` read from `landing_dir/<YYYY-MM-DD>`, in declaration
    order, each kind fed as its asset is, with each ETL table's rejects; `on_table` is called after each table
    (benchmarks). The givens are read from `platform` (its start date the first of `days`) as the assets read
    them (`given_in_memory`): its opening balance is the state before the first day."""
    rejects: dict[dt.date, dict[str, list[Reject]]] = {}

    def read(day: dt.date) -> dict[str, pl.DataFrame]:
        frames, rejects[day] = {}, {}
        for table in ETL_TABLES:
            result = table.compute(Path(landing_dir) / day.isoformat(), day)
            frames[table.ref], rejects[day][table.frame_name] = result.frame, result.rejects
            on_table(table, day)
        return frames

    run = run_tables([given_in_memory(table, platform, days[0]) for table in TABLES], days, read, on_table)
    run.rejects = rejects
    return run
