"""The undo of an organiser's decision (an override, a round's window, a change of a lobby's slots), itself
recorded as a decision (`pubg.tournament_decisions`)."""

from __future__ import annotations

import psycopg

from gamestats_assets.serve.crud import pubg_schedule
from gamestats_assets.serve.queries import NotFound, pubg_admin
from gamestats_assets.serve.queries.pubg_decisions import LIST
from gamestats_assets.sources.pubg.decisions import Author, current_override, put_override, record_decision


def undo(conn: psycopg.Connection, decision_id: int, author: Author) -> int:
    """Undo decision `decision_id` by `author`: an override's match gets back the override it replaced (or none), a
    round its window before, a lobby its slots before (`pubg_schedule.undo`); `NotFound` for an unknown decision,
    `pubg_schedule.Invalid` when it cannot be undone (an undo, undone already, or a later decision on the same match,
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
        raise pubg_schedule.Invalid(f"decision {decision_id} cannot be undone: {why}")
    if found["schedule_edit_id"] is not None:
        edit = pubg_schedule.undo(conn, found["schedule_edit_id"], author)["edit_id"]
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
        pubg_schedule.put_round_edit(conn, found["season_id"], found["round"], previous)
    return record_decision(conn, "undo", author, previous=replaced, undoes=decision_id, **scope)

