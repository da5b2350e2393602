"""The League of Legends tier list (`GET /api/v1/lol/tier-list`): every champion of a queue and patch by role, ranked
by the lower bound of its win rate's interval, from `lol.champion_stats` (`queries/lol.py`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from gamestats_assets.serve.core.envelope import enveloped
from gamestats_assets.serve.core.models import envelope
from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.queries import lol as queries
from gamestats_assets.serve.routes.lol.common import (
    CHAMPION_UNKNOWN,
    PAGE,
    PREFIX,
    TAGS,
    MinGames,
    Offset,
    Patch,
    Queue,
    Role,
    Tier,
)
from gamestats_assets.sources.riot.league import ALL

router = APIRouter(prefix=PREFIX, tags=TAGS, responses=CHAMPION_UNKNOWN)

TierListAnswer = envelope("LolTierListAnswer", queries.TierList, role=str | None, min_games=int, limit=int,
                          offset=int)


@router.get("/tier-list", response_model=TierListAnswer,
            summary="Every champion of a queue and patch by role, ranked by the lower bound of its win rate's "
            "interval, with pick rate, win rate, their intervals and games")
def tier_list(reader: ReaderDep, queue: Queue = None, patch: Patch = None, tier: Tier = ALL, role: Role = None,
              min_games: MinGames = 1, limit: Annotated[int, Query(ge=1, le=2000, description=PAGE)] = 2000,
              offset: Offset = 0) -> Response:
    """The queue and patch default to the queue with the most games and its latest patch, the tiers to all games;
    the answer names them and the queues, patches and tiers there are. Ranked by the lower bound of the 95 %
    interval, a champion on few games does not top the list by luck. `limit` rows from `offset`, with `total_count`;
    a queue, patch or slice of tiers `lol.champion_stats` does not hold is a 404 naming it."""
    return enveloped(queries.tier_list.read(reader, queue, patch, tier, role, min_games, limit, offset), role=role,
                     min_games=min_games, limit=limit, offset=offset)

