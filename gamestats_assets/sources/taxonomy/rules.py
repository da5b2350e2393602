"""The rule set of a taxonomy, as the `event_rules` table holds it: how values are drawn, how events follow
each other, how users differ.

The generator's analyzer (offline or LLM) turns a taxonomy into a RuleSet and draws users and days by it;
the domain reads its logs' property types, conversion event and checks from it.
`RuleSet.to_dict` / `RuleSet.from_dict` round-trip through plain JSON types.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import IntEnum, StrEnum
from typing import Any


class Segment(StrEnum):
    """Behavioural segment of a user, as of the population's anchor date: the six lifecycles every segment follows
    (a taxonomy's own segments are each based on one of them, see `SegmentProfile.lifecycle`)."""

    NEW = "NEW"
    ACTIVE = "ACTIVE"
    POWER = "POWER"
    CHURNING = "CHURNING"
    CHURNED = "CHURNED"
    RETURNING = "RETURNING"


class Stage(IntEnum):
    """Lifecycle stage; an event is allowed only once the user has reached its stage."""

    INSTALLED = 0
    FIRST_SESSION = 1
    REGISTERED = 2
    ONBOARDING_STARTED = 3
    ONBOARDING_COMPLETED = 4
    ACTIVE = 5
    ADVANCED = 6


class EventKind(StrEnum):
    """How an event enters a day: once in the onboarding path, at session edges, or repeatedly."""

    ONBOARDING = "onboarding"
    SESSION_START = "session_start"
    SESSION_END = "session_end"
    REPEATABLE = "repeatable"


class Operation(StrEnum):
    INCREMENT = "increment"
    DECREMENT = "decrement"
    SET = "set"


@dataclass(frozen=True)
class ProductInfo:
    """What the taxonomy describes: industry (game, ecommerce, saas, ...), platform (mobile, android, ios, web, pc)."""

    industry: str = "game"
    platform: str = "mobile"
    name: str = ""


@dataclass(frozen=True)
class ValueRule:
    """How values of one property are drawn.

    `generator` is one of: range (uniform in [low, high], whole numbers if `integer`), choice (one of
    `choices` with `weights`), boolean, datetime (the event's moment), identifier (`prefix` + number),
    faker (Faker provider `faker` in the user's locale), text (a word list sample).
    `scope` is `user` for user properties (sent with user_set) and `event` for event properties.
    """

    property: str
    type: str
    scope: str
    generator: str
    low: float | None = None
    high: float | None = None
    integer: bool = False
    choices: tuple[Any, ...] = ()
    weights: tuple[float, ...] = ()
    faker: str = ""
    prefix: str = ""


@dataclass(frozen=True)
class Dependency:
    """`target` takes a value from `mapping[value of source]` (e.g. carrier from country)."""

    source: str
    target: str
    mapping: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Relationship:
    """`target = clamp(offset + scale * source ** exponent)` (e.g. xp from level), whole if the target is."""

    source: str
    target: str
    scale: float
    exponent: float
    offset: float = 0.0


@dataclass(frozen=True)
class EventRule:
    """Lifecycle gate and role of one event: the stage needed (or entered, for onboarding events)."""

    event: str
    stage: Stage
    kind: EventKind
    properties: tuple[str, ...] = ()


@dataclass(frozen=True)
class Funnel:
    """Ordered steps within a session; `conversion[i]` = P(step i+1 | step i).

    Where a user does not convert after step i, `dropout[i]` (if not empty) is logged instead, e.g.
    stage_start → stage_clear, else stage_fail.
    """

    name: str
    steps: tuple[str, ...]
    conversion: tuple[float, ...]
    dropout: tuple[str, ...]


@dataclass(frozen=True)
class UpdateRule:
    """An event changes a user property: increment/decrement by `amount_property` (or 1), or set it.

    Occurrences are planned per user: after A active days a user has done the event
    `floor(rate * A ** exponent + phase)` times, so any day's state follows from the day alone.
    `fitted` rules take their per-user rate from the segment's range of the target property.
    """

    event: str
    property: str
    operation: Operation
    amount_property: str = ""
    rate: float = 0.1
    exponent: float = 1.0
    fitted: bool = False


@dataclass(frozen=True)
class SegmentProfile:
    """How one segment behaves: share, property ranges, session shape, typical sequence, event mix,
    `payer_share`, the share of its users who ever buy (only they do the rule set's purchase events), and
    `lifecycle`, the built-in segment whose install, churn and return dates a taxonomy's own segment follows
    (empty for the built-in segments themselves)."""

    segment: str
    ratio: float
    daily_activity: float
    sessions_per_day: float
    events_per_session: float
    rate_multiplier: float
    property_ranges: dict[str, tuple[float, float]]
    typical_sequence: tuple[str, ...]
    event_probabilities: dict[str, float]
    payer_share: float = 1.0
    lifecycle: str = ""

    @property
    def base(self) -> Segment:
        """The built-in segment whose lifecycle this one follows."""
        return Segment(self.lifecycle or self.segment)


def segment_key(name: str) -> str:
    """A segment's key in `RuleSet.segments`: the `Segment` for a built-in name, the name itself for a taxonomy's."""
    return Segment(name) if name in Segment.__members__ else name


@dataclass(frozen=True)
class RuleSet:
    """Everything the generators need to know about a product, inferred once from its taxonomy.

    `purchase_events` are the planned events that only payers do (see `SegmentProfile.payer_share`).
    """

    taxonomy: str
    product: ProductInfo
    values: dict[str, ValueRule]
    dependencies: tuple[Dependency, ...]
    relationships: tuple[Relationship, ...]
    events: dict[str, EventRule]
    onboarding: tuple[str, ...]
    funnels: tuple[Funnel, ...]
    updates: tuple[UpdateRule, ...]
    segments: dict[str, SegmentProfile]
    retention_d1: float = 0.4
    retention_d7: float = 0.15
    tutorial_completion: float = 0.85
    hour_weights: tuple[float, ...] = field(default_factory=tuple)
    purchase_events: tuple[str, ...] = ()

    def prerequisites(self) -> dict[str, tuple[str, ...]]:
        """For each event that must follow another: the events one of which must come before it."""
        required: dict[str, set[str]] = {}
        for before, after in zip(self.onboarding, self.onboarding[1:]):
            required.setdefault(after, set()).add(before)
        for funnel in self.funnels:
            for index, step in enumerate(funnel.steps[1:]):
                required.setdefault(step, set()).add(funnel.steps[index])
            for index, dropout in enumerate(funnel.dropout):
                if dropout:
                    required.setdefault(dropout, set()).add(funnel.steps[index])
        return {event: tuple(sorted(events)) for event, events in required.items()}

    def based_on(self, lifecycle: Segment) -> list[str]:
        """The segments (built-in and the taxonomy's) that follow `lifecycle`."""
        return [str(name) for name, profile in self.segments.items() if profile.base == lifecycle]

    def user_properties(self) -> list[str]:
        return [name for name, rule in self.values.items() if rule.scope == "user"]

    def to_dict(self) -> dict[str, Any]:
        """The rule set as plain JSON types (enums as their names, tuples as lists)."""
        data = asdict(self)
        data["events"] = {
            name: {"event": rule.event, "stage": rule.stage.name, "kind": rule.kind.value,
                   "properties": list(rule.properties)}
            for name, rule in self.events.items()
        }
        data["segments"] = {str(segment): _profile_dict(profile) for segment, profile in self.segments.items()}
        data["prerequisites"] = {event: list(events) for event, events in self.prerequisites().items()}
        return _plain(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RuleSet:
        """The RuleSet of a dict made by `to_dict` (or an LLM following its shape); KeyError/ValueError if not."""
        return cls(
            taxonomy=data["taxonomy"],
            product=ProductInfo(**data["product"]),
            values={name: _value_rule(rule) for name, rule in data["values"].items()},
            dependencies=tuple(
                Dependency(d["source"], d["target"], {k: tuple(v) for k, v in d["mapping"].items()})
                for d in data["dependencies"]
            ),
            relationships=tuple(Relationship(**r) for r in data["relationships"]),
            events={
                name: EventRule(
                    rule["event"], Stage[rule["stage"]], EventKind(rule["kind"]), tuple(rule.get("properties", ()))
                )
                for name, rule in data["events"].items()
            },
            onboarding=tuple(data["onboarding"]),
            funnels=tuple(
                Funnel(f["name"], tuple(f["steps"]), tuple(f["conversion"]), tuple(f["dropout"]))
                for f in data["funnels"]
            ),
            updates=tuple(
                UpdateRule(**{**u, "operation": Operation(u["operation"])}) for u in data["updates"]
            ),
            segments={segment_key(name): _profile(profile) for name, profile in data["segments"].items()},
            purchase_events=tuple(data.get("purchase_events", ())),
            retention_d1=data["retention_d1"],
            retention_d7=data["retention_d7"],
            tutorial_completion=data["tutorial_completion"],
            hour_weights=tuple(data["hour_weights"]),
        )


def _profile_dict(profile: SegmentProfile) -> dict[str, Any]:
    data = asdict(profile)
    data["segment"] = str(profile.segment)
    return data


def _profile(data: dict[str, Any]) -> SegmentProfile:
    return SegmentProfile(
        segment=segment_key(data["segment"]),
        ratio=data["ratio"],
        daily_activity=data["daily_activity"],
        sessions_per_day=data["sessions_per_day"],
        events_per_session=data["events_per_session"],
        rate_multiplier=data["rate_multiplier"],
        property_ranges={name: (low, high) for name, (low, high) in data["property_ranges"].items()},
        typical_sequence=tuple(data["typical_sequence"]),
        event_probabilities=dict(data["event_probabilities"]),
        payer_share=data.get("payer_share", 1.0),
        lifecycle=data.get("lifecycle", ""),
    )


def _value_rule(data: dict[str, Any]) -> ValueRule:
    return ValueRule(**{**data, "choices": tuple(data["choices"]), "weights": tuple(data["weights"])})


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, IntEnum):
        return value.name
    if isinstance(value, StrEnum):
        return value.value
    return value
