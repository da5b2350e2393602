"""One day of ThinkingData logs: sessions made of units (onboarding, typical sequence, funnels, planned
events), property values, user_set updates, encoded as JSONL lines sorted by time.

Every draw comes from the day's generator (seeded by seed and date) or from counter-based hashes, so a
day's lines depend only on (rules, users, seed, anchor, date).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from gamestats_assets.generator.behavior import active_on
from gamestats_assets.generator.context import DayContext
from gamestats_assets.generator.encoding import RECORD_COLUMNS, encode_lines, json_members, time_texts, uuids
from gamestats_assets.generator.hashing import day_rng
from gamestats_assets.generator.properties import (
    PropertyValues,
    event_property_values,
    first_profile_rows,
    occurrences,
    profile_values,
    running_values,
    updated_properties,
)
from gamestats_assets.generator.sessions import day_sessions, session_stages
from gamestats_assets.generator.timeline import timed_rows
from gamestats_assets.generator.units import (
    UnitRows,
    expand_funnels,
    free_rows,
    onboarding_rows,
    planned_rows,
    session_edge_rows,
)

__all__ = ["DayContext", "day_lines", "generate_lines"]


def generate_lines(context: DayContext, day: date) -> list[str]:
    """The ThinkingData lines (track and user_set) of one day, sorted by time."""
    return day_lines(context, day).to_list()


def day_lines(context: DayContext, day: date) -> pl.Series:
    """The ThinkingData lines of one day as a string Series, sorted by time (track before its user_set)."""
    records = day_records(context, day)
    return encode_lines(records, context.fragments, context.event_members)


def day_records(context: DayContext, day: date) -> pl.DataFrame:
    """The day's records (see ``encoding.RECORD_COLUMNS``), sorted by time.

    Draws happen in a fixed order from the day's generator: sessions, units, funnels, gaps, then event
    properties by event code.
    """
    ordinal = day.toordinal()
    rng = day_rng(context.seed, day, "events")
    active = active_on(context.rules, context.arrays, context.seed, ordinal, context.anchor)
    sessions = day_sessions(context, active, rng)
    stage = session_stages(context, ordinal, sessions)
    units = UnitRows()
    session_edge_rows(context, sessions, units)
    onboarding_rows(context, ordinal, sessions, units)
    free_rows(context, sessions, stage, rng, units)
    counts_before = planned_rows(context, ordinal, active, sessions, rng, units)
    if len(units) == 0:
        return pl.DataFrame(schema=RECORD_COLUMNS)
    timed = timed_rows(context, expand_funnels(context, units.frame(), rng), sessions, stage, rng)
    return _records(context, day, timed.sort(["user", "ms", "seq"]), counts_before, rng)


def _records(context: DayContext, day: date, timed: pl.DataFrame, counts_before: dict[str, np.ndarray],
             rng: np.random.Generator) -> pl.DataFrame:
    """Track records of the timed rows and the user_set records they cause, sorted by (ms, position).

    A row's track record has position ``2 * row`` and its user_set record ``2 * row + 1``, so an update
    follows the event that caused it.
    """
    user = timed["user"].to_numpy()
    code = timed["code"].to_numpy()
    planned = timed["planned"].to_numpy()
    ms = timed["ms"].to_numpy()
    occurrence = occurrences(context, user, code, planned, counts_before)
    running = running_values(context, user, code, occurrence, counts_before)
    times = time_texts(day, ms)
    duration = timed["duration"].fill_null(0).to_numpy()
    track_uuids = uuids(context.seed, day, len(timed), "track")
    parts = []
    for event_code in np.unique(code):
        rows = np.flatnonzero(code == event_code)
        event = context.event_names[event_code]
        values = event_property_values(context, event, rows, user, occurrence, duration, running, rng)
        parts.append(_part(rows, 2 * rows, True, int(event_code), user, ms, times, track_uuids.gather(rows), values))
    for event_code, names in updated_properties(context).items():
        rows = np.flatnonzero(planned & (code == event_code))
        if len(rows):
            values = {name: running[name][rows] for name in names}
            update_uuids = uuids(context.seed, day, len(rows), f"update:{event_code}")
            parts.append(_part(rows, 2 * rows + 1, False, None, user, ms, times, update_uuids, values))
    rows = first_profile_rows(context, day.toordinal(), user, code)
    if len(rows):
        values = profile_values(context, rows, user, running)
        parts.append(_part(rows, 2 * rows + 1, False, None, user, ms, times, uuids(context.seed, day, len(rows), "profile"), values))
    return pl.concat(parts, how="vertical").sort(["ms", "position"])


def _part(rows: np.ndarray, position: np.ndarray, track: bool, event_code: int | None, user: np.ndarray,
          ms: np.ndarray, times: pl.Series, record_uuids: pl.Series, values: PropertyValues) -> pl.DataFrame:
    """Records for ``rows`` of one kind (one event's tracks, or one cause of user_set), properties encoded."""
    row_times = times.gather(rows)
    columns = [
        row_times.alias(name) if column is None else pl.Series(name, column, strict=False)
        for name, column in values.items()
    ]
    properties = pl.DataFrame(columns) if columns else pl.DataFrame(height=len(rows))
    return pl.DataFrame({
        "ms": ms[rows],
        "position": position,
        "user": user[rows],
        "track": np.full(len(rows), track),
        "code": pl.repeat(event_code, len(rows), dtype=pl.Int64, eager=True),
        "time": row_times,
        "uuid": record_uuids,
        "members": json_members(properties),
    }, schema=RECORD_COLUMNS)
