"""When users are active: daily activity by segment, weekday and age, churn and return, sessions and hours.

Activity on a day is a counter-based draw keyed by (seed, user, day), so it never depends on other days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from gamestats_assets.generator.hashing import uniform
from gamestats_assets.sources.taxonomy.rules import RuleSet, Segment, Stage

_WEEKEND_FACTOR = {"saas": 0.35, "ecommerce": 1.15, "game": 1.1}
_LEDGER_BLOCK_CELLS = 2_000_000


@dataclass(frozen=True)
class UserArrays:
    """The population's columns that behavior needs, as numpy arrays (days as ordinals).

    Populations built before payers existed have no `payer` column: every user may buy.
    """

    index: np.ndarray
    segment: np.ndarray
    install: np.ndarray
    churn: np.ndarray
    comeback: np.ndarray
    advanced: np.ndarray
    tutorial_completed: np.ndarray
    engagement: np.ndarray
    payer: np.ndarray

    @classmethod
    def from_frame(cls, users: pl.DataFrame) -> UserArrays:
        epoch = date(1970, 1, 1).toordinal()

        def days(column: str) -> np.ndarray:
            return users[column].cast(pl.Int32).to_numpy().astype(np.int64) + epoch

        return cls(
            index=users["user_index"].to_numpy(),
            segment=users["segment"].to_numpy().astype(str),
            install=days("install_date"),
            churn=days("churn_date"),
            comeback=days("return_date"),
            advanced=days("advanced_date"),
            tutorial_completed=users["tutorial_completed"].to_numpy(),
            engagement=users["engagement"].to_numpy(),
            payer=users["payer"].to_numpy() if "payer" in users.columns else np.ones(users.height, dtype=bool),
        )


def retention_probability(rules: RuleSet, days_since_install: np.ndarray) -> np.ndarray:
    """P(active) k days after install for users who finished onboarding: D1 and D7 hit the rule set's targets.

    A power curve `d1 * k ** -b` through the D1 and D7 targets, scaled up by the tutorial completion rate
    because users who abandon the tutorial never come back.
    """
    completion = max(rules.tutorial_completion, 1e-6)
    d1 = min(rules.retention_d1 / completion, 1.0)
    d7 = min(rules.retention_d7 / completion, d1)
    decay = np.log(d1 / d7) / np.log(7.0) if d7 > 0 else 5.0
    k = np.maximum(days_since_install, 1).astype(np.float64)
    return d1 * k ** -decay


def activity_probabilities(rules: RuleSet, users: UserArrays, days: np.ndarray, anchor: int) -> np.ndarray:
    """P(active) of every user (columns) on each of `days` (rows, date ordinals): the install day always,
    then by segment, weekday and churn state."""
    day = np.asarray(days, dtype=np.int64)[:, None]
    k = day - users.install
    weekend_factor = _WEEKEND_FACTOR.get(rules.product.industry, 1.0)
    factor = np.array([weekend_factor if date.fromordinal(int(d)).weekday() >= 5 else 1.0 for d in day[:, 0]])
    fade = np.array([np.exp(-max(int(d) - anchor, 0) / 7.0) for d in day[:, 0]])[:, None]
    base = np.zeros(k.shape)
    for segment, profile in rules.segments.items():
        base[:, users.segment == str(segment)] = np.minimum(profile.daily_activity * factor, 1.0)[:, None]
    probability = base * users.engagement.clip(0.5, 1.5) ** 0.3
    is_new = np.isin(users.segment, rules.based_on(Segment.NEW))
    probability = np.where(is_new, retention_probability(rules, k), probability)
    fading = np.isin(users.segment, rules.based_on(Segment.CHURNING))
    probability = np.where(fading & (day >= anchor), probability * fade, probability)
    away = (day >= users.churn) & (day < users.comeback)
    probability = np.where(away, 0.0, probability)
    probability = np.where(day == users.comeback, 1.0, probability)
    probability = np.where(users.tutorial_completed, probability, 0.0)
    probability = np.where(k == 0, 1.0, probability)
    return np.where(k < 0, 0.0, probability.clip(0.0, 1.0))


def active_on(rules: RuleSet, users: UserArrays, seed: int, day: int, anchor: int) -> np.ndarray:
    """Which users are active on `day` (a date ordinal)."""
    return active_on_days(rules, users, seed, np.array([day]), anchor)[0]


def active_on_days(rules: RuleSet, users: UserArrays, seed: int, days: np.ndarray, anchor: int) -> np.ndarray:
    """Which users (columns) are active on each of `days` (rows, date ordinals)."""
    day = np.asarray(days, dtype=np.int64)[:, None]
    return uniform(seed, "active", users.index, day) < activity_probabilities(rules, users, days, anchor)


def stage_on(users: UserArrays, day: int) -> np.ndarray:
    """Lifecycle stage at the start of `day`: INSTALLED on the install day, then ACTIVE, then ADVANCED."""
    stage = np.where(day >= users.advanced, Stage.ADVANCED, Stage.ACTIVE)
    return np.where(day <= users.install, Stage.INSTALLED, stage).astype(np.int64)


class ActivityLedger:
    """Active days since install (install day excluded) before a day, per user, at ACTIVE and ADVANCED stage.

    Counting starts at the earliest install (nothing is counted before it); a ledger moves forward only,
    so one ledger serves the days of a run in order and a fresh one serves any single day, with the same
    counts.
    """

    def __init__(self, rules: RuleSet, users: UserArrays, seed: int, anchor: int):
        self.rules, self.users, self.seed, self.anchor = rules, users, seed, anchor
        self.start = int(users.install.min()) if len(users.index) else anchor
        self.day = self.start
        self.active_days = np.zeros(len(users.index), dtype=np.int64)
        self.advanced_days = np.zeros(len(users.index), dtype=np.int64)

    def counts_before(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """(active days, active days at ADVANCED stage) before `day`, counting from the day after install."""
        if day < self.day and self.day > self.start:
            raise ValueError("an ActivityLedger only moves forward; use a fresh one for an earlier day")
        block_days = max(1, _LEDGER_BLOCK_CELLS // max(len(self.users.index), 1))
        while self.day < day:
            days = np.arange(self.day, min(day, self.day + block_days))
            after_install = days[:, None] > self.users.install
            active = active_on_days(self.rules, self.users, self.seed, days, self.anchor) & after_install
            self.active_days += active.sum(axis=0)
            self.advanced_days += (active & (days[:, None] >= self.users.advanced)).sum(axis=0)
            self.day = int(days[-1]) + 1
        return self.active_days.copy(), self.advanced_days.copy()


def sessions_per_user(rules: RuleSet, users: UserArrays, active: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Number of sessions each user has today (0 when inactive, at least 1 when active)."""
    mean = np.ones(len(users.index))
    for segment, profile in rules.segments.items():
        mean[users.segment == str(segment)] = profile.sessions_per_day
    extra = rng.poisson(np.maximum(mean * users.engagement - 1.0, 0.0))
    return np.where(active, 1 + extra, 0)


def session_start_ms(rules: RuleSet, count: int, rng: np.random.Generator) -> np.ndarray:
    """Milliseconds after midnight at which `count` sessions start, following the hour-of-day weights."""
    weights = np.asarray(rules.hour_weights or (1.0,) * 24, dtype=np.float64)
    hours = rng.choice(24, size=count, p=weights / weights.sum())
    return hours * 3_600_000 + rng.integers(0, 3_600_000, size=count)
