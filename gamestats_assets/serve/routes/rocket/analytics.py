"""A Rocket League player's analytics (base `/api/v1/rocket/analytics`): their skills against same-rank peers, their
stats day by day, their predicted rank and rank outlook, their means beside their band's, where their car was on the
pitch, and one game of theirs against their band, all from the published `rocket` tables."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from gamestats_assets.serve.core.contract import unknown
from gamestats_assets.serve.core.envelope import enveloped
from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.queries import rocket_analytics as queries
from gamestats_assets.serve.queries import rocket_game, rocket_outlook
from gamestats_assets.serve.routes.rocket.common import (
    PLAYER_UNKNOWN,
    PREFIX,
    TAGS,
    PlayerId,
    for_player,
    with_reason,
    with_reason_model,
)

router = APIRouter(prefix=PREFIX, tags=TAGS)


@router.get("/analytics/weaknesses", response_model=with_reason_model("RocketWeaknessesAnswer", queries.weaknesses),
            responses=PLAYER_UNKNOWN,
            summary="A player's skills against same-rank peers, the weak ones flagged")
def weaknesses(reader: ReaderDep, player_id: PlayerId) -> Response:
    """The player's skills against same-rank peers (`rocket.player_weaknesses`), the weak ones flagged; empty with
    the `reason` in the metadata when the player has none scored; a player without published games is a 404."""
    return with_reason(queries.weaknesses, reader, player_id, player_id=player_id)


@router.get("/analytics/progress", response_model=for_player("RocketProgressAnswer", queries.Progress),
            responses=PLAYER_UNKNOWN,
            summary="A player's stats day by day: mean, games and rank percentile")
def progress(reader: ReaderDep, player_id: PlayerId,
             stat_type: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z0-9_]+$",
                                                    description="one stat (default: every stat)")] = None) -> Response:
    """The player's stats day by day (`rocket.player_stats`): each day's mean, games and rank percentile, one stat
    or every one; a player without published games is a 404."""
    return enveloped(queries.progress.read(reader, player_id, stat_type), player_id=player_id)


@router.get("/analytics/rank-prediction", responses=PLAYER_UNKNOWN,
            response_model=with_reason_model("RocketRankPredictionAnswer", queries.rank_prediction),
            summary="A player's predicted rank with a 95 % interval, beside the playlist's median rank as baseline")
def rank_prediction(reader: ReaderDep, player_id: PlayerId) -> Response:
    """The player's rank as the model predicts it from their stats (`rocket.rank_predictions`), with its 95 %
    interval (said to rest on thin evidence when wider than a metal) and the model's error on held-out players beside
    the baseline's (the median rank of the player's playlist), their difference with its interval; empty with the
    `reason` when the player has no prediction; a player without published games is a 404."""
    return with_reason(queries.rank_prediction, reader, player_id, player_id=player_id)


@router.get("/analytics/comparison", response_model=for_player("RocketComparisonAnswer", queries.Comparison),
            responses=PLAYER_UNKNOWN,
            summary="A player's mean of each stat beside same-rank players'")
def comparison(reader: ReaderDep, player_id: PlayerId) -> Response:
    """The player's mean of each stat beside the other players' of their rank band (`rocket.peer_stats`), with the
    middle 68 % of those players' games; a player without published games is a 404."""
    return enveloped(queries.comparison.read(reader, player_id), player_id=player_id)


@router.get("/analytics/heatmap", response_model=for_player("RocketHeatmapAnswer", queries.Heatmap),
            responses=unknown("the player"),
            summary="Where a player's car was on the pitch, in cells, over their games")
def heatmap(reader: ReaderDep, player_id: PlayerId) -> Response:
    """Seconds the player's car spent in each cell of the pitch over their published games
    (`rocket.position_heatmaps`), with how many games carry positions; a player without published games is a 404."""
    return enveloped(queries.heatmap.read(reader, player_id), player_id=player_id)


@router.get("/analytics/rank-outlook", responses=PLAYER_UNKNOWN,
            response_model=with_reason_model("RocketRankOutlookAnswer", rocket_outlook.rank_outlook),
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
    return with_reason(rocket_outlook.rank_outlook, reader, player_id, player_id=player_id)


MatchId = Annotated[str | None, Query(pattern=r"^[0-9a-fA-F]{32}$",
                                      description="the game's match id (32 hex; default: the player's latest)")]


@router.get("/analytics/game", response_model=for_player("RocketOneGameAnswer", rocket_game.OneGame),
            responses=unknown("the player, or the game among theirs"),
            summary="One game of a player against their rank band: each stat's percentile among the band's single "
                    "games, the bottom quarter's as hints, and packs for them")
def one_game(reader: ReaderDep, player_id: PlayerId, match_id: MatchId = None) -> Response:
    """The player's game `match_id` (their latest by default) against the players of their band (the game's rank,
    else their latest known, else the one they stated): each stat's percentile among the band's single games of the
    playlist beside the middle half of those games, the stats in the bottom quarter as hints (one game: a hint, not
    a verdict) and packs for the skills they read; a player without published games, or a game not theirs, is a
    404."""
    return enveloped(rocket_game.one_game.read(reader, player_id, match_id and match_id.lower()),
                     player_id=player_id)

