"""The PUBG admin interface as endpoints (the organiser role): schedule slots of a round, the validation list,
match overrides that the match's next run applies, and the tracked-player roster (`pubg.players`).

Reads go through the read-only role like every other; the writes are the rows the platform already reads
(`pubg.tournament_match_overrides`, `pubg.players`), written over the platform's own connection
(`queries/pubg.py` holds both)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from pydantic import BaseModel, Field, model_validator
from starlette.responses import Response

from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets.serve.deps import ReaderDep, SettingsDep
from gamestats_assets.serve.envelope import enveloped
from gamestats_assets.serve.guard import role
from gamestats_assets.serve.models import envelope, field, shape
from gamestats_assets.serve.pubg import Round, SeasonId, Text, contextual, in_context
from gamestats_assets.serve.queries import pubg as queries

router = APIRouter(prefix="/api/v1/admin/pubg", tags=["pubg admin"], dependencies=[Depends(role("organiser"))])

VALIDATION_STATUSES = queries.VALIDATION_STATUSES
Identifier = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:#@+-]+$")]


@router.get("/schedule", response_model=in_context("PubgAdminSlotsAnswer", queries.admin_slots),
            summary="The schedule slots of a round with the match linked to each")
def schedule_slots(reader: ReaderDep, season_id: SeasonId = None, division: Text = None, group: Text = None,
                   round: Round = None) -> Response:
    return contextual(queries.admin_slots, reader, season_id, division, group, round)


@router.get("/validation",
            response_model=in_context("PubgValidationAnswer", queries.validation,
                                      status=field(Literal[VALIDATION_STATUSES] | None, "the status asked for")),
            summary="Matches by validation status, with why and any override")
def validation(reader: ReaderDep, season_id: SeasonId = None, division: Text = None, round: Round = None,
               status: Literal[VALIDATION_STATUSES] | None = None) -> Response:
    return contextual(queries.validation, reader, season_id, division, None, round, status, status=status)


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


Overridden = shape("PubgOverridden", "An override written", match_id=str,
                   override=field(dict[str, Any], "the fields written, a remade match's slot included"),
                   applied=field(str, "when it takes effect"))


@router.put("/matches/{match_id}/override", response_model=Overridden,
            summary="Correct a match's tournament context; its next run applies it")
def override_match(settings: SettingsDep, match_id: Identifier, override: Override) -> dict:
    with connect(settings.pg_url) as conn, conn.transaction():
        fields = queries.write_override(conn, match_id, override.model_dump(exclude={"remake_of"}),
                                        override.remake_of)
    return {"match_id": match_id, "override": fields, "applied": "on the match's next run"}


class Player(BaseModel):
    player_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:#@+-]+$")


PlayersAnswer = envelope("PubgTrackedPlayersAnswer", list[queries.Tracked])
Added = shape("PubgPlayerAdded", player_id=str, added=field(bool, "false when already on the roster"))
Removed = shape("PubgPlayerRemoved", player_id=str, removed=bool)


@router.get("/players", response_model=PlayersAnswer, summary="The tracked players added through the roster table")
def players(reader: ReaderDep) -> Response:
    return enveloped(reader.uncached(queries.roster))


@router.post("/players", status_code=201, response_model=Added,
             summary="Track a player; the next sensor tick backfills their history")
def add_player(settings: SettingsDep, player: Player) -> dict:
    with connect(settings.pg_url) as conn:
        return {"player_id": player.player_id, "added": queries.add_to_roster(conn, player.player_id)}


@router.delete("/players/{player_id}", response_model=Removed, summary="Stop tracking a player")
def remove_player(settings: SettingsDep, player_id: Identifier) -> dict:
    with connect(settings.pg_url) as conn:
        removed = queries.remove_from_roster(conn, player_id)
    if not removed:
        raise HTTPException(404, f"player {player_id!r} is not on the roster table")
    return {"player_id": player_id, "removed": True}


Backfill = shape("PubgBackfill", "A tracked player's history backfill, from Dagster", backfill_id=str, status=str,
                 partitions_done=int | None, partitions_failed=int | None, partitions_total=int | None,
                 progress=field(float | None, "partitions done of all, 0 to 1"), started_at=float | None,
                 ended_at=float | None)
BackfillAnswer = shape("PubgBackfillAnswer", player_id=str, tracked=bool, backfill=Backfill | None,
                       status=field(str, "the backfill's status, or what it waits for"))


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


@router.get("/players/{player_id}/backfill", response_model=BackfillAnswer,
            summary="A tracked player's history backfill and its progress, from Dagster")
def player_backfill(request: Request, settings: SettingsDep, player_id: Identifier) -> dict:
    from gamestats_assets.lib.intake.tracking import PLAYER_TAG

    with connect(settings.pg_url) as conn:
        tracked = queries.tracked_since(conn, player_id)
    backfills = [b for b in request.app.state.dagster_instance().get_backfills() if b.tags.get(PLAYER_TAG) == player_id]
    if tracked is None and not backfills:
        raise HTTPException(404, f"player {player_id!r} is not on the roster table and has no backfill")
    latest = max(backfills, key=lambda b: b.backfill_timestamp) if backfills else None
    return {"player_id": player_id, "tracked": tracked is not None,
            "backfill": backfill_progress(latest) if latest else None,
            "status": latest.status.value if latest else "waiting for the newly tracked players sensor"}
