"""A player's own aggregate (`GET /api/v1/users/stats`): their published Rocket League games summed over every
platform id of their account, each rate with the number it is over (`queries/user_stats.py`)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from gamestats_assets.serve.core.envelope import enveloped
from gamestats_assets.serve.core.models import envelope, field
from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.queries.user_stats import Stats, user_stats
from gamestats_assets.serve.queries.users import domain_ids
from gamestats_assets.serve.routes.users.common import PREFIX, TAGS, Holder

router = APIRouter(prefix=PREFIX, tags=TAGS)


@router.get("/stats", response_model=envelope("UserStatsAnswer", Stats, "", account=field(str, "the account")),
            summary="Your aggregate over your games")
def stats(reader: ReaderDep, who: Holder) -> Response:
    """The account's games, wins, goals, assists, saves and shots, its win rate, shooting and per-game rates each
    with its sample size, and every stat of its games (`rocket.player_stats`): zero games when none is published."""
    ids = domain_ids(who.player_ids).get("rocket", ())
    return enveloped(user_stats.read(reader, tuple(sorted(ids))), account=who.name)
