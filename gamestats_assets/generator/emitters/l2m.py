"""Synthetic Lineage 2M logs: one day of a game's ThinkingData JSONL, deterministic for a seed and a date.

A stable user base (`_normal_users`) with planted bot farms (`Farm`) and decoys that look like farms
(`DecoyGroup`); the truth is written beside the logs as `planted_bot_farms.json`."""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa

from gamestats_assets.generator.staging import swap_in
from gamestats_assets.lib.core.stats import fewest_to_decide
from gamestats_assets.sources.l2m import TRUTH_FILE

ITEMS_CSV = Path(__file__).resolve().parents[3] / "data" / "reference" / "l2m" / "items.csv"

FIRST_REGISTRATION_DAY = dt.date(2019, 1, 1)
VETERAN_REGISTRATION_START = dt.date(2017, 1, 1)
VETERAN_REGISTRATION_DAYS = (FIRST_REGISTRATION_DAY - VETERAN_REGISTRATION_START).days
NEW_USER_SHARE = 0.04
"""Mean registrations a day, as a share of the veterans."""
WEEKDAY_REGISTRATIONS = (0.9, 0.88, 0.9, 0.95, 1.08, 1.22, 1.17)
"""Registrations on each weekday (Monday first) against the mean: a mobile game's installs peak at the weekend."""
REGISTRATION_NOISE = 0.15
"""The day-to-day spread of registrations: a uniform factor of this standard deviation on the log scale."""
REGISTRATION_SLOTS = 1.8
"""The most registrations a day can have, against the mean: user numbers keep this many slots a day."""
COHORT_WINDOW_DAYS = 60
BOT_SHARE = 0.008
BOT_ID_BASE = 9_000_000_000
FARM_KINDS = ("subnet", "proxy_pool", "residential", "managed_ring")
DECOY_KINDS = ("nat_crowd", "starter_burst", "auto_hunt", "all_day", "raid_guild")
DECOY_ID_BASE = 8_000_000_000
DECOY_GROUP_SIZE = {"nat_crowd": 60, "starter_burst": 30, "auto_hunt": 30, "all_day": 40, "raid_guild": 25}
SMALLEST_PLANTED_GROUP = 6
SMALLEST_RING = 24
"""A managed ring is found by its members' co-logins, which take more members than an address does to tell apart
from chance."""
USERS_PER_DECOY_GROUP = 50_000
DECIDING_PRECISION = 0.95
"""The floor the detection's precision is judged against for each farm kind (the l2m check's): a kind needs
`fewest_to_decide` of it accounts a day for a detection that finds them all to pass rather than warn."""
MAX_FARM_SHARE = 0.2
"""The most farm accounts a user base holds, as a share of its users: on a small one, farms stay a minority
(and the check warns, with its n, that too few are planted to decide)."""
STARTER_ITEM_EVENTS = 12
STARTER_DIAMOND_EVENTS = 3

HOME, FIXED, SUBNET_HOST, POOL_HOST = 0, 1, 2, 3
"""How a user's session addresses are drawn (`ip_mode`): the home address, 20 % of sessions from a random
mobile address of the country; always the home address; a random host of the home /24; a random host of a
random /24 of the farm's proxy pool."""
HUMAN, SCRIPTED, SCHEDULED, AUTO_HUNT, RING, ALL_DAY, RAID = 0, 1, 2, 3, 4, 5, 6
"""How a user's sessions are laid out (`session_plan`): a person's 1 + Poisson(0.8) sessions of about 40
minutes at random times; a bot script's 3-6 sessions of about 100 minutes at random times; a scheduler's
`SCHEDULED_SESSIONS` sessions of exactly `SCHEDULED_LENGTH_MS`, one every four hours from the farm's
offset; a real auto-hunt player's night session (until 6-9 h) and evening session (18-21 h to midnight);
a ring account's sessions from each of its manager's `RING_RESTARTS` restarts of the day (`_restarts`)
to the next, its login a few seconds after the restart by its place in the manager's launch order; an
all-day player's four sessions of 4.5-5.5 hours, one every six hours from its own time of day; the same
for a raiding guild member, whose last session starts with the guild's raid call on a raid day."""
RING_RESTARTS = 4
RING_LAUNCH_STEP_MS = 2_000
"""A manager launches its accounts one after another, about this far apart."""
ALL_DAY_PHASE_MS = (15 * 60_000, 105 * 60_000)
"""The range of an all-day player's own time of day: its first session starts this long after midnight."""
RING_SALE_SHARE = 0.8
"""The share of a ring account's money gains that are sales on the exchange (reason 105)."""
RAID_WEEKDAYS = (2, 5)
"""The days (day index modulo 7) a raiding guild raids at 20:00; its members log in within three minutes."""
SCHEDULED_SESSIONS = 6
SCHEDULED_LENGTH_MS = 230 * 60_000

COUNTRIES = ["TH", "VN", "ID", "PH", "SG", "MY", "US", "KR", "JP", "AU"]
COUNTRY_WEIGHTS = [0.25, 0.25, 0.15, 0.12, 0.05, 0.08, 0.04, 0.03, 0.02, 0.01]
CURRENCY_OF_COUNTRY = {"TH": "THB", "VN": "VND", "ID": "IDR", "PH": "PHP", "SG": "SGD", "MY": "MYR"}
FIRST_OCTETS = {"TH": 49, "VN": 113, "ID": 36, "PH": 112, "SG": 103, "MY": 60, "US": 98, "KR": 211, "JP": 126,
                "AU": 101}
PRICE_POINTS = {
    "USD": [0.99, 4.99, 9.99, 19.99, 49.99, 99.99],
    "THB": [35.0, 179.0, 349.0, 699.0, 1700.0, 3500.0],
    "VND": [25000.0, 119000.0, 249000.0, 499000.0, 1199000.0, 2499000.0],
    "IDR": [15000.0, 79000.0, 159000.0, 309000.0, 799000.0, 1599000.0],
    "PHP": [55.0, 279.0, 559.0, 1090.0, 2790.0, 5590.0],
    "SGD": [1.48, 6.98, 14.98, 28.98, 72.98, 148.98],
    "MYR": [4.9, 22.9, 45.9, 91.9, 229.9, 459.9],
}
PRICE_WEIGHTS = [0.35, 0.25, 0.18, 0.12, 0.07, 0.03]
PAYMENT_METHODS = ["GOOGLE_PLAY", "APP_STORE", "CREDIT_CARD", "E_WALLET", "CARRIER_BILLING"]
DEVICE_MODELS = ["SM-G991B", "SM-A525F", "Redmi Note 11", "OPPO A96", "vivo Y33s", "iPhone14,5", "iPhone15,2"]
MONEY_GAIN_REASONS = [101, 102, 103, 104, 105]
"""Money gain `reason_id`s: daily quest, achievement, purchase, event reward, market sale."""
MARKET_SALE_REASON = 105
MONEY_SPEND_REASONS = [201, 202, 203, 204, 205]
"""Money spend `reason_id`s: shop, summon, enhancement, teleport, market purchase."""
FARM_COUNTRIES = ["VN", "PH", "TH", "ID"]

_MASK64 = 0xFFFFFFFFFFFFFFFF
_DAY_MS = 86_400_000


@dataclass(frozen=True)
class Scale:
    """Sizes derived from the one scale knob, the number of users active on a day."""

    n_users: int

    @property
    def veterans(self) -> int:
        return self.n_users

    @property
    def new_per_day(self) -> int:
        return max(1, round(self.n_users * NEW_USER_SHARE))

    @property
    def registration_slots(self) -> int:
        return math.ceil(self.new_per_day * REGISTRATION_SLOTS)

    @property
    def servers(self) -> int:
        return max(4, min(40, self.n_users // 25_000))

    @property
    def subnets(self) -> int:
        return max(64, self.n_users // 16)

    @property
    def clans_per_server(self) -> int:
        return max(5, self.n_users // (50 * self.servers))

    @property
    def farms(self) -> int:
        return max(len(FARM_KINDS), round(self.n_users * BOT_SHARE / 24))

    @property
    def accounts_per_kind(self) -> int:
        """The fewest accounts each farm kind is planted with: enough to judge its precision by its interval,
        within `MAX_FARM_SHARE` of the users."""
        return min(fewest_to_decide(DECIDING_PRECISION), int(self.n_users * MAX_FARM_SHARE / len(FARM_KINDS)))

    @property
    def largest_planted_group(self) -> int:
        """The most accounts a farm or decoy group has, so that on a small user base the planted accounts stay
        a minority: a twenty-fifth of the users, never below the smallest group a farm detector can tell."""
        return max(SMALLEST_PLANTED_GROUP, self.n_users // 25)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a bijective scramble of uint64 values."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _hash_uniform(seed: int, stream: int, keys: np.ndarray) -> np.ndarray:
    """A uniform [0, 1) value per key, a pure function of (seed, stream, key)."""
    salt = _mix(np.array([(seed * 0x9E3779B97F4A7C15 + stream) & _MASK64], dtype=np.uint64))
    h = _mix(keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) ^ salt)
    return (h >> np.uint64(11)).astype(np.float64) * 2.0**-53


def _pick(u: np.ndarray, weights: list[float]) -> np.ndarray:
    """Index into `weights` for each uniform value `u` (inverse CDF)."""
    cdf = np.cumsum(weights) / np.sum(weights)
    return np.minimum(np.searchsorted(cdf, u, side="right"), len(weights) - 1)


def _rng(seed: int, day: dt.date, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, day.toordinal(), stream]))


def _day_index(day: dt.date) -> int:
    return (day - FIRST_REGISTRATION_DAY).days


def _recent_retention(age: np.ndarray) -> np.ndarray:
    """Probability that a user registered `age` days ago is active today (1 on the day of registration)."""
    return np.where(age == 0, 1.0, 0.12 + 0.33 * np.exp(-(np.maximum(age, 1) - 1) / 5.0))


def _recent_level(growth: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Level of a recent user at the end of their `age`-th day: grows with the square root of age."""
    return np.minimum(75, np.floor(growth * np.sqrt(age + 1.0))).astype(np.int64)


def registrations(seed: int, days: np.ndarray, scale: Scale) -> np.ndarray:
    """Users registering on each day index of `days`: `scale.new_per_day` on average, by weekday
    (`WEEKDAY_REGISTRATIONS`), times a day's noise drawn from `(seed, day)`, at most `scale.registration_slots`."""
    weekday = (days + FIRST_REGISTRATION_DAY.weekday()) % 7
    noise = np.exp(REGISTRATION_NOISE * math.sqrt(3) * (2 * _hash_uniform(seed, 9, days) - 1))
    expected = scale.new_per_day * np.asarray(WEEKDAY_REGISTRATIONS)[weekday] * noise
    return np.clip(np.round(expected), 1, scale.registration_slots).astype(np.int64)


def _column(values: np.ndarray) -> pl.Series:
    """`values` as a column: text (numpy's object arrays) as strings, even when there is none."""
    return pl.Series(values, dtype=pl.String) if values.dtype == object else pl.Series(values)


def _normal_users(seed: int, day: dt.date, scale: Scale) -> dict[str, np.ndarray]:
    """The day's active non-bot users with their stable attributes, ordered by user number.

    `n_users` veterans registered in 2017-2018, plus `registrations` a day from `FIRST_REGISTRATION_DAY` (about
    `NEW_USER_SHARE * n_users`, by weekday and with noise), numbered in `registration_slots` a day. Country, server, device, home IP, engagement, payer propensity and level
    curve are hashes of `(seed, user number)`, the same whichever day is generated; the day's activity is
    drawn from `(seed, date)`. Payments are in the country's currency at app-store price points (USD
    outside `CURRENCY_OF_COUNTRY`); a player gets starter rewards by mail on the day it registers."""
    today = _day_index(day)
    first_cohort = max(0, today - COHORT_WINDOW_DAYS)
    veterans = np.arange(scale.veterans, dtype=np.int64)
    cohort_days = np.arange(first_cohort, today + 1, dtype=np.int64)
    slots = np.arange(scale.registration_slots, dtype=np.int64)
    counts = registrations(seed, cohort_days, scale)
    recent = (scale.veterans + cohort_days[:, None] * scale.registration_slots + slots[None, :])[
        slots[None, :] < counts[:, None]]
    numbers = np.concatenate([veterans, recent])
    registered = np.concatenate([
        (_hash_uniform(seed, 1, veterans) * VETERAN_REGISTRATION_DAYS).astype(np.int64) - VETERAN_REGISTRATION_DAYS,
        np.repeat(cohort_days, counts),
    ])
    age = today - registered
    engagement = _hash_uniform(seed, 2, numbers)
    is_veteran = numbers < scale.veterans
    p_active = np.where(is_veteran, 0.3 + 0.6 * engagement,
                        np.minimum(1.0, _recent_retention(age) * (0.5 + engagement)))
    p_active = np.where(age == 0, 1.0, p_active)
    active = _hash_uniform(seed, 1_000 + today, numbers) < p_active
    numbers, registered, age, engagement, is_veteran = (
        a[active] for a in (numbers, registered, age, engagement, is_veteran))

    level_u = _hash_uniform(seed, 3, numbers)
    quitter = ~is_veteran & (level_u < 0.05)
    growth = 4.0 + 10.0 * level_u
    level_end = np.where(is_veteran, 25 + (55 * level_u).astype(np.int64), _recent_level(growth, age))
    level_start = np.where(is_veteran, level_end, np.where(age > 0, _recent_level(growth, age - 1), 1))
    level_end = np.where(quitter, 1, level_end)
    level_start = np.where(quitter, 1, np.minimum(level_start, level_end))

    country = _pick(_hash_uniform(seed, 4, numbers), COUNTRY_WEIGHTS)
    subnet = (_hash_uniform(seed, 5, numbers) * scale.subnets).astype(np.int64)
    payer_u = _hash_uniform(seed, 8, numbers)
    return {
        "number": numbers,
        "register_day": registered,
        "server_id": 1001 + (_hash_uniform(seed, 6, numbers) * scale.servers).astype(np.int64),
        "country": country,
        "ip_a": np.array([FIRST_OCTETS[c] for c in COUNTRIES], dtype=np.int64)[country],
        "ip_b": subnet // 256 % 256,
        "ip_c": subnet % 256,
        "ip_d": 1 + (_hash_uniform(seed, 7, numbers) * 254).astype(np.int64),
        "level_start": level_start,
        "level_end": level_end,
        "gain_rate": np.where(quitter, 6.0, 2.5 + 5.0 * engagement),
        "pay_probability": np.where(payer_u < 0.003, 0.6, np.where(payer_u < 0.06, 0.25, 0.0)),
        "price_shift": np.where(payer_u < 0.003, 2, 0),
        "farm": np.full(numbers.size, -1, dtype=np.int64),
        **_plain_columns(numbers),
    }


def _unmanaged(n: int) -> dict[str, np.ndarray]:
    """The ring columns of an account no manager runs: no manager, no launch order, no planted sales."""
    return {"ring_manager": np.full(n, -1, dtype=np.int64), "ring_slot": np.zeros(n, dtype=np.int64),
            "sale_share": np.zeros(n)}


def _plain_columns(numbers: np.ndarray) -> dict[str, np.ndarray]:
    """The columns of an ordinary player that planted accounts override: home addresses, human sessions,
    Poisson gains of any item, its own device."""
    n = numbers.size
    return {
        "money_rate": np.full(n, 1.6),
        "exact_gains": np.zeros(n, dtype=bool),
        "ip_mode": np.full(n, HOME, dtype=np.int64),
        "session_plan": np.full(n, HUMAN, dtype=np.int64),
        "plan_offset_ms": np.zeros(n, dtype=np.int64),
        "device_key": numbers,
        "farm_items": np.full(n, -1, dtype=np.int64),
        **_unmanaged(n),
    }


@dataclass(frozen=True)
class Farm:
    """One planted bot farm of one `kind`:

    - `subnet`: every account on one /24 (a random host per session), parked at level 1, scripted sessions;
    - `proxy_pool`: each session from a random host of a random /24 of the farm's pool of 3-6 proxy
      subnets, accounts parked at levels 1-3, scripted sessions;
    - `residential`: each account on its own residential address (no two in one /24), the accounts
      sharing a few devices, all on the same schedule with the same gains and item mix every day;
    - `managed_ring`: 24-60 accounts at levels 30-49, each on its own residential address and phone,
      gaining like a person who auto-hunts, never paying, selling on the exchange, in a clan of their own;
      `managers` managers each run a share of them and restart them together (`RING`).
    """

    farm_id: int
    kind: str
    server_id: int
    country: int
    size: int
    pays: bool
    level: int
    networks: tuple[tuple[int, int, int], ...]
    hosts: tuple[int, ...]
    devices: int
    offset_ms: int
    managers: int = 0

    @property
    def account_numbers(self) -> np.ndarray:
        return BOT_ID_BASE + self.farm_id * 1_000 + np.arange(self.size, dtype=np.int64)

    @property
    def levels(self) -> np.ndarray:
        """Each account's level, the same every day."""
        if self.kind == "proxy_pool":
            return 1 + np.arange(self.size, dtype=np.int64) % 3
        if self.kind == "managed_ring":
            return 30 + (np.arange(self.size, dtype=np.int64) * 7 + self.farm_id) % 20
        return np.full(self.size, self.level, dtype=np.int64)

    @property
    def ip_pattern(self) -> str | list[str]:
        if self.kind == "subnet":
            return "{}.{}.{}.0/24".format(*self.networks[0])
        if self.kind == "proxy_pool":
            return ["{}.{}.{}.0/24".format(*network) for network in self.networks]
        return ["{}.{}.{}.{}".format(*network, host) for network, host in zip(self.networks, self.hosts, strict=True)]

    @property
    def clan_id(self) -> int:
        """A ring's own clan."""
        return self.server_id * 10_000 + 9_000 + self.farm_id


def _farm(seed: int, scale: Scale, f: int) -> Farm:
    """Farm number `f` of a user base, of kind `FARM_KINDS[f % 4]`: a function of the seed, the scale and `f`."""
    u = [_hash_uniform(seed, 100 + k, np.array([f], dtype=np.int64))[0] for k in range(8)]
    kind = FARM_KINDS[f % len(FARM_KINDS)]
    ring = kind == "managed_ring"
    largest = max(SMALLEST_RING, scale.largest_planted_group) if ring else scale.largest_planted_group
    size = min(largest, 24 + int(u[2] * 37) if ring else 8 + int(u[2] * 33))
    country = COUNTRIES.index(FARM_COUNTRIES[int(u[1] * len(FARM_COUNTRIES))])
    per_farm = [_hash_uniform(seed, 200 + k, np.array([f], dtype=np.int64))[0] for k in range(3 * size)]
    hosts: tuple[int, ...] = ()
    if kind == "subnet":
        networks = ((45 + int(u[6] * 20), int(u[7] * 256), f % 256),)
    elif kind == "proxy_pool":
        networks = tuple((45 + int(per_farm[3 * k] * 20), int(per_farm[3 * k + 1] * 256),
                          int(per_farm[3 * k + 2] * 256)) for k in range(3 + int(u[5] * 4)))
    else:
        octet, first_c = FIRST_OCTETS[COUNTRIES[country]], int(u[7] * 256)
        networks = tuple((octet, int(per_farm[k] * 256), (first_c + k) % 256) for k in range(size))
        hosts = tuple(1 + int(per_farm[size + k] * 254) for k in range(size))
    return Farm(
        farm_id=f, kind=kind, server_id=1001 + int(u[0] * scale.servers), country=country, size=size,
        pays=bool(u[3] < 0.3) and not ring, level=1 if kind != "residential" else 2 + int(u[4] * 20),
        networks=networks, hosts=hosts, devices=max(2, size // 5) if kind == "residential" else size if ring else 0,
        offset_ms=int(u[6] * 10 * 60_000), managers=2 + int(u[4] * 3) if ring else 0,
    )


def planted_farms(seed: int, n_users: int) -> list[Farm]:
    """The bot farms of a user base, the kinds in turn (`_farm`), the same every day: `Scale.farms` of them, and
    more of each kind until it has `Scale.accounts_per_kind` accounts."""
    scale = Scale(n_users)
    farms: list[Farm] = []
    planted = dict.fromkeys(FARM_KINDS, 0)
    f = 0
    while f < scale.farms or min(planted.values()) < scale.accounts_per_kind:
        kind = FARM_KINDS[f % len(FARM_KINDS)]
        if f < scale.farms or planted[kind] < scale.accounts_per_kind:
            farms.append(_farm(seed, scale, f))
            planted[kind] += farms[-1].size
        f += 1
    return farms


@dataclass(frozen=True)
class DecoyGroup:
    """Legitimate players that a careless detector takes for a farm, planted so that it is caught:

    - `nat_crowd`: many varied players (levels 5-80, a third of them heavy grinders) behind one carrier
      NAT address;
    - `starter_burst`: players registering that day on one campus /24, each receiving the same starter
      rewards at level 1;
    - `auto_hunt`: real players at levels 30-80 on one carrier /24 who leave auto-hunt running through
      the night and evening and gain a lot;
    - `all_day`: real players at levels 30-80, each at home, who auto-hunt 18-22 hours a day at their own
      times of day (`ALL_DAY`), gain a lot, sometimes pay and sell;
    - `raid_guild`: all-day players of one guild who log in together on the guild's raid nights
      (`RAID`).
    """

    group_id: int
    kind: str
    country: int
    network: tuple[int, int, int]
    size: int

    def account_numbers(self, day: dt.date) -> np.ndarray:
        """The group's accounts on `day`: the same every day, except starter-burst players, who are new."""
        base = DECOY_ID_BASE + self.group_id * 1_000_000
        if self.kind == "starter_burst":
            base += 1_000 + _day_index(day) * self.size
        return base + np.arange(self.size, dtype=np.int64)

    @property
    def ip_pattern(self) -> str:
        if self.kind == "nat_crowd":
            return "{}.{}.{}.1".format(*self.network)
        if self.kind in ("all_day", "raid_guild"):
            return "{}.0.0.0/8".format(self.network[0])
        return "{}.{}.{}.0/24".format(*self.network)


def planted_decoys(seed: int, n_users: int) -> list[DecoyGroup]:
    """The decoy groups of a user base: one of each kind per `USERS_PER_DECOY_GROUP` users (at least one)."""
    per_kind = max(1, n_users // USERS_PER_DECOY_GROUP)
    largest = Scale(n_users).largest_planted_group
    ids = np.arange(per_kind * len(DECOY_KINDS), dtype=np.int64)
    u = [_hash_uniform(seed, 400 + k, ids) for k in range(3)]
    groups = []
    for g in ids.tolist():
        country = _pick(u[0][g:g + 1], COUNTRY_WEIGHTS)[0]
        kind = DECOY_KINDS[g % len(DECOY_KINDS)]
        groups.append(DecoyGroup(group_id=g, kind=kind, country=int(country),
                                 network=(FIRST_OCTETS[COUNTRIES[country]], int(u[1][g] * 256), int(u[2][g] * 256)),
                                 size=min(DECOY_GROUP_SIZE[kind], largest)))
    return groups


def _bot_users(seed: int, day: dt.date, farms: list[Farm]) -> dict[str, np.ndarray]:
    """Every farm account, active every day at its farm's levels, with its kind's addresses and plan."""
    numbers = np.concatenate([f.account_numbers for f in farms])
    farm = np.concatenate([np.full(f.size, i) for i, f in enumerate(farms)])
    slot = np.concatenate([np.arange(f.size) for f in farms])
    kind = np.array([FARM_KINDS.index(f.kind) for f in farms])[farm]
    residential = kind == FARM_KINDS.index("residential")
    ring = kind == FARM_KINDS.index("managed_ring")
    network = np.array([f.networks[0] for f in farms], dtype=np.int64)[farm]
    host = _rng(seed, day, 50).integers(1, 255, size=numbers.size)
    for i, f in enumerate(farms):
        if f.kind in ("residential", "managed_ring"):
            members = np.flatnonzero(farm == i)
            network[members] = np.array(f.networks, dtype=np.int64)
            host[members] = np.array(f.hosts, dtype=np.int64)
    levels = np.concatenate([f.levels for f in farms])

    def per_farm(values: list) -> np.ndarray:
        return np.array(values, dtype=np.int64)[farm]

    device_slot = slot % np.maximum(per_farm([f.devices for f in farms]), 1)
    managers = np.maximum(per_farm([f.managers for f in farms]), 1)
    return {
        "number": numbers,
        "register_day": -30 - farm % 60,
        "server_id": per_farm([f.server_id for f in farms]),
        "country": per_farm([f.country for f in farms]),
        "ip_a": network[:, 0],
        "ip_b": network[:, 1],
        "ip_c": network[:, 2],
        "ip_d": host,
        "level_start": levels,
        "level_end": levels,
        "gain_rate": np.select([residential, ring], [24.0, 20.0 + 25.0 * _hash_uniform(seed, 501, numbers)], 30.0),
        "pay_probability": np.where(per_farm([f.pays for f in farms]) == 1, 0.5, 0.0),
        "price_shift": np.zeros(numbers.size, dtype=np.int64),
        "farm": farm,
        "money_rate": np.where(ring, 4.0, 6.0),
        "exact_gains": residential,
        "ip_mode": np.select([residential | ring, kind == FARM_KINDS.index("proxy_pool")], [FIXED, POOL_HOST],
                             SUBNET_HOST),
        "session_plan": np.select([residential, ring], [SCHEDULED, RING], SCRIPTED),
        "plan_offset_ms": per_farm([f.offset_ms for f in farms]),
        "device_key": np.where(residential, BOT_ID_BASE + farm * 1_000 + 900 + device_slot, numbers),
        "farm_items": np.where(residential, farm, -1),
        "ring_manager": np.where(ring, farm * 8 + slot % managers, -1),
        "ring_slot": slot // managers,
        "sale_share": np.where(ring, RING_SALE_SHARE, 0.0),
    }


def _decoy_users(seed: int, day: dt.date, decoys: list[DecoyGroup]) -> dict[str, np.ndarray]:
    """Every decoy account of the day (see `DecoyGroup`): ordinary players in every way but where they
    connect from and how much they play."""
    numbers = np.concatenate([g.account_numbers(day) for g in decoys])
    group = np.concatenate([np.full(g.size, i) for i, g in enumerate(decoys)])
    kind = np.array([DECOY_KINDS.index(g.kind) for g in decoys])[group]
    nat, starter, hunter, all_day, raid = (kind == DECOY_KINDS.index(k) for k in DECOY_KINDS)
    at_home = all_day | raid
    network = np.array([g.network for g in decoys], dtype=np.int64)[group]
    n = numbers.size
    u_level, u_gain, u_server = (_hash_uniform(seed, 500 + k, numbers) for k in range(3))
    veteran_level = np.where(hunter | at_home, 30 + (50 * u_level).astype(np.int64),
                             5 + (75 * u_level).astype(np.int64))
    home = (_hash_uniform(seed, 504, numbers) * 65_536).astype(np.int64)
    phase = ALL_DAY_PHASE_MS[0] + _hash_uniform(seed, 505, numbers) * (ALL_DAY_PHASE_MS[1] - ALL_DAY_PHASE_MS[0])
    heavy = nat & (u_gain < 1 / 3)
    return {
        "number": numbers,
        "register_day": np.where(starter, _day_index(day), -200 - (u_level * 400).astype(np.int64)),
        "server_id": 1001 + (u_server * Scale(USERS_PER_DECOY_GROUP).servers).astype(np.int64),
        "country": np.array([g.country for g in decoys], dtype=np.int64)[group],
        "ip_a": network[:, 0],
        "ip_b": np.where(at_home, home // 256, network[:, 1]),
        "ip_c": np.where(at_home, home % 256, network[:, 2]),
        "ip_d": np.where(nat, 1, 1 + (_hash_uniform(seed, 503, numbers) * 254).astype(np.int64)),
        "level_start": np.where(starter, 1, veteran_level),
        "level_end": np.where(starter, 3 + numbers % 6, veteran_level),
        "gain_rate": np.where(hunter | heavy | at_home, 20.0 + 25.0 * u_gain, 2.5 + 5.0 * u_gain),
        "pay_probability": np.where(all_day, 0.1, 0.06),
        "price_shift": np.zeros(n, dtype=np.int64),
        "farm": np.full(n, -1, dtype=np.int64),
        "money_rate": np.where(hunter | heavy | at_home, 4.0, 1.6),
        "exact_gains": np.zeros(n, dtype=bool),
        "ip_mode": np.select([nat, at_home], [FIXED, HOME], SUBNET_HOST),
        "session_plan": np.select([hunter, all_day, raid], [AUTO_HUNT, ALL_DAY, RAID], HUMAN),
        "plan_offset_ms": np.where(at_home, phase, 0).astype(np.int64),
        "device_key": numbers,
        "farm_items": np.full(n, -1, dtype=np.int64),
        **_unmanaged(n),
    }


def _users_frame(seed: int, day: dt.date, scale: Scale, farms: list[Farm], decoys: list[DecoyGroup]) -> pl.DataFrame:
    """All users active on `day`: normal users, bots, then decoys, with the attributes every event carries."""
    parts = [_normal_users(seed, day, scale), _bot_users(seed, day, farms), _decoy_users(seed, day, decoys)]
    cols = {k: np.concatenate([part[k] for part in parts]) for k in parts[0]}
    number, device_key = cols["number"], cols["device_key"]
    os_u = _hash_uniform(seed, 9, device_key)
    model = np.where(os_u < 0.75, (os_u / 0.75 * 5).astype(np.int64), 5 + ((os_u - 0.75) / 0.25 * 2).astype(np.int64))
    epoch_offset = (FIRST_REGISTRATION_DAY - dt.date(1970, 1, 1)).days
    device = (_mix(device_key.astype(np.uint64) ^ np.uint64(seed)) >> np.uint64(16)).astype(np.int64)
    return pl.DataFrame({
        "user_id": pl.Series(number).cast(pl.Utf8).str.zfill(10),
        "register_date": pl.Series(cols["register_day"] + epoch_offset).cast(pl.Int32).cast(pl.Date),
        "server_id": cols["server_id"],
        "country_code": np.array(COUNTRIES)[cols["country"]],
        "currency": np.array([CURRENCY_OF_COUNTRY.get(c, "USD") for c in COUNTRIES])[cols["country"]],
        "ip": pl.select(pl.concat_str([pl.lit(pl.Series(cols[k])) for k in ("ip_a", "ip_b", "ip_c", "ip_d")],
                                      separator=".")).to_series(),
        "device_id": pl.Series(device).cast(pl.Utf8).str.zfill(15),
        "os": np.where(os_u < 0.75, "android", "ios"),
        "device_model": np.array(DEVICE_MODELS)[model],
        "is_new": cols["register_day"] == _day_index(day),
        **{k: cols[k] for k in ("level_start", "level_end", "gain_rate", "pay_probability", "price_shift", "farm",
                                "ip_a", "ip_b", "ip_c", "ip_d", "money_rate", "exact_gains", "ip_mode",
                                "session_plan", "plan_offset_ms", "farm_items", "ring_manager", "ring_slot",
                                "sale_share")},
    })


def _uuids(rng: np.random.Generator, n: int) -> pl.Series:
    """Version-4 UUID strings drawn from `rng`."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    binary = pa.FixedSizeBinaryArray.from_buffers(pa.binary(16), n, [None, pa.py_buffer(raw.tobytes())])
    hexed = pl.Series(pl.from_arrow(binary)).cast(pl.Binary).bin.encode("hex")
    return pl.select(pl.concat_str([hexed.str.slice(0, 8), hexed.str.slice(8, 4), hexed.str.slice(12, 4),
                                    hexed.str.slice(16, 4), hexed.str.slice(20, 12)], separator="-")).to_series()


def _track_events(
    users: pl.DataFrame, rows: np.ndarray, event_name: str, day: dt.date, rng: np.random.Generator,
    properties: dict[str, pl.Series | np.ndarray], times_ms: np.ndarray | None = None,
    ips: pl.Series | None = None,
) -> pl.DataFrame:
    """ThinkingData track lines for the users at `rows` (indices into `users`), sorted by time; `#ip` is
    the user's home address unless `ips` gives one per row."""
    n = rows.size
    if times_ms is None:
        times_ms = rng.integers(0, _DAY_MS, size=n)
    order = np.argsort(times_ms, kind="stable")
    level_span = (users["level_end"].to_numpy() - users["level_start"].to_numpy())[rows]
    level = users["level_start"].to_numpy()[rows] + np.floor(rng.random(n) * (level_span + 1)).astype(np.int64)
    who = users.select("user_id", "device_id", "ip", "server_id")[rows[order]]
    if ips is not None:
        who = who.with_columns(ip=ips[order])
    midnight = dt.datetime.combine(day, dt.time())
    return pl.DataFrame({
        "#type": pl.repeat("track", n, eager=True),
        "#account_id": who["user_id"],
        "#distinct_id": who["device_id"],
        "#time": (pl.Series(times_ms[order]).cast(pl.Duration("ms")) + midnight)
        .dt.strftime("%Y-%m-%d %H:%M:%S%.3f"),
        "#event_name": pl.repeat(event_name, n, eager=True),
        "#ip": who["ip"],
        "#uuid": _uuids(rng, n),
    }).with_columns(properties=pl.struct(
        server_id=who["server_id"], level=pl.Series(level[order]),
        **{k: pl.Series(v)[order] if isinstance(v, pl.Series) else _column(v[order]) for k, v in properties.items()},
    ))


def _session_ips(users: pl.DataFrame, rows: np.ndarray, farms: list[Farm], rng: np.random.Generator) -> pl.Series:
    """The address of each session, drawn by the user's `ip_mode` (see `HOME`)."""
    parts = np.stack([users[k].to_numpy()[rows] for k in ("ip_a", "ip_b", "ip_c", "ip_d")], axis=1)
    mode = users["ip_mode"].to_numpy()[rows]
    mobile = (mode == HOME) & (rng.random(rows.size) < 0.2)
    parts[mobile, 1:] = rng.integers(0, 256, size=(mobile.sum(), 3))
    hosted = (mode == SUBNET_HOST) | (mode == POOL_HOST)
    parts[hosted, 3] = rng.integers(1, 255, size=hosted.sum())
    pooled = np.flatnonzero(mode == POOL_HOST)
    if pooled.size:
        pool_sizes = np.array([len(f.networks) for f in farms])
        pools = np.zeros((len(farms), pool_sizes.max(), 3), dtype=np.int64)
        for i, f in enumerate(farms):
            if f.kind == "proxy_pool":
                pools[i, :len(f.networks)] = np.array(f.networks, dtype=np.int64)
        farm = users["farm"].to_numpy()[rows[pooled]]
        pick = (rng.random(pooled.size) * pool_sizes[farm]).astype(np.int64)
        parts[pooled, :3] = pools[farm, pick]
    return pl.select(pl.concat_str([pl.lit(pl.Series(parts[:, k])) for k in range(4)], separator=".")).to_series()


_HOUR_MS = 3_600_000


def _restarts(seed: int, day: dt.date, manager: np.ndarray, nth: np.ndarray) -> np.ndarray:
    """The time (ms after midnight) of each ring `manager`'s `nth` restart of the day: the first within
    two hours of midnight, then one about every six hours, each drifting by up to an hour from day to day;
    the `RING_RESTARTS`-th is midnight."""
    today = _day_index(day)
    first = _hash_uniform(seed, 10_000 + 2 * today, manager) * 2 * _HOUR_MS
    drift = (2 * _hash_uniform(seed, 10_001 + 2 * today, manager * 16 + nth) - 1) * _HOUR_MS
    at = first + nth * 6 * _HOUR_MS + np.where(nth > 0, drift, 0.0)
    return np.where(nth >= RING_RESTARTS, _DAY_MS, at).astype(np.int64)


def _session_times(users: pl.DataFrame, rng: np.random.Generator, seed: int,
                   day: dt.date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(user row, start ms, length ms) of every session of the day, laid out by each user's
    `session_plan` (see `HUMAN`) and cut at midnight."""
    plan = users["session_plan"].to_numpy()
    counts = np.select([plan == SCRIPTED, plan == SCHEDULED, plan == AUTO_HUNT, plan == RING,
                        (plan == ALL_DAY) | (plan == RAID)],
                       [3 + rng.integers(0, 4, size=plan.size), SCHEDULED_SESSIONS, 2, RING_RESTARTS, 4],
                       1 + rng.poisson(0.8, size=plan.size))
    rows = np.repeat(np.arange(users.height), counts)
    nth = np.arange(rows.size) - np.repeat(np.cumsum(counts) - counts, counts)
    plan = plan[rows]
    start = rng.integers(0, _DAY_MS - 60_000, size=rows.size)
    length = 60_000 + rng.exponential(40 * 60_000, size=rows.size).astype(np.int64)
    scripted = 10 * 60_000 + rng.exponential(90 * 60_000, size=rows.size).astype(np.int64)
    night_end = (6 + 3 * rng.random(rows.size)) * 3_600_000
    evening_start = rng.integers(18 * 3_600_000, 21 * 3_600_000, size=rows.size)
    scheduled_start = users["plan_offset_ms"].to_numpy()[rows] + nth * (_DAY_MS // SCHEDULED_SESSIONS)
    hunt_start = np.where(nth == 0, rng.integers(0, 60_000, size=rows.size), evening_start)
    manager = users["ring_manager"].to_numpy()[rows]
    ring_start = (_restarts(seed, day, manager, nth) + users["ring_slot"].to_numpy()[rows] * RING_LAUNCH_STEP_MS
                  + rng.integers(0, 3_000, size=rows.size))
    ring_length = _restarts(seed, day, manager, nth + 1) - rng.integers(60_000, 180_000, size=rows.size) - ring_start
    own_start = (users["plan_offset_ms"].to_numpy()[rows] + nth * 6 * _HOUR_MS
                 + rng.integers(-15 * 60_000, 15 * 60_000, size=rows.size))
    raid = (plan == RAID) & (nth == 3) & (_day_index(day) % 7 in RAID_WEEKDAYS)
    own_start = np.where(raid, 20 * _HOUR_MS + rng.integers(0, 180_000, size=rows.size), own_start)
    own_length = np.where(raid, _DAY_MS, 5 * _HOUR_MS + rng.integers(-30 * 60_000, 30 * 60_000, size=rows.size))
    own = (plan == ALL_DAY) | (plan == RAID)
    start = np.select([plan == SCHEDULED, plan == AUTO_HUNT, plan == RING, own],
                      [scheduled_start, hunt_start, ring_start, own_start], start)
    length = np.select([plan == SCRIPTED, plan == SCHEDULED, plan == AUTO_HUNT, plan == RING, own],
                       [scripted, np.full(rows.size, SCHEDULED_LENGTH_MS),
                        np.where(nth == 0, night_end.astype(np.int64) - start, _DAY_MS), ring_length, own_length],
                       length)
    return rows, start, np.minimum(length, _DAY_MS - 1 - start)


def _sessions(users: pl.DataFrame, day: dt.date, seed: int, farms: list[Farm]) -> dict[str, pl.DataFrame]:
    """Login and logout pairs, one per session of `_session_times`."""
    rng = _rng(seed, day, 10)
    rows, start, length = _session_times(users, rng, seed, day)
    ips = _session_ips(users, rows, farms, rng)
    os_, model = users["os"].to_numpy()[rows], users["device_model"].to_numpy()[rows]
    login = _track_events(users, rows, "login", day, _rng(seed, day, 11),
                          {"device_id": users["device_id"][rows], "#os": os_, "#device_model": model},
                          times_ms=start, ips=ips)
    logout = _track_events(users, rows, "logout", day, _rng(seed, day, 12),
                           {"device_id": users["device_id"][rows], "online_seconds": length // 1000},
                           times_ms=start + length, ips=ips)
    return {"login": login, "logout": logout}


def _recharges(users: pl.DataFrame, day: dt.date, seed: int) -> pl.DataFrame:
    rng = _rng(seed, day, 20)
    pays = rng.random(users.height) < users["pay_probability"].to_numpy()
    counts = np.where(pays, 1 + rng.poisson(0.4, size=users.height), 0)
    rows = np.repeat(np.arange(users.height), counts)
    tier = np.minimum(_pick(rng.random(rows.size), PRICE_WEIGHTS) + users["price_shift"].to_numpy()[rows], 5)
    currency = users["currency"].to_numpy()[rows]
    amount = np.array([PRICE_POINTS[c][t] for c, t in zip(currency.tolist(), tier.tolist(), strict=True)],
                      dtype=np.float64)
    return _track_events(users, rows, "recharge", day, rng, {
        "amount": amount,
        "currency": currency,
        "payment_method": np.array(PAYMENT_METHODS)[_pick(rng.random(rows.size), [0.5, 0.25, 0.1, 0.1, 0.05])],
        "country_code": users["country_code"].to_numpy()[rows],
    })


def _gain_counts(users: pl.DataFrame, rate: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Events per user: `rate` exactly for accounts with `exact_gains` (a script), Poisson otherwise."""
    return np.where(users["exact_gains"].to_numpy(), np.rint(rate).astype(np.int64), rng.poisson(rate))


def _items(users: pl.DataFrame, day: dt.date, seed: int, items: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Item gains (reason 301-304) and spends (401-404). Bots gain crafting materials and hardly spend; a
    residential farm's accounts cycle through the same three materials in the same quantities. A player
    registering that day also receives `STARTER_ITEM_EVENTS` starter items by mail (reason 304)."""
    item_ids = items["item_id"].to_numpy()
    materials = items.filter(pl.col("item_group") == "crafting_material")["item_id"].to_numpy()
    is_bot = users["farm"].to_numpy() >= 0
    farm_items = users["farm_items"].to_numpy()
    out = {}
    for stream, (event, rate, bot_rate, first_reason) in enumerate([("item_gain", 1.0, 1.0, 301),
                                                                     ("item_spend", 0.4, 0.05, 401)]):
        rng = _rng(seed, day, 30 + stream)
        counts = _gain_counts(users, users["gain_rate"].to_numpy() * np.where(is_bot, bot_rate, rate), rng)
        if event == "item_gain":
            counts = counts + np.where(users["is_new"].to_numpy(), STARTER_ITEM_EVENTS, 0)
        rows = np.repeat(np.arange(users.height), counts)
        nth = np.arange(rows.size) - np.repeat(np.cumsum(counts) - counts, counts)
        bot_rows, scripted = is_bot[rows], farm_items[rows] >= 0
        starter = (event == "item_gain") & users["is_new"].to_numpy()[rows] & (nth < STARTER_ITEM_EVENTS)
        popular = np.minimum((rng.power(0.6, rows.size) * item_ids.size).astype(np.int64), item_ids.size - 1)
        item = np.where(bot_rows, materials[rng.integers(0, materials.size, rows.size)], item_ids[popular])
        item = np.where(scripted, materials[(farm_items[rows] * 7 + nth % 3) % materials.size], item)
        item = np.where(starter, item_ids[nth % item_ids.size], item)
        quantity = np.where(scripted | starter, 5, 1 + rng.poisson(np.where(bot_rows, 4.0, 1.5)))
        out[event] = _track_events(users, rows, event, day, rng, {
            "item_id": item,
            "quantity": quantity,
            "reason_id": np.where(starter, first_reason + 3, first_reason + rng.integers(0, 4, rows.size)),
        })
    return out


def _money(users: pl.DataFrame, day: dt.date, seed: int) -> dict[str, pl.DataFrame]:
    """Diamond and adena gains and spends; bots gain diamonds six times a day, residential farms exactly so
    and always the same amount; a player registering that day gets `STARTER_DIAMOND_EVENTS` starter
    diamond rewards (reason 104)."""
    is_bot = users["farm"].to_numpy() >= 0
    exact = users["exact_gains"].to_numpy()
    sale_share = users["sale_share"].to_numpy()
    out = {}
    for stream, (event, reasons, bot_rate) in enumerate([("money_gain", MONEY_GAIN_REASONS, None),
                                                         ("money_spend", MONEY_SPEND_REASONS, 1.0)]):
        rng = _rng(seed, day, 40 + stream)
        rate = users["money_rate"].to_numpy() if bot_rate is None else np.where(is_bot, bot_rate, 1.3)
        counts = _gain_counts(users, rate, rng)
        if event == "money_gain":
            counts = counts + np.where(users["is_new"].to_numpy(), STARTER_DIAMOND_EVENTS, 0)
        rows = np.repeat(np.arange(users.height), counts)
        nth = np.arange(rows.size) - np.repeat(np.cumsum(counts) - counts, counts)
        starter = (event == "money_gain") & users["is_new"].to_numpy()[rows] & (nth < STARTER_DIAMOND_EVENTS)
        fixed = exact[rows] | starter
        adena = (rng.random(rows.size) < 0.15) & ~fixed
        reason = np.array(reasons)[_pick(rng.random(rows.size), [0.3, 0.15, 0.2, 0.2, 0.15])]
        sold = _hash_uniform(seed, 11_000 + _day_index(day), np.arange(rows.size)) < sale_share[rows]
        reason = np.where(sold & (event == "money_gain"), MARKET_SALE_REASON, reason)
        out[event] = _track_events(users, rows, event, day, rng, {
            "money_type": np.where(adena, "adena", "diamond"),
            "amount": np.where(fixed, 60, np.where(adena, 1_000 * (1 + rng.poisson(20, rows.size)),
                                                   10 * (1 + rng.poisson(5, rows.size)))),
            "reason_id": np.where(starter, 104, reason),
        })
    return out


def _clan_changes(users: pl.DataFrame, day: dt.date, seed: int, scale: Scale) -> pl.DataFrame:
    """About 1% of active users join (75%) or leave (25%) a clan of their server; every day a seventh of each
    ring's accounts (re)join the ring's own clan (`Farm.clan_id`), as ring clans cycle their members."""
    rng = _rng(seed, day, 60)
    rows = np.flatnonzero(rng.random(users.height) < 0.01)
    number = rng.integers(1, scale.clans_per_server + 1, rows.size)
    joins = rng.random(rows.size) < 0.75
    roles = np.array(["member", "elite", "leader"])[_pick(rng.random(rows.size), [0.85, 0.12, 0.03])]
    manager = users["ring_manager"].to_numpy()
    rejoin = np.flatnonzero((manager >= 0) & ((users["ring_slot"].to_numpy() + manager + _day_index(day)) % 7 == 0))
    rejoin = rejoin[~np.isin(rejoin, rows)]
    rows = np.concatenate([rows, rejoin])
    number = np.concatenate([number, 9_000 + users["farm"].to_numpy()[rejoin]])
    joins = np.concatenate([joins, np.ones(rejoin.size, dtype=bool)])
    roles = np.concatenate([roles, np.full(rejoin.size, "member")])
    server = users["server_id"].to_numpy()[rows]
    return _track_events(users, rows, "clan_change", day, rng, {
        "action": np.where(joins, "join", "leave"),
        "clan_id": server * 10_000 + number,
        "clan_name": pl.select(pl.format("Clan {}-{}", pl.lit(pl.Series(server)), pl.lit(pl.Series(number))))
        .to_series(),
        "clan_role": pl.Series(roles).zip_with(pl.Series(joins), pl.Series([None], dtype=pl.Utf8)),
    })


def _profiles(users: pl.DataFrame, login: pl.DataFrame, day: dt.date, seed: int) -> pl.DataFrame:
    """One user_set line per active user, stamped at the user's first login of the day."""
    first_login = login.group_by("#account_id").agg(pl.col("#time").min(), pl.col("#ip").first())
    profiles = (users.select("user_id", "device_id", "server_id", "country_code", "register_date")
                .join(first_login, left_on="user_id", right_on="#account_id", how="inner")
                .sort("#time", "user_id"))
    return profiles.select(
        pl.lit("user_set").alias("#type"), pl.col("user_id").alias("#account_id"),
        pl.col("device_id").alias("#distinct_id"), "#time", "#ip",
        pl.lit(_uuids(_rng(seed, day, 70), profiles.height)).alias("#uuid"),
        pl.struct("country_code", pl.col("register_date").dt.strftime("%Y-%m-%d"), "server_id").alias("properties"),
    )


def iter_day(day: dt.date, *, seed: int = 0, n_users: int = 10_000) -> Iterator[tuple[str, pl.DataFrame]]:
    """The landing frames of one day as (file stem, frame), one at a time; each row is one JSONL line."""
    if day < FIRST_REGISTRATION_DAY:
        raise ValueError(f"the L2M emitter starts on {FIRST_REGISTRATION_DAY}, not {day}")
    scale = Scale(n_users)
    farms = planted_farms(seed, n_users)
    users = _users_frame(seed, day, scale, farms, planted_decoys(seed, n_users))
    sessions = _sessions(users, day, seed, farms)
    yield "user_profile", _profiles(users, sessions["login"], day, seed)
    yield from sessions.items()
    del sessions
    yield "recharge", _recharges(users, day, seed)
    yield from _items(users, day, seed, pl.read_csv(ITEMS_CSV, schema_overrides={"item_id": pl.Int64})).items()
    yield from _money(users, day, seed).items()
    yield "clan_change", _clan_changes(users, day, seed, scale)


def generate_day(day: dt.date, *, seed: int = 0, n_users: int = 10_000) -> dict[str, pl.DataFrame]:
    """The landing frames of one day, keyed by file stem."""
    return dict(iter_day(day, seed=seed, n_users=n_users))


def truth_document(day: dt.date, *, seed: int, n_users: int) -> dict:
    """The planted bot farms and decoy groups of the day as written to `planted_bot_farms.json`."""
    return {
        "date": day.isoformat(),
        "seed": seed,
        "n_users": n_users,
        "farms": [{
            "farm_id": f.farm_id,
            "kind": f.kind,
            "server_id": f.server_id,
            "pays": f.pays,
            "ip_pattern": f.ip_pattern,
            "account_ids": [f"{n:010d}" for n in f.account_numbers.tolist()],
        } for f in planted_farms(seed, n_users)],
        "decoys": [{
            "group_id": g.group_id,
            "kind": g.kind,
            "ip_pattern": g.ip_pattern,
            "account_ids": [f"{n:010d}" for n in g.account_numbers(day).tolist()],
        } for g in planted_decoys(seed, n_users)],
    }


def _write_day(folder: Path, day: dt.date, *, seed: int, n_users: int) -> dict[str, int]:
    """Write the day's JSONL files and truth file into the existing `folder`; return lines per file."""
    counts = {}
    for stem, frame in iter_day(day, seed=seed, n_users=n_users):
        frame.write_ndjson(folder / f"{stem}.jsonl")
        counts[f"{stem}.jsonl"] = frame.height
    (folder / TRUTH_FILE).write_text(json.dumps(truth_document(day, seed=seed, n_users=n_users), indent=1) + "\n")
    return counts


def emit_day(landing_dir: Path, day: dt.date, *, seed: int = 0, n_users: int = 10_000) -> dict[str, int]:
    """Write one day of L2M landing files into `landing_dir/<YYYY-MM-DD>/`; return lines per file: one
    `<event_name>.jsonl` per event (`login`, `logout`, `recharge`, `item_gain`, `item_spend`,
    `money_gain`, `money_spend`, `clan_change`) and `user_profile.jsonl` (`#type` user_set: country_code,
    register_date, server_id of each active user).

    The files are written into a hidden sibling folder (`.<YYYY-MM-DD>.<random>.partial`) that is renamed
    into place once complete, replacing any earlier folder of the day, so the day folder is either absent, the
    previous one or complete; a failure removes the partial folder.
    """
    folder = Path(landing_dir) / day.isoformat()
    staged = Path(landing_dir) / f".{day.isoformat()}.{uuid.uuid4().hex}.partial"
    staged.mkdir(parents=True)
    try:
        counts = _write_day(staged, day, seed=seed, n_users=n_users)
        swap_in(staged, folder)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return counts
