"""What the PUBG admin's routes share: the ids and texts an organiser gives, what every decision carries (why,
notes), the answer of a read as it is now, and the platform's connection a write goes through."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Annotated, Any

import psycopg
from fastapi import HTTPException, Path
from psycopg.rows import dict_row
from pydantic import BaseModel, Field, TypeAdapter
from starlette.responses import Response

from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets.serve.core.accounts import Principal
from gamestats_assets.serve.core.bodies import Body
from gamestats_assets.serve.core.envelope import enveloped
from gamestats_assets.serve.core.iso import IsoInstant
from gamestats_assets.serve.core.reader import Reader
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets.serve.crud.pubg_schedule import Invalid
from gamestats_assets.serve.routes.pubg.common import PRINTABLE
from gamestats_assets.sources.pubg.decisions import Author

PREFIX = "/api/v1/admin/pubg"
TAGS = ["pubg admin"]
ID_PATTERN = r"^[A-Za-z0-9._:#@+-]+$"


def identifier(description: str) -> Any:
    """A path parameter holding an id (`ID_PATTERN`, at most 128 characters), described."""
    return Annotated[str, Path(min_length=1, max_length=128, pattern=ID_PATTERN, description=description)]


Name = Annotated[str, Field(min_length=1, max_length=64, pattern=PRINTABLE)]
"""A division, group or round name as the organisers' files hold it: printable, no control characters."""
Reason = Annotated[str, Field(min_length=1, max_length=500, pattern=PRINTABLE,
                               description="why the decision was made (required, recorded with it)")]
Notes = Annotated[str | None, Field(None, max_length=2000, pattern=PRINTABLE,
                                    description="the organiser's notes, recorded with the decision")]
Instant = IsoInstant
"""An ISO 8601 instant with its offset (`2026-10-14T18:00:00+02:00`, `...Z`): a time without one is refused."""


@functools.cache
def adapter(model: type) -> TypeAdapter:
    return TypeAdapter(model)


def now(reader: Reader, model: type, compute, *args, **metadata: Any) -> Response:
    """`compute(conn, *args)` as it is now, checked against `model`, in the envelope with `metadata`."""
    return enveloped(reader.uncached(lambda conn: adapter(model).validate_python(compute(conn, *args))), **metadata)


@contextlib.contextmanager
def writing(settings: ServeSettings) -> Iterator[psycopg.Connection]:
    """The platform's connection, rows as dicts, in one transaction; a schedule the rules refuse is a 422 saying
    which rule."""
    with connect(settings.pg_url) as conn:
        conn.row_factory = dict_row
        try:
            with conn.transaction():
                yield conn
        except Invalid as error:
            raise HTTPException(422, str(error)) from error


class Decided(Body):
    """What every organiser's decision carries: why (required) and optional notes; who made it is the account
    of the request."""

    reason: Reason
    notes: Notes = None

    def by(self, who: Principal) -> Author:
        return Author(who.name, self.reason, self.notes)


NEXT_RUN = ("within a minute while the pipeline runs: its sensor `pubg_organiser_decisions` reruns the matches the "
            "decision can move and republishes the tournament tables (`GET /decisions` follows it)")

