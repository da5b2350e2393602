"""What every day of a run shares: the rules, the users as arrays, event plans, the activity ledger, event
codes and the users' pre-encoded JSON members."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from gamestats_assets.generator.behavior import ActivityLedger, UserArrays
from gamestats_assets.generator.encoding import UserFragments, event_name_members, user_fragments
from gamestats_assets.generator.updates import EventPlan, event_plans
from gamestats_assets.sources.taxonomy.rules import EventKind, RuleSet, Stage

_NO_CARRIER_PLATFORMS = ("web", "pc")


def first_event_of_kind(rules: RuleSet, kind: EventKind) -> str | None:
    """The first event (in taxonomy order) of the given kind, if any."""
    return next((name for name, rule in rules.events.items() if rule.kind == kind), None)


def tutorial_events(rules: RuleSet) -> list[str]:
    """Onboarding events from ONBOARDING_STARTED on: the steps a user can abandon."""
    return [event for event in rules.onboarding if rules.events[event].stage >= Stage.ONBOARDING_STARTED]


def profile_event(rules: RuleSet) -> str | None:
    """The event whose first occurrence on the install day sends the user's full profile (user_set)."""
    registered = next((e for e in rules.onboarding if rules.events[e].stage == Stage.REGISTERED), None)
    if registered is not None:
        return registered
    return rules.onboarding[0] if rules.onboarding else first_event_of_kind(rules, EventKind.SESSION_START)


class DayContext:
    """The day-independent state of a generation run for (rules, users, seed, anchor).

    Event codes index `event_names`; `stages[code]` is the stage an event needs. The ledger moves
    forward only, so days of one context must be asked for in date order.
    """

    def __init__(self, rules: RuleSet, users: pl.DataFrame, seed: int, anchor: date):
        self.rules, self.users, self.seed = rules, users, seed
        self.anchor = anchor.toordinal()
        self.arrays = UserArrays.from_frame(users)
        self.plans: dict[str, EventPlan] = event_plans(rules, users, self.arrays, seed, self.anchor)
        self.ledger = ActivityLedger(rules, self.arrays, seed, self.anchor)
        self.event_names = list(rules.events)
        self.codes = {name: code for code, name in enumerate(self.event_names)}
        self.stages = np.array([int(rules.events[name].stage) for name in self.event_names], dtype=np.int64)
        self.tutorials = tutorial_events(rules)
        self.session_start = first_event_of_kind(rules, EventKind.SESSION_START)
        self.session_end = first_event_of_kind(rules, EventKind.SESSION_END)
        self.profile_event = profile_event(rules)
        self.fragments: UserFragments = user_fragments(users, rules.product.platform not in _NO_CARRIER_PLATFORMS)
        self.event_members = event_name_members(self.event_names)
