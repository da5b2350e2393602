"""The offline analyzer: a deterministic RuleSet inferred from a taxonomy's names, tags, descriptions and constraints.

It never touches the network. `analyze` is the entry point; pass an LLM provider from
`gamestats_assets.generator.llm` to ask a model instead.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Protocol

from gamestats_assets.generator.fakes import faker_provider
from gamestats_assets.generator.knowledge import COUNTRIES, DEFAULT_COUNTRIES, HOUR_WEIGHTS, TAG_WEIGHTS
from gamestats_assets.generator.segments import SEGMENT_SHAPES, with_segments
from gamestats_assets.generator.taxonomy import EventSpec, PropertySpec, Taxonomy
from gamestats_assets.sources.taxonomy.rules import (
    Dependency,
    EventKind,
    EventRule,
    Funnel,
    Operation,
    ProductInfo,
    Relationship,
    RuleSet,
    Segment,
    SegmentProfile,
    Stage,
    UpdateRule,
    ValueRule,
)


class Analyzer(Protocol):
    def analyze(self, taxonomy: Taxonomy, product: ProductInfo) -> RuleSet: ...


_USER_SCOPE = re.compile(
    r"\b(of|for) the (player|user|shopper|customer|account|member)\b"
    r"|\bthe (player|user|shopper|customer|account|member) (belongs|has|owns)\b|^(player|user|account)\b",
    re.I,
)
_INSTALL = re.compile(r"install|first_open")
_REGISTER = re.compile(r"register|sign_?up|create_account|account_creat")
_ONBOARDING = re.compile(r"tutorial|onboarding")
_SESSION_START = re.compile(r"session_start|app_open|login|launch|app_start")
_SESSION_END = re.compile(r"session_end|app_close|logout|app_exit")
_MONEY = re.compile(r"price|amount|revenue|paid|payment|spent|spend|value")
_SPENDING = re.compile(r"spent|cost|used|consum")
_FUNNEL_STAGES = (
    re.compile(r"view|browse|open_shop"),
    re.compile(r"cart"),
    re.compile(r"checkout"),
    re.compile(r"purchase|order_complete|buy|pay"),
)
_PURCHASE = re.compile(r"purchase|order_complete|buy|pay|paid")
_AMOUNT_WORDS = {"spent", "spend", "paid", "used", "cost", "total", "count", "amount", "value", "level", "id"}
_OUTCOME_PAIRS = (("start", ("clear", "complete", "finish", "win")), ("create", ("complete", "finish", "close")))
_FAILURE = ("fail", "lose", "abort", "quit")
_TAG_STAGES = {"monetization": Stage.ACTIVE, "social": Stage.ACTIVE, "advanced": Stage.ADVANCED}


def _words(name: str) -> list[str]:
    return [word for word in re.split(r"[_\W]+", name.lower()) if word]


def _mentions(text: str, name: str) -> bool:
    """Whether every word of a property name starts some word of `text` (stems of at least 4 letters)."""
    text_words = _words(text)
    return all(any(word.startswith(part[:4]) for word in text_words) for part in _words(name))


def _trailing_number(name: str) -> int:
    match = re.search(r"(\d+)$", name)
    return int(match.group(1)) if match else 0


class OfflineAnalyzer:
    """Infers the rule set from the taxonomy alone, deterministically."""

    def analyze(self, taxonomy: Taxonomy, product: ProductInfo) -> RuleSet:
        """The RuleSet for a taxonomy and product, the same every time for the same input."""
        user_scope = self._user_properties(taxonomy)
        values = {spec.name: self._value_rule(spec, spec.name in user_scope) for spec in taxonomy.properties}
        events, onboarding = self._lifecycle(taxonomy)
        funnels = self._funnels(taxonomy, events)
        relationships = self._relationships(taxonomy, values)
        updates = self._updates(taxonomy, values, events, relationships)
        weights = self._event_weights(taxonomy, events, updates)
        return RuleSet(
            taxonomy=taxonomy.name,
            product=product,
            values=values,
            dependencies=self._dependencies(taxonomy, values),
            relationships=relationships,
            events=events,
            onboarding=onboarding,
            funnels=funnels,
            updates=updates,
            segments=self._segments(taxonomy, values, events, funnels, updates, relationships, weights),
            purchase_events=tuple(dict.fromkeys(u.event for u in updates if _PURCHASE.search(u.event))),
            hour_weights=tuple(float(w) for w in HOUR_WEIGHTS.get(product.industry, HOUR_WEIGHTS["game"])),
        )

    def _user_properties(self, taxonomy: Taxonomy) -> set[str]:
        if taxonomy.user_scope is not None:
            return set(taxonomy.user_scope)
        referenced = taxonomy.event_property_names
        return {
            spec.name
            for spec in taxonomy.properties
            if spec.name not in referenced or _USER_SCOPE.search(spec.description)
        }

    def _value_rule(self, spec: PropertySpec, is_user: bool) -> ValueRule:
        scope = "user" if is_user else "event"
        constraint = spec.constraint
        if spec.type == "boolean":
            return ValueRule(spec.name, spec.type, scope, "boolean")
        if spec.type == "datetime":
            return ValueRule(spec.name, spec.type, scope, "datetime")
        if constraint.is_range:
            return ValueRule(spec.name, spec.type, scope, "range", constraint.low, constraint.high, constraint.integer)
        if constraint.choices:
            choices = tuple(_number(c) for c in constraint.choices) if spec.type == "number" else constraint.choices
            cheaper_first = spec.type == "number" and _MONEY.search(spec.name)
            weights = tuple(
                round(1.0 / (index + 1), 6) if cheaper_first else 1.0 for index in range(len(choices))
            )
            return ValueRule(spec.name, spec.type, scope, "choice", choices=choices, weights=weights)
        if spec.type == "number":
            return ValueRule(spec.name, spec.type, scope, "range", 0.0, 1000.0, True)
        if spec.name == "country":
            return ValueRule(spec.name, spec.type, scope, "choice", choices=DEFAULT_COUNTRIES,
                             weights=(1.0,) * len(DEFAULT_COUNTRIES))
        provider = faker_provider(spec.name)
        if provider:
            return ValueRule(spec.name, spec.type, scope, "faker", faker=provider)
        if spec.name.endswith(("_id", "_code")):
            prefix = spec.name.rsplit("_", 1)[0]
            return ValueRule(spec.name, spec.type, scope, "identifier", prefix=f"{prefix}_")
        return ValueRule(spec.name, spec.type, scope, "text")

    def _dependencies(self, taxonomy: Taxonomy, values: dict[str, ValueRule]) -> tuple[Dependency, ...]:
        country = values.get("country")
        if country is None or country.generator != "choice":
            return ()
        dependencies = []
        for rule in values.values():
            if rule.generator != "choice" or rule.property == "country":
                continue
            allowed = set(rule.choices)
            facts = {
                "carrier": {code: COUNTRIES[code].carriers for code in country.choices if code in COUNTRIES},
                "currency": {code: (COUNTRIES[code].currency,) for code in country.choices if code in COUNTRIES},
            }
            for facts_by_country in facts.values():
                mapping = {
                    code: tuple(choice for choice in rule.choices if choice in set(options))
                    for code, options in facts_by_country.items()
                }
                known = set().union(*(set(options) for options in facts_by_country.values())) if mapping else set()
                if mapping and allowed <= known | allowed and all(mapping.values()) and allowed & known:
                    dependencies.append(Dependency("country", rule.property, mapping))
                    break
        return tuple(dependencies)

    def _relationships(self, taxonomy: Taxonomy, values: dict[str, ValueRule]) -> tuple[Relationship, ...]:
        numeric_users = [
            rule for rule in values.values() if rule.scope == "user" and rule.generator == "range"
        ]
        relationships = []
        for target in numeric_users:
            description = taxonomy.property_spec(target.property).description
            for source in numeric_users:
                if source is target or not _mentions(description, source.property):
                    continue
                if re.search(r"\b(xp|exp|experience)\b", f"{target.property} {description}", re.I):
                    exponent = 2.0
                elif re.search(r"tier|vip|rank", f"{target.property} {description}", re.I):
                    exponent = 0.5
                else:
                    exponent = 1.0
                scale = (target.high - target.low) / max(source.high, 1.0) ** exponent
                relationships.append(Relationship(source.property, target.property, scale, exponent, target.low))
                break
        return tuple(relationships)

    def _lifecycle(self, taxonomy: Taxonomy) -> tuple[dict[str, EventRule], tuple[str, ...]]:
        rules: dict[str, EventRule] = {}
        installs, registers, tutorials = [], [], []
        for event in taxonomy.events:
            name, tag = event.name, event.tag
            if _INSTALL.search(name):
                installs.append(event.name)
            elif _ONBOARDING.search(name) or tag in ("tutorial", "onboarding"):
                tutorials.append(event.name)
            elif _REGISTER.search(name):
                registers.append(event.name)
            elif _SESSION_START.search(name) or (tag == "session" and "start" in name):
                rules[name] = EventRule(name, Stage.FIRST_SESSION, EventKind.SESSION_START)
            elif _SESSION_END.search(name) or (tag == "session" and "end" in name):
                rules[name] = EventRule(name, Stage.FIRST_SESSION, EventKind.SESSION_END)
            else:
                rules[name] = EventRule(name, self._repeatable_stage(event), EventKind.REPEATABLE)
        tutorials.sort(key=lambda name: (("complete" in name or "finish" in name), _trailing_number(name)))
        for name in installs:
            rules[name] = EventRule(name, Stage.INSTALLED, EventKind.ONBOARDING)
        for name in registers:
            rules[name] = EventRule(name, Stage.REGISTERED, EventKind.ONBOARDING)
        for index, name in enumerate(tutorials):
            last = index == len(tutorials) - 1
            stage = Stage.ONBOARDING_COMPLETED if last else Stage.ONBOARDING_STARTED
            rules[name] = EventRule(name, stage, EventKind.ONBOARDING)
        ordered = {
            event.name: EventRule(event.name, rules[event.name].stage, rules[event.name].kind, event.properties)
            for event in taxonomy.events
        }
        return ordered, tuple(installs + registers + tutorials)

    def _repeatable_stage(self, event: EventSpec) -> Stage:
        text = f"{event.name} {event.description}".lower()
        if "endgame" in text or "advanced" in text or "power feature" in text:
            return Stage.ADVANCED
        if _FUNNEL_STAGES[3].search(event.name) and event.tag in ("monetization", "commerce"):
            return Stage.ACTIVE
        return _TAG_STAGES.get(event.tag, Stage.ONBOARDING_COMPLETED)

    def _funnels(self, taxonomy: Taxonomy, events: dict[str, EventRule]) -> tuple[Funnel, ...]:
        repeatable = [name for name, rule in events.items() if rule.kind == EventKind.REPEATABLE]
        used: set[str] = set()
        funnels = []
        for name in repeatable:
            for opener, outcomes in _OUTCOME_PAIRS:
                if not name.endswith(f"_{opener}"):
                    continue
                stem = name.removesuffix(f"_{opener}")
                success = next((f"{stem}_{o}" for o in outcomes if f"{stem}_{o}" in repeatable), None)
                if success is None:
                    continue
                failure = next((f"{stem}_{f}" for f in _FAILURE if f"{stem}_{f}" in repeatable), "")
                funnels.append(Funnel(stem, (name, success), (0.75,), (failure,)))
                used.update({name, success, failure} - {""})
        for prefix in sorted({name.split("_")[0] for name in repeatable}) + [""]:
            candidates = [n for n in repeatable if n not in used and n.startswith(prefix)]
            steps = []
            for pattern in _FUNNEL_STAGES:
                match = next((n for n in candidates if pattern.search(n) and n not in steps), None)
                if match:
                    steps.append(match)
            if len(steps) >= 2 and _FUNNEL_STAGES[3].search(steps[-1]):
                conversion = tuple(0.35 if index == 0 else 0.6 for index in range(len(steps) - 1))
                funnels.append(Funnel(f"{prefix or 'purchase'}_funnel", tuple(steps), conversion, ("",) * (len(steps) - 1)))
                used.update(steps)
        return tuple(funnels)

    def _updates(
        self,
        taxonomy: Taxonomy,
        values: dict[str, ValueRule],
        events: dict[str, EventRule],
        relationships: tuple[Relationship, ...],
    ) -> tuple[UpdateRule, ...]:
        derived = {relationship.target for relationship in relationships}
        numeric_users = [
            rule.property for rule in values.values()
            if rule.scope == "user" and rule.generator == "range" and rule.property not in derived
        ]
        updates: list[UpdateRule] = []
        for event in taxonomy.events:
            if events[event.name].kind != EventKind.REPEATABLE:
                continue
            daily = "daily" in event.name or "daily" in event.description.lower()
            rate, exponent = (1.0, 1.0) if daily else (0.3, 1.0)
            for name in event.properties:
                rule = values[name]
                if rule.scope == "user" and rule.generator != "range":
                    updates.append(UpdateRule(event.name, name, Operation.SET, name, rate=0.02))
            for name in event.properties:
                rule = values[name]
                if rule.type != "number" or rule.scope == "user":
                    continue
                target = self._amount_target(name, event, numeric_users, taxonomy)
                if target:
                    operation = Operation.DECREMENT if _SPENDING.search(name) and not _MONEY.search(target) else Operation.INCREMENT
                    spend_rate = rate if operation == Operation.INCREMENT else rate / 3
                    updates.append(UpdateRule(event.name, target, operation, name, rate=spend_rate, exponent=exponent))
            text = f"{event.name} {event.description}".lower()
            if "level" in numeric_users and re.search(r"clear|gains? a level|level_?up", text):
                updates.append(UpdateRule(event.name, "level", Operation.INCREMENT, rate=3.0, exponent=0.6))
            for target in numeric_users:
                description = taxonomy.property_spec(target).description.lower()
                counted = re.match(r"(number|count) of (\w+)", description)
                noun = counted.group(2) if counted else ""
                if counted and (
                    noun[:4] in event.name
                    or (noun.startswith(("order", "purchase", "payment")) and _PURCHASE.search(event.name))
                ):
                    updates.append(UpdateRule(event.name, target, Operation.INCREMENT, rate=rate))
        increments = {}
        for update in updates:
            if update.operation == Operation.INCREMENT:
                increments.setdefault(update.property, update)
        decremented = {u.property for u in updates if u.operation == Operation.DECREMENT}
        fitted_events: set[str] = set()
        fitted = set()
        for target, update in increments.items():
            if target not in decremented and update.event not in fitted_events:
                fitted.add(id(update))
                fitted_events.add(update.event)
        return tuple(
            UpdateRule(u.event, u.property, u.operation, u.amount_property, u.rate, u.exponent, id(u) in fitted)
            for u in updates
        )

    def _amount_target(self, name: str, event: EventSpec, numeric_users: list[str], taxonomy: Taxonomy) -> str:
        """The user property an event's numeric property adds to (gems_spent → gems, price → total_spent)."""
        for target in numeric_users:
            if (set(_words(target)) - _AMOUNT_WORDS) & (set(_words(name)) - _AMOUNT_WORDS):
                return target
        if _MONEY.search(name) and _PURCHASE.search(event.name):
            for target in numeric_users:
                description = taxonomy.property_spec(target).description.lower()
                if _MONEY.search(target) or re.search(r"money|spent|paid", description):
                    return target
        return ""

    def _event_weights(
        self, taxonomy: Taxonomy, events: dict[str, EventRule], updates: tuple[UpdateRule, ...]
    ) -> dict[str, float]:
        return {
            event.name: TAG_WEIGHTS.get(event.tag, 0.3)
            for event in taxonomy.events
            if events[event.name].kind == EventKind.REPEATABLE
        }

    def _segments(
        self,
        taxonomy: Taxonomy,
        values: dict[str, ValueRule],
        events: dict[str, EventRule],
        funnels: tuple[Funnel, ...],
        updates: tuple[UpdateRule, ...],
        relationships: tuple[Relationship, ...],
        weights: dict[str, float],
    ) -> dict[Segment, SegmentProfile]:
        progress = {u.property for u in updates}
        later_steps = {step for f in funnels for step in f.steps[1:]} | {d for f in funnels for d in f.dropout if d}
        planned = {u.event for u in updates}
        profiles = {}
        for segment, (ratio, activity, sessions, per_session, multiplier, band, payers) in SEGMENT_SHAPES.items():
            ranges = {}
            for name in sorted(progress):
                rule = values[name]
                if rule.generator != "range":
                    continue
                power = 3.0 if _MONEY.search(name) else 2.0
                span = rule.high - rule.low
                ranges[name] = (
                    round(rule.low + span * band[0] ** power, 4),
                    round(rule.low + span * band[1] ** power, 4),
                )
            probabilities = {}
            for name, weight in weights.items():
                if name in later_steps or name in planned:
                    continue
                stage = events[name].stage
                boost = multiplier if stage >= Stage.ACTIVE else 1.0
                converting = next((f.conversion[0] for f in funnels if f.steps[0] == name and f.steps[1] in planned), 0.0)
                probabilities[name] = weight * boost * (1.0 - converting)
            total = sum(probabilities.values()) or 1.0
            probabilities = {name: round(p / total, 6) for name, p in probabilities.items()}
            typical = tuple(sorted(probabilities, key=lambda n: (-probabilities[n], n))[:2])
            profiles[segment] = SegmentProfile(
                segment, ratio, activity, sessions, per_session, multiplier, ranges, typical, probabilities, payers
            )
        return profiles


def _number(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


def analyze(taxonomy: Taxonomy, product: ProductInfo | None = None, provider: Analyzer | None = None) -> RuleSet:
    """The rule set for a taxonomy: from `provider` if given (an LLM provider), else the offline analyzer; the
    taxonomy's own segments and `user_properties` sheet hold over whatever the provider says."""
    rules = (provider or OfflineAnalyzer()).analyze(taxonomy, product or ProductInfo())
    if taxonomy.user_scope is not None:
        values = {name: replace(rule, scope="user" if name in taxonomy.user_scope else "event")
                  for name, rule in rules.values.items()}
        rules = replace(rules, values=values)
    return with_segments(rules, taxonomy.segments)
