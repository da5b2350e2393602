"""Bot-farm ("farmer") detection: accounts farming at level 1 that cluster on shared network addresses.

Definition, per day:
1. A *level-1 farmer candidate* is an active account whose highest level of the day is at most
   ``MAX_FARMING_LEVEL`` (1) and that gained items or diamonds at least ``MIN_GAIN_EVENTS`` (10) times.
2. Candidates are linked when they logged in from the same /24 subnet (IPv4 ``a.b.c.*``; any other address
   stands for itself). Linked candidates form clusters (connected components), which catch both a farm on one
   subnet and a farm rotating a handful of addresses that its accounts share.
3. A cluster of at least ``MIN_FARM_ACCOUNTS`` (5) candidates is a farm; its accounts are farmers. The farm
   key is the smallest /24 of the cluster, written ``a.b.c.0/24``.
"""

from __future__ import annotations

import polars as pl

MAX_FARMING_LEVEL = 1
MIN_GAIN_EVENTS = 10
MIN_FARM_ACCOUNTS = 5


def subnet_of(ip: pl.Expr) -> pl.Expr:
    """The /24 network of an IPv4 address as ``a.b.c.0/24``; other addresses unchanged."""
    return pl.when(ip.str.contains(r"^\d+\.\d+\.\d+\.\d+$")).then(
        ip.str.replace(r"\.\d+$", ".0/24")).otherwise(ip)


def _connected_clusters(edges: pl.DataFrame) -> pl.DataFrame:
    """Cluster label (the smallest subnet reachable) per user_id, by label propagation over (user_id, subnet)."""
    labels = edges.group_by("user_id").agg(pl.col("subnet").min().alias("farm_key"))
    while True:
        per_subnet = (edges.join(labels, on="user_id")
                      .group_by("subnet").agg(pl.col("farm_key").min()))
        updated = (edges.join(per_subnet, on="subnet")
                   .group_by("user_id").agg(pl.col("farm_key").min()))
        changed = labels.join(updated, on="user_id", suffix="_new").filter(
            pl.col("farm_key") != pl.col("farm_key_new")).height
        labels = updated
        if not changed:
            return labels


def detect_farmers(login: pl.DataFrame, active: pl.DataFrame, item_gain: pl.DataFrame,
                   money_gain: pl.DataFrame, recharge: pl.DataFrame) -> pl.DataFrame:
    """The day's farmer accounts with their evidence (see the module docstring for the definition).

    Evidence per account: its farm (key, accounts, subnets, addresses), level, distinct login addresses,
    gain events, items and diamonds gained, revenue. Grain: (date, user_id). Inputs: ETL login, item_gain,
    money_gain; CONS l2m_active and l2m_recharge of the same day.
    """
    level_one = active.filter(pl.col("level") <= MAX_FARMING_LEVEL).select("date", "user_id", "server_id", "level")
    gains = pl.concat([
        item_gain.join(level_one, on="user_id", how="semi").group_by("user_id").agg(
            pl.col("events").sum().alias("gain_events"), pl.col("quantity").sum().alias("items_gained"),
            pl.lit(0, pl.Int64).alias("diamonds_gained")),
        money_gain.join(level_one, on="user_id", how="semi").group_by("user_id").agg(
            pl.col("events").sum().alias("gain_events"), pl.lit(0, pl.Int64).alias("items_gained"),
            pl.col("amount").sum().alias("diamonds_gained")),
    ]).group_by("user_id").agg(pl.all().sum())
    candidates = (level_one.join(gains, on="user_id", how="inner")
                  .filter(pl.col("gain_events") >= MIN_GAIN_EVENTS))
    addresses = (login.join(candidates, on="user_id", how="semi")
                 .select("user_id", "ip").unique()
                 .with_columns(subnet=subnet_of(pl.col("ip"))))
    clusters = _connected_clusters(addresses.select("user_id", "subnet").unique())
    farms = (addresses.join(clusters, on="user_id")
             .group_by("farm_key")
             .agg(pl.col("user_id").n_unique().cast(pl.Int64).alias("farm_accounts"),
                  pl.col("subnet").n_unique().cast(pl.Int64).alias("farm_subnets"),
                  pl.col("ip").n_unique().cast(pl.Int64).alias("farm_ips"))
             .filter(pl.col("farm_accounts") >= MIN_FARM_ACCOUNTS))
    login_ips = addresses.group_by("user_id").agg(pl.col("ip").n_unique().cast(pl.Int64).alias("login_ips"))
    return (candidates.join(clusters, on="user_id")
            .join(farms, on="farm_key", how="inner")
            .join(login_ips, on="user_id", how="left")
            .join(recharge.select("user_id", "daily_rev_usd"), on="user_id", how="left")
            .select("date", "user_id", "server_id", "farm_key", "farm_accounts", "farm_subnets", "farm_ips",
                    "level", "login_ips", "gain_events", "items_gained", "diamonds_gained",
                    pl.col("daily_rev_usd").fill_null(0.0).alias("revenue_usd"))
            .sort("user_id"))


def l2m_farmers_performance(farmers: pl.DataFrame) -> pl.DataFrame:
    """What each detected farm did on the day: accounts, paying accounts ("PU farmers"), servers, items and
    diamonds gained, revenue in USD. Grain: (date, farm_key). Input: ``detect_farmers`` of the day."""
    return (farmers.group_by("date", "farm_key")
            .agg(pl.len().cast(pl.Int64).alias("accounts"),
                 (pl.col("revenue_usd") > 0).sum().cast(pl.Int64).alias("paying_accounts"),
                 pl.col("server_id").n_unique().cast(pl.Int64).alias("servers"),
                 pl.col("farm_subnets").first(), pl.col("farm_ips").first(),
                 pl.col("items_gained").sum(), pl.col("diamonds_gained").sum(), pl.col("revenue_usd").sum())
            .sort("farm_key"))


def l2m_farmers_snapshot(farmers: pl.DataFrame) -> pl.DataFrame:
    """Every account ever detected as a farmer: first and last detection day, days detected, total revenue,
    and the evidence of its latest detection. Grain: user_id. Input: ``detect_farmers`` of all days."""
    latest = farmers.sort("date", "user_id").unique("user_id", keep="last")
    history = farmers.group_by("user_id").agg(
        pl.col("date").min().alias("first_detected_date"), pl.col("date").max().alias("last_detected_date"),
        pl.col("date").n_unique().cast(pl.Int64).alias("days_detected"),
        pl.col("revenue_usd").sum().alias("total_revenue_usd"),
    )
    return (latest.join(history, on="user_id")
            .select("user_id", "server_id", "farm_key", "first_detected_date", "last_detected_date",
                    "days_detected", "farm_accounts", "farm_subnets", "farm_ips", "level", "login_ips",
                    "gain_events", "items_gained", "diamonds_gained", "total_revenue_usd")
            .sort("user_id"))
