"""Days and instants as the API takes them: ISO 8601 text alone, as the OpenAPI document says (`format: date`,
`format: date-time`). Pydantic would also take a number as seconds since 1970 (`to=0.5`); these refuse it, and an
instant without its offset or seconds."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator

DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
"""A day, `YYYY-MM-DD` (RFC 3339 `full-date`)."""
INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
"""An instant with its offset (RFC 3339 `date-time`): `2026-10-14T18:00:00+02:00`, `...Z`."""


def written(pattern: re.Pattern, what: str):
    """A check that a value given as text is `pattern` (`what` says which); a value already parsed passes."""

    def check(value: Any) -> Any:
        if isinstance(value, str) and pattern.fullmatch(value):
            return value
        if isinstance(value, dt.date):
            return value
        raise ValueError(f"{what}, as text: {value!r} is not")

    return check


IsoDate = Annotated[dt.date, BeforeValidator(written(DAY, "a day in ISO 8601, YYYY-MM-DD"))]
"""A day written `YYYY-MM-DD`."""
IsoInstant = Annotated[AwareDatetime, BeforeValidator(written(INSTANT, "an ISO 8601 instant with its timezone offset")),
                       AfterValidator(lambda moment: moment.astimezone(dt.UTC))]
"""An instant written with its offset (`2026-10-14T18:00:00+02:00`, `...Z`), as UTC."""
