"""The PUBG tournament stats API (base `/api/v1/tournaments`): team and player leaderboards (of a context, or of
one match of it), recent matches, rounds and the schedule of a season, division, group and round ("overall":
every round), in the tournament page's envelope (`metadata` with the context and `filtered_by`, `data` with the
rows and `total_count`), read by `queries/pubg.py`; and the organisers' decisions standing on matches, read as they
are now."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from gamestats_assets.serve.contract import unknown
from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.envelope import enveloped
from gamestats_assets.serve.models import envelope, fields_of
from gamestats_assets.serve.queries import Query as Read
from gamestats_assets.serve.queries import pubg as queries
from gamestats_assets.serve.queries import pubg_decisions
from gamestats_assets.serve.reader import Reader

router = APIRouter(prefix="/api/v1/tournaments", tags=["pubg tournaments"],
                   responses=unknown("a season, division, group, round or match asked"))

MAX_PAGE = 100
PRINTABLE = r"^[^\x00-\x1f\x7f]+$"
"""A name as the organisers' files hold it: no control characters (PostgreSQL text refuses NUL)."""


def named(description: str) -> Any:
    """An optional query parameter naming a part of the tournament as the organisers' files do (printable, at most 64
    characters), described."""
    return Annotated[str | None, Query(min_length=1, max_length=64, pattern=PRINTABLE, description=description)]


SeasonId = named("a season (default: the latest)")
AnySeason = named("a season (default: every season)")
Division = named("a division of the season (default: every division)")
Group = named("a group of the division (default: every group)")
Round = named('a round of the season, or "overall" (default: every round)')
RoundId = named("a round of the season (default: every round)")
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="the most rows of the page")]
PUBG_ID = {"min_length": 1, "max_length": 128, "pattern": r"^[A-Za-z0-9._:-]+$"}
"""What a PUBG API id (a match's, an account's) may be, in a path or a query."""
MatchId = Annotated[str | None, Query(**PUBG_ID, description="one scored match of the context: its standings alone")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="the rows skipped before the page")]
Weapons = Annotated[bool, Query(description="each player's damage and kills per weapon category as well")]


def in_context(name: str, read: Read, **metadata: Any) -> type:
    """The answer model of `read`, a contextual query: its context and `metadata` around its data."""
    data = read.returns.model_fields["data"].annotation
    return envelope(name, data, **fields_of(queries.Context), **metadata)


def contextual(read: Read, reader: Reader, *args, **metadata) -> Response:
    """`read`'s answer for `args`, its context in the metadata with `metadata`."""
    answer = read.read(reader, *args)
    return enveloped(answer, "data", **answer.data.context.model_dump(), **metadata)


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


@router.get("/matches/recent", response_model=in_context("PubgRecentMatchesAnswer", queries.recent_matches),
            summary="Recent scored matches, newest first, with each team's result")
def matches_recent(reader: ReaderDep, season_id: SeasonId = None, division: Division = None, group: Group = None,
                   round: Round = None, limit: Limit = 20,
                   offset: Offset = 0) -> Response:
    """The context's scored matches (`pubg.tournament_match_outcomes`), newest first, each with its map and every
    tournament team's placement, kills and damage: `limit` from `offset`, with `total_count` (the matches in all, on
    every page, past the last too). The context defaults to the latest season, every division, group and round; a
    season, division, group or round the published tables do not hold is a 404 naming it."""
    return contextual(queries.recent_matches, reader, season_id, division, group, round, limit, offset)


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


@router.get("/decisions", response_model=envelope("PubgPublicDecisionsAnswer", pubg_decisions.PublicDecisions),
            summary="The organisers' decisions standing on matches (removed, remade, moved), with their reasons")
def decisions(reader: ReaderDep, season_id: AnySeason = None) -> Response:
    """What viewers may know of the organisers' decisions standing on the season's matches (no author, no notes),
    read as they are now, newest first; a season not published is a 404."""
    return enveloped(reader.uncached(lambda conn: pubg_decisions.standing(conn, season_id)))
