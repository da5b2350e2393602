"""The organisers' decisions standing on a PUBG tournament's matches and lobbies (`GET /api/v1/tournaments/decisions`),
read as they are now, for viewers (the organisers' own list is `routes/admin/pubg_decisions.py`)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from gamestats_assets.serve.core.envelope import enveloped
from gamestats_assets.serve.core.models import envelope
from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.queries import pubg_decisions
from gamestats_assets.serve.routes.pubg.common import CONTEXT_UNKNOWN, PREFIX, TAGS, AnySeason

router = APIRouter(prefix=PREFIX, tags=TAGS, responses=CONTEXT_UNKNOWN)


@router.get("/decisions", response_model=envelope("PubgPublicDecisionsAnswer", pubg_decisions.PublicDecisions),
            summary="The organisers' decisions standing on matches and lobbies (removed, moved, delayed): who and why")
def decisions(reader: ReaderDep, season_id: AnySeason = None) -> Response:
    """The organisers' decisions standing on the season's matches (removals, overrides) and lobbies (delays), with
    who made each and why (not their private notes), read as they are now, newest first; a season not published is a
    404."""
    return enveloped(reader.uncached(lambda conn: pubg_decisions.standing(conn, season_id)))

