"""A Rocket League player (base `/api/v1/rocket/player`): their name, platform and rank as last seen with their
published games, and the rank they state on their profile, landed as a `stated_ranks` file of today and run by the
landing sensor as a dropped file is, into `rocket.stated_ranks`; their games that carry no rank (raw replays) are
compared at it while none of their games gave a rank. Stating needs the player role, for one of the account's own
player ids (an operator states for anyone)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.responses import Response

from gamestats_assets.lib.intake.door import NamesDeletedPlayer
from gamestats_assets.serve.core.bodies import Whole
from gamestats_assets.serve.core.envelope import enveloped
from gamestats_assets.serve.core.models import field, shape
from gamestats_assets.serve.deps import Player, ReaderDep, SettingsDep
from gamestats_assets.serve.intake.rocket_landing import land_line, landing_day
from gamestats_assets.serve.queries import rocket as queries
from gamestats_assets.serve.routes.rocket.common import PLAYER_UNKNOWN, PREFIX, TAGS, PlayerId, for_player
from gamestats_assets.sources.ballchasing.names import PLAYLISTS
from gamestats_assets.sources.ballchasing.ranks import DIVISIONS_PER_TIER, TOP_TIER

router = APIRouter(prefix=PREFIX, tags=TAGS)


@router.get("/player", responses=PLAYER_UNKNOWN, response_model=for_player("RocketProfileAnswer", queries.Profile),
            summary="A player's name, platform and rank as last seen, and their published games")
def player(reader: ReaderDep, player_id: PlayerId) -> Response:
    """The player's latest name, platform and rank over the days they were seen (`rocket.users`), and their
    published games; a player without published games is a 404."""
    return enveloped(queries.profile.read(reader, player_id), player_id=player_id)


RANKED = tuple(code for code in PLAYLISTS if code.startswith("ranked-"))
"""The playlists a rank is held in."""


class StatedRank(BaseModel):
    """A rank a player states: what `stated_ranks*.jsonl` lines hold beside their statement id and time."""

    model_config = ConfigDict(extra="forbid")

    player_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:@+-]+$",
                           description="whose rank: one of the account's players")
    playlist: Literal[RANKED] = Field(description="the ranked playlist the rank is held in")
    rank_tier: Whole = Field(ge=1, le=TOP_TIER, description="the tier, 1 (Bronze I) to 22 (Supersonic Legend)")
    rank_division: Whole = Field(ge=1, le=DIVISIONS_PER_TIER, description="the division, 1 to 4 (1 for Supersonic "
                                                                        "Legend)")

    @model_validator(mode="after")
    def on_the_ladder(self) -> StatedRank:
        if self.rank_tier == TOP_TIER and self.rank_division != 1:
            raise ValueError("Supersonic Legend has one division: rank_division 1")
        return self


Stated = shape("RocketRankStated", "A stated rank landed, to be run as a dropped file is",
               statement_id=field(str, "the statement's id"), status=field(str, '"processing"'),
               landed=field(str, "the folder it landed in"))


@router.post("/player/stated-rank", status_code=202, response_model=Stated,
             summary="State a player's rank; it lands as a stated_ranks file and is run as one",
             responses={403: {"description": "the account does not act for the player"},
                        422: {"description": "a playlist without ranks, a rank off the ladder, an unknown field, or a "
                                             "player deleted at their request; nothing landed"}})
def state_rank(settings: SettingsDep, stated: StatedRank,
               who: Player) -> dict:
    """The rank one of the account's players states, landed as a `stated_ranks` file of today and run by the landing
    sensor (202): the latest stated is the player's (`rocket.stated_ranks`), shown as stated, not verified, and used
    only while none of their games gave a rank. The account must act for the player (403 otherwise)."""
    if not who.acts_for(stated.player_id):
        raise HTTPException(403, f"account {who.name} does not act for player {stated.player_id!r}")
    now = dt.datetime.now(dt.UTC)
    statement_id = uuid.uuid4().hex
    try:
        landed_in = land_line(settings, landing_day(settings, now), "stated_ranks", statement_id,
                              {"statement_id": statement_id, **stated.model_dump(mode="json"),
                               "stated_at": now.isoformat()}, players=(stated.player_id,))
    except NamesDeletedPlayer:
        raise HTTPException(422, f"player {stated.player_id!r} was deleted at their request; nothing landed") from None
    return {"statement_id": statement_id, "status": "processing", "landed": landed_in}

