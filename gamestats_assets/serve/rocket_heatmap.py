"""A Rocket League player's positional heatmap (`GET /api/v1/rocket/analytics/heatmap`): the seconds their car
spent in each cell of the pitch over their published games, from `rocket.position_heatmaps`, with how many of
their games carry positions (raw replays) and how many do not (ballchasing or carball JSON)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from gamestats_assets.serve.contract import unknown
from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.envelope import enveloped
from gamestats_assets.serve.queries import rocket as queries
from gamestats_assets.serve.rocket import PlayerId, for_player

router = APIRouter(prefix="/api/v1/rocket", tags=["rocket league"], responses=unknown("the player"))


@router.get("/analytics/heatmap", response_model=for_player("RocketHeatmapAnswer", queries.Heatmap),
            summary="Where a player's car was on the pitch, in cells, over their games")
def heatmap(reader: ReaderDep, player_id: PlayerId) -> Response:
    """Seconds the player's car spent in each cell of the pitch over their published games
    (`rocket.position_heatmaps`), with how many games carry positions; a player without published games is a 404."""
    return enveloped(queries.heatmap.read(reader, player_id), player_id=player_id)
