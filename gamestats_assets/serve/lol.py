"""League of Legends champion statistics (base `/api/v1/lol`): the tier list of a queue and patch, and a champion's
roles, builds, skill orders, lane matchups, win rate by game length, patch trend, keystones, rune pages, summoner
spell pairs and starting items, by queue and patch, and the ranked tiers it has games of, from the published `lol`
tables (`queries/lol.py`).

Each champion endpoint is one `ChampionTable` made into a route by `champion_route`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from gamestats_assets.sources.riot.league import ALL, SLICES
from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.envelope import enveloped
from gamestats_assets.serve.models import envelope
from gamestats_assets.serve.queries import lol as queries

router = APIRouter(prefix="/api/v1/lol", tags=["league of legends"])

Name = Annotated[str | None, Query(min_length=1, max_length=40, pattern=r"^[^\x00-\x1f\x7f]+$")]
Patch = Annotated[str | None, Query(pattern=r"^\d{1,2}\.\d{1,2}$", description="major.minor, e.g. 14.9")]
Limit = Annotated[int, Query(ge=1, le=100)]
Tier = Annotated[str, Query(pattern=f"^({'|'.join(SLICES)})$",
                            description="a slice of ranked tiers: all games, one tier (`emerald`) or a band "
                                        "(`emerald_plus`: Emerald and above)")]
Role = Annotated[str | None, Query(pattern=r"^(TOP|JUNGLE|MIDDLE|BOTTOM|UTILITY)$")]
Champion = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[^\x00-\x1f\x7f/]+$",
                               description="a Data Dragon name, any case")]


def champion_route(spec: queries.ChampionTable) -> None:
    read = queries.QUERIES[spec.path]

    def endpoint(reader: ReaderDep, champion: Champion, queue: Name = None, patch: Patch = None, tier: Tier = ALL,
                 limit: Limit = 50) -> Response:
        return enveloped(read.read(reader, champion, queue, patch, tier, limit), champion=champion, queue=queue,
                         patch=patch, tier=tier if spec.tiered else None)

    answer = envelope(f"{spec.model.__name__}Answer", list[spec.model], champion=str, queue=str | None,
                      patch=str | None, tier=str | None)
    router.add_api_route(f"/champions/{{champion}}/{spec.path}", endpoint, methods=["GET"], summary=spec.summary,
                         response_model=answer, name=f"lol_{spec.path.replace('-', '_')}")


for table in queries.TABLES:
    champion_route(table)

ChampionTiersAnswer = envelope("LolChampionTiersAnswer", queries.ChampionTiers, champion=str, queue=str | None,
                               patch=str | None)


@router.get("/champions/{champion}/tiers", response_model=ChampionTiersAnswer,
            summary="The slices of ranked tiers a champion has games of in a queue and patch")
def champion_tiers(reader: ReaderDep, champion: Champion, queue: Name = None, patch: Patch = None) -> Response:
    """The ranks a champion's statistics can be narrowed to: those its games were played in, not every rank of
    the queue and patch."""
    return enveloped(queries.champion_tiers.read(reader, champion, queue, patch), champion=champion, queue=queue,
                     patch=patch)

TierListAnswer = envelope("LolTierListAnswer", queries.TierList, role=str | None, min_games=int)


@router.get("/tier-list", response_model=TierListAnswer,
            summary="Every champion of a queue and patch by role, ranked by the lower bound of its win rate's "
            "interval, with pick rate, win rate, their intervals and games")
def tier_list(reader: ReaderDep, queue: Name = None, patch: Patch = None, tier: Tier = ALL, role: Role = None,
              min_games: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
              limit: Annotated[int, Query(ge=1, le=2000)] = 2000) -> Response:
    """The queue and patch default to the queue with the most games and its latest patch, the tiers to all games;
    the answer names them and the queues, patches and tiers there are. Ranked by the lower bound of the 95 %
    interval, a champion on few games does not top the list by luck."""
    return enveloped(queries.tier_list.read(reader, queue, patch, tier, role, min_games, limit), role=role,
                     min_games=min_games)
