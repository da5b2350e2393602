"""The organisers' decisions (`pubg.tournament_decisions`): the list of a season's or a round's decisions with who
made them, why and whether each can still be undone, the latest decision's id, and the decisions standing in
public; the undo of one is `crud/pubg_decisions.py`'s."""

from __future__ import annotations

import datetime as dt

import psycopg
from psycopg import sql

from gamestats_assets.serve.core.models import field, shape
from gamestats_assets.serve.queries import NotFound, page, pubg_admin

DecisionRow = shape(
    "PubgDecision", "An organiser's decision: what, by whom, why, and whether it took effect",
    decision_id=field(int, "the decision's number, in the order they were made"),
    kind=field(str, "`override`, `round`, `schedule`, `delay` or `undo`"),
    season_id=field(str | None, "the season it is about (null for a match of no season)"),
    round=field(str | None, "the round it is about"), division=field(str | None, "the division it is about"),
    group=field(str | None, "the group it is about"),
    match_id=field(str | None, "the match an override (or its undo) decided on"),
    made_by=field(str, "the account that made it"), reason=field(str, "why (required)"),
    notes=field(str | None, "the organiser's notes"), made_at=field(dt.datetime, "when it was made"),
    undoes=field(int | None, "the decision an undo undid"), undone_by=field(int | None, "the undo that undid it"),
    can_undo=field(bool, "the latest decision standing on its match or round (the decisions before it can be undone "
                         "in turn), or the latest change of its lobby's slots"),
    status=field(str, "`applied` (the tournament tables were republished with it), `applying`, `failed`, "
                      "`waiting` (for the pipeline's next tick) or `pipeline not running`"),
    applied_at=field(dt.datetime | None, "when the tournament tables were republished with it"))
Decisions = shape("PubgDecisions", season_id=field(str | None, "the season listed (null: none published)"),
                  decisions=field(list[DecisionRow], "the page of decisions, newest first"),
                  total_count=field(int, "the decisions in all, every page"))

SUBJECT = """CASE WHEN d.match_id IS NOT NULL THEN 'match:' || d.match_id
                 WHEN d.division_id IS NOT NULL THEN concat_ws('/', 'lobby', d.season_id, d.round_id, d.division_id,
                                                              d.group_id)
                 ELSE concat_ws('/', 'round', d.season_id, d.round_id) END"""
"""What a decision decides on: a match, a lobby's slots in a round, or a round's window. The decisions on a match or
a round are undone latest first, each in turn; a lobby's slots follow their history (`crud.pubg_schedule.undo`): its latest
change alone, an undo included."""
LIST = f"""
SELECT * FROM (
    SELECT d.decision_id, d.kind, d.season_id, d.round_id AS round, d.division_id AS division, d.group_id AS "group",
           d.match_id, d.made_by, d.reason, d.notes, d.made_at, d.undoes, d.undone_by, d.schedule_edit_id,
           d.kind <> 'undo' AND d.undone_by IS NULL AND d.decision_id = CASE
               WHEN d.division_id IS NOT NULL AND d.match_id IS NULL THEN max(d.decision_id) OVER subject
               ELSE max(d.decision_id) FILTER (WHERE d.kind <> 'undo' AND d.undone_by IS NULL) OVER subject
           END AS can_undo
    FROM pubg.tournament_decisions d
    WINDOW subject AS (PARTITION BY {SUBJECT})) d
WHERE (%(season)s::text IS NULL OR d.season_id = %(season)s OR d.season_id IS NULL)
  AND (%(round)s::text IS NULL OR d.round = %(round)s
       OR d.match_id IN (SELECT match_id FROM pubg.tournament_matches WHERE round_id = %(round)s))
  AND (%(match)s::text IS NULL OR d.match_id = %(match)s)
ORDER BY d.decision_id DESC
"""


def decisions(conn: psycopg.Connection, season_id: str | None, round_id: str | None, match_id: str | None,
              limit: int, offset: int) -> dict:
    """The decisions of a season (the latest when none is given; decisions on matches of no season too), of a round
    (its own and those on its matches) or of a match, newest first, `limit` from `offset`, and how many there
    are."""
    try:
        season_id = pubg_admin.latest_season(conn, season_id)[0]
    except NotFound:
        if season_id is not None:
            raise
    found = page(conn, sql.SQL(LIST), {"season": season_id, "round": round_id, "match": match_id}, limit, offset)
    return {"season_id": season_id, "decisions": found["rows"], "total_count": found["total_count"]}


PublicDecision = shape(
    "PubgPublicDecision", "An organiser's decision standing on a match or a lobby, as viewers see it: what, who and why",
    decision_id=field(int, "the decision's number"),
    kind=field(str, "`removal` (a match taken out of the tournament), `override` (a match put on a slot or given a "
                    "status) or `delay` (a lobby's matches moved later or earlier)"),
    match_id=field(str | None, "the match it stands on (null for a delay)"),
    division=field(str | None, "the division of the lobby a delay moved"),
    round=field(str | None, "the round of the lobby a delay moved"),
    made_by=field(str, "the account that made it"), made_at=field(dt.datetime, "when it was made"),
    what=field(str, "`not a tournament match`, `put on <division> · <round> · match #<n>`, `status <status>`, "
                    "`corrected`, or for a delay `<division> · <round>: match #<n> <+m> min, ...`"),
    reason=field(str, "why (the organiser's words)"),
    scored=field(bool | None, "the match counts in the standings now (null: not built with it yet, or a delay)"))
PublicDecisions = shape("PubgPublicDecisions", decisions=field(list[PublicDecision], "the decisions, newest first"),
                        total_count=field(int, "the decisions listed"))
STANDING = """
SELECT DISTINCT ON (d.match_id) d.decision_id, d.match_id, d.made_at, d.made_by, d.reason, o.scored,
       w.is_tournament_match, w.slot_id, w.status, s.division_id, s.match_number, r.name AS round_name
FROM pubg.tournament_decisions d
JOIN pubg.tournament_match_overrides w USING (match_id)
LEFT JOIN pubg.tournament_match_outcomes o USING (match_id)
LEFT JOIN pubg.tournament_matches t USING (match_id)
LEFT JOIN pubg.tournament_scheduled_matches s ON s.slot_id = w.slot_id
LEFT JOIN pubg.tournament_rounds r ON r.season_id = s.season_id AND r.round_id = s.round_id
WHERE d.kind = 'override' AND d.undone_by IS NULL AND (%(season)s::text IS NULL OR t.season_id = %(season)s)
ORDER BY d.match_id, d.decision_id DESC
"""
DELAYS = """
SELECT DISTINCT ON (d.season_id, d.round_id, d.division_id, d.group_id) d.decision_id, d.made_at, d.made_by,
       d.reason, d.round_id, d.division_id, coalesce(r.name, d.round_id) AS round_name,
       (SELECT string_agg('match #' || e.match_number || ' ' || CASE WHEN e.delay_minutes > 0 THEN '+' ELSE '' END
                          || e.delay_minutes || ' min', ', ' ORDER BY e.match_number)
        FROM pubg.tournament_slot_edits e WHERE e.season_id = d.season_id AND e.round_id = d.round_id
        AND e.division_id = d.division_id AND e.group_id = d.group_id AND e.delay_minutes <> 0) AS moved
FROM pubg.tournament_decisions d
LEFT JOIN pubg.tournament_rounds r ON r.season_id = d.season_id AND r.round_id = d.round_id
WHERE d.kind = 'delay' AND d.undone_by IS NULL AND (%(season)s::text IS NULL OR d.season_id = %(season)s)
ORDER BY d.season_id, d.round_id, d.division_id, d.group_id, d.decision_id DESC
"""
"""A lobby's latest delay standing, with its slots' delays as they are now (all its standing delays summed)."""


def _override(d: dict) -> dict:
    return {"decision_id": d["decision_id"], "kind": "removal" if d["is_tournament_match"] is False else "override",
            "match_id": d["match_id"], "division": None, "round": None, "made_by": d["made_by"],
            "made_at": d["made_at"], "reason": d["reason"], "scored": d["scored"],
            "what": ("not a tournament match" if d["is_tournament_match"] is False
                     else f"put on {d['division_id']} · {d['round_name']} · match #{d['match_number']}"
                     if d["match_number"] else "put on a slot of the schedule" if d["slot_id"]
                     else f"status {d['status']}" if d["status"] else "corrected")}


def _delay(d: dict) -> dict:
    return {"decision_id": d["decision_id"], "kind": "delay", "match_id": None, "division": d["division_id"],
            "round": d["round_id"], "made_by": d["made_by"], "made_at": d["made_at"], "reason": d["reason"],
            "scored": None,
            "what": f"{d['division_id']} · {d['round_name']}: {d['moved'] or 'back on its planned times'}"}


def standing(conn: psycopg.Connection, season_id: str | None) -> dict:
    """The overrides standing on the matches of a season and the delays standing on its lobbies (every season when
    none is given; `NotFound` for one neither published nor edited), newest first: what each did, who made it and
    why, for viewers."""
    if season_id is not None:
        pubg_admin.latest_season(conn, season_id)
    found = [_override(d) for d in conn.execute(STANDING, {"season": season_id}).fetchall()]
    found += [_delay(d) for d in conn.execute(DELAYS, {"season": season_id}).fetchall()]
    shown = sorted(found, key=lambda d: d["decision_id"], reverse=True)
    return {"decisions": shown, "total_count": len(shown)}


def latest_decision(conn: psycopg.Connection) -> int:
    """The id of the latest decision, 0 while there is none."""
    return conn.execute("SELECT coalesce(max(decision_id), 0) AS id FROM pubg.tournament_decisions").fetchone()["id"]
