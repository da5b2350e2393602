"""The PUBG admin interface as endpoints (the organiser role): schedule slots of a round, the validation list,
match overrides that the match's next run applies, and the tracked-player roster (`pubg.players`).

Reads go through the read-only role like every other; the writes are the rows the platform already reads
(`pubg.tournament_match_overrides`, `pubg.players`), written over the platform's own connection."""

from __future__ import annotations

from typing import Annotated, Literal

import psycopg
from fastapi import APIRouter, Depends, HTTPException, Path, Request
from psycopg import sql
from pydantic import BaseModel, Field, model_validator

from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets.serve.envelope import enveloped
from gamestats_assets.serve.guard import role
from gamestats_assets.serve.pubg import Round, SeasonId, Text, context, context_filter
from gamestats_assets.serve.reader import Reader

router = APIRouter(prefix="/api/v1/admin/pubg", tags=["pubg admin"], dependencies=[Depends(role("organiser"))])

VALIDATION_STATUSES = ("confirmed", "unscheduled", "remake_candidate", "mixed_division", "remake_failed")
Identifier = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:#@+-]+$")]


def reader_of(request: Request) -> Reader:
    return request.app.state.reader


@router.get("/schedule", summary="The schedule slots of a round with the match linked to each")
def schedule_slots(request: Request, season_id: SeasonId = None, division: Text = None, group: Text = None,
                   round: Round = None) -> dict:
    def compute(conn: psycopg.Connection) -> dict:
        ctx = context(conn, season_id, division, group, round)
        where, params = context_filter(ctx, "s")
        slots = conn.execute(sql.SQL(
            "SELECT s.slot_id, s.division_id AS division, s.group_id AS \"group\", s.round_id AS round, "
            "s.match_number, s.scheduled_at, s.map_name AS scheduled_map, s.status, s.attempts, s.is_remake, "
            "s.original_match_id, s.match_id, s.started_at, m.map_name AS actual_map "
            "FROM pubg.tournament_scheduled_matches s LEFT JOIN pubg.matches m USING (match_id) WHERE {} "
            "ORDER BY s.scheduled_at, s.slot_id").format(where), params).fetchall()
        return {"context": ctx.metadata(), "data": {"slots": slots, "total_count": len(slots)}}

    answer = reader_of(request).read(("pubg.tournament_scheduled_matches", "pubg.matches", "pubg.tournament_rounds"),
                                     ("admin-schedule", season_id, division, group, round), compute)
    return enveloped(answer, "data", **answer.data["context"])


@router.get("/validation", summary="Matches by validation status, with why and any override")
def validation(request: Request, season_id: SeasonId = None, division: Text = None, round: Round = None,
               status: Literal[VALIDATION_STATUSES] | None = None) -> dict:
    def compute(conn: psycopg.Connection) -> dict:
        ctx = context(conn, season_id, division, None, round)
        where, params = context_filter(ctx, "t")
        rows = conn.execute(sql.SQL(
            "SELECT t.match_id, m.created_at, m.map_name, t.division_id AS division, t.group_id AS \"group\", "
            "t.round_id AS round, t.slot_id, coalesce(o.status, t.status) AS validation_status, "
            "t.team_count, t.unmatched_player_count, t.is_tournament_match, t.overridden, "
            "coalesce(o.reason, t.reason) AS reason FROM pubg.tournament_matches t "
            "LEFT JOIN pubg.tournament_match_outcomes o USING (match_id) LEFT JOIN pubg.matches m USING (match_id) "
            "WHERE {} AND (%s::text IS NULL OR coalesce(o.status, t.status) = %s) "
            "ORDER BY m.created_at DESC NULLS LAST, t.match_id").format(where), [*params, status, status]).fetchall()
        return {"context": ctx.metadata(), "data": {"matches": rows, "total_count": len(rows)}}

    answer = reader_of(request).read(
        ("pubg.tournament_matches", "pubg.tournament_match_outcomes", "pubg.matches", "pubg.tournament_rounds",
         "pubg.tournament_scheduled_matches"), ("admin-validation", season_id, division, round, status), compute)
    return enveloped(answer, "data", **answer.data["context"], status=status)


class Override(BaseModel):
    """An organiser's correction of a match: assign it to a round and slot, mark it as the remake of another
    match (it takes that match's slot), or mark it as not a tournament match. Unset fields keep the automatic
    value."""

    division_id: str | None = Field(None, min_length=1, max_length=64)
    group_id: str | None = Field(None, min_length=1, max_length=64)
    round_id: str | None = Field(None, min_length=1, max_length=64)
    slot_id: str | None = Field(None, min_length=1, max_length=128)
    remake_of: str | None = Field(None, min_length=1, max_length=128)
    status: Literal["confirmed", "unscheduled", "remake_candidate", "mixed_division"] | None = None
    is_tournament_match: bool | None = None
    reason: str = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def one_change(self) -> Override:
        if self.remake_of and self.slot_id:
            raise ValueError("give remake_of or slot_id, not both")
        if all(getattr(self, f) is None for f in ("division_id", "group_id", "round_id", "slot_id", "remake_of",
                                                   "status", "is_tournament_match")):
            raise ValueError("an override changes at least one of the match's context fields")
        return self


@router.put("/matches/{match_id}/override", summary="Correct a match's tournament context; its next run applies it")
def override_match(request: Request, match_id: Identifier, override: Override) -> dict:
    with connect(request.app.state.settings.pg_url) as conn, conn.transaction():
        if conn.execute("SELECT 1 FROM pubg.matches WHERE match_id = %s", (match_id,)).fetchone() is None:
            raise HTTPException(404, f"match {match_id!r} not found")
        fields = override.model_dump(exclude={"remake_of"})
        if override.remake_of:
            original = conn.execute("SELECT division_id, group_id, round_id, slot_id FROM pubg.tournament_match_outcomes "
                                    "WHERE match_id = %s AND slot_id IS NOT NULL", (override.remake_of,)).fetchone()
            if original is None:
                raise HTTPException(404, f"match {override.remake_of!r} has no schedule slot to be remade")
            fields.update(zip(("division_id", "group_id", "round_id", "slot_id"), original))
        names = [sql.Identifier(c) for c in ["match_id", *fields, "updated_at"]]
        conn.execute(sql.SQL("INSERT INTO pubg.tournament_match_overrides ({}) VALUES ({}, now()) "
                             "ON CONFLICT (match_id) DO UPDATE SET {}").format(
            sql.SQL(", ").join(names), sql.SQL(", ").join(sql.Placeholder() * (len(names) - 1)),
            sql.SQL(", ").join(sql.SQL("{0} = excluded.{0}").format(n) for n in names[1:])),
            [match_id, *fields.values()])
    return {"match_id": match_id, "override": fields, "applied": "on the match's next run"}


class Player(BaseModel):
    player_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:#@+-]+$")


@router.get("/players", summary="The tracked players added through the roster table")
def players(request: Request) -> dict:
    answer = reader_of(request).uncached(
        lambda conn: conn.execute("SELECT player_id, added_at FROM pubg.players ORDER BY player_id").fetchall())
    return enveloped(answer)


@router.post("/players", status_code=201, summary="Track a player; the next sensor tick backfills their history")
def add_player(request: Request, player: Player) -> dict:
    with connect(request.app.state.settings.pg_url) as conn:
        added = conn.execute("INSERT INTO pubg.players (player_id) VALUES (%s) ON CONFLICT DO NOTHING",
                             (player.player_id,)).rowcount
    return {"player_id": player.player_id, "added": bool(added)}


@router.delete("/players/{player_id}", summary="Stop tracking a player")
def remove_player(request: Request, player_id: Identifier) -> dict:
    with connect(request.app.state.settings.pg_url) as conn:
        removed = conn.execute("DELETE FROM pubg.players WHERE player_id = %s", (player_id,)).rowcount
    if not removed:
        raise HTTPException(404, f"player {player_id!r} is not on the roster table")
    return {"player_id": player_id, "removed": True}


def backfill_progress(backfill) -> dict:
    """A tracked player's backfill as the admin page shows it: partitions done, failed and in all, and status."""
    data = backfill.asset_backfill_data
    total = data.target_subset.num_partitions_and_non_partitioned_assets if data else backfill.get_num_partitions()
    done = data.materialized_subset.num_partitions_and_non_partitioned_assets if data else None
    failed = data.failed_and_downstream_subset.num_partitions_and_non_partitioned_assets if data else None
    return {"backfill_id": backfill.backfill_id, "status": backfill.status.value, "partitions_done": done,
            "partitions_failed": failed, "partitions_total": total,
            "progress": None if done is None or not total else round(done / total, 3),
            "started_at": backfill.backfill_timestamp, "ended_at": backfill.backfill_end_timestamp}


@router.get("/players/{player_id}/backfill", summary="A tracked player's history backfill and its progress, from Dagster")
def player_backfill(request: Request, player_id: Identifier) -> dict:
    from gamestats_assets.lib.intake.tracking import PLAYER_TAG

    with connect(request.app.state.settings.pg_url) as conn:
        tracked = conn.execute("SELECT added_at FROM pubg.players WHERE player_id = %s", (player_id,)).fetchone()
    backfills = [b for b in request.app.state.dagster_instance().get_backfills() if b.tags.get(PLAYER_TAG) == player_id]
    if tracked is None and not backfills:
        raise HTTPException(404, f"player {player_id!r} is not on the roster table and has no backfill")
    latest = max(backfills, key=lambda b: b.backfill_timestamp) if backfills else None
    return {"player_id": player_id, "tracked": tracked is not None,
            "backfill": backfill_progress(latest) if latest else None,
            "status": latest.status.value if latest else "waiting for the newly tracked players sensor"}
