"""Property values of a day's timed rows: planned occurrence numbers, running user-property values, and
each event's own properties.

Rows are the day's timed rows sorted by (user, ms, seq); arrays here are aligned with them.
"""

from __future__ import annotations

import numpy as np

from gamestats_assets.generator.context import DayContext
from gamestats_assets.generator.updates import (
    clamped,
    derived_value,
    progress_properties,
    property_deltas,
    set_state,
    unclamped_state,
)
from gamestats_assets.generator.fakes import pooled_faker
from gamestats_assets.generator.values import draw_values
from gamestats_assets.sources.taxonomy.rules import EventKind, Operation, ValueRule

PropertyValues = dict[str, np.ndarray | None]
"""Values per property name; `None` stands for "the event's own moment" (datetime properties)."""


def _group_starts(user: np.ndarray) -> np.ndarray:
    """True at the first row of each user (rows sorted by user)."""
    return np.r_[True, user[1:] != user[:-1]] if len(user) else np.zeros(0, dtype=bool)


def _rank_within_user(user: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each run of equal users (rows sorted by user)."""
    starts = _group_starts(user)
    position = np.arange(len(user))
    return position - position[starts][np.cumsum(starts) - 1]


def occurrences(context: DayContext, user: np.ndarray, code: np.ndarray, planned: np.ndarray,
                counts_before: dict[str, np.ndarray]) -> np.ndarray:
    """Global occurrence number (j) of each planned row: the user's occurrences before today plus the row's
    rank among the user's planned rows of that event today; -1 for rows that are not planned."""
    occurrence = np.full(len(user), -1, dtype=np.int64)
    for event in context.plans:
        rows = np.flatnonzero(planned & (code == context.codes[event]))
        occurrence[rows] = counts_before[event][user[rows]] + _rank_within_user(user[rows])
    return occurrence


def running_values(context: DayContext, user: np.ndarray, code: np.ndarray, occurrence: np.ndarray,
                   counts_before: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each progress, derived and set-by-event user property's value at every row, after the row's own update."""
    values = _progress_values(context, user, code, occurrence, counts_before)
    for relationship in context.rules.relationships:
        if relationship.source in values:
            values[relationship.target] = derived_value(context.rules, relationship.target, values[relationship.source])
    values.update(_set_values(context, user, code, occurrence, counts_before))
    return values


def _progress_values(context: DayContext, user: np.ndarray, code: np.ndarray, occurrence: np.ndarray,
                     counts_before: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Incremented/decremented properties: the day's starting state plus the running sum of the user's
    deltas, clamped to the property's range."""
    rules = context.rules
    start = unclamped_state(rules, context.users, context.plans, counts_before)
    starts = _group_starts(user)
    group = np.cumsum(starts) - 1
    values = {}
    for name in progress_properties(rules):
        delta = np.zeros(len(user))
        for plan in context.plans.values():
            rows = code == context.codes[plan.event]
            for update in plan.rules:
                if update.property == name and update.operation != Operation.SET:
                    delta[rows] += property_deltas(plan, update, user[rows], occurrence[rows])
        total = np.cumsum(delta)
        before_user = np.r_[0.0, total][np.flatnonzero(starts)]
        values[name] = clamped(rules, name, start[name][user] + total - before_user[group])
    return values


def _set_values(context: DayContext, user: np.ndarray, code: np.ndarray, occurrence: np.ndarray,
                counts_before: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Set-by-event properties: the value of the user's latest occurrence so far."""
    values = {}
    for name, state in set_state(context.rules, context.users, context.plans, counts_before).items():
        value = state[user].copy()
        for plan in context.plans.values():
            for update in plan.rules:
                if update.property == name and update.operation == Operation.SET:
                    rows = code == context.codes[plan.event]
                    table = plan.amounts[update.amount_property]
                    value[rows] = table[user[rows], occurrence[rows] % table.shape[1]]
        values[name] = value
    return values


def _dependent_values(mapping: dict[str, tuple[str, ...]], fallback: tuple, sources: np.ndarray,
                      uniforms: np.ndarray) -> np.ndarray:
    """For each row, one of `mapping[source]` (`fallback` for unknown sources) picked by its uniform."""
    values = np.empty(len(sources), dtype=object)
    for source in np.unique(sources):
        rows = np.flatnonzero(sources == source)
        options = np.asarray(mapping.get(source, fallback), dtype=object)
        values[rows] = options[(uniforms[rows] * len(options)).astype(np.int64)]
    return values


def event_property_values(context: DayContext, event: str, rows: np.ndarray, user: np.ndarray,
                          occurrence: np.ndarray, duration: np.ndarray, running: dict[str, np.ndarray],
                          rng: np.random.Generator) -> PropertyValues:
    """The event's own properties at `rows` (indices into the day's rows), each from the source that fits:
    running user state, the plan's amounts, the user's fixed value, a dependency on country, the session's
    duration, the tutorial step, the event's moment, or a fresh draw from the value rule."""
    rules = context.rules
    plan = context.plans.get(event)
    dependencies = {dependency.target: dependency for dependency in rules.dependencies}
    users = user[rows]
    values: PropertyValues = {}
    for name in rules.events[event].properties:
        rule: ValueRule = rules.values[name]
        if name in running:
            values[name] = running[name][rows]
        elif plan is not None and name in plan.amounts:
            table = plan.amounts[name]
            values[name] = table[users, occurrence[rows] % table.shape[1]]
        elif rule.scope == "user" and name in context.users.columns:
            values[name] = context.users[name].to_numpy()[users]
        elif name in dependencies and "country" in context.users.columns:
            country = context.users["country"].to_numpy()[users]
            values[name] = _dependent_values(dependencies[name].mapping, rule.choices, country, rng.random(len(rows)))
        elif "duration" in name and rules.events[event].kind == EventKind.SESSION_END and rule.generator == "range":
            seconds = np.maximum(duration[rows] // 1000, 1)
            values[name] = np.clip(seconds, rule.low, rule.high).astype(np.int64)
        elif "step" in name and event in rules.onboarding and rule.generator == "range":
            position = context.tutorials.index(event) + 1 if event in context.tutorials else 1
            values[name] = np.full(len(rows), int(np.clip(position, rule.low, rule.high)))
        elif rule.generator == "datetime":
            values[name] = None
        elif rule.generator == "faker":
            countries = context.users["#country_code"].to_numpy()[users].astype(str)
            values[name] = pooled_faker(rule.faker, countries, rng.random(len(rows)), context.seed)
        else:
            values[name] = draw_values(rule, rng.random(len(rows)))
    return values


def updated_properties(context: DayContext) -> dict[int, list[str]]:
    """Per planned event code, the user properties its occurrences change (with their derived targets)."""
    changed = {}
    for plan in context.plans.values():
        names = list(dict.fromkeys(update.property for update in plan.rules))
        names += [r.target for r in context.rules.relationships if r.source in names]
        changed[context.codes[plan.event]] = names
    return changed


def first_profile_rows(context: DayContext, day: int, user: np.ndarray, code: np.ndarray) -> np.ndarray:
    """Indices of each install-day user's first row of the profile event (at most one per user)."""
    if context.profile_event is None:
        return np.zeros(0, dtype=np.int64)
    install_day = context.arrays.install[user] == day
    candidates = np.flatnonzero(install_day & (code == context.codes[context.profile_event]))
    _, first = np.unique(user[candidates], return_index=True)
    return candidates[np.sort(first)]


def profile_values(context: DayContext, rows: np.ndarray, user: np.ndarray,
                   running: dict[str, np.ndarray]) -> PropertyValues:
    """The full user profile at `rows`: running values where the day moves them, else the user's fixed
    values; datetime properties take the row's moment."""
    values: PropertyValues = {}
    for name in context.rules.user_properties():
        if name in running:
            values[name] = running[name][rows]
        elif context.rules.values[name].generator == "datetime":
            values[name] = None
        elif name in context.users.columns:
            values[name] = context.users[name].to_numpy()[user[rows]]
    return values
