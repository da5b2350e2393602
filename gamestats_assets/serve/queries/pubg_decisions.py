"""The organisers' decisions (`pubg.tournament_decisions`): the list of a season's or a round's decisions with who
made them, why and whether each can still be undone, and the undo of one (an override, a round's window, a change
of a lobby's slots), itself recorded as a decision."""

from __future__ import annotations

import datetime as dt

import psycopg
from psycopg import sql

from gamestats_assets.serve.models import field, shape
from gamestats_assets.serve.queries import NotFound, page
from gamestats_assets.serve.queries import pubg_admin
from gamestats_assets.sources.pubg.decisions import Author, current_override, put_override, record_decision

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
a round are undone latest first, each in turn; a lobby's slots follow their history (`pubg_admin.undo`): its latest
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
    "PubgPublicDecision", "An organiser's decision standing on a match, as viewers see it (no author, no notes)",
    decision_id=field(int, "the decision's number"), match_id=field(str, "the match it stands on"),
    made_at=field(dt.datetime, "when it was made"),
    what=field(str, "`not a tournament match`, `put on <division> · <round> · match #<n>`, `status <status>` or "
                    "`corrected`"),
    reason=field(str, "why (the organiser's words)"),
    scored=field(bool | None, "the match counts in the standings now (null: not built with it yet)"))
PublicDecisions = shape("PubgPublicDecisions", decisions=field(list[PublicDecision], "the decisions, newest first"),
                        total_count=field(int, "the decisions listed"))
STANDING = """
SELECT DISTINCT ON (d.match_id) d.decision_id, d.match_id, d.made_at, d.reason, o.scored,
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


def standing(conn: psycopg.Connection, season_id: str | None) -> dict:
    """The overrides standing on the matches of a season (every season when none is given; `NotFound` for one
    neither published nor edited), newest first: what each did and why, for viewers."""
    if season_id is not None:
        pubg_admin.latest_season(conn, season_id)
    found = conn.execute(STANDING, {"season": season_id}).fetchall()
    shown = [{"decision_id": d["decision_id"], "match_id": d["match_id"], "made_at": d["made_at"],
              "reason": d["reason"], "scored": d["scored"],
              "what": ("not a tournament match" if d["is_tournament_match"] is False
                       else f"put on {d['division_id']} · {d['round_name']} · match #{d['match_number']}"
                       if d["match_number"] else "put on a slot of the schedule" if d["slot_id"]
                       else f"status {d['status']}" if d["status"] else "corrected")}
             for d in sorted(found, key=lambda d: d["decision_id"], reverse=True)]
    return {"decisions": shown, "total_count": len(shown)}


def undo(conn: psycopg.Connection, decision_id: int, author: Author) -> int:
    """Undo decision `decision_id` by `author`: an override's match gets back the override it replaced (or none), a
    round its window before, a lobby its slots before (`pubg_admin.undo`); `NotFound` for an unknown decision,
    `pubg_admin.Invalid` when it cannot be undone (an undo, undone already, or a later decision on the same match,
    round or lobby stands). The undo's decision id."""
    found = next((d for d in conn.execute(
        f"SELECT * FROM ({LIST}) d WHERE decision_id = %(decision)s",
        {"season": None, "round": None, "match": None, "decision": decision_id}).fetchall()), None)
    if found is None:
        raise NotFound(f"decision {decision_id} not found")
    if not found["can_undo"]:
        why = ("an undo is not undone: make the decision again" if found["kind"] == "undo"
               else f"it is undone already (by decision {found['undone_by']})" if found["undone_by"]
               else "a later decision on the same match, round or lobby stands: undo that one first")
        raise pubg_admin.Invalid(f"decision {decision_id} cannot be undone: {why}")
    if found["schedule_edit_id"] is not None:
        edit = pubg_admin.undo(conn, found["schedule_edit_id"], author)["edit_id"]
        return conn.execute("SELECT decision_id FROM pubg.tournament_decisions WHERE schedule_edit_id = %s",
                            (edit,)).fetchone()["decision_id"]
    previous = conn.execute("SELECT previous FROM pubg.tournament_decisions WHERE decision_id = %s",
                            (decision_id,)).fetchone()["previous"]
    scope = {"season_id": found["season_id"], "round_id": found["round"], "division_id": found["division"],
             "group_id": found["group"], "match_id": found["match_id"]}
    if found["kind"] == "override":
        replaced = current_override(conn, found["match_id"])
        put_override(conn, found["match_id"], previous)
    else:
        replaced = pubg_admin.round_edit(conn, found["season_id"], found["round"])
        pubg_admin.put_round_edit(conn, found["season_id"], found["round"], previous)
    return record_decision(conn, "undo", author, previous=replaced, undoes=decision_id, **scope)
