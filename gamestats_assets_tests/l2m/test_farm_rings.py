"""The co-login statistics of managed-ring detection on hand-made logins: chance meetings of thousands of
all-day players link nobody, not even of players who keep to the same hours as the managers, a manager's
accounts restarted together at drifting times are linked into one ring, and the tolerance narrows as logins
grow dense."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from gamestats_assets.defs.l2m.transforms import farm_rings
from gamestats_assets.defs.l2m.transforms.farm_graph import farms_of

FIRST = dt.datetime(2025, 3, 1)
DAY_MS = 86_400_000


def logins_of(users: list[str], at_ms: np.ndarray, ips: list[str] | None = None) -> pl.DataFrame:
    """Logins of `users[i]` at `at_ms[i]` ms after the first day's midnight, each user from a home
    address of its own unless `ips` says where from."""
    frame = pl.DataFrame({"user_id": users, "event_time": pl.Series(at_ms).cast(pl.Duration("ms")) + FIRST})
    return frame.with_columns(ip=pl.Series(ips) if ips is not None else pl.concat_str(
        pl.lit("10."), pl.col("user_id").hash().mod(250), pl.lit("."), pl.col("user_id").hash().mod(251) + 1,
        pl.lit(".7")))


def all_day_players(n: int, days: int, rng: np.random.Generator) -> pl.DataFrame:
    """`n` players, four logins a day each at their own random times."""
    users = [f"p{i:05d}" for i in range(n)]
    at = np.arange(days)[None, :, None] * DAY_MS + rng.integers(0, DAY_MS, size=(n, days, 4))
    return logins_of(np.repeat(users, 4 * days).tolist(), at.ravel())


def managed(n: int, days: int, rng: np.random.Generator) -> pl.DataFrame:
    """`n` accounts of one manager restarted three times a day at times that change every day, launched in
    a random order 1-6 seconds apart."""
    users, at = [], []
    for d in range(days):
        for restart in sorted(rng.uniform(0, DAY_MS - 3_600_000, size=3)):
            order = rng.permutation(n)
            offsets = np.cumsum(rng.uniform(1_000, 6_000, size=n))
            users += [f"bot{k:02d}" for k in order]
            at += (d * DAY_MS + restart + offsets).astype(np.int64).tolist()
    return logins_of(users, np.array(at))


HOUR_MS = 3_600_000


def hour_keepers(n: int, days: int, rng: np.random.Generator) -> pl.DataFrame:
    """`n` all-day players who each keep to their hours: four logins a day, six hours apart from a time of
    their own between 00:15 and 01:45, each within a quarter of an hour of it."""
    users = [f"p{i:05d}" for i in range(n)]
    phase = rng.uniform(0.25 * HOUR_MS, 1.75 * HOUR_MS, size=n)
    at = (np.arange(days)[None, :, None] * DAY_MS + phase[:, None, None] + np.arange(4)[None, None, :] * 6 * HOUR_MS
          + rng.uniform(-15 * 60_000, 15 * 60_000, size=(n, days, 4)))
    return logins_of(np.repeat(users, 4 * days).tolist(), at.astype(np.int64).ravel())


def managers_on_the_same_hours(managers: int, n: int, days: int, rng: np.random.Generator) -> pl.DataFrame:
    """`managers` managers of `n` accounts each, restarting them four times a day: first within two hours of
    midnight, then about every six hours, each restart drifting by up to an hour; accounts launched 2 s apart."""
    users, at = [], []
    for m in range(managers):
        for d in range(days):
            first = rng.uniform(0, 2 * HOUR_MS)
            for k in range(4):
                restart = first + k * 6 * HOUR_MS + (rng.uniform(-HOUR_MS, HOUR_MS) if k else 0)
                users += [f"bot{m}-{j:02d}" for j in range(n)]
                at += (d * DAY_MS + restart + np.arange(n) * 2_000 + rng.uniform(0, 3_000, size=n)).astype(
                    np.int64).tolist()
    return logins_of(users, np.array(at))


def candidates(logins: pl.DataFrame) -> pl.DataFrame:
    return logins.select("user_id").unique().sort("user_id").with_columns(presence_hours=pl.lit(21.0))


def test_chance_meetings_of_all_day_players_link_nobody():
    logins = all_day_players(3_000, 5, np.random.default_rng(1))
    pairs = farm_rings.co_login_pairs(logins, candidates(logins))
    assert pairs.height > 0, "players do meet by chance on several days"
    assert farm_rings.co_login_links(logins, candidates(logins)).height == 0


def test_a_managers_accounts_restarted_together_are_one_ring_among_them():
    rng = np.random.default_rng(2)
    logins = pl.concat([all_day_players(3_000, 3, rng), managed(12, 3, rng)])
    links = farm_rings.co_login_links(logins, candidates(logins))
    rings = farms_of(links)
    assert rings["farm_key"].n_unique() == 1 and set(rings["user_id"]) == {f"bot{k:02d}" for k in range(12)}
    assert (links["co_login_days"] >= 2).all() and (links["offset_ms"] <= farm_rings.CO_LOGIN_TOLERANCE_MS).all()


def test_one_day_of_restarts_is_not_yet_a_ring():
    logins = managed(12, 1, np.random.default_rng(3))
    assert farm_rings.co_login_links(logins, candidates(logins)).height == 0


def test_the_tolerance_narrows_as_logins_grow_dense():
    sparse = pl.DataFrame({"uid": np.arange(1_000), "at": np.arange(1_000) * 80_000})
    dense = pl.DataFrame({"uid": np.arange(400_000), "at": np.arange(400_000) * 200})
    assert farm_rings.tolerance_ms(sparse) == farm_rings.CO_LOGIN_TOLERANCE_MS
    assert farm_rings.tolerance_ms(dense) == farm_rings.CHANCE_PARTNERS * DAY_MS // (2 * 400_000)


def test_players_behind_one_connection_that_drops_are_not_a_ring():
    """Eight all-day players of one household reconnect together each time their line drops, three times a
    day; their logins coincide, but from one network."""
    rng = np.random.default_rng(4)
    household = managed(8, 4, rng)
    home = household.with_columns(ip=pl.concat_str(pl.lit("58.11.22."), pl.col("user_id").str.slice(3).cast(pl.Int64)
                                                   + 10))
    assert farm_rings.co_login_pairs(home, candidates(home)).height == 0
    assert farms_of(farm_rings.co_login_links(household, candidates(household)))["farm_key"].n_unique() == 1


def test_players_who_keep_the_managers_hours_meet_them_by_chance_yet_are_not_linked():
    """A week of players and managers on one six-hour clock: a player's login and a restart are minutes
    apart on most days, so they fall within seconds of each other far more often than over a uniform day."""
    rng = np.random.default_rng(5)
    logins = pl.concat([hour_keepers(1_000, 7, rng), managers_on_the_same_hours(4, 12, 7, rng)])
    pairs = farm_rings.co_login_pairs(logins, candidates(logins))
    players = pl.col("user_a").str.starts_with("p") | pl.col("user_b").str.starts_with("p")
    assert pairs.filter(players)["co_logins"].max() >= 4, "players meet the managers and each other again and again"
    links = farm_rings.co_login_links(logins, candidates(logins))
    assert links.filter(players).height == 0
    rings = farms_of(links)
    assert rings["farm_key"].n_unique() == 4 and rings.height == 48
    assert (pairs["clock_chance"] > 0).all()
