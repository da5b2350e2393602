"""League of Legends champion statistics (base `/api/v1/lol`): the tier list of a queue and patch, and a champion's
roles, builds, skill orders, lane matchups, win rate by game length, patch trend, keystones, rune pages, summoner
spell pairs and starting items, by queue and patch, and the ranked tiers it has games of, from the published `lol`
tables (`queries/lol.py`).

Each champion endpoint is one `ChampionTable` made into a route by `champion_route`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from gamestats_assets.sources.riot.league import ALL, SLICES
from gamestats_assets.serve.contract import unknown
from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.envelope import enveloped
from gamestats_assets.serve.models import envelope, field
from gamestats_assets.serve.queries import lol as queries

router = APIRouter(prefix="/api/v1/lol", tags=["league of legends"],
                   responses=unknown("a champion, queue, patch or slice of ranked tiers asked"))


def named(description: str) -> Any:
    """An optional query parameter holding a name (printable, at most 40 characters), described."""
    return Annotated[str | None, Query(min_length=1, max_length=40, pattern=r"^[^\x00-\x1f\x7f]+$",
                                       description=description)]


Queue = named("a queue: `ranked_solo`, `ranked_flex`, `normal`, `swiftplay`, `aram`, `clash` or `other` (default: "
              "every queue)")
Patch = Annotated[str | None, Query(pattern=r"^\d{1,2}\.\d{1,2}$", description="major.minor, e.g. 14.9")]
PAGE = "the most rows of the page"
Limit = Annotated[int, Query(ge=1, le=100, description=PAGE)]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="the rows skipped before the page")]
TOTAL = field(int, "the rows in all, on every page (past the last page too)")
MinGames = Annotated[int, Query(ge=1, le=1_000_000, description="the fewest games a row listed has")]
Tier = Annotated[str, Query(pattern=f"^({'|'.join(SLICES)})$",
                            description="a slice of ranked tiers: all games, one tier (`emerald`) or a band "
                                        "(`emerald_plus`: Emerald and above)")]
Role = Annotated[str | None, Query(pattern=r"^(TOP|JUNGLE|MIDDLE|BOTTOM|UTILITY)$",
                                   description="one role (default: every role)")]
Champion = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[^\x00-\x1f\x7f/]+$",
                               description="a Data Dragon name, any case")]


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
