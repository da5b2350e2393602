"""The PUBG admin's writes to the rows the platform reads: a round's name and window (`pubg.tournament_round_edits`),
a round's slots and their delays (`pubg.tournament_slot_edits`, a slot's creator kept) with the design's rules, and a
match's override (`pubg.tournament_match_overrides`, through `sources.pubg.decisions`; a remake's reason kept on its
slot), each recorded as a decision. Each change of a
round's slots is recorded in `pubg.tournament_schedule_history` with the slots as they were, which an undo
restores. A write the rules refuse raises `Invalid` saying which rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from gamestats_assets.serve.queries import NotFound
from gamestats_assets.serve.queries.pubg_admin import (
    MAX_DELAY_MINUTES,
    MIN_SLOT_GAP,
    SEASON_ROUNDS,
    SLOTS_PER_ROUND,
    latest_season,
    map_names,
    round_edit,
    round_of,
    season,
    shown_slot,
    slots,
)
from gamestats_assets.sources.pubg import decisions


class Invalid(ValueError):
    """A schedule the design's rules refuse (the API's 422, saying which rule and which slot)."""


def write_override(conn: psycopg.Connection, match_id: str, fields: dict[str, Any], remake_of: str | None,
                   author: decisions.Author) -> dict:
    """Write `fields` as `match_id`'s override by `author` (`NotFound` for an unknown match), with its decision; the
    fields written and the decision's id. A remake (`remake_of` given) takes the division, group, round and slot of
    the match it remakes (`NotFound` when that has no slot) and is a confirmed tournament match unless `fields` say
    otherwise: the last tournament match of a slot is the one that counts."""
    if conn.execute("SELECT 1 FROM pubg.matches WHERE match_id = %s", (match_id,)).fetchone() is None:
        raise NotFound(f"match {match_id!r} not found")
    if remake_of:
        original = conn.execute("SELECT division_id, group_id, round_id, slot_id FROM pubg.tournament_match_outcomes "
                                "WHERE match_id = %s AND slot_id IS NOT NULL", (remake_of,)).fetchone()
        if original is None:
            raise NotFound(f"match {remake_of!r} has no schedule slot to be remade")
        fields = {**fields, **{c: original[c] for c in ("division_id", "group_id", "round_id", "slot_id")},
                  "is_tournament_match": True if fields.get("is_tournament_match") is None
                  else fields["is_tournament_match"], "status": fields.get("status") or "confirmed"}
        remade(conn, original["slot_id"], author.reason)
    season = conn.execute("SELECT season_id FROM pubg.tournament_matches WHERE match_id = %s", (match_id,)).fetchone()
    decision = decisions.write_override(conn, match_id, fields, author, season["season_id"] if season else None)
    return {"fields": {name: value for name, value in fields.items() if value is not None}, "decision_id": decision}


def remade(conn: psycopg.Connection, slot_id: str, reason: str) -> None:
    """Record `reason` as the remake reason of `slot_id`'s row, making the row from the slot as it stands when only
    the organisers' file holds it."""
    if conn.execute("UPDATE pubg.tournament_slot_edits SET remake_reason = %s, updated_at = now() WHERE slot_id = %s",
                    (reason, slot_id)).rowcount:
        return
    slot = conn.execute("SELECT season_id, round_id, division_id, group_id, match_number, scheduled_at, map_name "
                        "FROM pubg.tournament_scheduled_matches WHERE slot_id = %s", (slot_id,)).fetchone()
    if slot is None:
        raise NotFound(f"slot {slot_id!r} not found in pubg.tournament_scheduled_matches")
    conn.execute(
        "INSERT INTO pubg.tournament_slot_edits (slot_id, season_id, round_id, division_id, group_id, match_number, "
        "planned_at, map_name, remake_reason) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (slot_id, slot["season_id"], slot["round_id"], slot["division_id"], slot["group_id"], slot["match_number"],
         slot["scheduled_at"], slot["map_name"], reason))


def write_round(conn: psycopg.Connection, season_id: str | None, round_id: str, name: str,
                starts_at: dt.datetime, ends_at: dt.datetime, author: decisions.Author) -> dict:
    """Create or edit `round_id` of a published season (the latest when none is given): its name and window, recorded
    as `author`'s decision. `Invalid` when it ends before it starts, lasts more than a day, overlaps another round of
    the season, or leaves out a slot of its own."""
    season_id, _ = latest_season(conn, season_id)
    if ends_at <= starts_at:
        raise Invalid(f"round {round_id!r} ends ({ends_at.isoformat()}) before it starts ({starts_at.isoformat()})")
    if ends_at - starts_at > dt.timedelta(days=1):
        raise Invalid(f"round {round_id!r} lasts {ends_at - starts_at}: a round is at most one day")
    for other in conn.execute(SEASON_ROUNDS, {"season": season_id}):
        if other["round"] != round_id and other["starts_at"] < ends_at and starts_at < other["ends_at"]:
            raise Invalid(f"round {round_id!r} overlaps round {other['round']!r} ({other['name'] or ''} "
                          f"{other['starts_at'].isoformat()} to {other['ends_at'].isoformat()}): a match would "
                          "belong to two rounds")
    outside = [s for s in slots(conn, season_id, None, None, round_id)["slots"]
               if not starts_at <= s["scheduled_at"] < ends_at]
    if outside:
        raise Invalid(f"slot {outside[0]['slot_id']!r} at {outside[0]['scheduled_at'].isoformat()} would fall "
                      f"outside round {round_id!r}: move its slots first")
    previous = round_edit(conn, season_id, round_id)
    put_round_edit(conn, season_id, round_id, {"name": name, "starts_at": starts_at, "ends_at": ends_at})
    decisions.record_decision(conn, "round", author, season_id=season_id, round_id=round_id, previous=previous)
    return round_of(conn, season_id, round_id)


def put_round_edit(conn: psycopg.Connection, season_id: str, round_id: str, edit: dict | None) -> None:
    """Make `edit` (`round_edit`'s shape) the round's edit row, or remove its edit row when None."""
    if edit is None:
        conn.execute("DELETE FROM pubg.tournament_round_edits WHERE season_id = %s AND round_id = %s",
                     (season_id, round_id))
        return
    conn.execute("INSERT INTO pubg.tournament_round_edits (season_id, round_id, name, starts_at, ends_at) "
                 "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (season_id, round_id) DO UPDATE SET name = excluded.name, "
                 "starts_at = excluded.starts_at, ends_at = excluded.ends_at, updated_at = now()",
                 (season_id, round_id, edit["name"], edit["starts_at"], edit["ends_at"]))


def check_lobby(conn: psycopg.Connection, season_id: str, division: str, group: str) -> None:
    """`Invalid` unless `division` and `group` are a lobby of the season (any, while it has none)."""
    lobbies = {(lobby["division"], lobby["group"]) for lobby in season(conn, season_id)["lobbies"]}
    if lobbies and (division, group) not in lobbies:
        known = ", ".join(f"{d}/{g}" for d, g in sorted(lobbies))
        raise Invalid(f"division/group {division}/{group} is not one of the season's ({known})")


def check_times(round_row: dict, times: list[tuple[int, dt.datetime]]) -> None:
    """`Invalid` unless each slot (match number, time) starts inside the round's window and at least
    `MIN_SLOT_GAP` after the one before it."""
    gap = int(MIN_SLOT_GAP.total_seconds() // 60)
    previous = None
    for number, at in sorted(times):
        if not round_row["starts_at"] <= at < round_row["ends_at"]:
            raise Invalid(f"match {number} at {at.isoformat()} is outside round {round_row['round']!r} "
                          f"({round_row['starts_at'].isoformat()} to {round_row['ends_at'].isoformat()}): a match "
                          "then would be placed in no round")
        if previous is not None and at - previous[1] < MIN_SLOT_GAP:
            raise Invalid(f"match {number} at {at.isoformat()} starts {int((at - previous[1]).total_seconds() // 60)} "
                          f"min after match {previous[0]}: slots are at least {gap} min apart, in match order")
        previous = (number, at)


def write_schedule(conn: psycopg.Connection, season_id: str | None, round_id: str, division: str, group: str,
                   planned: list[dict], author: decisions.Author) -> dict:
    """Set the six slots (`match_number`, `planned_at`, `map_name`) of `round_id` for a division and group, each
    keeping its id and delay; `Invalid` naming the rule a slot breaks (`check_lobby`, `check_times`, a map not in
    the dictionary)."""
    season_id, _ = latest_season(conn, season_id)
    round_row = round_of(conn, season_id, round_id)
    check_lobby(conn, season_id, division, group)
    unknown = [s["map_name"] for s in planned if s["map_name"] not in map_names()]
    if unknown:
        raise Invalid(f"map {unknown[0]!r} is not a PUBG map id (one of {', '.join(sorted(map_names()))})")
    current = {s["match_number"]: s for s in slots(conn, season_id, division, group, round_id)["slots"]}
    delays = {n: current[n]["delay_minutes"] if n in current else 0 for n in range(1, SLOTS_PER_ROUND + 1)}
    check_times(round_row, [(s["match_number"], s["planned_at"] + dt.timedelta(minutes=delays[s["match_number"]]))
                            for s in planned])
    record(conn, season_id, round_id, division, group, "schedule", current, author)
    for slot in planned:
        number = slot["match_number"]
        slot_id = current[number]["slot_id"] if number in current else f"{round_id}-{division}-{group}-{number}"
        upsert_slot(conn, slot_id, season_id, round_id, division, group, number, slot["planned_at"], delays[number],
                    slot["map_name"], author.reason, None if number in current else author.made_by)
    return slots(conn, season_id, division, group, round_id)


def upsert_slot(conn: psycopg.Connection, slot_id: str, season_id: str, round_id: str, division: str, group: str,
                number: int, planned_at: dt.datetime, delay: int, map_name: str, reason: str | None,
                created_by: str | None = None) -> None:
    """Write the slot's edit row; `created_by` (the account creating a slot the season did not have) is kept from
    the row's first write."""
    conn.execute(
        "INSERT INTO pubg.tournament_slot_edits (slot_id, season_id, round_id, division_id, group_id, match_number, "
        "planned_at, delay_minutes, map_name, reason, created_by) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (slot_id) DO UPDATE SET planned_at = excluded.planned_at, delay_minutes = excluded.delay_minutes, "
        "map_name = excluded.map_name, reason = excluded.reason, updated_at = now()",
        (slot_id, season_id, round_id, division, group, number, planned_at, delay, map_name, reason, created_by))


def write_delay(conn: psycopg.Connection, season_id: str | None, round_id: str, division: str, group: str,
                from_match: int, minutes: int, author: decisions.Author) -> dict:
    """Move the slots of `round_id` for a division and group from match `from_match` on by `minutes` (added to
    any delay they have); `Invalid` when the round has not its six slots, or a moved slot would break
    `check_times`."""
    season_id, _ = latest_season(conn, season_id)
    round_row = round_of(conn, season_id, round_id)
    current = {s["match_number"]: s for s in slots(conn, season_id, division, group, round_id)["slots"]}
    if sorted(current) != list(range(1, SLOTS_PER_ROUND + 1)):
        raise Invalid(f"round {round_id!r} of {division}/{group} has {len(current)} of its {SLOTS_PER_ROUND} slots: "
                      "set its schedule first")
    moved = {n: s["delay_minutes"] + (minutes if n >= from_match else 0) for n, s in current.items()}
    too_far = [n for n, d in moved.items() if abs(d) > MAX_DELAY_MINUTES]
    if too_far:
        raise Invalid(f"match {too_far[0]} would be moved {moved[too_far[0]]} min in all: at most "
                      f"{MAX_DELAY_MINUTES} min either way")
    check_times(round_row, [(n, s["planned_at"] + dt.timedelta(minutes=moved[n])) for n, s in current.items()])
    record(conn, season_id, round_id, division, group, "delay", current, author)
    for number in range(from_match, SLOTS_PER_ROUND + 1):
        s = current[number]
        upsert_slot(conn, s["slot_id"], season_id, round_id, division, group, number, s["planned_at"], moved[number],
                    s["scheduled_map"], author.reason)
    return slots(conn, season_id, division, group, round_id)


def record(conn: psycopg.Connection, season_id: str, round_id: str, division: str, group: str, action: str,
           current: dict[int, dict], author: decisions.Author, undoes: int | None = None) -> int:
    """Record `author`'s change of the lobby's slots with `current` (its slots by match number, as `slots` reads
    them) as they were before it, and its decision (an undo's undoing the decision of edit `undoes`); its edit id."""
    previous = [{"match_number": n, "slot_id": s["slot_id"], "planned_at": s["planned_at"].isoformat(),
                 "delay_minutes": s["delay_minutes"], "map_name": s["scheduled_map"], "edited": s["edited"]}
                for n, s in sorted(current.items())]
    edit_id = conn.execute(
        "INSERT INTO pubg.tournament_schedule_history (season_id, round_id, division_id, group_id, action, previous, "
        "reason, undoes, made_by, notes) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING edit_id",
        (season_id, round_id, division, group, action, Jsonb(previous), author.reason, undoes, author.made_by,
         author.notes)).fetchone()["edit_id"]
    undone = None if undoes is None else conn.execute(
        "SELECT decision_id FROM pubg.tournament_decisions WHERE schedule_edit_id = %s", (undoes,)).fetchone()
    decisions.record_decision(conn, action, author, season_id=season_id, round_id=round_id, division_id=division,
                              group_id=group, schedule_edit_id=edit_id,
                              undoes=undone["decision_id"] if undone else None)
    return edit_id


def undo(conn: psycopg.Connection, edit_id: int, author: decisions.Author) -> dict:
    """Restore the slots as they were before edit `edit_id` (`NotFound` for an unknown edit), recorded as `author`'s
    undo;
    `Invalid` when it is undone already, a later edit of its lobby came after it, or the slots it restores break
    the rules of a schedule (`check_lobby`, `check_times`, a map not in the dictionary)."""
    edit = conn.execute("SELECT * FROM pubg.tournament_schedule_history WHERE edit_id = %s FOR UPDATE",
                        (edit_id,)).fetchone()
    if edit is None:
        raise NotFound(f"schedule edit {edit_id} not found")
    if edit["undone_by"] is not None:
        raise Invalid(f"edit {edit_id} is undone already (by edit {edit['undone_by']})")
    season_id, round_id, division, group = edit["season_id"], edit["round_id"], edit["division_id"], edit["group_id"]
    [latest] = conn.execute(
        "SELECT max(edit_id) AS edit_id FROM pubg.tournament_schedule_history WHERE season_id = %s AND round_id = %s "
        "AND division_id = %s AND group_id = %s", (season_id, round_id, division, group)).fetchall()
    if latest["edit_id"] != edit_id:
        raise Invalid(f"edit {latest['edit_id']} of {division}/{group} in round {round_id!r} came after edit "
                      f"{edit_id}: undo it first")
    round_row = round_of(conn, season_id, round_id)
    check_lobby(conn, season_id, division, group)
    restored = {s["match_number"]: shown_slot(s) for s in edit["previous"]}
    unknown = [s["map_name"] for s in restored.values() if s["map_name"] not in map_names()]
    if unknown:
        raise Invalid(f"map {unknown[0]!r} is not a PUBG map id (one of {', '.join(sorted(map_names()))})")
    check_times(round_row, [(n, s["scheduled_at"]) for n, s in restored.items()])
    current = {s["match_number"]: s for s in slots(conn, season_id, division, group, round_id)["slots"]}
    undone = record(conn, season_id, round_id, division, group, "undo", current, author, edit_id)
    conn.execute("UPDATE pubg.tournament_schedule_history SET undone_by = %s WHERE edit_id = %s", (undone, edit_id))
    for number, slot in current.items():
        before = restored.get(number)
        if before is not None and before["edited"]:
            upsert_slot(conn, before["slot_id"], season_id, round_id, division, group, number, before["planned_at"],
                        before["delay_minutes"], before["map_name"], author.reason)
        elif slot["edited"]:
            conn.execute("DELETE FROM pubg.tournament_slot_edits WHERE slot_id = %s", (slot["slot_id"],))
    return {**slots(conn, season_id, division, group, round_id), "edit_id": undone}

