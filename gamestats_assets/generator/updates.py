"""The property-update engine: events that increment, decrement or set user properties.

A property's value at the start of any day is a closed form of that day's activity counts (`planned_counts`),
so the end of one day is exactly the start of the next."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from gamestats_assets.generator.behavior import UserArrays
from gamestats_assets.generator.hashing import uniform
from gamestats_assets.generator.values import clamp, draw_values
from gamestats_assets.sources.taxonomy.rules import Operation, RuleSet, Stage, UpdateRule

AMOUNT_PERIOD = 32


@dataclass(frozen=True)
class EventPlan:
    """How often one planned event happens per user, and the amounts its occurrences carry: after A active
    days a user has done it `floor(rate * A ** exponent + phase)` times, and its j-th occurrence carries
    amount number `j % 32` of a per-user table."""

    event: str
    stage: Stage
    rate: np.ndarray
    exponent: float
    phase: np.ndarray
    rules: tuple[UpdateRule, ...]
    amounts: dict[str, np.ndarray]

    def occurrences(self, active_days: np.ndarray) -> np.ndarray:
        """How many times each user has done the event after `active_days` active days."""
        return np.floor(self.rate * np.power(active_days.astype(np.float64), self.exponent) + self.phase).astype(np.int64)


def _mean_value(rules: RuleSet, name: str) -> float:
    rule = rules.values[name]
    if rule.generator == "choice":
        weights = np.asarray(rule.weights or (1.0,) * len(rule.choices))
        return float(np.dot(np.asarray(rule.choices, dtype=float), weights) / weights.sum())
    return (rule.low + rule.high) / 2.0


def event_plans(rules: RuleSet, users: pl.DataFrame, arrays: UserArrays, seed: int, anchor: int) -> dict[str, EventPlan]:
    """One EventPlan per event that has update rules, with per-user rates.

    A fitted plan's rate makes the target property reach the user's `target.<property>` (drawn from the
    segment's range) after the active days expected by the anchor date; other rates are the rule's rate
    scaled by the segment's multiplier and the user's engagement. Purchase events have rate 0 for
    non-payers, so only payers ever do them.
    """
    multiplier = np.ones(len(arrays.index))
    activity = np.ones(len(arrays.index))
    for segment, profile in rules.segments.items():
        mask = arrays.segment == str(segment)
        multiplier[mask] = profile.rate_multiplier
        activity[mask] = profile.daily_activity
    plans = {}
    for event in dict.fromkeys(update.event for update in rules.updates):
        event_rules = tuple(update for update in rules.updates if update.event == event)
        first = event_rules[0]
        fitted = next((update for update in event_rules if update.fitted), None)
        if fitted is not None:
            mean_amount = _mean_value(rules, fitted.amount_property) if fitted.amount_property else 1.0
            expected_days = np.maximum(activity * (anchor - arrays.install - 1), 7.0)
            gap = np.maximum(users[f"target.{fitted.property}"].to_numpy() - users[fitted.property].to_numpy(), 0.0)
            rate = gap / (mean_amount * expected_days ** first.exponent)
        else:
            rate = first.rate * multiplier * arrays.engagement
        if event in rules.purchase_events:
            rate = np.where(arrays.payer, rate, 0.0)
        amounts = {}
        for update in event_rules:
            source = update.amount_property
            if source and source not in amounts:
                slots = np.arange(AMOUNT_PERIOD)[None, :]
                draws = uniform(seed, "amount", event, source, arrays.index[:, None], slots)
                amounts[source] = draw_values(rules.values[source], draws.ravel()).reshape(draws.shape)
        plans[event] = EventPlan(
            event, rules.events[event].stage, rate, first.exponent,
            uniform(seed, "phase", event, arrays.index), event_rules, amounts,
        )
    return plans


def planned_counts(plans: dict[str, EventPlan], active_days: np.ndarray, advanced_days: np.ndarray) -> dict[str, np.ndarray]:
    """Occurrences of each planned event so far, counting only days whose stage allows the event."""
    return {
        event: plan.occurrences(advanced_days if plan.stage >= Stage.ADVANCED else active_days)
        for event, plan in plans.items()
    }


def _prefix_sum(table: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Sum of the first `count` amounts of each user's repeating amount table."""
    values = table.astype(np.float64)
    prefix = np.concatenate([np.zeros((len(values), 1)), np.cumsum(values, axis=1)], axis=1)
    rows = np.arange(len(values))
    return (count // AMOUNT_PERIOD) * prefix[:, -1] + prefix[rows, count % AMOUNT_PERIOD]


def progress_properties(rules: RuleSet) -> list[str]:
    """User properties moved by increment/decrement rules, in rule order."""
    return list(dict.fromkeys(u.property for u in rules.updates if u.operation != Operation.SET))


def set_properties(rules: RuleSet) -> list[str]:
    return list(dict.fromkeys(u.property for u in rules.updates if u.operation == Operation.SET))


def unclamped_state(rules: RuleSet, users: pl.DataFrame, plans: dict[str, EventPlan], counts: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each progress property's running total (before clamping to its range) after the given occurrence counts."""
    state = {name: users[name].to_numpy().astype(np.float64) for name in progress_properties(rules)}
    for plan in plans.values():
        count = counts[plan.event]
        for update in plan.rules:
            if update.operation == Operation.SET:
                continue
            sign = -1.0 if update.operation == Operation.DECREMENT else 1.0
            total = _prefix_sum(plan.amounts[update.amount_property], count) if update.amount_property else count
            state[update.property] = state[update.property] + sign * total
    return state


def set_state(rules: RuleSet, users: pl.DataFrame, plans: dict[str, EventPlan], counts: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each set-by-event property's value after the given occurrence counts (the last occurrence wins)."""
    state = {name: users[name].to_numpy() for name in set_properties(rules)}
    for plan in plans.values():
        count = counts[plan.event]
        for update in plan.rules:
            if update.operation != Operation.SET:
                continue
            table = plan.amounts[update.amount_property]
            latest = table[np.arange(len(count)), (count - 1) % AMOUNT_PERIOD]
            state[update.property] = np.where(count > 0, latest, state[update.property])
    return state


def property_deltas(plan: EventPlan, update: UpdateRule, users: np.ndarray, occurrence: np.ndarray) -> np.ndarray:
    """The change one occurrence of a planned event makes to the rule's property."""
    if update.amount_property:
        amount = plan.amounts[update.amount_property][users, occurrence % AMOUNT_PERIOD].astype(np.float64)
    else:
        amount = np.ones(len(users))
    return -amount if update.operation == Operation.DECREMENT else amount


def derived_value(rules: RuleSet, target: str, source_values: np.ndarray) -> np.ndarray:
    """A relationship target (e.g. xp) from its source's values (e.g. level), inside the target's range."""
    relationship = next(r for r in rules.relationships if r.target == target)
    raw = relationship.offset + relationship.scale * np.power(np.maximum(source_values, 0.0), relationship.exponent)
    return clamp(rules.values[target], raw)


def clamped(rules: RuleSet, name: str, values: np.ndarray) -> np.ndarray:
    return clamp(rules.values[name], values)
