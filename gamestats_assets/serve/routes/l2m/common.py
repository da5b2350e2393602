"""What the Lineage 2M routes share (base `/api/v1/l2m`): the parameters of a range of days, a server and a country,
and the check of a range."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Query

from gamestats_assets.serve.core.contract import unknown
from gamestats_assets.serve.core.errors import refused
from gamestats_assets.serve.core.iso import IsoDate

PREFIX = "/api/v1/l2m"
TAGS = ["lineage 2m"]
SERVER_UNKNOWN = unknown("the server asked")
"""The 404 of an answer about one server."""
MAX_DAYS = 366
From = Annotated[IsoDate, Query(alias="from", description="the first day, ISO 8601")]
To = Annotated[IsoDate, Query(alias="to", description=f"the last day, included (at most {MAX_DAYS} days in all)")]
ServerId = Annotated[int | None, Query(ge=0, le=2**62, description="one server (default: every server)")]
CountryCode = Annotated[str | None, Query(pattern=r"^([A-Z]{2}|Other)$",
                                          description="one country (default: every country)")]


def checked(date_from: dt.date, date_to: dt.date) -> None:
    """422 (at `to`) unless `date_from`–`date_to` is a range of at most `MAX_DAYS` days."""
    if date_to < date_from:
        raise refused(("query", "to"), f"to ({date_to}) is before from ({date_from})")
    if (date_to - date_from).days >= MAX_DAYS:
        raise refused(("query", "to"), f"a range is at most {MAX_DAYS} days")

