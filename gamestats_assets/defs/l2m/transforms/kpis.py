"""L2M KPIs: daily player and revenue metrics by country and server, and cohort retention.

Each metric is a function returning a polars aggregation over the *user-day* frame (`user_day`: one row per
active user of the day with server, country, registration date, the day's revenue and first charge date),
so its definition reads in one place.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from gamestats_assets.lib.core.stats import wilson_interval

RETENTION_DAYS = (1, 3, 7, 30)
"""The n of the Dn retention rates measured each day: D1, D3, D7 and D30."""


def user_day(active: pl.DataFrame, recharge: pl.DataFrame, cumulative: pl.DataFrame) -> pl.DataFrame:
    """One row per active user of the day: CONS l2m_active joined with the day's payments (`payments`,
    `daily_rev_usd`, 0 when none) and the user's `first_charge_date` from l2m_cumulative_revenue."""
    return (active.select("date", "user_id", "server_id", "country_code", "register_date", "is_new_user")
            .join(recharge.select("user_id", "payments", "daily_rev_usd"), on="user_id", how="left")
            .join(cumulative.select("user_id", "first_charge_date"), on="user_id", how="left")
            .with_columns(pl.col("payments").fill_null(0), pl.col("daily_rev_usd").fill_null(0.0)))


def dau() -> pl.Expr:
    """DAU: distinct users active on the day (in any of the seven ETL sources)."""
    return pl.col("user_id").n_unique().cast(pl.Int64).alias("dau")


def nru() -> pl.Expr:
    """NRU: active users whose registration date is the day."""
    return pl.col("is_new_user").sum().cast(pl.Int64).alias("nru")


def pu() -> pl.Expr:
    """PU: users with at least one payment on the day."""
    return (pl.col("payments") > 0).sum().cast(pl.Int64).alias("pu")


def npu() -> pl.Expr:
    """NPU (new paying users): users whose first payment ever is on the day."""
    return (pl.col("first_charge_date") == pl.col("date")).fill_null(False).sum().cast(pl.Int64).alias("npu")


def nnpu() -> pl.Expr:
    """NNPU (new users paying on their first day): users whose first payment and registration (first login)
    are both on the day."""
    first_day_payer = (pl.col("first_charge_date") == pl.col("date")) & (pl.col("register_date") == pl.col("date"))
    return first_day_payer.fill_null(False).sum().cast(pl.Int64).alias("nnpu")


def revenue_usd() -> pl.Expr:
    """Revenue: the sum in USD of the day's payments (each converted at the reference rate)."""
    return pl.col("daily_rev_usd").sum().alias("revenue_usd")


def arpu_usd() -> pl.Expr:
    """ARPU: revenue divided by DAU."""
    return (revenue_usd() / dau()).alias("arpu_usd")


def arppu_usd() -> pl.Expr:
    """ARPPU: revenue divided by PU; null when nobody paid."""
    return pl.when(pu() > 0).then(revenue_usd() / pu()).alias("arppu_usd")


DAILY_METRICS = (dau, nru, pu, npu, nnpu, revenue_usd, arpu_usd, arppu_usd)


def l2m_daily_kpis(active: pl.DataFrame, recharge: pl.DataFrame, cumulative: pl.DataFrame) -> pl.DataFrame:
    """DAU, NRU, PU, NPU, NNPU, revenue, ARPU and ARPPU of the day per country and server.

    Attribution: each user counts once, on their country and server in l2m_active, together with all their
    payments of the day (l2m_server_performance puts revenue on the payment server instead).

    Grain: (date, country_code, server_id). Inputs: CONS l2m_active, l2m_recharge and l2m_cumulative_revenue of
    the same day.
    """
    return (user_day(active, recharge, cumulative)
            .group_by("date", "country_code", "server_id")
            .agg(*(metric() for metric in DAILY_METRICS))
            .sort("country_code", "server_id"))


def retention_rate() -> pl.Expr:
    """Dn retention of a registration cohort: users registered on day C and active on day C + n, divided by
    the users registered on day C (the cohort size)."""
    return (pl.col("retained_users") / pl.col("cohort_size")).alias("retention_rate")


def l2m_retention(active: pl.DataFrame, day: dt.date, by: tuple[str, ...] = ()) -> pl.DataFrame:
    """D1, D3, D7 and D30 retention measured on `day`: for n in `RETENTION_DAYS`, the cohort registered on
    `day - n` (its new users in l2m_active of that day), how many are active on `day`, the rate and its
    Wilson 95% interval. Cohorts whose day is absent from `active` or empty are left out. With `by`
    (`server_id`), each cohort is split by the users' value on their cohort day (the server they started on),
    and a user counts as retained when active on `day` on any server.

    Grain: (date, *by, day_n); `date` is the measuring day, `cohort_date = date - day_n`. Input: CONS
    l2m_active of `day`, `day - 1`, `day - 3`, `day - 7` and `day - 30` (other days are ignored).
    """
    today = active.filter(pl.col("date") == day).select("user_id")
    cohort_dates = {day - dt.timedelta(days=n): n for n in RETENTION_DAYS}
    cohorts = (active.filter(pl.col("is_new_user") & pl.col("date").is_in(list(cohort_dates)))
               .select(pl.col("date").alias("cohort_date"), "user_id", *by,
                       pl.col("date").replace_strict(cohort_dates, return_dtype=pl.Int64).alias("day_n")))
    retained = cohorts.join(today.with_columns(retained=pl.lit(True)), on="user_id", how="left")
    ci_low, ci_high = wilson_interval(pl.col("retained_users"), pl.col("cohort_size"))
    ci_low, ci_high = ci_low.alias("ci_low"), ci_high.alias("ci_high")
    return (retained.group_by("cohort_date", *by, "day_n")
            .agg(pl.len().cast(pl.Int64).alias("cohort_size"),
                 pl.col("retained").fill_null(False).sum().cast(pl.Int64).alias("retained_users"))
            .select(pl.lit(day, pl.Date).alias("date"), *by, "day_n", "cohort_date", "cohort_size", "retained_users",
                    retention_rate(), ci_low, ci_high)
            .sort(*by, "day_n"))


def l2m_server_retention(active: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """`l2m_retention` per server: each cohort split by the server its users started on. Grain: (date,
    server_id, day_n); summed over servers, cohort sizes and retained users are `l2m_retention`'s."""
    return l2m_retention(active, day, ("server_id",))

