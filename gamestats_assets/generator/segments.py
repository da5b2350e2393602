"""User segments: the six built-in shapes the analyzer starts from, and a taxonomy's own segments (its optional
`segments` sheet) laid over them.

A row of the sheet names a segment, the built-in segment whose lifecycle it follows (`based_on`: its users install,
churn and come back as that segment's do) and its `share` of the population, and may set its `daily_activity`,
`sessions_per_day`, `events_per_session` and `payer_share` (else those of its base). A row naming a built-in segment
changes that segment. The built-in segments a sheet leaves out share what its rows leave of the population, in
their own proportions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from gamestats_assets.sources.taxonomy.rules import RuleSet, Segment, SegmentProfile

SEGMENT_SHAPES = {
    # ratio, daily activity, sessions/day, events/session, rate multiplier, share of a property's range,
    # payer share
    Segment.NEW: (0.15, 1.0, 1.6, 8.0, 1.0, (0.0, 0.05), 0.02),
    Segment.ACTIVE: (0.35, 0.6, 2.0, 10.0, 1.0, (0.05, 0.35), 0.08),
    Segment.POWER: (0.08, 0.92, 3.5, 16.0, 2.5, (0.35, 1.0), 0.35),
    Segment.CHURNING: (0.15, 0.35, 1.2, 6.0, 0.5, (0.03, 0.25), 0.04),
    Segment.CHURNED: (0.20, 0.5, 1.0, 5.0, 0.3, (0.0, 0.15), 0.02),
    Segment.RETURNING: (0.07, 0.5, 1.5, 8.0, 0.8, (0.05, 0.3), 0.05),
}
"""The built-in segments' shapes the offline analyzer gives every taxonomy."""

SEGMENT_COLUMNS = ("segment", "based_on", "share")
"""The columns a `segments` sheet must have; `daily_activity`, `sessions_per_day`, `events_per_session`,
`payer_share` and `description` may follow."""

_SHARES = ("daily_activity", "payer_share")
_COUNTS = ("sessions_per_day", "events_per_session")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class SegmentSpec:
    """One row of a taxonomy's `segments` sheet; `None` keeps the base segment's value."""

    name: str
    based_on: Segment
    share: float
    daily_activity: float | None = None
    sessions_per_day: float | None = None
    events_per_session: float | None = None
    payer_share: float | None = None
    description: str = ""

    @property
    def built_in(self) -> bool:
        return self.name in Segment.__members__


def _number(row: dict[str, str], column: str) -> float | None:
    text = (row.get(column) or "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{column} {text!r} is not a number") from None


def segment_spec(row: dict[str, str]) -> SegmentSpec:
    """The SegmentSpec of one sheet row; ValueError says what is wrong with it."""
    name = (row.get("segment") or "").strip()
    if not _NAME.match(name):
        raise ValueError(f"segment name {name!r} is not an identifier")
    based_on = (row.get("based_on") or "").strip().upper() or (name if name in Segment.__members__ else "")
    if based_on not in Segment.__members__:
        raise ValueError(f"segment {name!r} is based on {based_on!r}, not one of {', '.join(Segment)}")
    if name in Segment.__members__ and based_on != name:
        raise ValueError(f"the built-in segment {name!r} cannot be based on {based_on}")
    values = {column: _number(row, column) for column in ("share", *_SHARES, *_COUNTS)}
    if values["share"] is None:
        raise ValueError(f"segment {name!r} has no share")
    for column in ("share", *_SHARES):
        if values[column] is not None and not 0 <= values[column] <= 1:
            raise ValueError(f"segment {name!r} has {column} {values[column]}, outside 0-1")
    for column in _COUNTS:
        if values[column] is not None and values[column] <= 0:
            raise ValueError(f"segment {name!r} has {column} {values[column]}, not above 0")
    return SegmentSpec(name, Segment(based_on), description=(row.get("description") or "").strip(), **values)


def check_shares(specs: tuple[SegmentSpec, ...]) -> None:
    """ValueError if the segments' shares exceed the population, or list every built-in segment without filling it."""
    total = sum(spec.share for spec in specs)
    if total > 1 + 1e-9:
        raise ValueError(f"the segments' shares sum to {total:g}, more than the whole population (1)")
    listed = {spec.name for spec in specs if spec.built_in}
    if listed == set(Segment.__members__) and abs(total - 1) > 1e-9:
        raise ValueError(f"every built-in segment is listed, so the shares must sum to 1, not {total:g}")


def with_segments(rules: RuleSet, specs: tuple[SegmentSpec, ...]) -> RuleSet:
    """The rules with the taxonomy's segments laid over the built-in ones (see the module's docstring)."""
    if not specs:
        return rules
    listed = {spec.name: spec for spec in specs}
    rest = [key for key in rules.segments if key not in listed]
    rest_total = sum(rules.segments[key].ratio for key in rest)
    scale = (1 - sum(spec.share for spec in specs)) / rest_total if rest_total else 0.0
    profiles = {
        key: _shaped(profile, listed[key]) if key in listed else replace(profile, ratio=round(profile.ratio * scale, 6))
        for key, profile in rules.segments.items()
    }
    for spec in specs:
        if spec.name in profiles:
            continue
        base = rules.segments.get(spec.based_on)
        if base is None:
            raise ValueError(f"segment {spec.name!r} is based on {spec.based_on}, which the rules lack")
        profiles[spec.name] = _shaped(replace(base, segment=spec.name, lifecycle=spec.based_on.value), spec)
    return replace(rules, segments=profiles)


def _shaped(profile: SegmentProfile, spec: SegmentSpec) -> SegmentProfile:
    """The profile with the spec's share and every value the spec sets."""
    chosen = {column: getattr(spec, column) for column in (*_SHARES, *_COUNTS) if getattr(spec, column) is not None}
    return replace(profile, ratio=spec.share, **chosen)
