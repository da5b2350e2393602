"""The PUBG admin's reads: a season's rounds and schedule slots as the organiser set them (the published
`tournament_rounds` and `tournament_scheduled_matches`, with the rows of `pubg.tournament_round_edits` and
`pubg.tournament_slot_edits` in place of theirs until the pipeline applies them), the validation list with its
filters, and the history of a round's slots (`pubg.tournament_schedule_history`); the writes are
`crud/pubg_schedule.py`'s (the roster's reads are `pubg_roster.py`'s).

Every read here is of rows the admin writes as well as published ones, so it is read as it is now, never cached."""

from __future__ import annotations

import datetime as dt

import psycopg

from gamestats_assets.published.pubg import COLUMNS
from gamestats_assets.serve.core.models import field, shape, typed
from gamestats_assets.serve.queries import NotFound
from gamestats_assets.sources.pubg.reference import dictionary, map_display_name

SLOTS_PER_ROUND = 6
"""Match slots of a round, a division and group: the design's six."""
MIN_SLOT_GAP = dt.timedelta(minutes=30)
"""The least time between two slots of a lobby: a match lasts about half an hour, and a match is placed on the
slot of its map nearest its start within 30 minutes."""
MAX_DELAY_MINUTES = 240
"""The most a delay moves a slot either way."""
VALIDATION_STATUSES = ("confirmed", "unscheduled", "remake_candidate", "mixed_division", "remake_failed")
NEEDS_OVERRIDE = ("unscheduled", "remake_candidate", "mixed_division", "remake_failed")
"""Statuses of a match that an organiser decides on (while no override of theirs holds for it)."""
ROUNDS, SLOTS = COLUMNS["tournament_rounds"], COLUMNS["tournament_scheduled_matches"]
CHECKED = COLUMNS["tournament_matches"]
MAP = COLUMNS["matches"]["map_name"]


def map_names() -> dict[str, str]:
    """Each map id (`Baltic_Main`) and the name players know it by (`Erangel (Remastered)`)."""
    return dictionary("mapName")


AdminRound = shape(
    "PubgAdminRound", "A round of the season as the organiser set it", round=typed(ROUNDS["round_id"]),
    name=typed(ROUNDS["name"]), starts_at=typed(ROUNDS["starts_at"]), ends_at=typed(ROUNDS["ends_at"]),
    edited=field(bool, "set through the admin endpoints"),
    applied=field(bool, "the published round holds the edit (false until the pipeline's next build)"))
Lobby = shape("PubgAdminLobby", "A division and group of the season", division=field(str, "the division"),
              group=field(str, "the group"))
MapChoice = shape("PubgMapChoice", "A map a slot can be played on", map_name=field(str, "the map's id"),
                  display=field(str, "the name players know it by"))
AdminSeason = shape(
    "PubgAdminSeason", "A season's rounds, lobbies and the maps a slot can name",
    season_id=typed(ROUNDS["season_id"]), season_name=typed(ROUNDS["season_name"]),
    rounds=field(list[AdminRound], "its rounds, by start"), lobbies=field(list[Lobby], "its divisions and groups"),
    maps=field(list[MapChoice], "the maps a slot can name"))

SEASON_ROUNDS = """
SELECT coalesce(e.round_id, r.round_id) AS round, coalesce(e.name, r.name) AS name,
       coalesce(e.starts_at, r.starts_at) AS starts_at, coalesce(e.ends_at, r.ends_at) AS ends_at,
       e.round_id IS NOT NULL AS edited,
       coalesce(e.round_id IS NULL OR (r.starts_at = e.starts_at AND r.ends_at = e.ends_at
                                       AND r.name IS NOT DISTINCT FROM e.name), false) AS applied
FROM (SELECT * FROM pubg.tournament_rounds WHERE season_id = %(season)s) r
FULL JOIN (SELECT * FROM pubg.tournament_round_edits WHERE season_id = %(season)s) e USING (round_id)
ORDER BY starts_at NULLS LAST, round
"""


def latest_season(conn: psycopg.Connection, season_id: str | None) -> tuple[str, str | None]:
    """The season asked for (`NotFound` when neither published nor edited), else the one starting last."""
    found = conn.execute(
        "SELECT season_id, max(season_name) AS season_name FROM ("
        "SELECT season_id, season_name, starts_at FROM pubg.tournament_rounds UNION ALL "
        "SELECT season_id, NULL, starts_at FROM pubg.tournament_round_edits) s "
        "WHERE %(season)s::text IS NULL OR season_id = %(season)s GROUP BY season_id "
        "ORDER BY min(starts_at) DESC NULLS LAST, season_id DESC LIMIT 1", {"season": season_id}).fetchone()
    if found is None:
        raise NotFound("no tournament season has been published" if season_id is None
                       else f"season {season_id!r} not found")
    return found["season_id"], found["season_name"]


def season(conn: psycopg.Connection, season_id: str | None) -> dict:
    season_id, season_name = latest_season(conn, season_id)
    lobbies = conn.execute(
        "SELECT DISTINCT division_id AS division, group_id AS \"group\" FROM ("
        "SELECT division_id, group_id FROM pubg.tournament_scheduled_matches WHERE season_id = %(season)s UNION "
        "SELECT division_id, group_id FROM pubg.tournament_slot_edits WHERE season_id = %(season)s) l "
        "ORDER BY 1, 2", {"season": season_id}).fetchall()
    return {"season_id": season_id, "season_name": season_name,
            "rounds": conn.execute(SEASON_ROUNDS, {"season": season_id}).fetchall(), "lobbies": lobbies,
            "maps": [{"map_name": m, "display": d} for m, d in sorted(map_names().items(), key=lambda p: p[1])]}


AdminSlot = shape(
    "PubgAdminSlot", "A schedule slot as the organiser set it, and the match linked to it",
    slot_id=typed(SLOTS["slot_id"]), season_id=typed(SLOTS["season_id"]), division=typed(SLOTS["division_id"]),
    group=typed(SLOTS["group_id"]), round=typed(SLOTS["round_id"]), round_name=typed(ROUNDS["name"]),
    match_number=typed(SLOTS["match_number"]),
    scheduled_at=field(dt.datetime, "when the slot starts: its planned time moved by its delay"),
    planned_at=field(dt.datetime, "its planned time"), delay_minutes=field(int, "how far a delay moved it"),
    scheduled_map=typed(SLOTS["map_name"]), scheduled_map_name=field(str | None, "the map's name"),
    status=field(str, "the published slot's status (`pending` for a slot the pipeline has not built yet)"),
    attempts=field(int, "matches placed on the slot"), is_remake=typed(SLOTS["is_remake"]),
    original_match_id=typed(SLOTS["original_match_id"]), match_id=typed(SLOTS["match_id"]),
    started_at=typed(SLOTS["started_at"]), actual_map=typed(MAP), actual_map_name=field(str | None, "its name"),
    edited=field(bool, "set through the admin endpoints"),
    applied=field(bool, "the published slot holds the edit (false until the pipeline's next build)"),
    edit_reason=field(str | None, "why it was last edited or delayed"),
    created_by=field(str | None, "the account that created the slot through the admin endpoints (null for a slot "
                                 "of the organisers' file)"),
    remake_reason=field(str | None, "why a match on the slot was remade (null unless a remake was placed on it)"))
AdminSlots = shape("PubgAdminSlots", season_id=field(str, "the season listed"),
                   slots=field(list[AdminSlot], "the slots, by time"), total_count=field(int, "the slots listed"),
                   published_at=field(dt.datetime | None, "when the published slots were last republished"))

SEASON_SLOTS = """
SELECT coalesce(e.slot_id, s.slot_id) AS slot_id, coalesce(e.season_id, s.season_id) AS season_id,
       coalesce(e.division_id, s.division_id) AS division, coalesce(e.group_id, s.group_id) AS "group",
       coalesce(e.round_id, s.round_id) AS round, coalesce(re.name, r.name) AS round_name,
       coalesce(e.match_number, s.match_number) AS match_number,
       coalesce(e.planned_at + make_interval(mins => e.delay_minutes), s.scheduled_at) AS scheduled_at,
       coalesce(e.planned_at, s.scheduled_at) AS planned_at, coalesce(e.delay_minutes, 0) AS delay_minutes,
       coalesce(e.map_name, s.map_name) AS scheduled_map, coalesce(s.status, 'pending') AS status,
       coalesce(s.attempts, 0) AS attempts, coalesce(s.is_remake, false) AS is_remake, s.original_match_id,
       s.match_id, s.started_at, m.map_name AS actual_map, e.slot_id IS NOT NULL AS edited,
       coalesce(e.slot_id IS NULL OR (s.scheduled_at = e.planned_at + make_interval(mins => e.delay_minutes)
                                      AND s.map_name = e.map_name), false) AS applied, e.reason AS edit_reason,
       e.created_by, e.remake_reason
FROM (SELECT * FROM pubg.tournament_scheduled_matches WHERE season_id = %(season)s) s
FULL JOIN (SELECT * FROM pubg.tournament_slot_edits WHERE season_id = %(season)s) e USING (slot_id)
LEFT JOIN pubg.matches m ON m.match_id = s.match_id
LEFT JOIN pubg.tournament_rounds r ON r.season_id = %(season)s AND r.round_id = coalesce(e.round_id, s.round_id)
LEFT JOIN pubg.tournament_round_edits re ON re.season_id = %(season)s AND re.round_id = coalesce(e.round_id, s.round_id)
"""


def slots(conn: psycopg.Connection, season_id: str | None, division: str | None, group: str | None,
          round_id: str | None) -> dict:
    """The season's slots (of `division`, `group` and `round_id` when given), by time."""
    season_id, _ = latest_season(conn, season_id)
    found = conn.execute(
        f"SELECT * FROM ({SEASON_SLOTS}) t WHERE (%(division)s::text IS NULL OR division = %(division)s) "
        "AND (%(group)s::text IS NULL OR \"group\" = %(group)s) AND (%(round)s::text IS NULL OR round = %(round)s) "
        "ORDER BY scheduled_at, division, \"group\", match_number, slot_id",
        {"season": season_id, "division": division, "group": group, "round": round_id}).fetchall()
    for slot in found:
        slot["scheduled_map_name"] = map_display_name(slot["scheduled_map"])
        slot["actual_map_name"] = map_display_name(slot["actual_map"])
    published = conn.execute("SELECT max(published_at) AS at FROM public.publish_log WHERE table_name = "
                             "'pubg.tournament_scheduled_matches'").fetchone()
    return {"season_id": season_id, "slots": found, "total_count": len(found), "published_at": published["at"]}


Checked = shape(
    "PubgAdminCheckedMatch", "A match's validation, with why, any override and what it needs",
    match_id=typed(CHECKED["match_id"]), created_at=typed(COLUMNS["matches"]["created_at"]), map_name=typed(MAP),
    map_display_name=field(str | None, "the map's name as players know it"),
    division=typed(CHECKED["division_id"]),
    group=typed(CHECKED["group_id"]), round=typed(CHECKED["round_id"]), round_name=typed(ROUNDS["name"]),
    slot_id=typed(CHECKED["slot_id"]),
    validation_status=field(str | None, "the match's final status (its outcome's, else its context's)"),
    team_count=typed(CHECKED["team_count"]), unmatched_player_count=typed(CHECKED["unmatched_player_count"]),
    is_tournament_match=typed(CHECKED["is_tournament_match"]), overridden=typed(CHECKED["overridden"]),
    reason=typed(CHECKED["reason"]),
    override_pending=field(bool, "an override is written that the match's next run has not applied yet"),
    needs_override=field(bool, "its status asks for an organiser's decision and no override of theirs holds"))
Validation = shape("PubgAdminValidation", season_id=field(str, "the season listed"),
                   matches=field(list[Checked], "the matches asked for, newest first"),
                   total_count=field(int, "the matches listed"))

VALIDATION = """
SELECT t.match_id, m.created_at, m.map_name, t.division_id AS division, t.group_id AS "group",
       t.round_id AS round, coalesce(re.name, r.name) AS round_name, t.slot_id,
       coalesce(o.status, t.status) AS validation_status, t.team_count, t.unmatched_player_count,
       t.is_tournament_match, t.overridden, coalesce(o.reason, t.reason) AS reason,
       (w.match_id IS NOT NULL AND NOT t.overridden) AS override_pending,
       (coalesce(o.status, t.status) = ANY(%(needs)s) AND NOT t.overridden AND w.match_id IS NULL) AS needs_override
FROM pubg.tournament_matches t
LEFT JOIN pubg.tournament_match_outcomes o USING (match_id)
LEFT JOIN pubg.matches m USING (match_id)
LEFT JOIN pubg.tournament_match_overrides w USING (match_id)
LEFT JOIN pubg.tournament_rounds r ON r.season_id = t.season_id AND r.round_id = t.round_id
LEFT JOIN pubg.tournament_round_edits re ON re.season_id = t.season_id AND re.round_id = t.round_id
WHERE t.season_id = %(season)s
  AND (%(division)s::text IS NULL OR t.division_id = %(division)s OR t.division_id IS NULL)
  AND (%(round)s::text IS NULL OR t.round_id = %(round)s OR t.round_id IS NULL)
  AND (%(from)s::timestamptz IS NULL OR m.created_at >= %(from)s)
  AND (%(to)s::timestamptz IS NULL OR m.created_at < %(to)s)
ORDER BY m.created_at DESC NULLS LAST, t.match_id
"""


def validation(conn: psycopg.Connection, season_id: str | None, division: str | None, round_id: str | None,
               status: str | None, played_from: dt.datetime | None, played_to: dt.datetime | None) -> dict:
    """The season's matches by validation status, newest first. A division or round asked for keeps the matches
    placed in none (a mixed-division lobby, a match outside every round's window): they may be of it. `status`
    `needs_override` asks for those an organiser has to decide on (`NEEDS_OVERRIDE`, no override written)."""
    season_id, _ = latest_season(conn, season_id)
    found = conn.execute(VALIDATION, {"season": season_id, "division": division, "round": round_id,
                                      "from": played_from, "to": played_to, "needs": list(NEEDS_OVERRIDE)}).fetchall()
    if status == "needs_override":
        found = [m for m in found if m["needs_override"]]
    elif status is not None:
        found = [m for m in found if m["validation_status"] == status]
    for match in found:
        match["map_display_name"] = map_display_name(match["map_name"])
    return {"season_id": season_id, "matches": found, "total_count": len(found)}


def round_of(conn: psycopg.Connection, season_id: str, round_id: str) -> dict:
    """The round as the organiser set it (`NotFound` naming it when neither published nor edited)."""
    found = next((r for r in conn.execute(SEASON_ROUNDS, {"season": season_id}) if r["round"] == round_id), None)
    if found is None:
        raise NotFound(f"round {round_id!r} not found in season {season_id!r}: create it first")
    return found


def round_edit(conn: psycopg.Connection, season_id: str, round_id: str) -> dict | None:
    """The round's edit row (its name and window) as it is now, None when it has none."""
    return conn.execute("SELECT name, starts_at, ends_at FROM pubg.tournament_round_edits WHERE season_id = %s "
                        "AND round_id = %s", (season_id, round_id)).fetchone()


HISTORY_SHOWN = 10
"""The edits of a round's lobby the history lists, newest first."""

PreviousSlot = shape("PubgPreviousSlot", "A slot as it was before an edit",
                     match_number=field(int, "its number in the round"), slot_id=field(str, "the slot"),
                     scheduled_at=field(dt.datetime, "its time then: planned time moved by its delay"),
                     planned_at=field(dt.datetime, "its planned time then"),
                     delay_minutes=field(int, "how far a delay had moved it"),
                     map_name=field(str, "the map's id it was planned on"),
                     map_display_name=field(str | None, "the map's name"),
                     edited=field(bool, "an edit row held it (else the organisers' file's slot)"))
ScheduleEdit = shape(
    "PubgScheduleEdit", "A change of a round's slots for a division and group, with the slots before it",
    edit_id=field(int, "the edit's number, in the order they were made"), season_id=field(str, "its season"),
    round=field(str, "its round"), division=field(str, "its division"), group=field(str, "its group"),
    action=field(str, "`schedule`, `delay` or `undo`"), reason=field(str | None, "why (the organiser's words)"),
    edited_at=field(dt.datetime, "when it was made"),
    undoes=field(int | None, "the edit an undo undid"), undone_by=field(int | None, "the undo that undid it"),
    previous=field(list[PreviousSlot], "the slots before the edit (what its undo restores)"),
    can_undo=field(bool, "the lobby's latest edit, not undone yet"))
ScheduleHistory = shape("PubgScheduleHistory", season_id=field(str, "the season listed"),
                        edits=field(list[ScheduleEdit], "the lobby's latest edits, newest first"),
                        total_count=field(int, "the edits listed"))


def shown_slot(slot: dict) -> dict:
    planned = dt.datetime.fromisoformat(slot["planned_at"])
    return {**slot, "planned_at": planned, "scheduled_at": planned + dt.timedelta(minutes=slot["delay_minutes"]),
            "map_display_name": map_display_name(slot["map_name"])}


EDITS = """
SELECT h.edit_id, h.season_id, h.round_id AS round, h.division_id AS division, h.group_id AS "group", h.action,
       h.reason, h.edited_at, h.undoes, h.undone_by, h.previous,
       h.undone_by IS NULL AND h.edit_id = max(h.edit_id) OVER (PARTITION BY h.season_id, h.round_id, h.division_id,
                                                                   h.group_id) AS can_undo
FROM pubg.tournament_schedule_history h
WHERE h.season_id = %(season)s AND (%(round)s::text IS NULL OR h.round_id = %(round)s)
  AND (%(division)s::text IS NULL OR h.division_id = %(division)s) AND (%(group)s::text IS NULL OR h.group_id = %(group)s)
ORDER BY h.edit_id DESC
"""


def history(conn: psycopg.Connection, season_id: str | None, round_id: str, division: str | None,
            group: str | None) -> dict:
    """The latest `HISTORY_SHOWN` changes of `round_id`'s slots (of `division` and `group` when given), newest
    first, each with the slots before it."""
    season_id, _ = latest_season(conn, season_id)
    found = conn.execute(EDITS, {"season": season_id, "round": round_id, "division": division,
                                 "group": group}).fetchall()
    for edit in found:
        edit["previous"] = [shown_slot(s) for s in edit["previous"]]
    return {"season_id": season_id, "edits": found[:HISTORY_SHOWN], "total_count": len(found)}


