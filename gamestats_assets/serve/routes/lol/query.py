"""The compound query of `gamestats lol query` as `GET /api/v1/lol/query`: the same conditions and the same
answer (`sources/riot/compound.py`), over the published copy of the participant fact table,
`lol.participant_query_facts`, one champion's rows at a time (`queries/lol.py`)."""

from __future__ import annotations

import itertools
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from starlette.responses import Response

from gamestats_assets.serve.core.contract import unknown
from gamestats_assets.serve.core.envelope import enveloped
from gamestats_assets.serve.core.models import envelope
from gamestats_assets.serve.deps import ReaderDep
from gamestats_assets.serve.queries import lol as queries
from gamestats_assets.serve.routes.lol.common import PREFIX, TAGS, named
from gamestats_assets.sources.riot.compound import (
    BASIC_SKILLS,
    METRICS,
    OBJECTIVES,
    CompoundResult,
    UnknownName,
    champion_id_of,
)

router = APIRouter(prefix=PREFIX, tags=TAGS,
                   responses=unknown("a champion, item, metric, queue or patch asked"))

ORDERS = "|".join(">?".join(order) for order in itertools.permutations(BASIC_SKILLS))

Names = Annotated[str, Query(max_length=400, pattern=r"^[^\x00-\x1f\x7f]*$",
                             description="comma-separated names, every one required")]
MaxOrder = Annotated[str | None, Query(pattern=f"(?i)^({ORDERS})$", description="Q, W and E once each, e.g. Q>E>W")]
Minutes = Annotated[str | None, Query(pattern=r"^(\d{1,3}(\.\d{1,2})?)?-(\d{1,3}(\.\d{1,2})?)?$",
                                      description="FROM-TO in minutes (TO excluded), e.g. 25-35 or 40-")]
Patches = Annotated[str, Query(pattern=r"^(\d{1,2}\.\d{1,2}(,\d{1,2}\.\d{1,2})*)?$",
                               description="comma-separated major.minor")]
Objective = Annotated[Literal[OBJECTIVES] | None, Query(description="an objective the team took first")]
FirstItem = named("the first core item completed")
Against = named("the lane opponent's champion")
Metric = Annotated[str, Query(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_]+$",
                              description=f"the metric compared: {', '.join(METRICS)}")]
ChampionAsked = Annotated[str, Query(min_length=1, max_length=40, pattern=r"^[^\x00-\x1f\x7f]+$",
                                     description="the champion, a Data Dragon name in any case")]

CompoundAnswer = envelope("LolCompoundAnswer", CompoundResult, champion=str, completed=list[str], metric=str,
                          queue=list[str], patch=list[str], first_item=str | None, max_order=str | None,
                          first_objective=str | None, against=str | None, minutes=str | None)


def listed(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


@router.get("/query", name="lol_query", response_model=CompoundAnswer,
            summary="A champion's games meeting every condition against its other games: mean, n and 95 % interval "
            "of a metric, and the difference's p-value")
def lol_query(reader: ReaderDep, champion: ChampionAsked, completed: Names = "", first_item: FirstItem = None,
              max_order: MaxOrder = None, first_objective: Objective = None, against: Against = None,
              minutes: Minutes = None, metric: Metric = "dpm",
              queue: Names = "", patch: Patches = "") -> Response:
    """`gamestats lol query` over `lol.participant_query_facts`: the champion's counted games meeting every
    condition (items completed, first item, max order, first objective, lane opponent, length) against its other
    games of the queues and patches asked, on one metric, with the difference's p-value. An unknown champion, item
    or metric is a 404 naming the closest known names; an unknown queue or patch is a 404 too."""
    asked = {"first_item": first_item, "max_order": max_order, "first_objective": first_objective,
             "against": against, "minutes": minutes}
    try:
        _, champion_id = champion_id_of(champion)
        answer = queries.compound.read(reader, champion, champion_id, tuple(listed(completed)), metric,
                                       tuple(listed(queue)), tuple(listed(patch)), *asked.values())
    except UnknownName as error:
        raise HTTPException(404, str(error)) from error
    return enveloped(answer, champion=champion, completed=listed(completed), metric=metric, queue=listed(queue),
                     patch=listed(patch), **asked)
