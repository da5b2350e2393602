"""The tournament organisers' decisions as PostgreSQL keeps them: `pubg.tournament_decisions`, one row per decision
(an override of a match, a round's window, a schedule, a delay, an undo) with who made it, why, their notes and
what it replaced, and the override rows the pipeline applies (`pubg.tournament_match_overrides`). The admin
endpoints and the synthetic tournament write overrides through `write_override`, so that every override the
pipeline applies has its decision."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

import psycopg
from psycopg import sql
from psycopg.rows import dict_row, tuple_row
from psycopg.types.json import Jsonb

OVERRIDE_FIELDS = ("division_id", "group_id", "round_id", "slot_id", "status", "is_tournament_match")
"""The context fields an override sets (a null one keeps the automatic value)."""
KINDS = ("override", "round", "schedule", "delay", "undo")
DECISION_TAG = "gamestats/decision"
"""The tag of the runs that make decisions take effect: the latest decision they take."""
DECISION_STEP_TAG = "gamestats/decision_step"
MATCHES_STEP, TABLES_STEP = "matches", "tables"
"""A decision's two steps: its matches' tournament context rerun, then the tournament tables rebuilt."""


class Author(NamedTuple):
    """Who made a decision (an account's name), why, and their notes."""

    made_by: str
    reason: str
    notes: str | None = None


def record_decision(conn: psycopg.Connection, kind: str, author: Author, *, season_id: str | None = None,
                    round_id: str | None = None, division_id: str | None = None, group_id: str | None = None,
                    match_id: str | None = None, schedule_edit_id: int | None = None, previous: dict | None = None,
                    undoes: int | None = None) -> int:
    """Append a decision of `kind` (`KINDS`) by `author` to `pubg.tournament_decisions`; its id. An undo marks the
    decision it undoes (`undone_by`)."""
    with conn.cursor(row_factory=tuple_row) as cursor:
        [decision] = cursor.execute(
            "INSERT INTO pubg.tournament_decisions (kind, season_id, round_id, division_id, group_id, match_id, "
            "schedule_edit_id, previous, made_by, reason, notes, undoes) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING decision_id",
            (kind, season_id, round_id, division_id, group_id, match_id, schedule_edit_id,
             None if previous is None else Jsonb(jsonable(previous)), *author, undoes)).fetchone()
    if undoes is not None:
        conn.execute("UPDATE pubg.tournament_decisions SET undone_by = %s WHERE decision_id = %s", (decision, undoes))
    return decision


def jsonable(row: dict) -> dict:
    """`row` with its times as ISO 8601 text."""
    return {name: value.isoformat() if isinstance(value, dt.datetime) else value for name, value in row.items()}


def current_override(conn: psycopg.Connection, match_id: str) -> dict | None:
    """`match_id`'s override row as it is now (its fields, reason, author and notes), None when it has none."""
    with conn.cursor(row_factory=dict_row) as cursor:
        return cursor.execute(
            f"SELECT {', '.join(OVERRIDE_FIELDS)}, reason, admin_user, admin_notes "
            "FROM pubg.tournament_match_overrides WHERE match_id = %s", (match_id,)).fetchone()


def put_override(conn: psycopg.Connection, match_id: str, row: dict | None) -> None:
    """Make `row` (`current_override`'s shape) `match_id`'s override, or remove its override when None."""
    if row is None:
        conn.execute("DELETE FROM pubg.tournament_match_overrides WHERE match_id = %s", (match_id,))
        return
    names = [sql.Identifier(c) for c in ["match_id", *row, "updated_at"]]
    conn.execute(sql.SQL("INSERT INTO pubg.tournament_match_overrides ({}) VALUES ({}, now()) "
                         "ON CONFLICT (match_id) DO UPDATE SET {}").format(
        sql.SQL(", ").join(names), sql.SQL(", ").join(sql.Placeholder() * (len(names) - 1)),
        sql.SQL(", ").join(sql.SQL("{0} = excluded.{0}").format(n) for n in names[1:])),
        [match_id, *row.values()])


def write_override(conn: psycopg.Connection, match_id: str, fields: dict[str, Any], author: Author,
                   season_id: str | None = None) -> int:
    """Make `fields` (of `OVERRIDE_FIELDS`; unset ones keep the automatic value) `match_id`'s override by `author`,
    and record the decision with the override it replaced; the decision's id."""
    previous = current_override(conn, match_id)
    row = {**{name: fields.get(name) for name in OVERRIDE_FIELDS}, "reason": author.reason,
           "admin_user": author.made_by, "admin_notes": author.notes}
    put_override(conn, match_id, row)
    return record_decision(conn, "override", author, season_id=season_id,
                           round_id=fields.get("round_id"), division_id=fields.get("division_id"),
                           group_id=fields.get("group_id"), match_id=match_id, previous=previous)

