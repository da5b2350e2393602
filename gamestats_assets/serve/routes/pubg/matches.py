"""PUBG tournament matches (`GET /api/v1/tournaments/matches/...`): the recent scored matches of a context with each
team's result, and one match for its page: the match and its map's edge in metres, each team's placement, kills and
damage, where each player landed, every kill with where victim and killer stood, the safe zone of each phase, its
fights and engagements (third-party ones flagged) with their centres in metres on the map, and the tracked players'
positions sampled through the circles, from the published `pubg` tables (`queries/pubg.py`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

from gamestats_assets.serve.core.contract import unknown
from gamestats_assets.serve.core.envelope import enveloped
from gamestats_assets.serve.core.models import envelope
from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.queries import pubg as queries
from gamestats_assets.serve.queries import pubg_match
from gamestats_assets.serve.routes.pubg.common import (
    CONTEXT_UNKNOWN,
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

router = APIRouter(prefix=PREFIX, tags=TAGS)


@router.get("/matches/recent", response_model=in_context("PubgRecentMatchesAnswer", queries.recent_matches),
            responses=CONTEXT_UNKNOWN,
            summary="Recent scored matches, newest first, with each team's result")
def matches_recent(reader: ReaderDep, season_id: SeasonId = None, division: Division = None, group: Group = None,
                   round: Round = None, limit: Limit = 20,
                   offset: Offset = 0) -> Response:
    """The context's scored matches (`pubg.tournament_match_outcomes`), newest first, each with its map and every
    tournament team's placement, kills and damage: `limit` from `offset`, with `total_count` (the matches in all, on
    every page, past the last too). The context defaults to the latest season, every division, group and round; a
    season, division, group or round the published tables do not hold is a 404 naming it."""
    return contextual(queries.recent_matches, reader, season_id, division, group, round, limit, offset)


MatchId = Annotated[str, Path(**PUBG_ID, description="the match (the PUBG API's id)")]
MatchAnswer = envelope("PubgMatchAnswer", pubg_match.Match, match_id=str)


@router.get("/matches/{match_id}", response_model=MatchAnswer,
            responses=unknown("the match"),
            summary="A match's teams, landings, kills, circles, fights, engagements and tracked positions, for its map")
def match(reader: ReaderDep, match_id: MatchId) -> Response:
    """One match of `pubg.matches` for its page: its teams, landings, kills, safe zones, fights, engagements and the
    tracked players' positions, positions in metres on a map `map_size_m` wide; a match not published is a 404."""
    return enveloped(pubg_match.match.read(reader, match_id), match_id=match_id)

