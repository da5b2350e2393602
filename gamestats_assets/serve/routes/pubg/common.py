"""What the PUBG tournament's routes share (base `/api/v1/tournaments`): the parameters naming a part of the
tournament (season, division, group, round) and a page, what a PUBG API id may be, and the tournament page's
envelope of a contextual answer (`metadata` with the context and `filtered_by`, `data` with the rows and
`total_count`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from starlette.responses import Response

from gamestats_assets.serve.core.contract import unknown
from gamestats_assets.serve.core.envelope import enveloped
from gamestats_assets.serve.core.models import envelope, fields_of
from gamestats_assets.serve.core.reader import Reader
from gamestats_assets.serve.queries import Query as Read
from gamestats_assets.serve.queries import pubg as queries

PREFIX = "/api/v1/tournaments"
TAGS = ["pubg tournaments"]
CONTEXT_UNKNOWN = unknown("a season, division, group, round or match asked")
"""The 404 of an answer about a part of the tournament."""
MAX_PAGE = 100
PRINTABLE = r"^[^\x00-\x1f\x7f]+$"
"""A name as the organisers' files hold it: no control characters (PostgreSQL text refuses NUL)."""


def named(description: str) -> Any:
    """An optional query parameter naming a part of the tournament as the organisers' files do (printable, at most 64
    characters), described."""
    return Annotated[str | None, Query(min_length=1, max_length=64, pattern=PRINTABLE, description=description)]


SeasonId = named("a season (default: the latest)")
AnySeason = named("a season (default: every season)")
Division = named("a division of the season (default: every division)")
Group = named("a group of the division (default: every group)")
Round = named('a round of the season, or "overall" (default: every round)')
RoundId = named("a round of the season (default: every round)")
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="the most rows of the page")]
PUBG_ID = {"min_length": 1, "max_length": 128, "pattern": r"^[A-Za-z0-9._:-]+$"}
"""What a PUBG API id (a match's, an account's) may be, in a path or a query."""
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="the rows skipped before the page")]


def in_context(name: str, read: Read, **metadata: Any) -> type:
    """The answer model of `read`, a contextual query: its context and `metadata` around its data."""
    data = read.returns.model_fields["data"].annotation
    return envelope(name, data, **fields_of(queries.Context), **metadata)


def contextual(read: Read, reader: Reader, *args, **metadata) -> Response:
    """`read`'s answer for `args`, its context in the metadata with `metadata`."""
    answer = read.read(reader, *args)
    return enveloped(answer, "data", **answer.data.context.model_dump(), **metadata)

