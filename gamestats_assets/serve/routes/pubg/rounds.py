"""A PUBG tournament's rounds and schedule (`GET /api/v1/tournaments/rounds`, `/schedule`): the rounds of a season with
their windows and status, and its match slots with the match that counts for each, read by `queries/pubg.py`."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.queries import pubg as queries
from gamestats_assets.serve.routes.pubg.common import (
    CONTEXT_UNKNOWN,
    PREFIX,
    TAGS,
    Division,
    Group,
    Round,
    SeasonId,
    contextual,
    in_context,
)

router = APIRouter(prefix=PREFIX, tags=TAGS, responses=CONTEXT_UNKNOWN)


@router.get("/rounds", response_model=in_context("PubgRoundsAnswer", queries.rounds),
            summary="The rounds of a season, with their windows, status and matches played")
def rounds(reader: ReaderDep, season_id: SeasonId = None, division: Division = None, group: Group = None) -> Response:
    """The season's rounds (`pubg.tournament_rounds`) with their windows, their scored matches in the division and
    group asked, and their status now; the answer is kept until the next round starts or ends. The context defaults
    to the latest season, every division, group and round; a season, division, group or round the published tables
    do not hold is a 404 naming it."""
    return contextual(queries.rounds, reader, season_id, division, group, None)


@router.get("/schedule", response_model=in_context("PubgScheduleAnswer", queries.schedule),
            summary="The scheduled match slots, with the match that counts for each")
def schedule(reader: ReaderDep, season_id: SeasonId = None, division: Division = None, group: Group = None,
             round: Round = None) -> Response:
    """The context's match slots (`pubg.tournament_scheduled_matches`) by scheduled time, each with its map, status
    and the match that counts for it. The context defaults to the latest season, every division, group and round; a
    season, division, group or round the published tables do not hold is a 404 naming it."""
    return contextual(queries.schedule, reader, season_id, division, group, round)

