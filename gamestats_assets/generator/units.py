"""The event rows of a day before timing: session edges, onboarding, free units, planned units, funnels.

Rows are ordered later by (user, session, region, key, step): region 0 opens a session, -1 and 0.5 are
onboarding before and after the first session event, 1 is the typical sequence, 2 the drawn units, 3
closes the session. `key` orders units within a region and `step` the events within a unit.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from gamestats_assets.generator.context import DayContext
from gamestats_assets.generator.hashing import uniform
from gamestats_assets.generator.updates import planned_counts
from gamestats_assets.sources.taxonomy.rules import Stage

REGION_SESSION_START = 0.0
REGION_INSTALL = -1.0
REGION_ONBOARDING = 0.5
REGION_TYPICAL = 1.0
REGION_UNITS = 2.0
REGION_SESSION_END = 3.0


class UnitRows:
    """Event rows under construction, one list of arrays per column: user, session, region, key, step,
    event code, and whether the row is a planned occurrence."""

    def __init__(self) -> None:
        self.columns: dict[str, list[np.ndarray]] = {
            name: [] for name in ("user", "session", "region", "key", "step", "code", "planned")
        }

    def add(
        self, user: np.ndarray, session: np.ndarray, region: float, key: float | np.ndarray,
        step: int, code: int | np.ndarray, planned: bool = False,
    ) -> None:
        """Rows for `user`/`session` pairs; scalar key, step and code apply to all of them."""
        count = len(user)
        self.columns["user"].append(np.asarray(user, dtype=np.int64))
        self.columns["session"].append(np.asarray(session, dtype=np.int64))
        self.columns["region"].append(np.full(count, region, dtype=np.float64))
        self.columns["key"].append(np.broadcast_to(np.asarray(key, dtype=np.float64), (count,)))
        self.columns["step"].append(np.broadcast_to(np.asarray(step, dtype=np.int64), (count,)))
        self.columns["code"].append(np.broadcast_to(np.asarray(code, dtype=np.int64), (count,)))
        self.columns["planned"].append(np.full(count, planned))

    def __len__(self) -> int:
        return sum(len(part) for part in self.columns["user"])

    def frame(self) -> pl.DataFrame:
        """The rows as one frame with a `unit` number per row."""
        columns = {name: np.concatenate(parts) for name, parts in self.columns.items()}
        return pl.DataFrame(columns).with_row_index("unit")


def session_edge_rows(context: DayContext, sessions: pl.DataFrame, rows: UnitRows) -> None:
    """The session-start and session-end events of every session, if the taxonomy has them."""
    users, numbers = sessions["user"].to_numpy(), sessions["session"].to_numpy()
    if context.session_start:
        rows.add(users, numbers, REGION_SESSION_START, 0.0, 0, context.codes[context.session_start])
    if context.session_end:
        rows.add(users, numbers, REGION_SESSION_END, 0.0, 0, context.codes[context.session_end])


def onboarding_rows(context: DayContext, day: int, sessions: pl.DataFrame, rows: UnitRows) -> None:
    """The onboarding path in each install-day user's first session, cut where tutorial quitters stop."""
    rules, arrays, tutorials = context.rules, context.arrays, context.tutorials
    users = sessions.filter(pl.col("session") == 0)["user"].to_numpy()
    users = users[arrays.install[users] == day]
    stop = np.floor(uniform(context.seed, "tutorial_stop", arrays.index[users]) * len(tutorials)).astype(np.int64)
    kept = np.where(arrays.tutorial_completed[users], len(tutorials), stop)
    for step, event in enumerate(rules.onboarding):
        region = REGION_INSTALL if rules.events[event].stage == Stage.INSTALLED else REGION_ONBOARDING
        reached = tutorials.index(event) < kept if event in tutorials else np.ones(len(users), dtype=bool)
        rows.add(users[reached], np.zeros(reached.sum()), region, 0.0, step, context.codes[event])


def free_rows(
    context: DayContext, sessions: pl.DataFrame, stage: np.ndarray, rng: np.random.Generator, rows: UnitRows
) -> None:
    """Per session: the segment's typical sequence at its start, then a Poisson number of units drawn from
    the segment's event mix, both limited to events the session's stage allows."""
    rules, arrays = context.rules, context.arrays
    users = sessions["user"].to_numpy()
    session = sessions["session"].to_numpy()
    segments = arrays.segment[users]
    for segment, profile in rules.segments.items():
        in_segment = segments == str(segment)
        for level in np.unique(stage[in_segment]):
            mask = in_segment & (stage == level)
            allowed = [
                event for event, probability in profile.event_probabilities.items()
                if context.stages[context.codes[event]] <= level and probability > 0
            ]
            if not allowed:
                continue
            typical = [event for event in profile.typical_sequence if event in allowed]
            for step, event in enumerate(typical):
                rows.add(users[mask], session[mask], REGION_TYPICAL, float(step), 0, context.codes[event])
            weights = np.array([profile.event_probabilities[event] for event in allowed])
            count = rng.poisson(profile.events_per_session * arrays.engagement[users[mask]])
            unit_users = np.repeat(users[mask], count)
            unit_sessions = np.repeat(session[mask], count)
            drawn = rng.choice(len(allowed), size=len(unit_users), p=weights / weights.sum())
            codes = np.array([context.codes[event] for event in allowed])[drawn]
            rows.add(unit_users, unit_sessions, REGION_UNITS, rng.random(len(unit_users)), 0, codes)


def planned_rows(
    context: DayContext, day: int, active: np.ndarray, sessions: pl.DataFrame, rng: np.random.Generator, rows: UnitRows
) -> dict[str, np.ndarray]:
    """Today's occurrences of each planned event, each in a random session of its user.

    Returns each planned event's occurrence count per user before today.
    """
    arrays = context.arrays
    active_days, advanced_days = context.ledger.counts_before(day)
    counts_before = planned_counts(context.plans, active_days, advanced_days)
    counts_today = active & (day > arrays.install)
    counts_after = planned_counts(
        context.plans, active_days + counts_today, advanced_days + (counts_today & (day >= arrays.advanced))
    )
    session_count = np.bincount(sessions["user"].to_numpy(), minlength=len(arrays.index))
    for event in context.plans:
        today = counts_after[event] - counts_before[event]
        users = np.repeat(np.arange(len(today)), today)
        session = np.floor(rng.random(len(users)) * session_count[users]).astype(np.int64)
        rows.add(users, session, REGION_UNITS, rng.random(len(users)), 0, context.codes[event], planned=True)
    return counts_before


def expand_funnels(context: DayContext, units: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """The units plus the funnel steps they imply, sharing their unit number.

    A planned unit that is a funnel's later step (or dropout) gets the steps before it (negative steps);
    a free unit that opens a funnel goes on step by step while it converts, and where it stops logs the
    dropout event if any. A planned step ends a free unit's funnel: planned events only come from plans.
    """
    expanded = [units]
    code = units["code"].to_numpy()
    planned = units["planned"].to_numpy()

    def copies(selected: np.ndarray, event_code: int, step: int, keep_planned: bool = True) -> pl.DataFrame:
        columns = [pl.lit(event_code, dtype=pl.Int64).alias("code"), pl.lit(step, dtype=pl.Int64).alias("step")]
        if not keep_planned:
            columns.append(pl.lit(False).alias("planned"))
        return units.filter(pl.Series(selected)).with_columns(columns)

    for funnel in context.rules.funnels:
        steps = [context.codes[step] for step in funnel.steps]
        planned_steps = [step in context.plans for step in funnel.steps]
        ends = [(position, steps[position]) for position in range(1, len(steps))]
        ends += [(position + 1, context.codes[dropout]) for position, dropout in enumerate(funnel.dropout) if dropout]
        for position, end_code in ends:
            target = planned & (code == end_code)
            for before in range(position):
                expanded.append(copies(target, steps[before], before - position, keep_planned=False))
        alive = ~planned & (code == steps[0])
        for position in range(1, len(steps)):
            converts = rng.random(len(units)) < funnel.conversion[position - 1]
            stops = alive & (planned_steps[position] | ~converts)
            dropout = funnel.dropout[position - 1]
            if dropout:
                expanded.append(copies(stops, context.codes[dropout], position))
            alive = alive & ~stops
            expanded.append(copies(alive, steps[position], position))
    return pl.concat(expanded, how="vertical")
