"""The co-login statistics of managed-ring detection on hand-made logins: chance meetings of thousands of
all-day players link nobody, a manager's accounts restarted together at drifting times are linked into one
ring, and the tolerance narrows as logins grow dense."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from gamestats_assets.defs.l2m.transforms import farm_rings
from gamestats_assets.defs.l2m.transforms.farm_graph import farms_of

FIRST = dt.datetime(2025, 3, 1)
DAY_MS = 86_400_000


def logins_of(users: list[str], at_ms: np.ndarray, ips: list[str] | None = None) -> pl.DataFrame:
    """Logins of ``users[i]`` at ``at_ms[i]`` ms after the first day's midnight, each user from a home
    address of its own unless ``ips`` says where from."""
    frame = pl.DataFrame({"user_id": users, "event_time": pl.Series(at_ms).cast(pl.Duration("ms")) + FIRST})
    return frame.with_columns(ip=pl.Series(ips) if ips is not None else pl.concat_str(
        pl.lit("10."), pl.col("user_id").hash().mod(250), pl.lit("."), pl.col("user_id").hash().mod(251) + 1,
        pl.lit(".7")))


def all_day_players(n: int, days: int, rng: np.random.Generator) -> pl.DataFrame:
    """``n`` players, four logins a day each at their own random times."""
    users = [f"p{i:05d}" for i in range(n)]
    at = np.arange(days)[None, :, None] * DAY_MS + rng.integers(0, DAY_MS, size=(n, days, 4))
    return logins_of(np.repeat(users, 4 * days).tolist(), at.ravel())


def managed(n: int, days: int, rng: np.random.Generator) -> pl.DataFrame:
    """``n`` accounts of one manager restarted three times a day at times that change every day, launched in
    a random order 1-6 seconds apart."""
    users, at = [], []
    for d in range(days):
        for restart in sorted(rng.uniform(0, DAY_MS - 3_600_000, size=3)):
            order = rng.permutation(n)
            offsets = np.cumsum(rng.uniform(1_000, 6_000, size=n))
            users += [f"bot{k:02d}" for k in order]
            at += (d * DAY_MS + restart + offsets).astype(np.int64).tolist()
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
