"""The PUBG tournament's leaderboards (`GET /api/v1/tournaments/leaderboard/...`): its teams and its players, of a
context (season, division, group, round; "overall": every round) or of one match of it, read by `queries/pubg.py`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.queries import pubg_leaderboards as queries
from gamestats_assets.serve.routes.pubg.common import (
    CONTEXT_UNKNOWN,
    MAX_PAGE,
    PREFIX,
    PUBG_ID,
    TAGS,
    Division,
    Group,
    Limit,
    Offset,
    Round,
    SeasonId,
    contextual,
    in_context,
)

router = APIRouter(prefix=PREFIX, tags=TAGS, responses=CONTEXT_UNKNOWN)

MatchId = Annotated[str | None, Query(**PUBG_ID, description="one scored match of the context: its standings alone")]
Weapons = Annotated[bool, Query(description="each player's damage and kills per weapon category as well")]


@router.get("/leaderboard/teams",
            response_model=in_context("PubgTeamBoardAnswer", queries.team_board, match_id=str | None),
            summary="Team standings with rank changes, points by placement and kills, and the last six placements")
def leaderboard_teams(reader: ReaderDep, season_id: SeasonId = None, division: Division = None, group: Group = None,
                      round: Round = None, match_id: MatchId = None, limit: Limit = MAX_PAGE,
                      offset: Offset = 0) -> Response:
    """The teams' standings of the context from `pubg.team_leaderboards` (or, given `match_id`, their standings in
    that one scored match of it), by rank: `limit` from `offset`, with `total_count`. The context defaults to the
    latest season, every division, group and round; a season, division, group or round the published tables do not
    hold is a 404 naming it."""
    return contextual(queries.team_board, reader, season_id, division, group, round, limit, offset, match_id,
                      match_id=match_id)


@router.get("/leaderboard/players",
            response_model=in_context("PubgPlayerBoardAnswer", queries.player_board, match_id=str | None),
            summary="Player standings with knocks, assists, headshots, survival, damage, killsteals and weapons")
def leaderboard_players(reader: ReaderDep, season_id: SeasonId = None, division: Division = None, group: Group = None,
                        round: Round = None, match_id: MatchId = None, include_weapons: Weapons = False,
                        limit: Limit = MAX_PAGE, offset: Offset = 0) -> Response:
    """The players' standings of the context from `pubg.player_leaderboards` (or, given `match_id`, in that one
    scored match of it), by rank: `limit` from `offset`, with `total_count`; `include_weapons` adds each player's
    damage and kills per weapon category. The context defaults to the latest season, every division, group and
    round; a season, division, group or round the published tables do not hold is a 404 naming it."""
    return contextual(queries.player_board, reader, season_id, division, group, round, limit, offset, match_id,
                      include_weapons, match_id=match_id)

