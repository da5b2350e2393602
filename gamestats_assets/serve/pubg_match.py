"""One PUBG match for its page (`GET /api/v1/tournaments/matches/{match_id}`): the match and its map's edge in
metres, each team's placement, kills and damage, where each player landed, every kill with where victim and
killer stood, the safe zone of each phase, its fights and engagements (third-party ones flagged) with their
centres in metres on the map, and the tracked players' positions sampled through the circles, from the
published `pubg` tables (`queries/pubg.py`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

from gamestats_assets.serve.contract import unknown
from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.envelope import enveloped
from gamestats_assets.serve.models import envelope
from gamestats_assets.serve.pubg import PUBG_ID
from gamestats_assets.serve.queries import pubg as queries

router = APIRouter(prefix="/api/v1/tournaments", tags=["pubg tournaments"], responses=unknown("the match"))
MatchId = Annotated[str, Path(**PUBG_ID, description="the match (the PUBG API's id)")]
MatchAnswer = envelope("PubgMatchAnswer", queries.Match, match_id=str)


@router.get("/matches/{match_id}", response_model=MatchAnswer,
            summary="A match's teams, landings, kills, circles, fights, engagements and tracked positions, for its map")
def match(reader: ReaderDep, match_id: MatchId) -> Response:
    """One match of `pubg.matches` for its page: its teams, landings, kills, safe zones, fights, engagements and the
    tracked players' positions, positions in metres on a map `map_size_m` wide; a match not published is a 404."""
    return enveloped(queries.match.read(reader, match_id), match_id=match_id)
