"""What the Rocket League routes share (base `/api/v1/rocket`): the parameters naming a player, a replay and a
page, and the answer models and envelopes of an answer about one player."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path as PathParam, Query
from starlette.responses import Response

from gamestats_assets.serve.core.contract import unknown
from gamestats_assets.serve.core.envelope import enveloped
from gamestats_assets.serve.core.models import envelope, field
from gamestats_assets.serve.core.reader import Reader
from gamestats_assets.serve.queries import Query as Read

PREFIX = "/api/v1/rocket"
TAGS = ["rocket league"]
PlayerId = Annotated[str, Query(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:@+-]+$",
                                description="a platform id as ballchasing filters by it (steam:7656...)")]
ReplayId = Annotated[str, PathParam(pattern=r"^[0-9a-fA-F]{32}$", description="the replay's match id (32 hex)")]
Limit = Annotated[int, Query(ge=1, le=100, description="the most rows of the page")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="the rows skipped before the page")]
TOTAL = field(int, "the rows in all, on every page (past the last page too)")
PlayerAsked = {"player_id": field(str, "the player asked for")}
PLAYER_UNKNOWN = unknown("the player (one without published games)")


def for_player(name: str, data: object, **metadata: object) -> type:
    """The answer model `name` of `data` about the player asked for."""
    return envelope(name, data, **PlayerAsked, **metadata)


def with_reason(read: Read, reader: Reader, *args, **metadata) -> Response:
    """`read`'s answer (a result that may be empty for a reason) for `args`: its data, and in the metadata the
    reason it is empty (None when it is not)."""
    answer = read.read(reader, *args)
    return enveloped(answer, "data", **metadata, reason=answer.data.reason)


def with_reason_model(name: str, read: Read) -> type:
    return for_player(name, read.returns.model_fields["data"].annotation,
                      reason=field(str | None, "why there is nothing to show (null when there is)"))

