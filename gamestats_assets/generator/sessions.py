"""A day's sessions: who plays, how often, when each session starts, and the stage that gates its events."""

from __future__ import annotations

import numpy as np
import polars as pl

from gamestats_assets.generator.behavior import session_start_ms, sessions_per_user, stage_on
from gamestats_assets.generator.context import DayContext
from gamestats_assets.sources.taxonomy.rules import Stage

SESSION_BREAK_MS = 60_000


def day_sessions(context: DayContext, active: np.ndarray, rng: np.random.Generator) -> pl.DataFrame:
    """One row per session of the day: `user`, drawn `start` (ms after midnight), `session` (0, 1, ...
    in start order per user)."""
    count = sessions_per_user(context.rules, context.arrays, active, rng)
    users = np.repeat(np.arange(len(count)), count)
    starts = session_start_ms(context.rules, len(users), rng)
    sessions = pl.DataFrame({"user": users, "start": starts}).sort(["user", "start"])
    return sessions.with_columns(pl.int_range(pl.len()).over("user").alias("session"))


def session_stages(context: DayContext, day: int, sessions: pl.DataFrame) -> np.ndarray:
    """Per session, the stage that gates its units: the day's stage, except on the install day, where it is
    ONBOARDING_COMPLETED for users who finish the tutorial and INSTALLED for those who quit it."""
    users = sessions["user"].to_numpy()
    arrays = context.arrays
    on_install = np.where(arrays.tutorial_completed[users], int(Stage.ONBOARDING_COMPLETED), int(Stage.INSTALLED))
    return np.where(arrays.install[users] == day, on_install, stage_on(arrays, day)[users])


def spaced_starts(sessions: pl.DataFrame) -> pl.Series:
    """Session starts moved later where needed so that each of a user's sessions begins at least
    `SESSION_BREAK_MS` after the previous one ends.

    `sessions` is sorted by user and session and has `start` and `duration`. The start of session i
    is `max(start_i, start'_(i-1) + duration_(i-1) + break)`; with `shift_i` the running sum of
    `duration + break` of the sessions before i, that is `shift_i + max over j <= i of (start_j - shift_j)`.
    """
    step = (pl.col("duration").shift(1).over("user") + SESSION_BREAK_MS).fill_null(0)
    shift = step.cum_sum().over("user")
    return sessions.select(
        (shift + (pl.col("start") - shift).cum_max().over("user")).alias("start")
    ).to_series()
