"""One day of ThinkingData logs: sessions made of units (onboarding, typical sequence, funnels, planned
events), property values, user_set updates, encoded as JSONL lines sorted by time.

Every draw comes from the day's generator (seeded by seed and date) or from counter-based hashes, so a
day's lines depend only on (rules, users, seed, anchor, date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from gamestats_assets.generator.behavior import (
    ActivityLedger,
    UserArrays,
    active_on,
    session_start_ms,
    sessions_per_user,
    stage_on,
)
from gamestats_assets.generator.hashing import day_rng, hash_keys, uniform
from gamestats_assets.generator.rules import EventKind, Operation, RuleSet, Stage
from gamestats_assets.generator.updates import (
    EventPlan,
    clamped,
    event_plans,
    derived_value,
    planned_counts,
    progress_properties,
    property_deltas,
    set_state,
    unclamped_state,
)
from gamestats_assets.generator.values import draw_values
from gamestats_assets.sources.thinkingdata import POLARS_TIME_FORMAT

PRESETS = (
    "#os", "#os_version", "#device_model", "#manufacturer", "#app_version", "#network_type",
    "#country", "#country_code", "#zone_offset", "#lib", "#screen_width", "#screen_height",
)
_MS_PER_DAY = 86_400_000
_MEAN_GAP_MS = 25_000


@dataclass
class _Rows:
    """Event rows of a day under construction, one array per column."""

    user: list
    session: list
    region: list
    key: list
    step: list
    code: list
    planned: list

    @classmethod
    def empty(cls) -> _Rows:
        return cls([], [], [], [], [], [], [])

    def add(self, user, session, region, key, step, code, planned=False) -> None:
        count = len(user)
        self.user.append(np.asarray(user, dtype=np.int64))
        self.session.append(np.asarray(session, dtype=np.int64))
        self.region.append(np.full(count, region, dtype=np.float64))
        self.key.append(np.broadcast_to(np.asarray(key, dtype=np.float64), (count,)))
        self.step.append(np.broadcast_to(np.asarray(step, dtype=np.int64), (count,)))
        self.code.append(np.broadcast_to(np.asarray(code, dtype=np.int64), (count,)))
        self.planned.append(np.full(count, planned))

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame({
            "user": np.concatenate(self.user), "session": np.concatenate(self.session),
            "region": np.concatenate(self.region), "key": np.concatenate(self.key),
            "step": np.concatenate(self.step), "code": np.concatenate(self.code),
            "planned": np.concatenate(self.planned),
        })


class DayContext:
    """What a day's generation needs that does not change from day to day: rules, users, plans, ledger."""

    def __init__(self, rules: RuleSet, users: pl.DataFrame, seed: int, anchor: date):
        self.rules, self.users, self.seed = rules, users, seed
        self.anchor = anchor.toordinal()
        self.arrays = UserArrays.from_frame(users)
        self.plans: dict[str, EventPlan] = event_plans(rules, users, self.arrays, seed, self.anchor)
        self.ledger = ActivityLedger(rules, self.arrays, seed, self.anchor)
        self.event_names = list(rules.events)
        self.codes = {name: code for code, name in enumerate(self.event_names)}
        self.stages = np.array([int(rules.events[name].stage) for name in self.event_names])
        carrier = users["carrier"] if "carrier" in users.columns else None
        identity = users.select(
            pl.col("account_id").alias("#account_id"), pl.col("distinct_id").alias("#distinct_id"),
            pl.col("ip").alias("#ip"),
        )
        presets = users.select(PRESETS)
        if carrier is not None and rules.product.platform not in ("web", "pc"):
            presets = presets.with_columns(carrier.alias("#carrier"))
        self.identity, self.presets = identity, presets


def _sessions(context: DayContext, day: int, active: np.ndarray, rng: np.random.Generator) -> pl.DataFrame:
    """The day's sessions: user, session number (by start), start in ms after midnight."""
    count = sessions_per_user(context.rules, context.arrays, active, rng)
    users = np.repeat(np.arange(len(count)), count)
    starts = session_start_ms(context.rules, len(users), rng)
    sessions = pl.DataFrame({"user": users, "start": starts}).sort(["user", "start"])
    return sessions.with_columns(pl.int_range(pl.len()).over("user").alias("session"))


def _session_stage(context: DayContext, day: int, sessions: pl.DataFrame) -> np.ndarray:
    """Stage that gates units in each session: ONBOARDING_COMPLETED on a finished install day, else the day's."""
    users = sessions["user"].to_numpy()
    arrays = context.arrays
    stage = stage_on(arrays, day)[users]
    install_day = arrays.install[users] == day
    completed = arrays.tutorial_completed[users]
    on_install = np.where(completed, int(Stage.ONBOARDING_COMPLETED), int(Stage.INSTALLED))
    return np.where(install_day, on_install, stage)


def _first_event(rules: RuleSet, kind: EventKind) -> str | None:
    return next((name for name, rule in rules.events.items() if rule.kind == kind), None)


def _onboarding_rows(context: DayContext, day: int, sessions: pl.DataFrame, rows: _Rows) -> None:
    """The onboarding path in each install-day user's first session, cut where tutorial quitters stop."""
    rules, arrays = context.rules, context.arrays
    first = sessions.filter((pl.col("session") == 0))
    users = first["user"].to_numpy()
    users = users[arrays.install[users] == day]
    tutorials = [e for e in rules.onboarding if rules.events[e].stage >= Stage.ONBOARDING_STARTED]
    kept = np.where(
        arrays.tutorial_completed[users], len(tutorials),
        np.floor(uniform(context.seed, "tutorial_stop", arrays.index[users]) * len(tutorials)).astype(np.int64),
    )
    for step, event in enumerate(rules.onboarding):
        region = -1.0 if rules.events[event].stage == Stage.INSTALLED else 0.5
        mask = np.ones(len(users), dtype=bool)
        if event in tutorials:
            mask = tutorials.index(event) < kept
        rows.add(users[mask], np.zeros(mask.sum()), region, 0.0, step, context.codes[event])


def _free_units(context: DayContext, sessions: pl.DataFrame, stage: np.ndarray, rng, rows: _Rows) -> None:
    """Typical-sequence events at each session's start, then units drawn from the segment's event mix."""
    rules, arrays = context.rules, context.arrays
    users = sessions["user"].to_numpy()
    session = sessions["session"].to_numpy()
    segments = arrays.segment[users]
    for segment, profile in rules.segments.items():
        in_segment = segments == segment.value
        for level in np.unique(stage[in_segment]):
            mask = in_segment & (stage == level)
            allowed = [e for e, p in profile.event_probabilities.items() if context.stages[context.codes[e]] <= level and p > 0]
            if not allowed:
                continue
            typical = [e for e in profile.typical_sequence if e in allowed]
            for step, event in enumerate(typical):
                rows.add(users[mask], session[mask], 1.0, float(step), 0, context.codes[event])
            weights = np.array([profile.event_probabilities[e] for e in allowed])
            mean = profile.events_per_session * arrays.engagement[users[mask]]
            count = rng.poisson(mean)
            unit_users = np.repeat(users[mask], count)
            unit_sessions = np.repeat(session[mask], count)
            codes = np.array([context.codes[e] for e in allowed])[
                rng.choice(len(allowed), size=len(unit_users), p=weights / weights.sum())
            ]
            rows.add(unit_users, unit_sessions, 2.0, rng.random(len(unit_users)), 0, codes)


def _planned_units(context: DayContext, day: int, active: np.ndarray, sessions: pl.DataFrame, rng, rows: _Rows) -> dict[str, np.ndarray]:
    """Today's occurrences of each planned event, placed in random sessions; returns counts before today."""
    arrays = context.arrays
    active_days, advanced_days = context.ledger.counts_before(day)
    counts_before = planned_counts(context.plans, active_days, advanced_days)
    counts_today = active & (day > arrays.install)
    counts_after = planned_counts(
        context.plans, active_days + counts_today, advanced_days + (counts_today & (day >= arrays.advanced))
    )
    per_user = sessions.group_by("user").len().sort("user")
    session_count = np.zeros(len(arrays.index), dtype=np.int64)
    session_count[per_user["user"].to_numpy()] = per_user["len"].to_numpy()
    for event in context.plans:
        today = counts_after[event] - counts_before[event]
        users = np.repeat(np.arange(len(today)), today)
        session = np.floor(rng.random(len(users)) * session_count[users]).astype(np.int64)
        rows.add(users, session, 2.0, rng.random(len(users)), 0, context.codes[event], planned=True)
    return counts_before


def _expand_funnels(context: DayContext, units: pl.DataFrame, rng) -> pl.DataFrame:
    """Units whose event opens or ends a funnel, expanded into the funnel's steps (in order)."""
    rules = context.rules
    units = units.with_row_index("unit")
    expanded = [units]
    code = units["code"].to_numpy()
    planned = units["planned"].to_numpy()
    for funnel in rules.funnels:
        steps = [context.codes[s] for s in funnel.steps]
        planned_steps = [s in context.plans for s in funnel.steps]
        planned_ends = [(position, steps[position]) for position in range(1, len(steps))]
        planned_ends += [(position + 1, context.codes[d]) for position, d in enumerate(funnel.dropout) if d]
        for position, end_code in planned_ends:
            target = planned & (code == end_code)
            for before in range(position):
                expanded.append(units.filter(pl.Series(target)).with_columns(
                    pl.lit(steps[before], dtype=pl.Int64).alias("code"), pl.lit(before - position, dtype=pl.Int64).alias("step"),
                    pl.lit(False).alias("planned"),
                ))
        opening = ~planned & (code == steps[0])
        alive = opening.copy()
        for position in range(1, len(steps)):
            converts = rng.random(len(units)) < funnel.conversion[position - 1]
            stops = alive & (planned_steps[position] | ~converts)
            dropout = funnel.dropout[position - 1]
            if dropout:
                expanded.append(units.filter(pl.Series(stops)).with_columns(
                    pl.lit(context.codes[dropout], dtype=pl.Int64).alias("code"), pl.lit(position, dtype=pl.Int64).alias("step")
                ))
            alive = alive & ~stops
            expanded.append(units.filter(pl.Series(alive)).with_columns(
                pl.lit(steps[position], dtype=pl.Int64).alias("code"), pl.lit(position, dtype=pl.Int64).alias("step")
            ))
    return pl.concat(expanded, how="vertical")


def _timed_rows(context: DayContext, rows: pl.DataFrame, sessions: pl.DataFrame, stage: np.ndarray, rng) -> pl.DataFrame:
    """Rows gated by stage, ordered within sessions, with event times (ms after midnight) and durations."""
    session_stage = sessions.select("user", "session", pl.Series("session_stage", stage))
    rows = rows.join(session_stage, on=["user", "session"], how="left")
    rows = rows.with_columns(pl.Series("event_stage", context.stages[rows["code"].to_numpy()]))
    gated = (pl.col("event_stage") <= pl.col("session_stage")) | (pl.col("region") < 1.0)
    rows = rows.with_columns(gated.cast(pl.Int8).cum_min().over("unit").alias("allowed"))
    rows = rows.filter(pl.col("allowed") == 1).sort(["user", "session", "region", "key", "step", "unit"])
    gaps = rng.exponential(_MEAN_GAP_MS, size=len(rows)).astype(np.int64) + 1_000
    rows = rows.with_columns(pl.Series("gap", gaps))
    rows = rows.with_columns(
        (pl.col("gap").cum_sum().over(["user", "session"]) - pl.col("gap").first().over(["user", "session"])).alias("offset")
    )
    durations = rows.group_by(["user", "session"]).agg(pl.col("offset").max().alias("duration"))
    sessions = sessions.join(durations, on=["user", "session"], how="left").sort(["user", "session"])
    starts = sessions["start"].to_numpy().copy()
    duration = sessions["duration"].fill_null(0).to_numpy()
    user = sessions["user"].to_numpy()
    for position in range(1, len(starts)):
        if user[position] == user[position - 1]:
            starts[position] = max(starts[position], starts[position - 1] + duration[position - 1] + 60_000)
    sessions = sessions.with_columns(pl.Series("start", starts))
    rows = rows.join(sessions.select("user", "session", "start", "duration"), on=["user", "session"], how="left")
    return rows.with_columns(
        (pl.col("start") + pl.col("offset")).clip(0, _MS_PER_DAY - 1).alias("ms")
    ).with_row_index("seq")


def generate_lines(context: DayContext, day: date) -> list[str]:
    """The ThinkingData lines (track and user_set) of one day, sorted by time."""
    rules, arrays = context.rules, context.arrays
    ordinal = day.toordinal()
    rng = day_rng(context.seed, day, "events")
    active = active_on(rules, arrays, context.seed, ordinal, context.anchor)
    sessions = _sessions(context, ordinal, active, rng)
    stage = _session_stage(context, ordinal, sessions)
    rows = _Rows.empty()
    session_start = _first_event(rules, EventKind.SESSION_START)
    session_end = _first_event(rules, EventKind.SESSION_END)
    users, numbers = sessions["user"].to_numpy(), sessions["session"].to_numpy()
    if session_start:
        rows.add(users, numbers, 0.0, 0.0, 0, context.codes[session_start])
    if session_end:
        rows.add(users, numbers, 3.0, 0.0, 0, context.codes[session_end])
    _onboarding_rows(context, ordinal, sessions, rows)
    _free_units(context, sessions, stage, rng, rows)
    counts_before = _planned_units(context, ordinal, active, sessions, rng, rows)
    if not rows.user or sum(len(u) for u in rows.user) == 0:
        return []
    timed = _timed_rows(context, _expand_funnels(context, rows.frame(), rng), sessions, stage, rng)
    return _encode(context, day, timed, counts_before, rng)


def _occurrences(context: DayContext, timed: pl.DataFrame, counts_before: dict[str, np.ndarray]) -> np.ndarray:
    """Global occurrence number (j) of each planned row: occurrences before today plus rank within today."""
    occurrence = np.full(len(timed), -1, dtype=np.int64)
    rank = timed.select(
        pl.int_range(pl.len()).over(["user", "code", "planned"]).alias("rank")
    )["rank"].to_numpy()
    code = timed["code"].to_numpy()
    planned = timed["planned"].to_numpy()
    user = timed["user"].to_numpy()
    for event in context.plans:
        mask = planned & (code == context.codes[event])
        occurrence[mask] = counts_before[event][user[mask]] + rank[mask]
    return occurrence


def _encode(context: DayContext, day: date, timed: pl.DataFrame, counts_before, rng) -> list[str]:
    """Track and user_set lines for the timed rows, in time order."""
    timed = timed.sort(["user", "ms", "seq"])
    user = timed["user"].to_numpy()
    code = timed["code"].to_numpy()
    occurrence = _occurrences(context, timed, counts_before)
    running = _running_values(context, timed, user, code, occurrence, counts_before)
    midnight = (day.toordinal() - date(1970, 1, 1).toordinal()) * _MS_PER_DAY
    ms = timed["ms"].to_numpy()
    times = pl.Series("ms", midnight + ms).cast(pl.Datetime("ms")).dt.strftime(POLARS_TIME_FORMAT)
    uuids = _uuids(context.seed, day, len(timed), "track")
    frames = []
    order = np.arange(len(timed))
    for event_code in np.unique(code):
        name = context.event_names[event_code]
        mask = code == event_code
        properties = _event_properties(context, name, timed.filter(pl.Series(mask)), user[mask], occurrence[mask], running, mask, rng)
        frames.append(_line_frame(context, "track", name, user[mask], times.filter(pl.Series(mask)), ms[mask],
                                  uuids.filter(pl.Series(mask)), properties, order[mask] * 2))
    frames.extend(_user_set_frames(context, timed, user, code, occurrence, running, times, ms, order, day))
    lines = pl.concat(frames, how="vertical").sort(["ms_order", "position"])
    return lines["line"].to_list()


def _running_values(context, timed, user, code, occurrence, counts_before) -> dict[str, np.ndarray]:
    """Each progress and set property's value at every row, after that row's own update."""
    rules = context.rules
    start = unclamped_state(rules, context.users, context.plans, counts_before)
    values = {}
    boundaries = np.r_[True, user[1:] != user[:-1]]
    group = np.cumsum(boundaries) - 1
    for name in progress_properties(rules):
        delta = np.zeros(len(user))
        for plan in context.plans.values():
            mask = code == context.codes[plan.event]
            for update in plan.rules:
                if update.property == name and update.operation != Operation.SET:
                    delta[mask] += property_deltas(plan, update, user[mask], occurrence[mask])
        total = np.cumsum(delta)
        group_base = np.r_[0.0, total][np.flatnonzero(boundaries)]
        values[name] = clamped(rules, name, start[name][user] + total - group_base[group])
    for relationship in rules.relationships:
        if relationship.source in values:
            values[relationship.target] = derived_value(rules, relationship.target, values[relationship.source])
    current_set = set_state(rules, context.users, context.plans, counts_before)
    for name, state in current_set.items():
        value = state[user].copy()
        for plan in context.plans.values():
            for update in plan.rules:
                if update.property == name and update.operation == Operation.SET:
                    mask = code == context.codes[plan.event]
                    table = plan.amounts[update.amount_property]
                    value[mask] = table[user[mask], occurrence[mask] % table.shape[1]]
        values[name] = value
    return values


def _uuids(seed: int, day: date, count: int, purpose: str) -> pl.Series:
    """Deterministic UUID-shaped ids for ``count`` records of one day and purpose."""
    high = hash_keys(seed, purpose, "high", day.toordinal(), np.arange(count))
    low = hash_keys(seed, purpose, "low", day.toordinal(), np.arange(count))
    text = np.stack([high, low], axis=1).astype(">u8").tobytes().hex()
    hexes = pl.Series("hex", [text[i * 32:(i + 1) * 32] for i in range(count)], dtype=pl.String)
    return hexes.str.slice(0, 8) + "-" + hexes.str.slice(8, 4) + "-" + hexes.str.slice(12, 4) + "-" + hexes.str.slice(16, 4) + "-" + hexes.str.slice(20, 12)


def _event_properties(context, name, rows: pl.DataFrame, user, occurrence, running, mask, rng) -> dict[str, object]:
    """The event's own properties for its rows, each drawn by the rule that fits it."""
    rules = context.rules
    plan = context.plans.get(name)
    dependencies = {d.target: d for d in rules.dependencies}
    kind = rules.events[name].kind
    columns: dict[str, object] = {}
    for prop in rules.events[name].properties:
        rule = rules.values[prop]
        if prop in running:
            columns[prop] = running[prop][mask]
        elif plan is not None and prop in plan.amounts:
            table = plan.amounts[prop]
            columns[prop] = table[user, occurrence % table.shape[1]]
        elif rule.scope == "user" and prop in context.users.columns:
            columns[prop] = context.users[prop].to_numpy()[user]
        elif prop in dependencies and "country" in context.users.columns:
            country = context.users["country"].to_numpy()[user]
            draws = rng.random(len(user))
            mapping = dependencies[prop].mapping
            columns[prop] = np.array([mapping.get(c, rule.choices)[int(u * len(mapping.get(c, rule.choices)))]
                                      for c, u in zip(country, draws)], dtype=object)
        elif "duration" in prop and kind == EventKind.SESSION_END and rule.generator == "range":
            seconds = np.maximum(rows["duration"].fill_null(0).to_numpy() // 1000, 1)
            columns[prop] = np.clip(seconds, rule.low, rule.high).astype(np.int64)
        elif "step" in prop and name in rules.onboarding and rule.generator == "range":
            tutorials = [e for e in rules.onboarding if rules.events[e].stage >= Stage.ONBOARDING_STARTED]
            position = tutorials.index(name) + 1 if name in tutorials else 1
            columns[prop] = np.full(len(user), int(np.clip(position, rule.low, rule.high)))
        elif rule.generator == "datetime":
            columns[prop] = None
        else:
            columns[prop] = draw_values(rule, rng.random(len(user)))
    return columns


def _line_frame(context, record_type, event_name, user, times, ms, uuids, properties, position) -> pl.DataFrame:
    """Encoded lines for rows of one record type (and event), with their sort keys."""
    identity = context.identity[user]
    frame = identity.with_columns(
        pl.Series("#time", times), pl.Series("#uuid", uuids), pl.lit(record_type).alias("#type"),
    )
    if record_type == "track":
        frame = frame.with_columns(pl.lit(event_name).alias("#event_name"))
        props = context.presets[user]
    else:
        props = pl.DataFrame(height=len(user))
    for name, values in properties.items():
        if values is None:
            props = props.with_columns(pl.Series(name, times))
        else:
            props = props.with_columns(pl.Series(name, values, strict=False))
    root = ["#type", "#account_id", "#distinct_id", "#time"] + (["#event_name", "#ip"] if record_type == "track" else []) + ["#uuid"]
    frame = frame.with_columns(pl.struct(props.to_series(i) for i in range(props.width)).alias("properties")) if props.width else frame.with_columns(pl.lit(None).alias("properties"))
    encoded = frame.select(pl.struct(root + ["properties"]).struct.json_encode().alias("line"))
    return encoded.with_columns(
        pl.Series("ms_order", ms),
        pl.Series("position", position),
    )


def _user_set_frames(context, timed, user, code, occurrence, running, times, ms, order, day) -> list[pl.DataFrame]:
    """user_set lines: the full profile when onboarding registers a user, and each planned update's result."""
    rules = context.rules
    frames = []
    changed_by_event: dict[int, list[str]] = {}
    for plan in context.plans.values():
        names = list(dict.fromkeys(update.property for update in plan.rules))
        names += [r.target for r in rules.relationships if r.source in names]
        changed_by_event[context.codes[plan.event]] = names
    planned = timed["planned"].to_numpy()
    for event_code, names in changed_by_event.items():
        mask = planned & (code == event_code)
        if not mask.any():
            continue
        properties = {name: running[name][mask] for name in names}
        frames.append(_line_frame(context, "user_set", "", user[mask], times.filter(pl.Series(mask)), ms[mask],
                                  _uuids(context.seed, day, int(mask.sum()), f"update:{event_code}"),
                                  properties, order[mask] * 2 + 1))
    profile_event = next((e for e in rules.onboarding if rules.events[e].stage == Stage.REGISTERED), None)
    profile_event = profile_event or (rules.onboarding[0] if rules.onboarding else _first_event(rules, EventKind.SESSION_START))
    if profile_event is not None:
        install_day = context.arrays.install[user] == day.toordinal()
        first_rows = np.zeros(len(user), dtype=bool)
        seen = set()
        for position in np.flatnonzero(install_day & (code == context.codes[profile_event])):
            if user[position] not in seen:
                seen.add(user[position])
                first_rows[position] = True
        if first_rows.any():
            properties = {}
            for name in rules.user_properties():
                if name in running:
                    properties[name] = running[name][first_rows]
                elif rules.values[name].generator == "datetime":
                    properties[name] = times.filter(pl.Series(first_rows)).to_numpy()
                elif name in context.users.columns:
                    properties[name] = context.users[name].to_numpy()[user[first_rows]]
            frames.append(_line_frame(context, "user_set", "", user[first_rows], times.filter(pl.Series(first_rows)),
                                      ms[first_rows],
                                      _uuids(context.seed, day, int(first_rows.sum()), "profile"), properties,
                                      order[first_rows] * 2 + 1))
    return frames
