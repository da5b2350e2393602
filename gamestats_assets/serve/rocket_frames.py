"""A Rocket League replay's frames (`GET /api/v1/rocket/replays/{replay_id}/frames`), as the 3D replay viewer
draws them: the ball and every car at ten samples a second, columnar (a list per quantity), with the clock, the
score and the goals, from `rocket.replay_frames`."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from gamestats_assets.serve.contract import unknown
from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.envelope import enveloped
from gamestats_assets.serve.models import envelope
from gamestats_assets.serve.queries import rocket_frames as queries
from gamestats_assets.serve.rocket import ReplayId

router = APIRouter(prefix="/api/v1/rocket", tags=["rocket league"],
                   responses=unknown("the replay, or its frames (a game known from JSON alone has none),"))


@router.get("/replays/{replay_id}/frames", response_model=envelope("RocketReplayFramesAnswer", queries.Frames),
            summary="A replay's ball and cars at ten samples a second, columnar, for the 3D viewer")
def frames(reader: ReaderDep, replay_id: ReplayId) -> Response:
    """The ball's and each car's place (and a car's boost) at every sample of a published raw replay, with the
    clock, the score and its goals; a game not published, or published from JSON without frames, is a 404."""
    return enveloped(queries.frames.read(reader, replay_id.lower()))
