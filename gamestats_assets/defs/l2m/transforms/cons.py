"""CONS: the L2M business tables published to PostgreSQL (schema `l2m`).

Daily tables carry `date` (the partition day) first; `l2m_guild_info` is an unpartitioned snapshot.
Country is the profile's country mapped to TH, VN, ID, PH, SG, MY or 'Other'.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from gamestats_assets.defs.l2m.transforms import reference
from gamestats_assets.defs.l2m.transforms.etl import EconomySource, diamonds
from gamestats_assets.defs.l2m.transforms.std import previous_partition
from gamestats_assets.defs.l2m.transforms.vip import FREE_TIER, vip_tier


def l2m_active(std_active: pl.DataFrame, user_profile: pl.DataFrame) -> pl.DataFrame:
    """Active users of the day with their profile as of that day: country (known or 'Other'), registration
    date and whether they registered that day (`is_new_user`). A user never seen in a user_set line counts
    as 'Other', with a null registration date, not new.

    Grain: (date, user_id). Inputs: STD active and STD user_profile (carried forward) of the same day.
    """
    profile = user_profile.select("user_id", "country_code", "register_date")
    return (std_active.join(profile, on="user_id", how="left", maintain_order="left")
            .select("date", "user_id", "server_id", "level",
                    reference.country_group(pl.col("country_code")).alias("country_code"),
                    "register_date",
                    (pl.col("register_date") == pl.col("date")).fill_null(False).alias("is_new_user")))


def payment_server() -> pl.Expr:
    """The server a user's payments of the day are attributed to: the server of their largest payment in USD
    (the smallest server id on ties). An aggregation over one user's ETL recharge rows."""
    largest = pl.col("amount_usd") == pl.col("amount_usd").max()
    return pl.col("server_id").filter(largest).min().alias("server_id")


def l2m_recharge(etl_recharge: pl.DataFrame, active: pl.DataFrame) -> pl.DataFrame:
    """Revenue per paying user and day: `payments` (count) and `daily_rev_usd` (sum of amount_usd).

    Attribution: `server_id` follows the payments (`payment_server`: the server of the user's largest
    payment of the day), not the server of the user's highest level; `country_code` is the user's profile
    country from `l2m_active`.

    Grain: (date, user_id). Inputs: ETL recharge and CONS l2m_active of the same day.
    """
    per_user = etl_recharge.group_by("date", "user_id").agg(
        payment_server(), pl.len().cast(pl.Int64).alias("payments"), pl.col("amount_usd").sum().alias("daily_rev_usd"),
    )
    dims = active.select("user_id", "country_code")
    return (per_user.join(dims, on="user_id", how="left")
            .select("date", "user_id", "server_id",
                    reference.country_group(pl.col("country_code")).alias("country_code"),
                    "payments", "daily_rev_usd")
            .sort("user_id"))


def l2m_cumulative_revenue(previous: pl.DataFrame | None, recharge: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """Lifetime revenue of every user who has ever paid, as of the end of `day`.

    `cumulative_revenue_usd(day) = cumulative_revenue_usd(day - 1) + daily_rev_usd(day)`; `first_charge_date`
    and `last_charge_date` are the first and latest days with a payment; `vip_tier` follows `vip.vip_tier`.
    `previous` is this table's partition of `day - 1` (None or empty on the first partition).

    Grain: (date, user_id). Inputs: its own previous partition and CONS l2m_recharge of the day.
    """
    previous = previous_partition(previous, day, "cumulative revenue")
    schema = {"user_id": pl.Utf8, "first_charge_date": pl.Date, "last_charge_date": pl.Date,
              "cumulative_revenue_usd": pl.Float64}
    before = pl.DataFrame(schema=schema) if previous is None else previous.select(list(schema))
    today = recharge.select("user_id", "daily_rev_usd")
    return (before.join(today, on="user_id", how="full", coalesce=True)
            .select(
                pl.lit(day, pl.Date).alias("date"), "user_id",
                pl.col("first_charge_date").fill_null(pl.lit(day, pl.Date)),
                pl.when(pl.col("daily_rev_usd").is_not_null()).then(pl.lit(day, pl.Date))
                .otherwise(pl.col("last_charge_date")).alias("last_charge_date"),
                pl.col("daily_rev_usd").fill_null(0.0),
                (pl.col("cumulative_revenue_usd").fill_null(0.0) + pl.col("daily_rev_usd").fill_null(0.0))
                .alias("cumulative_revenue_usd"),
            )
            .with_columns(vip_tier=vip_tier(pl.col("cumulative_revenue_usd")))
            .sort("user_id"))


DIMENSION_COLUMNS = {"active": ("date", "user_id", "server_id", "country_code"), "cumulative": ("date", "user_id", "vip_tier")}
"""The columns `user_dimensions` reads of l2m_active and l2m_cumulative_revenue."""


def user_dimensions(active: pl.DataFrame, cumulative: pl.DataFrame) -> pl.DataFrame:
    """Per active user: server, country and VIP tier (Free when the user never paid)."""
    tiers = cumulative.select("user_id", "vip_tier")
    return (active.select("user_id", "server_id", "country_code")
            .join(tiers, on="user_id", how="left")
            .with_columns(pl.col("vip_tier").fill_null(FREE_TIER)))


def cons_economy(source: EconomySource, etl_economy: pl.DataFrame, active: pl.DataFrame,
                 cumulative: pl.DataFrame, items: pl.DataFrame | None = None) -> pl.DataFrame:
    """Economy of the day per segment: users, total `measure` and events by server, country, VIP tier and
    `key`: the key progression items (item_id with its name and group, from the items reference) or the
    diamonds by reason_id. Other items and money types count for activity, not here.

    Grain: (date, server_id, country_code, vip_tier, key). Inputs: the ETL table of `source`, CONS
    l2m_active and l2m_cumulative_revenue of the same day (and the items reference for items).

    `users` counts a segment's distinct users: an ETL row holds one user's sums for one server and key in one landing
    file, so a user whose key is in two files of the day has two rows. The rows are summed per user, server and key
    first: a user's country and tier are the user's own, so each such sum falls in one segment, and a segment's
    users are its sums.
    """
    dims = user_dimensions(active, cumulative).drop("server_id").with_columns(
        reference.country_group(pl.col("country_code")).alias("country_code"))
    segment = ["date", "server_id", "country_code", "vip_tier", source.key]
    names = reference.items() if items is None else items
    rows = etl_economy.lazy()
    kept = (diamonds(rows).drop("money_type") if source.money
            else rows.join(names.lazy().select("item_id"), on="item_id", how="semi"))
    per_user = kept.group_by("date", "server_id", source.key, "user_id").agg(pl.col(source.measure).sum(),
                                                                           pl.col("events").sum())
    frame = (per_user.join(dims.lazy(), on="user_id", how="left")
             .with_columns(pl.col("country_code").fill_null(reference.OTHER_COUNTRY),
                           pl.col("vip_tier").fill_null(FREE_TIER))
             .group_by(segment)
             .agg(pl.len().cast(pl.Int64).alias("users"), pl.col(source.measure).sum(), pl.col("events").sum()))
    if not source.money:
        frame = frame.join(names.lazy(), on="item_id", how="left")
        segment += ["item_name", "item_group"]
    return frame.select(*segment, "users", source.measure, "events").sort(segment).collect()


def _server_activity(active: pl.DataFrame, money_gain: pl.DataFrame, money_spend: pl.DataFrame,
                     logout: pl.DataFrame) -> pl.DataFrame:
    """Per (date, server_id) of l2m_active: DAU, new users, average and highest level, diamonds gained and
    spent, and average online minutes per active user."""
    money_gain, money_spend = diamonds(money_gain.lazy()), diamonds(money_spend.lazy())
    users = (active.lazy().select("date", "user_id", "server_id", "level", "is_new_user")
             .join(money_gain.group_by("user_id").agg(pl.col("amount").sum().alias("gained")), on="user_id",
                   how="left")
             .join(money_spend.group_by("user_id").agg(pl.col("amount").sum().alias("spent")), on="user_id",
                   how="left")
             .join(logout.lazy().group_by("user_id").agg(pl.col("online_seconds").sum()), on="user_id", how="left"))
    return (users.group_by("date", "server_id")
            .agg(pl.len().cast(pl.Int64).alias("dau"),
                 pl.col("is_new_user").sum().cast(pl.Int64).alias("new_users"),
                 pl.col("level").mean().alias("avg_level"),
                 pl.col("level").max().alias("max_level"),
                 pl.col("gained").sum().cast(pl.Int64).alias("diamonds_gained"),
                 pl.col("spent").sum().cast(pl.Int64).alias("diamonds_spent"),
                 (pl.col("online_seconds").sum() / 60.0 / pl.len()).alias("avg_online_minutes"))
            .collect())


def l2m_server_performance(active: pl.DataFrame, recharge: pl.DataFrame, money_gain: pl.DataFrame,
                           money_spend: pl.DataFrame, logout: pl.DataFrame) -> pl.DataFrame:
    """Health of each server on the day: DAU, new users, paying users, revenue (USD), ARPU (revenue / DAU,
    null when DAU is 0), average and highest level, diamonds gained and spent, and average online minutes per
    active user.

    Attribution: activity counts on the user's server in l2m_active (the server of their highest level);
    paying users and revenue count on the payment server of l2m_recharge (the server of the user's largest
    payment), so revenue per server equals l2m_recharge's. A server with payments but no active user has
    DAU 0.

    Grain: (date, server_id). Inputs: CONS l2m_active and l2m_recharge, ETL money_gain, money_spend, logout.
    """
    revenue = recharge.group_by("date", "server_id").agg(
        pl.len().cast(pl.Int64).alias("paying_users"), pl.col("daily_rev_usd").sum().alias("revenue_usd"))
    return (_server_activity(active, money_gain, money_spend, logout)
            .join(revenue, on=["date", "server_id"], how="full", coalesce=True)
            .with_columns(pl.col("dau", "new_users", "paying_users", "diamonds_gained", "diamonds_spent").fill_null(0),
                          pl.col("revenue_usd").fill_null(0.0))
            .with_columns(arpu_usd=pl.when(pl.col("dau") > 0).then(pl.col("revenue_usd") / pl.col("dau")))
            .select("date", "server_id", "dau", "new_users", "paying_users", "revenue_usd", "arpu_usd",
                    "avg_level", "max_level", "diamonds_gained", "diamonds_spent", "avg_online_minutes")
            .sort("server_id"))


def l2m_guild_info(clan_changes: pl.DataFrame, previous: pl.DataFrame | None = None) -> pl.DataFrame:
    """Latest clan membership of every user who ever changed clan: the clan of their latest join or leave,
    `is_member` false after a leave, `clan_role` of the latest join, `updated_at` its time.

    The latest event wins whatever order days arrive in, so the snapshot can be rebuilt from all ETL
    clan_change partitions or updated from `previous` (this snapshot) and new days. Grain: user_id.
    """
    changes = clan_changes.select(
        "user_id", "server_id", "clan_id", "clan_name",
        pl.when(pl.col("action") == "join").then(pl.col("clan_role")).alias("clan_role"),
        (pl.col("action") == "join").alias("is_member"),
        pl.col("event_time").alias("updated_at"),
    )
    if previous is not None:
        changes = pl.concat([previous.select(changes.columns), changes])
    return (changes.sort("updated_at", "user_id", "clan_id", "is_member")
            .unique("user_id", keep="last")
            .sort("user_id"))
