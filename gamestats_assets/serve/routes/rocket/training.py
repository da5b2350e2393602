"""A Rocket League player's training (base `/api/v1/rocket/training`): packs for their weakest skills, the
training-pack catalogue, their logged training per pack, and logging a session, which lands as a
`training_sessions` file of its day (`landing/rocket/<day>/`) for the landing sensor to run as a dropped file.
Logging needs the player role, for one of the account's own player ids (an operator logs for anyone)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import Field, model_validator
from starlette.responses import Response

from gamestats_assets.serve.core.bodies import Body, Whole
from gamestats_assets.serve.core.envelope import enveloped
from gamestats_assets.serve.core.iso import IsoInstant
from gamestats_assets.serve.core.models import envelope, field, shape
from gamestats_assets.serve.deps import Consented, ReaderDep, SettingsDep
from gamestats_assets.serve.intake.rocket_landing import land_line, landing_day
from gamestats_assets.serve.queries import rocket_training as queries
from gamestats_assets.serve.routes.rocket.common import (
    PLAYER_UNKNOWN,
    PREFIX,
    TAGS,
    TOTAL,
    Limit,
    Offset,
    PlayerId,
    for_player,
    with_reason,
    with_reason_model,
)

router = APIRouter(prefix=PREFIX, tags=TAGS)
Words = Annotated[str | None, Query(max_length=100, description="words of the pack's name, code or tags")]
Category = Annotated[str | None, Query(max_length=64, description="a skill category the pack trains")]
Difficulty = Annotated[str | None, Query(max_length=32, description="the pack's difficulty (a rank metal)")]


@router.get("/training/recommendations", responses=PLAYER_UNKNOWN,
            response_model=with_reason_model("RocketRecommendationsAnswer", queries.recommendations),
            summary="Training packs for a player's weakest skills")
def recommendations(reader: ReaderDep, player_id: PlayerId) -> Response:
    """Training packs for the player's weakest skills (`rocket.recommendations`), near their rank and not mastered
    yet; empty with the `reason` when there are none; a player without published games is a 404."""
    return with_reason(queries.recommendations, reader, player_id, player_id=player_id)


@router.get("/training/packs", response_model=envelope("RocketPacksAnswer", list[queries.Pack], q=str | None,
                                                        skill=str | None, difficulty=str | None, limit=int,
                                                        offset=int, total_count=TOTAL),
            summary="Search the training-pack catalogue")
def packs(reader: ReaderDep, q: Words = None, skill: Category = None, difficulty: Difficulty = None,
          limit: Limit = 20, offset: Offset = 0) -> Response:
    """The training-pack catalogue (`rocket.training_packs`), easiest first, narrowed by words of a pack's name,
    code or tags, a skill category and a difficulty: `limit` from `offset`, with `total_count` in the metadata."""
    answer = queries.packs.read(reader, q, skill, difficulty, limit, offset)
    return enveloped(answer, "rows", q=q, skill=skill, difficulty=difficulty, limit=limit, offset=offset,
                     total_count=answer.data.total_count)


@router.get("/training/progress", response_model=for_player("RocketTrainingAnswer", list[queries.PackProgress]),
            responses=PLAYER_UNKNOWN,
            summary="A player's training per pack: sessions, success rate and its interval")
def training_progress(reader: ReaderDep, player_id: PlayerId) -> Response:
    """The player's logged training per pack (`rocket.training_sessions`): sessions, success rate and its Wilson
    interval, mean improvement; none for a player with published games who logged none; a player with neither
    published sessions nor games is a 404."""
    return enveloped(queries.training_progress.read(reader, player_id), player_id=player_id)


class TrainingSession(Body):
    """A training session as `training_sessions*.jsonl` lines hold it."""

    player_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:@+-]+$",
                           description="who trained: one of the account's players")
    pack_code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$", description="the pack trained")
    started_at: IsoInstant = Field(description="when the session started, with its offset")
    duration_seconds: Whole = Field(ge=0, le=86_400, description="its length in seconds")
    attempts: Whole = Field(ge=0, le=100_000, description="shots attempted")
    successes: Whole = Field(ge=0, le=100_000, description="shots made, at most the attempts")

    @model_validator(mode="after")
    def possible(self) -> TrainingSession:
        if self.successes > self.attempts:
            raise ValueError("successes cannot exceed attempts")
        return self


Logged = shape("RocketSessionLogged", "A training session landed, to be run as a dropped file is",
               session_id=field(str, "the session's id"), status=field(str, '"processing"'),
               landed=field(str, "the folder it landed in"))


@router.post("/training/sessions", status_code=202, response_model=Logged,
             summary="Log a training session; it lands as a training_sessions file and is run as one",
             responses={403: {"description": "the account does not act for the player, or has not "
                                             "consented (`/api/v1/users/consent`)"}})
def log_session(settings: SettingsDep, session: TrainingSession,
                who: Consented) -> dict:
    """A training session of one of the account's players, landed as a `training_sessions` file of its day and run
    by the landing sensor as a dropped file is (202); the account must act for the player (403 otherwise)."""
    if not who.acts_for(session.player_id):
        raise HTTPException(403, f"account {who.name} does not act for player {session.player_id!r}")
    session_id = uuid.uuid4().hex
    landed_in = land_line(settings, landing_day(settings, session.started_at), "training_sessions", session_id,
                          {"session_id": session_id, **session.model_dump(mode="json")})
    return {"session_id": session_id, "status": "processing", "landed": landed_in}

