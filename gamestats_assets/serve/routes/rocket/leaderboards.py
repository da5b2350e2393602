"""Rocket League leaderboards by stat within a rank band (`GET /api/v1/rocket/leaderboards`), from the published
`rocket.player_stats` (`queries.rocket_leaderboards`)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from starlette.responses import Response

from gamestats_assets.serve.core.envelope import enveloped
from gamestats_assets.serve.core.models import envelope, field
from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.queries.rocket_leaderboards import Leader, leaderboard
from gamestats_assets.serve.routes.rocket.common import PREFIX, TAGS, TOTAL, Limit, Offset
from gamestats_assets.sources.ballchasing.measures import DIRECTIONS, NEITHER, STATS, better_of

router = APIRouter(prefix=PREFIX, tags=TAGS)

Band = Literal["bronze", "silver", "gold", "platinum", "diamond", "champion", "grand-champion", "supersonic-legend",
               "unranked"]
"""The rank bands of `rocket.player_stats.rank_band`: a metal, `supersonic-legend`, or `unranked`."""
Ranked = Literal[tuple(sorted(stat for stat in STATS if better_of(stat) != NEITHER))]
"""The stats a board ranks: those better higher or lower (a style, neither, has no board)."""
MIN_GAMES = 5
"""The fewest games in the band a player is listed with, unless asked otherwise."""


@router.get("/leaderboards", response_model=envelope(
                "RocketLeaderboardAnswer", list[Leader], stat=str, band=str, playlist=str | None, min_games=int,
                better=field(str, "`higher` or `lower`: which way the board is ranked, best first"),
                limit=int, offset=int, total_count=TOTAL),
            responses={422: {"description": "an unknown stat, a style (a stat neither better higher nor lower), or "
                                            "an unknown rank band"}},
            summary="The players of a rank band ranked by their mean of a stat, best first")
def leaderboards(reader: ReaderDep,
                 stat: Annotated[Ranked, Query(description="the stat (`GET /api/v1/rocket/stats` lists them); one "
                                                           "that is better higher or lower")],
                 band: Annotated[Band, Query(description="the rank band of the games counted")],
                 playlist: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z0-9-]+$",
                                                       description="the playlist of the games counted "
                                                                   "(`ranked-doubles`...; default every one)")] = None,
                 min_games: Annotated[int, Query(ge=1, le=1000, description="the fewest games in the band a player "
                                                                           "is listed with")] = MIN_GAMES,
                 limit: Limit = 20, offset: Offset = 0) -> Response:
    """The players of the rank band `band` by their mean of `stat` over their games in that band (and `playlist`), as
    games are compared (`value_bin`: per minute of the game for a total, a share of it for seconds in a state), best
    first in the stat's direction (`better`: highest first where more is better, lowest first where less is), each with
    their games and the 95 % interval of their mean; only players with at least `min_games` such games are listed:
    `limit` from `offset`, with `total_count` in the metadata. A stat that is a style (neither way is better) has no
    leaderboard (422)."""
    better = better_of(stat)
    answer = leaderboard.read(reader, stat, better, band, playlist, min_games, limit, offset)
    return enveloped(answer, "rows", stat=stat, band=band, playlist=playlist, min_games=min_games,
                     better=DIRECTIONS[better], limit=limit, offset=offset, total_count=answer.data.total_count)
