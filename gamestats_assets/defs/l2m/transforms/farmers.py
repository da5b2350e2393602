"""Bot-farm ("farmer") detection: accounts that farm like a script and share an operator's infrastructure.

Candidates come from `farm_signals`; `candidate_links` links them, linked candidates form farms
(`farm_graph`), and the managed rings of `farm_rings` are added (`detect_farmers`)."""

from __future__ import annotations

import ipaddress
import math

import polars as pl

from gamestats_assets.defs.l2m.transforms import farm_rings
from gamestats_assets.defs.l2m.transforms.etl import diamonds
from gamestats_assets.defs.l2m.transforms.farm_graph import farms_of
from gamestats_assets.defs.l2m.transforms.farm_signals import (
    FARMING_SIGNALS,
    account_activity,
    behaviour_signals,
)

LEVEL_TOLERANCE = 3
GAIN_RATIO_TOLERANCE = 1.6
LINK_SIGNALS = ("shared_device", "shared_network", "identical_behaviour")
SIGNAL_WEIGHTS = {"shared_device": 0.5, "shared_network": 0.4, "identical_behaviour": 0.5, "co_login": 0.5,
                  "grinding": 0.3, "round_the_clock": 0.3, "machine_regular": 0.4, "parked_low_level": 0.3,
                  "all_day": 0.2, "never_pays": 0.1, "sells_on_exchange": 0.2, "own_clan": 0.3}
"""How much each signal alone would convince a reviewer; the score combines them as independent evidence."""


IPV6_PREFIX = 64
"""An IPv6 subscriber or server gets a /64 (a whole block of addresses), as an IPv4 one gets an address in a /24."""


def subnet_of(ip: pl.Expr) -> pl.Expr:
    """The /24 network of an IPv4 address as `a.b.c.0/24`; other addresses unchanged."""
    return pl.when(ip.str.contains(r"^\d+\.\d+\.\d+\.\d+$")).then(
        ip.str.replace(r"\.\d+$", ".0/24")).otherwise(ip)


def _ipv6_network(ip: str) -> str:
    """The /64 of an IPv6 address (`2001:db8:1:2::/64`); anything unreadable stands for itself."""
    try:
        return str(ipaddress.IPv6Network(f"{ip}/{IPV6_PREFIX}", strict=False))
    except ValueError:
        return ip


def network_of(ips: pl.Series) -> pl.Series:
    """The network of each address: an IPv4 address's /24 (`subnet_of`), an IPv6 address's /64, any other
    text itself. IPv6 spellings vary (`::` compression), so they are parsed, once per distinct address."""
    v6 = ips.filter(ips.str.contains(":")).unique()
    networks = pl.Series(ips.name, [_ipv6_network(ip) for ip in v6.to_list()], dtype=pl.Utf8)
    frame = pl.DataFrame({"ip": ips})
    return frame.select(pl.when(pl.col("ip").str.contains(":"))
                        .then(pl.col("ip").replace_strict(v6, networks, default=pl.col("ip")))
                        .otherwise(subnet_of(pl.col("ip")))).to_series().alias("subnet")


HISTORY_DAYS = 6
"""How many days before the day the network and device links look back."""


LOGIN_COLUMNS = ("date", "user_id", "event_time", "ip", "device_id")
"""The columns the detection reads of the logins (of the day and the days before)."""
ITEM_GAIN_COLUMNS = ("date", "user_id", "item_id", "quantity", "events")
"""The columns the detection reads of the items gained."""
MONEY_GAIN_COLUMNS = ("date", "user_id", "money_type", "reason_id", "amount", "events")
"""The columns the detection reads of the money gained."""


def candidate_addresses(login: pl.DataFrame, logout: pl.DataFrame, candidates: pl.DataFrame,
                        earlier_logins: pl.LazyFrame | None = None) -> pl.DataFrame:
    """Every (user_id, ip, subnet, device_id) the candidates logged in or out from on the day, and logged in
    from on the `earlier_logins` (the `HISTORY_DAYS` before it; None when there are none)."""
    columns, users = ("user_id", "ip", "device_id"), candidates.select("user_id")
    seen = [frame.select(columns).join(users, on="user_id", how="semi") for frame in (login, logout)]
    if earlier_logins is not None:
        seen.append(earlier_logins.select(columns).join(users.lazy(), on="user_id", how="semi").collect())
    addresses = pl.concat(seen).unique()
    return addresses.with_columns(network_of(addresses["ip"]))


def _shared(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """Links (user_a, user_b) that join every group of accounts sharing a value of `column`: each
    account to the group's smallest account id, which connects the group with one link per account."""
    shared = frame.select("user_id", column).drop_nulls().unique()
    return (shared.with_columns(user_a=pl.col("user_id").min().over(column))
            .filter(pl.col("user_a") != pl.col("user_id"))
            .select("user_a", pl.col("user_id").alias("user_b")).unique())


NETWORK_NEIGHBOURS = 10
"""On one network, each candidate is compared with the next this many candidates in gain-events order:
accounts that behave alike sit next to each other in that order, and a crowd of thousands behind a carrier
network is compared in linear time, not pair by pair."""


def _alike_on_network(addresses: pl.DataFrame, candidates: pl.DataFrame) -> pl.DataFrame:
    """Links (user_a, user_b) between candidates on one network that behave alike (`shared_network` of
    `candidate_links`), among each candidate's `NETWORK_NEIGHBOURS` next in gain-events order."""
    traits = ("user_id", "level", "gain_events", "parked_low_level", *FARMING_SIGNALS)
    rows = (addresses.select("user_id", "subnet").unique()
            .join(candidates.select(traits), on="user_id")
            .sort("subnet", "gain_events", "user_id"))
    pairs = []
    for k in range(1, NETWORK_NEIGHBOURS + 1):
        other = {name: pl.col(name).shift(-k) for name in ("subnet", *traits)}
        low = pl.col("gain_events").cast(pl.Float64)
        alike = ((other["subnet"] == pl.col("subnet"))
                 & ((pl.col("level") - other["level"]).abs() <= LEVEL_TOLERANCE)
                 & (other["gain_events"] <= GAIN_RATIO_TOLERANCE * low)
                 & ((pl.col("parked_low_level") & other["parked_low_level"])
                    | (pl.sum_horizontal([pl.col(s) & other[s] for s in FARMING_SIGNALS]) >= 2)))
        pairs.append(rows.select(pl.col("user_id").alias("user_a"), other["user_id"].alias("user_b"),
                                 alike.fill_null(False).alias("alike")).filter("alike").drop("alike"))
    return pl.concat(pairs).unique()


BEHAVIOUR_FINGERPRINT = ("sessions", "gain_events", "items_gained", "diamonds_gained", "item_mix")
"""What must be equal, to the unit, for two machine-regular accounts to count as one script; `item_mix`
lists every item gained with its quantity."""


def _fingerprints(candidates: pl.DataFrame, item_gain: pl.DataFrame) -> pl.DataFrame:
    """(user_id, fingerprint) of the machine-regular candidates: `BEHAVIOUR_FINGERPRINT` as one text."""
    regular = candidates.filter(pl.col("machine_regular"))
    mix = (item_gain.join(regular, on="user_id", how="semi")
           .group_by("user_id", "item_id").agg(pl.col("quantity").sum())
           .sort("user_id", "item_id")
           .group_by("user_id", maintain_order=True)
           .agg(pl.format("{}x{}", "item_id", "quantity").str.join(" ").alias("item_mix")))
    return (regular.join(mix, on="user_id", how="left")
            .select("user_id", fingerprint=pl.concat_str(BEHAVIOUR_FINGERPRINT, separator="/", ignore_nulls=True)))


def candidate_links(addresses: pl.DataFrame, candidates: pl.DataFrame, item_gain: pl.DataFrame) -> pl.DataFrame:
    """The links between candidates, one row per (user_a, user_b, signal). Addresses and devices count
    over the day and the `HISTORY_DAYS` before it.

    - `shared_device`: they logged in from the same device id.
    - `shared_network`: they logged in from the same network (`network_of`) and behave alike: levels at
      most `LEVEL_TOLERANCE` apart, gain events within a factor `GAIN_RATIO_TOLERANCE`, and either both
      `parked_low_level` or at least two of `FARMING_SIGNALS` in common.
    - `identical_behaviour`: both are `machine_regular` with the same `BEHAVIOUR_FINGERPRINT`.
    """
    return pl.concat([
        _shared(addresses, "device_id").with_columns(signal=pl.lit("shared_device")),
        _alike_on_network(addresses, candidates).with_columns(signal=pl.lit("shared_network")),
        _shared(_fingerprints(candidates, item_gain), "fingerprint")
        .with_columns(signal=pl.lit("identical_behaviour")),
    ])


def _signal_list_and_score(frame: pl.DataFrame) -> pl.DataFrame:
    """`signals` (comma-separated, in `SIGNAL_WEIGHTS` order) and `score` from the boolean signal
    columns of `frame`."""
    names = list(SIGNAL_WEIGHTS)
    return frame.with_columns(
        signals=pl.concat_str([pl.when(pl.col(s)).then(pl.lit(s)) for s in names], separator=",", ignore_nulls=True),
        score=1.0 - pl.sum_horizontal([pl.when(pl.col(s)).then(math.log1p(-SIGNAL_WEIGHTS[s])).otherwise(0.0)
                                       for s in names]).exp(),
    )


def _rule_farmers(accounts: pl.DataFrame, login: pl.DataFrame, logout: pl.DataFrame, item_gain: pl.DataFrame,
                  earlier_logins: pl.LazyFrame | None) -> pl.DataFrame:
    """The candidates linked into farms by shared devices, networks or identical days (`LINK_SIGNALS`):
    their `accounts` row with farm_key and one boolean column per link signal."""
    candidates = accounts.filter(pl.col("candidate"))
    addresses = candidate_addresses(login, logout, candidates, earlier_logins)
    links = candidate_links(addresses, candidates, item_gain)
    linked = (pl.concat([links.select(pl.col("user_a").alias("user_id"), "signal"),
                         links.select(pl.col("user_b").alias("user_id"), "signal")])
              .unique()
              .with_columns(pl.lit(True).alias("present"))
              .pivot(on="signal", index="user_id", values="present", on_columns=list(LINK_SIGNALS)))
    return (candidates.join(farms_of(links), on="user_id")
            .join(linked, on="user_id", how="left")
            .with_columns(pl.col(LINK_SIGNALS).fill_null(False)))


RING_SIGNALS = ("co_login", *farm_rings.RING_TRAITS)
"""The signals of a managed ring's accounts (`farm_rings`)."""
RING_COLUMNS = ("co_logins", "co_login_days", "median_start_offset_seconds", "ring_clans")
"""A ring's evidence, the same on each of its accounts."""


def _ring_farmers(accounts: pl.DataFrame, logins: pl.LazyFrame, recharge: pl.DataFrame, money_gain: pl.DataFrame,
                  clan_changes: pl.DataFrame | None, rule_farmers: pl.DataFrame) -> pl.DataFrame:
    """The accounts of managed rings (`farm_rings.detect_rings`) not already in a farm of the rules: their
    `accounts` row with the ring's farm_key, signals and evidence."""
    changes = clan_changes if clan_changes is not None else pl.DataFrame(
        schema={"event_time": pl.Datetime("ms"), "user_id": pl.Utf8, "action": pl.Utf8, "clan_id": pl.Int64})
    rings = farm_rings.detect_rings(accounts, logins, recharge, money_gain, changes)
    return accounts.join(rings.join(rule_farmers, on="user_id", how="anti"), on="user_id")


def detect_farmers(login: pl.DataFrame, logout: pl.DataFrame, active: pl.DataFrame, item_gain: pl.DataFrame,
                   money_gain: pl.DataFrame, recharge: pl.DataFrame,
                   earlier_logins: pl.LazyFrame | None = None,
                   clan_changes: pl.DataFrame | None = None) -> pl.DataFrame:
    """The day's farmer accounts with their farm, signals, score and evidence: the farms of the rules and
    the managed rings of `farm_rings` (a ring's account already in a farm of the rules stays there).

    A farm of the rules is a connected component of `candidate_links` of at least
    `farm_graph.MIN_FARM_ACCOUNTS` candidates. `farm_key` is `farm-` and the farm's smallest account id;
    `signals` lists the links the account took part in and its behaviour signals; `score`, in [0, 1] for
    reviewers, is `1 - prod(1 - SIGNAL_WEIGHTS[s])` over its signals: it orders the review, the farm rule
    decides.

    Evidence per account: its farm (key, accounts, and the networks, addresses and devices its accounts
    used over the day and the `HISTORY_DAYS` before), level, distinct addresses and devices it used
    over the same days, sessions, online seconds, gain events, items and diamonds gained, revenue; for a
    ring's accounts also `farm_rings.RING_EVIDENCE` (null for the others). Grain: (date, user_id).
    Inputs: ETL login, logout, item_gain, money_gain (any money) of the day; CONS l2m_active and
    l2m_recharge of the day; `earlier_logins`, ETL login of the `HISTORY_DAYS` before (lazy, read only
    for the day's candidates); `clan_changes`, ETL clan_change of the day and the days before.
    """
    accounts = behaviour_signals(account_activity(active, logout, item_gain, diamonds(money_gain)))
    rule = _rule_farmers(accounts, login, logout, item_gain, earlier_logins)
    when = ("user_id", "event_time", "ip")
    logins = pl.concat([login.lazy().select(when), *([earlier_logins.select(when)] if earlier_logins is not None
                                                     else [])])
    ring = _ring_farmers(accounts, logins, recharge, money_gain, clan_changes, rule)
    flagged = pl.concat([rule.with_columns(pl.lit(False).alias(s) for s in RING_SIGNALS),
                         ring.with_columns(pl.lit(False).alias(s) for s in LINK_SIGNALS)],
                        how="diagonal_relaxed")
    addresses = candidate_addresses(login, logout, flagged, earlier_logins)
    member_addresses = addresses.join(flagged.select("user_id", "farm_key"), on="user_id")
    farms = member_addresses.group_by("farm_key").agg(
        pl.col("user_id").n_unique().cast(pl.Int64).alias("farm_accounts"),
        pl.col("subnet").n_unique().cast(pl.Int64).alias("farm_subnets"),
        pl.col("ip").n_unique().cast(pl.Int64).alias("farm_ips"),
        pl.col("device_id").n_unique().cast(pl.Int64).alias("farm_devices"),
    )
    per_account = member_addresses.group_by("user_id").agg(
        pl.col("ip").n_unique().cast(pl.Int64).alias("login_ips"),
        pl.col("device_id").n_unique().cast(pl.Int64).alias("login_devices"),
    )
    evidence = [pl.col(name).cast(dtype) if name in flagged.columns else pl.lit(None, dtype).alias(name)
                for name, dtype in farm_rings.RING_EVIDENCE.items()]
    return (_signal_list_and_score(flagged)
            .join(farms, on="farm_key")
            .join(per_account, on="user_id", how="left")
            .join(recharge.select("user_id", "daily_rev_usd"), on="user_id", how="left")
            .select("date", "user_id", "server_id", "farm_key", "signals", "score",
                    "farm_accounts", "farm_subnets", "farm_ips", "farm_devices", "level", "login_ips",
                    "login_devices", "sessions", "online_seconds", "gain_events", "items_gained",
                    "diamonds_gained", pl.col("daily_rev_usd").fill_null(0.0).alias("revenue_usd"), *evidence)
            .sort("user_id"))


def l2m_farmers_performance(farmers: pl.DataFrame) -> pl.DataFrame:
    """What each detected farm did on the day: accounts, paying accounts ("PU farmers"), servers, items and
    diamonds gained, revenue in USD, and for a managed ring the evidence that linked it (co-logins, co-login
    days, median start offset, median presence hours of its accounts, clans). Grain: (date, farm_key).
    Input: `detect_farmers` of the day."""
    return (farmers.group_by("date", "farm_key")
            .agg(pl.len().cast(pl.Int64).alias("accounts"),
                 (pl.col("revenue_usd") > 0).sum().cast(pl.Int64).alias("paying_accounts"),
                 pl.col("server_id").n_unique().cast(pl.Int64).alias("servers"),
                 pl.col("farm_subnets").first(), pl.col("farm_ips").first(),
                 pl.col("items_gained").sum(), pl.col("diamonds_gained").sum(), pl.col("revenue_usd").sum(),
                 *[pl.col(name).first() for name in RING_COLUMNS], pl.col("presence_hours").median())
            .sort("farm_key"))


def l2m_server_farms(farmers: pl.DataFrame) -> pl.DataFrame:
    """What each detected farm did on each server on the day: its accounts there, paying accounts, items and
    diamonds gained and revenue in USD. Grain: (date, server_id, farm_key); summed over servers, the accounts
    are `l2m_farmers_performance`'s. Input: `detect_farmers` of the day."""
    return (farmers.group_by("date", "server_id", "farm_key")
            .agg(pl.len().cast(pl.Int64).alias("accounts"),
                 (pl.col("revenue_usd") > 0).sum().cast(pl.Int64).alias("paying_accounts"),
                 pl.col("items_gained").sum(), pl.col("diamonds_gained").sum(), pl.col("revenue_usd").sum())
            .sort("server_id", "farm_key"))


def l2m_farmers_snapshot(farmers: pl.DataFrame) -> pl.DataFrame:
    """Every account ever detected as a farmer: first and last detection day, days detected, total revenue,
    and its latest detection's farm, signals, score and evidence (a ring's evidence too). Grain: user_id.
    Input: `detect_farmers` of all days."""
    latest = farmers.sort("date", "user_id").unique("user_id", keep="last")
    history = farmers.group_by("user_id").agg(
        pl.col("date").min().alias("first_detected_date"), pl.col("date").max().alias("last_detected_date"),
        pl.col("date").n_unique().cast(pl.Int64).alias("days_detected"),
        pl.col("revenue_usd").sum().alias("total_revenue_usd"),
    )
    return (latest.join(history, on="user_id")
            .select("user_id", "server_id", "farm_key", "signals", "score", "first_detected_date",
                    "last_detected_date", "days_detected", "farm_accounts", "farm_subnets", "farm_ips",
                    "farm_devices", "level", "login_ips", "gain_events", "items_gained", "diamonds_gained",
                    "total_revenue_usd", *farm_rings.RING_EVIDENCE)
            .sort("user_id"))
