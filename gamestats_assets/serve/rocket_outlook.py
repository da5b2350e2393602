"""A Rocket League player's rank outlook (`GET /api/v1/rocket/analytics/rank-outlook`): the change the trend of their
own known ranks, and their training progress where it is shown to matter, predict over the next four weeks, with its
interval."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.queries import rocket_outlook as queries
from gamestats_assets.serve.rocket import PLAYER_UNKNOWN, PlayerId, with_reason, with_reason_model

router = APIRouter(prefix="/api/v1/rocket", tags=["rocket league"])


@router.get("/analytics/rank-outlook", responses=PLAYER_UNKNOWN,
            response_model=with_reason_model("RocketRankOutlookAnswer", queries.rank_outlook),
            summary="Where a player's rank is heading over four weeks, from their rank's trend and training, with its interval")
def rank_outlook(reader: ReaderDep, player_id: PlayerId) -> Response:
    """The player's rank outlook (`rocket.rank_outlook`): the trend of their known ranks over the last eight weeks
    (divisions a week) and the change it predicts over the next four, each with its 95 % interval, said `rising` or
    `falling` only where the interval excludes no change, else `no change can be told`, or `too few ranked days to
    tell` under three days; their training over the same four weeks (sessions, success rate with its interval, the
    rate of the four weeks before and the progress between), and the training effect measured over the tested
    players with its interval, which adds the player's progress times it to the change only where the interval
    excludes none; and how well the trend has predicted the published players' latest ranks against no change. Empty with the `reason` for a player without a known rank; a player without
    published games is a 404."""
    return with_reason(queries.rank_outlook, reader, player_id, player_id=player_id)
