"""The compound query of `gamestats lol query` as `GET /api/v1/lol/query`: the same conditions and the same
answer (`sources/riot/compound.py`), over the published copy of the participant fact table,
`lol.participant_query_facts`, one champion's rows at a time."""

from __future__ import annotations

import dataclasses
import itertools
from typing import Annotated, Literal

import polars as pl
import psycopg
from fastapi import APIRouter, HTTPException, Query, Request

from gamestats_assets.lib.publish.copy_encoding import BINARY_TYPES
from gamestats_assets.serve.envelope import enveloped
from gamestats_assets.serve.lol import Name
from gamestats_assets.serve.reader import Reader
from gamestats_assets.sources.riot.compound import (
    BASIC_SKILLS,
    OBJECTIVES,
    UnknownName,
    champion_id_of,
    compound_query,
    nested,
)

router = APIRouter(prefix="/api/v1/lol", tags=["league of legends"])

TABLE = "lol.participant_query_facts"
COLUMN_TYPES = {**BINARY_TYPES, "timestamptz": pl.Datetime("us", "UTC")}
"""The polars type of each PostgreSQL column type the table holds."""
ORDERS = "|".join(">?".join(order) for order in itertools.permutations(BASIC_SKILLS))

Names = Annotated[str, Query(max_length=400, pattern=r"^[^\x00-\x1f\x7f]*$",
                             description="comma-separated names, every one required")]
MaxOrder = Annotated[str | None, Query(pattern=f"(?i)^({ORDERS})$", description="Q, W and E once each, e.g. Q>E>W")]
Minutes = Annotated[str | None, Query(pattern=r"^(\d{1,3}(\.\d{1,2})?)?-(\d{1,3}(\.\d{1,2})?)?$",
                                      description="FROM-TO in minutes (TO excluded), e.g. 25-35 or 40-")]
Objective = Annotated[Literal[OBJECTIVES] | None, Query(description="an objective the team took first")]


def listed(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def champion_rows(conn: psycopg.Connection, champion_id: int) -> pl.DataFrame:
    """The champion's rows of `TABLE`, typed as the lake's, with `completed_items` back (`nested`)."""
    cursor = conn.execute(f"SELECT * FROM {TABLE} WHERE champion_id = %s", (champion_id,))
    schema = {column.name: COLUMN_TYPES[conn.adapters.types.get(column.type_code).name]
              for column in cursor.description}
    return nested(pl.DataFrame(cursor.fetchall(), schema=schema, orient="row"))


@router.get("/query", name="lol_query", summary="A champion's games meeting every condition against its other "
            "games: mean, n and 95 % interval of a metric, and the difference's p-value")
def lol_query(request: Request, champion: Annotated[str, Query(min_length=1, max_length=40,
                                                               pattern=r"^[^\x00-\x1f\x7f]+$")],
              completed: Names = "", first_item: Name = None, max_order: MaxOrder = None,
              first_objective: Objective = None, against: Name = None, minutes: Minutes = None,
              metric: Annotated[str, Query(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_]+$")] = "dpm",
              queue: Names = "", patch: Annotated[str, Query(pattern=r"^(\d{1,2}\.\d{1,2}(,\d{1,2}\.\d{1,2})*)?$",
                                                             description="comma-separated major.minor")] = "") -> dict:
    reader: Reader = request.app.state.reader
    asked = {"first_item": first_item, "max_order": max_order, "first_objective": first_objective,
             "against": against, "minutes": minutes}
    try:
        _, champion_id = champion_id_of(champion)

        def compute(conn: psycopg.Connection) -> dict:
            result = compound_query(champion_rows(conn, champion_id), champion, listed(completed), metric,
                                    listed(queue), listed(patch), **asked)
            return dataclasses.asdict(result)

        answer = reader.read((TABLE,), ("query", champion.casefold(), completed.casefold(), metric.casefold(),
                                        queue, patch, *(str(v).casefold() for v in asked.values())), compute)
    except UnknownName as error:
        raise HTTPException(404, str(error)) from error
    return enveloped(answer, champion=champion, completed=listed(completed), metric=metric, queue=listed(queue),
                     patch=listed(patch), **asked)
