"""Figures as a reader takes them in the catalog: a float's binary noise left out (`1208.139`, not
`1208.1390000000001`), a row's values as text, number or flag."""

import datetime as dt
import math
from typing import Any

SIGNIFICANT = 7
"""Significant digits a float keeps, beyond which it only ever holds noise or precision no reader uses; its
integer part is never cut (a revenue of 123456789.12 keeps its cents)."""


def readable(value: Any) -> Any:
    """`value`, a finite float rounded to `SIGNIFICANT` digits (two decimals at least beyond its integer part)."""
    if not isinstance(value, float) or not math.isfinite(value) or value == 0:
        return value
    magnitude = math.floor(math.log10(abs(value))) + 1
    return float(f"{value:.{max(SIGNIFICANT, magnitude + 2)}g}")


TEXT_LIMIT = 120
"""Characters of a text a cell shows (a row's JSON properties can be long)."""


def cell(value: Any) -> str | int | float | bool | None:
    """`value` as a cell of a metadata table: numbers readable, dates and times in ISO form, anything else text
    (its first `TEXT_LIMIT` characters)."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return readable(value) if math.isfinite(value) else str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT - 1] + "…"
