"""One PUBG player for their page (`GET /api/v1/tournaments/players/{player_id}`): their career by kind of match,
their standing in each season and their tournament matches, from the published `pubg` tables
(`queries/pubg_player.py`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

from gamestats_assets.serve.core.contract import unknown
from gamestats_assets.serve.core.envelope import enveloped
from gamestats_assets.serve.core.models import envelope
from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.queries import pubg_player as queries
from gamestats_assets.serve.routes.pubg.common import PREFIX, PUBG_ID, TAGS, Limit, Offset

router = APIRouter(prefix=PREFIX, tags=TAGS, responses=unknown("the player"))
PlayerId = Annotated[str, Path(**PUBG_ID, description="the player (their PUBG account id, `account.…`)")]
PlayerAnswer = envelope("PubgPlayerAnswer", queries.Player, player_id=str)


@router.get("/players/{player_id}", response_model=PlayerAnswer,
            summary="A player's career, seasons and tournament matches with their kills, knocks, damage and survival")
def player(reader: ReaderDep, player_id: PlayerId, limit: Limit = 20, offset: Offset = 0) -> Response:
    """One tournament player for their page: their career by kind of match, their standing in each season they
    played, and their matches newest first (`limit` from `offset`, with `total_count`), each with the map and their
    kills, knocks, assists, headshot kills, damage, survival and points; a player of no published match is a 404."""
    return enveloped(queries.player.read(reader, player_id, limit, offset), player_id=player_id)
