"""What each Rocket League stat measures (`GET /api/v1/rocket/stats`), as the sources declare it."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from gamestats_assets.serve.core.envelope import enveloped
from gamestats_assets.serve.core.models import envelope
from gamestats_assets.serve.core.reader import Answer
from gamestats_assets.serve.queries import rocket as queries
from gamestats_assets.serve.routes.rocket.common import PREFIX, TAGS

router = APIRouter(prefix=PREFIX, tags=TAGS)


@router.get("/stats", response_model=envelope("RocketStatMeaningsAnswer", queries.Meanings),
            summary="What each stat measures: its name, unit, which way is better and how it is compared")
def stats() -> Response:
    """Every stat as declared (`sources.ballchasing.measures`): its name in words, unit, which way is better (none for
    a style), how it is compared between games of different lengths, and the stats that measure the same thing
    (a page shows the first with a value); with the rule that makes a stat or skill weak."""
    return enveloped(Answer(queries.meanings(), {}))

