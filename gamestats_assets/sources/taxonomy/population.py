"""What a population is asked to be (size, seed, anchor date, segment mix): the synthetic users are built
to it, and the `users` table is checked against it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gamestats_assets.sources.taxonomy.rules import RuleSet, Segment

SEGMENT_ORDER = tuple(Segment)


@dataclass(frozen=True)
class PopulationConfig:
    """What the population is asked to be: size, seed, anchor date, segment mix and NEW users' install window."""

    users: int
    seed: int
    anchor: date
    segment_ratios: dict[str, float] | None = None
    new_user_window_days: int = 7


def segment_order(rules: RuleSet) -> list[str]:
    """The built-in segments in their order, then the taxonomy's own in the rule set's order."""
    return [*SEGMENT_ORDER, *(name for name in rules.segments if name not in SEGMENT_ORDER)]


def segment_ratios(rules: RuleSet, config: PopulationConfig) -> dict[str, float]:
    """The segment mix asked for: the config's ratios if given, else the rule set's, normalised to sum to 1."""
    ratios = config.segment_ratios or {segment: profile.ratio for segment, profile in rules.segments.items()}
    total = sum(ratios.values())
    return {segment: ratios.get(segment, 0.0) / total for segment in segment_order(rules)}
