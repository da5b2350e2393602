"""League of Legends' findings (base `/api/v1/lol`): the discovered patterns, correlations, objectives, objective
timing, first dragon against first herald, build paths, skill n-grams, coordination, objective tree, vision and
win model as findings a player reads (`queries/lol_findings.py`), a route per published table made by
`findings_route` from its `Source` (`queries/lol_finding_sources.py`); and the first completed item against gold at
15 minutes as its table publishes it (`/first-item-gold`, `queries/lol_first_item_gold.py`)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from starlette.responses import Response

from gamestats_assets.serve.core.envelope import enveloped
from gamestats_assets.serve.core.models import envelope, field
from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.queries.lol_finding_sources import SOURCES
from gamestats_assets.serve.queries.lol_first_item_gold import FirstItemGold, first_item_gold
from gamestats_assets.serve.queries.lol_findings import FEWEST_GAMES, ORDERS, SIGNIFICANT, Finding, Source, listed
from gamestats_assets.serve.routes.lol.common import (
    CHAMPION_UNKNOWN,
    PREFIX,
    TAGS,
    TOTAL,
    Limit,
    Offset,
    Patch,
    Queue,
    Role,
    Tier,
    named,
)
from gamestats_assets.sources.riot.league import ALL

router = APIRouter(prefix=PREFIX, tags=TAGS, responses=CHAMPION_UNKNOWN)

Champion = named("a champion (a Data Dragon name, any case): its findings only")
Order = Annotated[Literal[tuple(ORDERS)], Query(
    description="`evidence`: lowest q first, then most games; `effect`: within each kind, the largest effect either "
                "way first; `games`: most games first")]
MinGames = Annotated[int, Query(ge=FEWEST_GAMES, le=1_000_000, description=(
    f"the fewest games a finding is on, each side of a comparison (never fewer than {FEWEST_GAMES})"))]


def findings_route(source: Source) -> None:
    read = listed(source)

    def endpoint(reader: ReaderDep, queue: Queue = None, patch: Patch = None, champion: Champion = None,
                 role: Role = None, tier: Tier = ALL, kind: str | None = None, sort: Order = "evidence",
                 min_games: MinGames = FEWEST_GAMES, limit: Limit = 50, offset: Offset = 0) -> Response:
        answer = read.read(reader, queue, patch, champion, role, tier, kind, sort, min_games, limit, offset)
        return enveloped(answer, "rows", queue=queue, patch=patch, champion=champion, role=role, tier=tier,
                         kind=kind, sort=sort, min_games=min_games, q_threshold=SIGNIFICANT, limit=limit,
                         offset=offset, total_count=answer.data.total_count)

    endpoint.__annotations__["kind"] = Annotated[Literal[source.kinds] | None, Query(
        description="one kind of finding (default: every kind)")]
    answer = envelope(f"LolFindings{source.path.title().replace('-', '')}Answer", list[Finding], Finding.__doc__,
                      queue=str | None, patch=str | None, champion=str | None, role=str | None, tier=str,
                      kind=str | None, sort=str, min_games=int,
                      q_threshold=field(float, "the q below which a finding is significant"), limit=int, offset=int,
                      total_count=TOTAL)
    router.add_api_route(
        f"/{source.path}", endpoint, methods=["GET"], summary=source.summary,
        description=f"The findings of `lol.{source.table}`, each with its effect, 95 % interval, games, q, whether "
                    "it still holds on the queue's current patch and a sentence saying it all; of one queue, patch, "
                    "champion, role, slice of ranked tiers and kind, or all; only on `min_games` games or more each "
                    "side; `limit` from `offset` in the `sort` asked, with `total_count`. An unknown queue, patch, "
                    "champion or slice is a 404 naming it.",
        response_model=answer, name=f"lol_{source.path.replace('-', '_')}")


for found in SOURCES:
    findings_route(found)

Sample = Annotated[Literal["tested", "untested"] | None, Query(
    description="`tested`: the rows with at least `min_games` players a side, with their test; `untested`: the others "
                "(default: both)")]
FirstItemGoldAnswer = envelope("LolFirstItemGoldAnswer", list[FirstItemGold], FirstItemGold.__doc__,
                               queue=str | None, patch=str | None, role=str | None, sample=str | None,
                               q_threshold=field(float, "the q below which a row is significant"), limit=int,
                               offset=int, total_count=TOTAL)


@router.get("/first-item-gold", response_model=FirstItemGoldAnswer,
            summary="The first completed item's win rate against gold at 15 minutes, by role and game length")
def first_item_gold_rows(reader: ReaderDep, queue: Queue = None, patch: Patch = None, role: Role = None,
                         sample: Sample = None, limit: Limit = 50, offset: Offset = 0) -> Response:
    """The rows of `lol.first_item_gold`: in each cell of queue, patch, role, band of game length and band of the
    player's gold at 15 minutes, a first completed item's players, wins and win rate with its Wilson interval,
    against the other first items of the cell (effect with Newcombe's interval, p, q, `significant`, as
    published); a row under `min_games` players on either side has no test (`low_sample` flags an item of few
    players). Significant rows first, then the other tested ones by q, then the untested ones; of one queue, patch
    and role or all, the tested or the untested rows alone (`sample`), `limit` from `offset` with `total_count`. An unknown queue or patch is a 404
    naming it."""
    answer = first_item_gold.read(reader, queue, patch, role, sample, limit, offset)
    return enveloped(answer, "rows", queue=queue, patch=patch, role=role, sample=sample, q_threshold=SIGNIFICANT,
                     limit=limit, offset=offset, total_count=answer.data.total_count)
