"""Managed bot rings: accounts that each pass every rule of `farmers` but whose manager gives them away.

When a manager restarts its accounts they log in within seconds of each other, day after day. A ring is a
group of candidates linked by such co-logins (`co_login_links`) that also shows most of `RING_TRAITS`
(`detect_rings`)."""

from __future__ import annotations

import numpy as np
import polars as pl

from gamestats_assets.defs.l2m.transforms.farm_graph import farms_of

CANDIDATE_PRESENCE_HOURS = 16
CO_LOGIN_TOLERANCE_MS = 30_000
CHANCE_PARTNERS = 20
MIN_CO_LOGIN_DAYS = 2
FAMILY_ALPHA = 0.01
MIN_RING_TRAITS = 3
ALL_DAY_HOURS = 20
MAX_PAYING_SHARE = 0.05
MIN_SELLING_SHARE = 0.75
OWN_CLAN_SHARE = 0.9
OWN_CLAN_MIN_KNOWN = 3
"""The fewest known members a clan of a ring's own has: one or two accounts tell nothing of a clan."""
MARKET_SALE_REASON = 105
"""The game's money reason of a sale on the exchange (the market)."""
RING_TRAITS = ("all_day", "never_pays", "sells_on_exchange", "own_clan")

DAY_MS = 86_400_000
CLAN_CHANGE_COLUMNS = ("date", "event_time", "user_id", "action", "clan_id")
"""The columns the ring detection reads of the clan changes."""
RING_EVIDENCE = {"co_logins": pl.Int64, "co_login_days": pl.Int64, "median_start_offset_seconds": pl.Float64,
                 "presence_hours": pl.Float64, "ring_clans": pl.Utf8}
"""The evidence columns of a ring, the same for each of its accounts."""


def ring_candidates(activity: pl.DataFrame) -> pl.DataFrame:
    """(user_id, presence_hours) of the accounts online at least `CANDIDATE_PRESENCE_HOURS` on the day and
    not registered that day (a ring's accounts are online nearly all day); presence is online time, at
    most 24 h. Input: `farm_signals.account_activity`."""
    presence = (pl.col("online_seconds") / 3_600).clip(upper_bound=24.0)
    return (activity.filter(~pl.col("is_new_user") & (presence >= CANDIDATE_PRESENCE_HOURS))
            .select("user_id", presence.alias("presence_hours")))


def _network(ip: pl.Expr) -> pl.Expr:
    """A hash of the network of an address: an IPv4 address's /24, an IPv6 address's first four groups
    (its /64 as written uncompressed there), any other text itself; null without an address."""
    v4 = ip.str.extract(r"^(\d+\.\d+\.\d+)\.\d+$")
    v6 = ip.str.extract(r"^([0-9a-fA-F]+:[0-9a-fA-F]+:[0-9a-fA-F]+:[0-9a-fA-F]+):")
    return pl.when(ip.is_not_null()).then(pl.coalesce(v4, v6, ip).hash())


def _candidate_logins(logins: pl.DataFrame | pl.LazyFrame, candidates: pl.DataFrame) -> pl.DataFrame:
    """(uid, at, net) of the candidates' logins: uid the candidate's row number in `candidates`, at the
    login time in ms since 1970, net its network (`_network`). Integers keep the pairs below cheap to
    join and count."""
    codes = candidates.lazy().select("user_id").with_row_index("uid")
    return (logins.lazy().select("user_id", "event_time", "ip").join(codes, on="user_id")
            .select("uid", at=pl.col("event_time").dt.epoch("ms"), net=_network(pl.col("ip")))
            .collect())


def tolerance_ms(rows: pl.DataFrame) -> int:
    """The co-login tolerance the candidates' logins (uid, at) support: `CO_LOGIN_TOLERANCE_MS`, or,
    where logins are denser, the gap within which a login meets `CHANCE_PARTNERS` others by chance at the
    logins' density per day."""
    days = max(rows.select((pl.col("at") // DAY_MS).n_unique()).item(), 1)
    per_day = max(rows.height / days, 1.0)
    return max(1, int(min(CO_LOGIN_TOLERANCE_MS, CHANCE_PARTNERS * DAY_MS / (2 * per_day))))


def _co_login_events(rows: pl.DataFrame, tolerance: int) -> pl.LazyFrame:
    """Every pair of logins of two candidates from two networks at most `tolerance` ms apart (only the gap
    counts, never the clock time; logins from one network reconnect together when a shared line drops, so
    they are no co-login): (pair, day, at_a, at_b), `pair` = uid_a * 2^32 + uid_b with uid_a < uid_b, `day` that of at_a. Logins are
    cut into tolerance-wide buckets and meet only in their own or the next bucket."""
    keyed = rows.lazy().with_columns(bucket=pl.col("at") // tolerance)
    left = keyed.select(pl.col("uid").alias("uid_a"), pl.col("at").alias("at_a"), pl.col("net").alias("net_a"),
                        "bucket")
    right = keyed.select(pl.col("uid").alias("uid_b"), pl.col("at").alias("at_b"), pl.col("net").alias("net_b"),
                         "bucket")
    apart = (pl.col("net_a") != pl.col("net_b")).fill_null(True)
    same = left.join(right, on="bucket").filter((pl.col("uid_a") < pl.col("uid_b")) & apart)
    following = (left.with_columns(pl.col("bucket") + 1).join(right, on="bucket")
                 .filter((pl.col("uid_a") != pl.col("uid_b")) & apart))
    swap = pl.col("uid_a") > pl.col("uid_b")
    ordered = following.select(
        pl.when(swap).then("uid_b").otherwise("uid_a").alias("uid_a"),
        pl.when(swap).then("uid_a").otherwise("uid_b").alias("uid_b"),
        pl.when(swap).then("at_b").otherwise("at_a").alias("at_a"),
        pl.when(swap).then("at_a").otherwise("at_b").alias("at_b"))
    return (pl.concat([same.select("uid_a", "uid_b", "at_a", "at_b"), ordered])
            .filter((pl.col("at_a") - pl.col("at_b")).abs() <= tolerance)
            .select((pl.col("uid_a").cast(pl.UInt64) * 2**32 + pl.col("uid_b")).alias("pair"),
                    (pl.col("at_a") // DAY_MS).alias("day"), "at_a", "at_b"))


CLOCK_WINDOW_MS = 3_600_000
"""The stretch of the clock around a login over which `clock_chance` reads how often the other account
logs in at that time of day."""
_CLOCK_BINS = 3 * DAY_MS // CLOCK_WINDOW_MS


def clock_chance(rows: pl.DataFrame, pairs: pl.LazyFrame, tolerance: int) -> pl.LazyFrame:
    """(pair, clock_chance) for the `pairs` (pair, uid_a, uid_b) of candidates whose logins are `rows`
    (uid, at): the chance that a login of one account meets a login of the other within `tolerance` if
    the other logs in independently at its own usual times: the other's logins per day in the
    `CLOCK_WINDOW_MS` of the clock around the login (its third of the window and the thirds either side),
    x 2 x tolerance / `CLOCK_WINDOW_MS`, averaged over the one's logins; the larger of the two accounts'
    chances."""
    binned = rows.lazy().select("uid", day=pl.col("at") // DAY_MS,
                                bin=(pl.col("at") % DAY_MS) // (CLOCK_WINDOW_MS // 3))
    counts = binned.group_by("uid", "bin").agg(pl.len().alias("n"))
    days = binned.group_by("uid").agg(pl.col("day").n_unique().alias("days"))
    around = (pl.concat([counts.with_columns(bin=(pl.col("bin") + shift) % _CLOCK_BINS) for shift in (-1, 0, 1)])
              .group_by("uid", "bin").agg(pl.col("n").sum())
              .join(days, on="uid")
              .select(pl.col("uid").alias("other"), "bin", per_day=pl.col("n") / pl.col("days")))

    def chance(one: str, other: str) -> pl.LazyFrame:
        logins = pairs.select("pair", pl.col(one).alias("uid"), pl.col(other).alias("other")).join(counts, on="uid")
        return (logins.join(around, on=["other", "bin"], how="left")
                .group_by("pair")
                .agg(((pl.col("n") * pl.col("per_day").fill_null(0.0)).sum() / pl.col("n").sum()).alias("near")))

    return (pl.concat([chance("uid_a", "uid_b"), chance("uid_b", "uid_a")])
            .group_by("pair").agg(pl.col("near").max())
            .select("pair", clock_chance=pl.col("near") * 2 * tolerance / CLOCK_WINDOW_MS))


def co_login_pairs(logins: pl.DataFrame | pl.LazyFrame, candidates: pl.DataFrame,
                   min_days: int = MIN_CO_LOGIN_DAYS) -> pl.DataFrame:
    """The pairs of candidates whose logins met (at most `tolerance_ms` apart) on at least `min_days`
    days: (user_a, user_b, co_logins, co_login_days, offset_ms = median gap of their co-logins, met_a and
    met_b = logins of each that met the other, logins_a, logins_b and days = their logins on the days both
    logged in, and those days, tolerance_ms, clock_chance). Input: ETL login (user_id, event_time, ip)."""
    rows = _candidate_logins(logins, candidates)
    tolerance = tolerance_ms(rows)
    events = _co_login_events(rows, tolerance)
    recurring = (events.select("pair", "day").unique().group_by("pair").len()
                 .filter(pl.col("len") >= min_days).select("pair"))
    pairs = (events.join(recurring, on="pair", how="semi")
             .group_by("pair")
             .agg(pl.len().cast(pl.Int64).alias("co_logins"),
                  pl.col("day").n_unique().cast(pl.Int64).alias("co_login_days"),
                  pl.col("at_a").n_unique().cast(pl.Int64).alias("met_a"),
                  pl.col("at_b").n_unique().cast(pl.Int64).alias("met_b"),
                  (pl.col("at_a") - pl.col("at_b")).abs().median().cast(pl.Float64).alias("offset_ms"))
             .with_columns(uid_a=(pl.col("pair") // 2**32).cast(pl.UInt32),
                           uid_b=(pl.col("pair") % 2**32).cast(pl.UInt32))
             .collect())
    per_day = rows.lazy().group_by("uid", day=pl.col("at") // DAY_MS).agg(pl.len().cast(pl.Int64).alias("n"))
    both = (pairs.lazy().select("pair", "uid_a", "uid_b")
            .join(per_day.rename({"uid": "uid_a", "n": "n_a"}), on="uid_a")
            .join(per_day.rename({"uid": "uid_b", "n": "n_b"}), on=["uid_b", "day"])
            .group_by("pair")
            .agg(pl.col("n_a").sum().alias("logins_a"), pl.col("n_b").sum().alias("logins_b"),
                 pl.len().cast(pl.Int64).alias("days")))
    codes = candidates.lazy().select("user_id").with_row_index("uid")
    return (pairs.lazy().join(both, on="pair")
            .join(clock_chance(rows, pairs.lazy().select("pair", "uid_a", "uid_b"), tolerance), on="pair")
            .join(codes.rename({"uid": "uid_a", "user_id": "user_a"}), on="uid_a")
            .join(codes.rename({"uid": "uid_b", "user_id": "user_b"}), on="uid_b")
            .select("user_a", "user_b", "co_logins", "co_login_days", "offset_ms", "met_a", "met_b", "logins_a",
                    "logins_b", "days", "clock_chance", tolerance_ms=pl.lit(tolerance, pl.Int64))
            .collect())


def co_login_links(logins: pl.DataFrame | pl.LazyFrame, candidates: pl.DataFrame) -> pl.DataFrame:
    """The linked pairs of candidates: (user_a, user_b, co_logins, co_login_days, offset_ms = median gap
    of their co-logins, p_value). Input: ETL login (user_id, event_time, ip) of the day and the days before.

    A pair is linked when its co-logins fall on at least `MIN_CO_LOGIN_DAYS` days and are too many for
    chance: each login of the account with fewer logins meets one of the other's with probability `q`, so
    the logins met are binomial, and the pair is linked when the tail probability is at most
    `FAMILY_ALPHA` over the number of candidate pairs (Bonferroni). `q` is the larger of the chance over a
    uniform day, (the other's logins per day) x 2 x tolerance / 24 h, and the chance at the accounts' own
    hours (`clock_chance`)."""
    schema = {"user_a": pl.Utf8, "user_b": pl.Utf8, "co_logins": pl.Int64, "co_login_days": pl.Int64,
              "offset_ms": pl.Float64, "p_value": pl.Float64}
    pairs = co_login_pairs(logins, candidates)
    if pairs.height == 0:
        return pl.DataFrame(schema=schema)
    tested = pairs.with_columns(
        # The account with fewer logins is the trials; each meets the other's day of logins by chance with q.
        trials=pl.min_horizontal("logins_a", "logins_b"),
        met=pl.min_horizontal("met_a", "met_b"),
        q=pl.max_horizontal(pl.max_horizontal("logins_a", "logins_b") / pl.col("days") * 2 * pl.col("tolerance_ms")
                            / DAY_MS, "clock_chance").clip(upper_bound=1.0),
    )
    from scipy.stats import binom

    p_value = binom.sf(tested["met"].to_numpy() - 1, tested["trials"].to_numpy(), tested["q"].to_numpy())
    n = candidates.height
    bound = FAMILY_ALPHA / max(n * (n - 1) / 2, 1.0)
    return (tested.with_columns(p_value=pl.Series(np.asarray(p_value, dtype=np.float64)))
            .filter(pl.col("p_value") <= bound)
            .select(list(schema)))


def _clans(clan_changes: pl.DataFrame) -> pl.DataFrame:
    """(user_id, clan_id) of every account whose latest clan change in `clan_changes` is a join."""
    return (clan_changes.sort("event_time").unique("user_id", keep="last")
            .filter(pl.col("action") == "join").select("user_id", "clan_id"))


def clan_links(members: pl.DataFrame, clans: pl.DataFrame) -> pl.DataFrame:
    """Links (user_a, user_b) that join the rings sharing a clan of their own: a clan whose known members
    are, to `OWN_CLAN_SHARE`, accounts of rings (`members`: user_id, farm_key) links its ring accounts,
    each to the smallest of them. A manager's accounts form a ring of their own; the managers of one
    operator share its clan."""
    known = clans.join(members, on="user_id", how="left").with_columns(
        share=pl.col("farm_key").is_not_null().mean().over("clan_id"), known=pl.len().over("clan_id"))
    ringed = known.filter((pl.col("share") >= OWN_CLAN_SHARE) & (pl.col("known") >= OWN_CLAN_MIN_KNOWN)
                          & pl.col("farm_key").is_not_null())
    return (ringed.with_columns(user_a=pl.col("user_id").min().over("clan_id"))
            .filter(pl.col("user_a") != pl.col("user_id"))
            .select("user_a", pl.col("user_id").alias("user_b")))


def ring_traits(members: pl.DataFrame, candidates: pl.DataFrame, payers: pl.DataFrame, sellers: pl.DataFrame,
                clans: pl.DataFrame) -> pl.DataFrame:
    """Per ring (`farm_key`): each of `RING_TRAITS`, the median presence hours and the clans its accounts
    are known in. `all_day`: the median account is online at least `ALL_DAY_HOURS`; `never_pays`: at most
    `MAX_PAYING_SHARE` of its accounts paid; `sells_on_exchange`: at least `MIN_SELLING_SHARE` sold on the
    exchange (money reason `MARKET_SALE_REASON`); `own_clan`: at least half of its accounts with a known
    clan are in clans of at least `OWN_CLAN_MIN_KNOWN` known members who are, to `OWN_CLAN_SHARE`, its
    accounts. Inputs: the rings' members (user_id, farm_key), the candidates'
    presence, the day's paying and exchange-selling accounts (user_id), the accounts' known clans
    (user_id, clan_id)."""
    clan_members = clans.join(members, on="user_id", how="left")
    outsiders = clan_members.group_by("clan_id", "farm_key").len().with_columns(
        share=pl.col("len") / pl.col("len").sum().over("clan_id"))
    own = outsiders.filter(pl.col("farm_key").is_not_null() & (pl.col("share") >= OWN_CLAN_SHARE)
                           & (pl.col("len") >= OWN_CLAN_MIN_KNOWN))
    known = (members.join(clans, on="user_id")
             .join(own.select("clan_id", "farm_key", own=pl.lit(True)), on=["clan_id", "farm_key"], how="left")
             .group_by("farm_key")
             .agg(pl.col("own").fill_null(False).mean().alias("own_share"),
                  pl.col("clan_id").unique().sort().cast(pl.Utf8).str.join(",").alias("ring_clans")))
    return (members.join(candidates, on="user_id")
            .with_columns(pays=pl.col("user_id").is_in(payers["user_id"].implode()),
                          sells=pl.col("user_id").is_in(sellers["user_id"].implode()))
            .group_by("farm_key")
            .agg(pl.col("presence_hours").median(), pl.col("pays").mean().alias("paying_share"),
                 pl.col("sells").mean().alias("selling_share"))
            .join(known, on="farm_key", how="left")
            .select("farm_key", "presence_hours", "ring_clans",
                    all_day=pl.col("presence_hours") >= ALL_DAY_HOURS,
                    never_pays=pl.col("paying_share") <= MAX_PAYING_SHARE,
                    sells_on_exchange=pl.col("selling_share") >= MIN_SELLING_SHARE,
                    own_clan=(pl.col("own_share") >= 0.5).fill_null(False)))


def detect_rings(activity: pl.DataFrame, logins: pl.DataFrame | pl.LazyFrame, recharge: pl.DataFrame,
                 money_gain: pl.DataFrame, clan_changes: pl.DataFrame) -> pl.DataFrame:
    """The accounts of the day's managed rings: user_id, farm_key, `co_login` and each of `RING_TRAITS`
    (booleans, the ring's), and `RING_EVIDENCE`.

    A ring is a connected component of co-login links (`co_login_links`) of at least
    `farm_graph.MIN_FARM_ACCOUNTS` accounts, joined with the components sharing a clan of their own
    (`clan_links`), that shows at least `MIN_RING_TRAITS` of `RING_TRAITS` (`ring_traits`). Inputs:
    `farm_signals.account_activity` of the day; ETL login (user_id, event_time, ip) and clan_change of
    the day and the days before; CONS l2m_recharge and ETL money_gain (any money) of the day."""
    schema = {"user_id": pl.Utf8, "farm_key": pl.Utf8, "co_login": pl.Boolean,
              **{t: pl.Boolean for t in RING_TRAITS}, **RING_EVIDENCE}
    candidates = ring_candidates(activity)
    links = co_login_links(logins, candidates)
    managed = farms_of(links)
    if managed.height == 0:
        return pl.DataFrame(schema=schema)
    clans = _clans(clan_changes)
    members = farms_of(pl.concat([links.join(managed, left_on="user_a", right_on="user_id", how="semi")
                                  .select("user_a", "user_b"), clan_links(managed, clans)]))
    sellers = money_gain.filter(pl.col("reason_id") == MARKET_SALE_REASON).select("user_id").unique()
    traits = ring_traits(members, candidates, recharge.filter(pl.col("daily_rev_usd") > 0).select("user_id"),
                         sellers, clans)
    held = traits.filter(pl.sum_horizontal(RING_TRAITS) >= MIN_RING_TRAITS)
    evidence = (links.join(members, left_on="user_a", right_on="user_id")
                .group_by("farm_key")
                .agg(pl.col("co_logins").sum(), pl.col("co_login_days").max(),
                     (pl.col("offset_ms").median() / 1_000).alias("median_start_offset_seconds")))
    return (members.join(held, on="farm_key").join(evidence, on="farm_key")
            .with_columns(co_login=pl.lit(True))
            .select([pl.col(name).cast(dtype) for name, dtype in schema.items()]))

