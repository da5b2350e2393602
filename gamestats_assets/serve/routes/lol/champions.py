"""League of Legends champions (base `/api/v1/lol/champions`): a champion's roles, builds, skill orders, lane
matchups, win rate by game length, patch trend, keystones, rune pages, summoner spell pairs and starting items, by
queue and patch, and the ranked tiers it has games of, from the published `lol` tables (`queries/lol.py`).

Each champion table's endpoint is one `ChampionTable` made into a route by `champion_route`."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from gamestats_assets.serve.core.envelope import enveloped
from gamestats_assets.serve.core.models import envelope
from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.queries import lol as queries
from gamestats_assets.serve.routes.lol.common import (
    CHAMPION_UNKNOWN,
    PREFIX,
    TAGS,
    TOTAL,
    Champion,
    Limit,
    Offset,
    Patch,
    Queue,
    Tier,
)
from gamestats_assets.sources.riot.league import ALL

router = APIRouter(prefix=PREFIX, tags=TAGS, responses=CHAMPION_UNKNOWN)


def champion_route(spec: queries.ChampionTable) -> None:
    read = queries.QUERIES[spec.path]

    def endpoint(reader: ReaderDep, champion: Champion, queue: Queue = None, patch: Patch = None, tier: Tier = ALL,
                 limit: Limit = 50, offset: Offset = 0) -> Response:
        answer = read.read(reader, champion, queue, patch, tier, limit, offset)
        return enveloped(answer, "rows", champion=champion, queue=queue, patch=patch,
                         tier=tier if spec.tiered else None, limit=limit, offset=offset,
                         total_count=answer.data.total_count)

    answer = envelope(f"{spec.model.__name__}Answer", list[spec.model], spec.model.__doc__, champion=str,
                      queue=str | None, patch=str | None, tier=str | None, limit=int, offset=int, total_count=TOTAL)
    tiers = "of one slice of ranked tiers (`all` games unless asked), " if spec.tiered else ""
    order = spec.order.replace(" DESC", " (most first)")
    router.add_api_route(
        f"/champions/{{champion}}/{spec.path}", endpoint, methods=["GET"], summary=spec.summary,
        description=f"The champion's rows of `{spec.table}` ({spec.model.__doc__.lower()}), of one queue and patch "
                    f"or every one, {tiers}`limit` from `offset` by queue, then {order}, with `total_count`. An "
                    "unknown champion, queue, patch or slice is a 404 naming it.",
        response_model=answer, name=f"lol_{spec.path.replace('-', '_')}")


for table in queries.TABLES:
    champion_route(table)

ChampionTiersAnswer = envelope("LolChampionTiersAnswer", queries.ChampionTiers, champion=str, queue=str | None,
                               patch=str | None)


@router.get("/champions/{champion}/tiers", response_model=ChampionTiersAnswer,
            summary="The slices of ranked tiers a champion has games of in a queue and patch")
def champion_tiers(reader: ReaderDep, champion: Champion, queue: Queue = None, patch: Patch = None) -> Response:
    """The ranks a champion's statistics can be narrowed to: those its games were played in, not every rank of
    the queue and patch."""
    return enveloped(queries.champion_tiers.read(reader, champion, queue, patch), champion=champion, queue=queue,
                     patch=patch)

