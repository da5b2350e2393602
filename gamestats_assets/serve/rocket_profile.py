"""A Rocket League player's stated rank and one game of theirs (base `/api/v1/rocket`).

`POST /player/stated-rank`: the rank a player states on their profile (a playlist, a tier and a division), landed as
a `stated_ranks` file of today and run by the landing sensor as a dropped file is, into `rocket.stated_ranks`; their
games that carry no rank (raw replays) are compared at it while none of their games gave a rank. Writing needs the
player role, for the account's own player ids (an operator writes for anyone).

`GET /analytics/game`: one game against the players of the player's band (`queries.rocket_game`), a hint, not a
verdict."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.responses import Response

from gamestats_assets.lib.core.erasure import deleted_ids, register_path
from gamestats_assets.serve.accounts import Principal
from gamestats_assets.serve.contract import unknown
from gamestats_assets.serve.deps import ReaderDep, SettingsDep
from gamestats_assets.serve.envelope import enveloped
from gamestats_assets.serve.guard import role
from gamestats_assets.serve.models import field, shape
from gamestats_assets.serve.queries import rocket_game
from gamestats_assets.serve.rocket import DOMAIN, PlayerId, for_player, land_line, landing_day
from gamestats_assets.sources.ballchasing.names import PLAYLISTS
from gamestats_assets.sources.ballchasing.ranks import DIVISIONS_PER_TIER, TOP_TIER

router = APIRouter(prefix="/api/v1/rocket", tags=["rocket league"])

RANKED = tuple(code for code in PLAYLISTS if code.startswith("ranked-"))
"""The playlists a rank is held in."""


class StatedRank(BaseModel):
    """A rank a player states: what `stated_ranks*.jsonl` lines hold beside their statement id and time."""

    model_config = ConfigDict(extra="forbid")

    player_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:@+-]+$",
                           description="whose rank: one of the account's players")
    playlist: Literal[RANKED] = Field(description="the ranked playlist the rank is held in")
    rank_tier: int = Field(ge=1, le=TOP_TIER, description="the tier, 1 (Bronze I) to 22 (Supersonic Legend)")
    rank_division: int = Field(ge=1, le=DIVISIONS_PER_TIER, description="the division, 1 to 4 (1 for Supersonic "
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
               who: Annotated[Principal, Depends(role("player"))]) -> dict:
    """The rank one of the account's players states, landed as a `stated_ranks` file of today and run by the landing
    sensor (202): the latest stated is the player's (`rocket.stated_ranks`), shown as stated, not verified, and used
    only while none of their games gave a rank. The account must act for the player (403 otherwise)."""
    if not who.acts_for(stated.player_id):
        raise HTTPException(403, f"account {who.name} does not act for player {stated.player_id!r}")
    if deleted_ids(register_path(settings.data_dir), DOMAIN, [stated.player_id]):
        raise HTTPException(422, f"player {stated.player_id!r} was deleted at their request; nothing landed")
    now = dt.datetime.now(dt.UTC)
    statement_id = uuid.uuid4().hex
    landed_in = land_line(settings, landing_day(settings, now), "stated_ranks", statement_id,
                          {"statement_id": statement_id, **stated.model_dump(mode="json"),
                           "stated_at": now.isoformat()})
    return {"statement_id": statement_id, "status": "processing", "landed": landed_in}


MatchId = Annotated[str | None, Query(pattern=r"^[0-9a-fA-F]{32}$",
                                      description="the game's match id (32 hex; default: the player's latest)")]


@router.get("/analytics/game", response_model=for_player("RocketOneGameAnswer", rocket_game.OneGame),
            responses=unknown("the player, or the game among theirs"),
            summary="One game of a player against their rank band: each stat's percentile among the band's single "
                    "games, the bottom quarter's as hints, and packs for them")
def one_game(reader: ReaderDep, player_id: PlayerId, match_id: MatchId = None) -> Response:
    """The player's game `match_id` (their latest by default) against the players of their band (the game's rank,
    else their latest known, else the one they stated): each stat's percentile among the band's single games of the
    playlist beside the middle half of those games, the stats in the bottom quarter as hints (one game: a hint, not
    a verdict) and packs for the skills they read; a player without published games, or a game not theirs, is a
    404."""
    return enveloped(rocket_game.one_game.read(reader, player_id, match_id and match_id.lower()),
                     player_id=player_id)
