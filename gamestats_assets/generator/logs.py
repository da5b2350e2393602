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
    """The day's records (see `encoding.RECORD_COLUMNS`), sorted by time.

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


@dataclass(frozen=True)
class _TimedArrays:
    """The day's timed rows (sorted by user, ms, seq) as aligned arrays, with their running property values."""

    user: np.ndarray
    code: np.ndarray
    planned: np.ndarray
    ms: np.ndarray
    duration: np.ndarray
    occurrence: np.ndarray
    running: dict[str, np.ndarray]
    times: pl.Series


def _records(context: DayContext, day: date, timed: pl.DataFrame, counts_before: dict[str, np.ndarray],
             rng: np.random.Generator) -> pl.DataFrame:
    """Track records of the timed rows and the user_set records they cause, sorted by (ms, position).

    A row's track record has position `2 * row` and its user_set record `2 * row + 1`, so an update
    follows the event that caused it.
    """
    user, code, planned = timed["user"].to_numpy(), timed["code"].to_numpy(), timed["planned"].to_numpy()
    occurrence = occurrences(context, user, code, planned, counts_before)
    arrays = _TimedArrays(
        user=user, code=code, planned=planned, ms=timed["ms"].to_numpy(),
        duration=timed["duration"].fill_null(0).to_numpy(), occurrence=occurrence,
        running=running_values(context, user, code, occurrence, counts_before),
        times=time_texts(day, timed["ms"].to_numpy()),
    )
    parts = _track_records(context, day, arrays, rng) + _update_records(context, day, arrays)
    parts += _profile_records(context, day, arrays)
    return pl.concat(parts, how="vertical").sort(["ms", "position"])


def _track_records(
    context: DayContext, day: date, arrays: _TimedArrays, rng: np.random.Generator
) -> list[pl.DataFrame]:
    """One track record per timed row, with the event's own properties, grouped by event code."""
    track_uuids = uuids(context.seed, day, len(arrays.user), "track")
    parts = []
    for event_code in np.unique(arrays.code):
        rows = np.flatnonzero(arrays.code == event_code)
        values = event_property_values(
            context, context.event_names[event_code], rows, arrays.user, arrays.occurrence, arrays.duration,
            arrays.running, rng,
        )
        parts.append(_part(arrays, rows, True, int(event_code), track_uuids.gather(rows), values))
    return parts


def _update_records(context: DayContext, day: date, arrays: _TimedArrays) -> list[pl.DataFrame]:
    """One user_set record per planned row: the properties its event changed, with their new values."""
    parts = []
    for event_code, names in updated_properties(context).items():
        rows = np.flatnonzero(arrays.planned & (arrays.code == event_code))
        if len(rows):
            values = {name: arrays.running[name][rows] for name in names}
            record_uuids = uuids(context.seed, day, len(rows), f"update:{event_code}")
            parts.append(_part(arrays, rows, False, None, record_uuids, values))
    return parts


def _profile_records(context: DayContext, day: date, arrays: _TimedArrays) -> list[pl.DataFrame]:
    """The full-profile user_set record of each user registering today (at the profile event)."""
    rows = first_profile_rows(context, day.toordinal(), arrays.user, arrays.code)
    if not len(rows):
        return []
    values = profile_values(context, rows, arrays.user, arrays.running)
    return [_part(arrays, rows, False, None, uuids(context.seed, day, len(rows), "profile"), values)]


def _part(arrays: _TimedArrays, rows: np.ndarray, track: bool, event_code: int | None, record_uuids: pl.Series,
          values: PropertyValues) -> pl.DataFrame:
    """Records (`RECORD_COLUMNS`) for `rows` of one kind, their properties encoded as JSON members;
    a `None` value stands for the row's own moment."""
    row_times = arrays.times.gather(rows)
    columns = [
        row_times.alias(name) if column is None else pl.Series(name, column, strict=False)
        for name, column in values.items()
    ]
    properties = pl.DataFrame(columns) if columns else pl.DataFrame(height=len(rows))
    return pl.DataFrame({
        "ms": arrays.ms[rows],
        "position": 2 * rows + (0 if track else 1),
        "user": arrays.user[rows],
        "track": np.full(len(rows), track),
        "code": pl.repeat(event_code, len(rows), dtype=pl.Int64, eager=True),
        "time": row_times,
        "uuid": record_uuids,
        "members": json_members(properties),
    }, schema=RECORD_COLUMNS)
