"""Whether generated data holds the mix its rules ask for, and rules regenerated until it does (bounded tries).

Two checks, on the population and on a few generated days:

- segment shares: each segment's share of the population against its ratio, off when further than three standard
  errors (and more than one user) away;
- event mix: per segment, the share of each event among the segment's free events (those of its event mix that are
  neither funnel steps nor planned by an update rule) against the share its mix gives it among the events each
  user-day's lifecycle stage allows, off when the realized share is under half or over twice the target and more
  than four standard errors away (events expected fewer than 30 times are not judged).

`fit_rules` checks, and while something is off (at most `tries` checks) regenerates the rules: an event far over its
target leaves the segment's typical sequence (which puts it in every session whatever its probability), any other
off event's probability is scaled by target over realized (within 1/4 to 4). The targets stay those of the rules
first given.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
import polars as pl

from gamestats_assets.generator.behavior import UserArrays, stage_on
from gamestats_assets.generator.context import DayContext
from gamestats_assets.generator.logs import day_lines
from gamestats_assets.generator.users import build_users
from gamestats_assets.sources.taxonomy.population import PopulationConfig, segment_ratios
from gamestats_assets.sources.taxonomy.rules import RuleSet, Stage

MIN_EXPECTED = 30
EVENT_FACTOR = 2.0
EVENT_Z = 4.0
SEGMENT_Z = 3.0
_TRACK = '{"#type":"track",'
_ACCOUNT = r'^\{"#type":"track","#account_id":"([^"]*)"'
_EVENT = r'"#event_name":"([^"]*)"'
"""The root keys of a track line as `encoding.py` writes them, in its order (read without parsing the line)."""


@dataclass(frozen=True)
class Miss:
    """One share off its target: a segment's share of the population (`event` empty) or an event's share of a
    segment's free events, over `n` users or events, outside the accepted range [`low`, `high`]."""

    segment: str
    event: str
    target: float
    realized: float
    n: int
    low: float
    high: float

    def text(self) -> str:
        what = f"{self.event} in {self.segment}" if self.event else f"segment {self.segment}"
        return (f"{what}: {self.realized:.3f} of {self.n} against a target of {self.target:.3f} "
                f"(accepted {self.low:.3f}-{self.high:.3f})")


@dataclass(frozen=True)
class MixReport:
    """What a check compared (`checked` shares) and which were off."""

    checked: int
    misses: tuple[Miss, ...]

    @property
    def ok(self) -> bool:
        return not self.misses


def segment_misses(rules: RuleSet, users: pl.DataFrame, config: PopulationConfig) -> tuple[int, list[Miss]]:
    """(shares compared, the segments whose share of `users` is off the ratio asked for)."""
    counts = dict(users.group_by("segment").len().iter_rows())
    n = users.height
    misses = []
    ratios = segment_ratios(rules, config)
    for segment, target in ratios.items():
        realized = counts.get(str(segment), 0) / n
        margin = max(SEGMENT_Z * (target * (1 - target) / n) ** 0.5, 1 / n)
        if abs(realized - target) > margin:
            misses.append(Miss(str(segment), "", target, realized, n, max(target - margin, 0.0), target + margin))
    return len(ratios), misses


def free_events(rules: RuleSet) -> set[str]:
    """Events whose count comes only from the segments' event mix: not funnel steps, dropouts or planned events."""
    driven = {step for funnel in rules.funnels for step in funnel.steps}
    driven |= {dropout for funnel in rules.funnels for dropout in funnel.dropout if dropout}
    driven |= {update.event for update in rules.updates}
    return {event for profile in rules.segments.values() for event in profile.event_probabilities} - driven


def _user_day_stages(users: pl.DataFrame, user_days: pl.DataFrame) -> np.ndarray:
    """The stage gating each (user_index, day) of `user_days`, as `sessions.session_stages` gives it."""
    arrays = UserArrays.from_frame(users)
    index = user_days["user_index"].to_numpy()
    ordinals = np.array([day.toordinal() for day in user_days["day"].to_list()], dtype=np.int64)
    on_install = np.where(arrays.tutorial_completed[index], int(Stage.ONBOARDING_COMPLETED), int(Stage.INSTALLED))
    stages = np.zeros(len(index), dtype=np.int64)
    for ordinal in np.unique(ordinals):
        rows = ordinals == ordinal
        stages[rows] = stage_on(arrays, int(ordinal))[index[rows]]
    return np.where(arrays.install[index] == ordinals, on_install, stages)


def event_misses(rules: RuleSet, users: pl.DataFrame, days: dict[date, pl.Series]) -> tuple[int, list[Miss]]:
    """(shares compared, the events whose share of their segment's free events is off target) in `days`' lines."""
    free = free_events(rules)
    tracks = pl.concat([
        pl.DataFrame({"line": lines}).with_columns(pl.lit(day).alias("day")) for day, lines in days.items()
    ]).filter(pl.col("line").str.starts_with(_TRACK)).select(
        "day",
        pl.col("line").str.extract(_ACCOUNT).alias("account_id"),
        pl.col("line").str.extract(_EVENT).alias("event"),
    ).join(users.select("account_id", "user_index", "segment"), on="account_id")
    user_days = tracks.select("user_index", "segment", "day").unique(maintain_order=True)
    user_days = user_days.with_columns(pl.Series("stage", _user_day_stages(users, user_days)))
    realized = dict(((s, e), c) for s, e, c in tracks.filter(pl.col("event").is_in(list(free)))
                    .group_by("segment", "event").len().iter_rows())
    stages = {name: int(rule.stage) for name, rule in rules.events.items()}
    checked, misses = 0, []
    for segment, profile in rules.segments.items():
        days_at = dict(user_days.filter(pl.col("segment") == str(segment)).group_by("stage").len().iter_rows())
        total_days = sum(days_at.values())
        n = sum(count for (name, _), count in realized.items() if name == str(segment))
        if not total_days or not n:
            continue
        targets: dict[str, float] = {}
        for stage, count in days_at.items():
            allowed = {e: p for e, p in profile.event_probabilities.items()
                       if e in free and p > 0 and stages[e] <= stage}
            weight = sum(allowed.values())
            for event, probability in allowed.items():
                targets[event] = targets.get(event, 0.0) + count / total_days * probability / weight
        for event, target in targets.items():
            if target * n < MIN_EXPECTED:
                continue
            checked += 1
            share = realized.get((str(segment), event), 0) / n
            margin = EVENT_Z * (target * (1 - target) / n) ** 0.5
            low = max(min(target / EVENT_FACTOR, target - margin), 0.0)
            high = max(target * EVENT_FACTOR, target + margin)
            if not low <= share <= high:
                misses.append(Miss(str(segment), event, round(target, 6), share, n, low, high))
    return checked, misses


def check_mix(rules: RuleSet, users: pl.DataFrame, config: PopulationConfig, days: dict[date, pl.Series]) -> MixReport:
    """Both checks on a population and the lines of some of its days."""
    segments_checked, segments_off = segment_misses(rules, users, config)
    events_checked, events_off = event_misses(rules, users, days)
    return MixReport(segments_checked + events_checked, tuple(segments_off + events_off))


def regenerated(rules: RuleSet, report: MixReport) -> RuleSet:
    """The rules with each off event's probability scaled toward its target (see the module's docstring)."""
    profiles = dict(rules.segments)
    for key, profile in rules.segments.items():
        misses = [miss for miss in report.misses if miss.segment == str(key) and miss.event]
        if not misses:
            continue
        probabilities = dict(profile.event_probabilities)
        typical = list(profile.typical_sequence)
        for miss in misses:
            if miss.realized > EVENT_FACTOR * miss.target and miss.event in typical:
                typical.remove(miss.event)
            else:
                probabilities[miss.event] *= min(max(miss.target / miss.realized, 0.25), 4.0) if miss.realized else 4.0
        total = sum(probabilities.values()) or 1.0
        profiles[key] = replace(profile, event_probabilities={e: round(p / total, 6) for e, p in probabilities.items()},
                                typical_sequence=tuple(typical))
    return replace(rules, segments=profiles)


def fit_rules(rules: RuleSet, config: PopulationConfig, start: date, days: int, tries: int = 3
              ) -> tuple[RuleSet, pl.DataFrame, list[MixReport]]:
    """(rules, population, each check's report): the rules checked on their population and first `days` days from
    `start`, regenerated after each check that finds something off, at most `tries` checks in all; the last
    report says whether the rules returned hold their mix."""
    asked, reports = rules, []
    for attempt in range(max(tries, 1)):
        if attempt:
            rules = regenerated(rules, reports[-1])
        users = build_users(rules, config)
        context = DayContext(rules, users, config.seed, config.anchor)
        sample = {start + timedelta(days=k): day_lines(context, start + timedelta(days=k)) for k in range(days)}
        reports.append(check_mix(asked, users, config, sample))
        if reports[-1].ok:
            break
    return rules, users, reports
