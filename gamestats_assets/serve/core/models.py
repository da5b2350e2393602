"""The shapes of the API's answers, built from the published tables' declared columns (`published/<domain>.py`).

`row` makes a row's model from a table's `Columns`: the columns it names, each typed and described as declared
(a column may be null unless declared `required`), renamed where the answer calls it otherwise, and the fields
the query computes. `envelope` makes an answer's model: `metadata` (what was asked, `published_at` per table
read, `timestamp`) around `data`. A route declares it as its `response_model`, so `/docs` and `/openapi.json`
show every field, and the query layer validates each answer against its data model once, when it is computed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from gamestats_assets.lib.core.columns import Column, Columns

PYTHON_TYPES: dict[str, Any] = {
    "text": str, "jsonb": Any, "bigint": int, "integer": int, "double precision": float, "boolean": bool,
    "date": dt.date, "timestamp": dt.datetime, "timestamptz": dt.datetime}
"""The Python type of each declared PostgreSQL type, as an answer holds it."""


class Shape(BaseModel):
    """An answer's part: every field present (a null one as null), nothing undeclared."""

    model_config = ConfigDict(extra="ignore")


def typed(column: Column) -> tuple[Any, Any]:
    """`column` as a model's field: its type (or null unless declared `required`) and its description."""
    kind = PYTHON_TYPES[column.type]
    return (kind if column.not_null else kind | None), Field(description=column.description or None)


def field(kind: Any, description: str) -> tuple[Any, Any]:
    """A computed field: `kind`, described."""
    return kind, Field(description=description)


def row(name: str, columns: Columns, /, *names: str, doc: str = "", renamed: dict[str, str] | None = None,
        **computed: tuple[Any, Any]) -> type[Shape]:
    """The model `name` of a row holding `columns[n]` for each of `names` (every declared column when none is
    named), the answer's name of a column given by `renamed` (column → name), then the `computed` fields. A
    name the declaration lacks fails here, at import: renaming a column fails every test at once."""
    missing = [n for n in [*names, *(renamed or {})] if n not in columns]
    if missing:
        raise KeyError(f"{name}: {missing} not among the declared columns {sorted(columns)}")
    fields = {(renamed or {}).get(n, n): typed(columns[n]) for n in names or columns}
    return create_model(name, __base__=Shape, __doc__=doc or None, **fields, **computed)


def shape(name: str, doc: str = "", /, **fields: tuple[Any, Any] | Any) -> type[Shape]:
    """The model `name` of an answer's part with `fields` (each a type, or a type and its `Field`)."""
    return create_model(name, __base__=Shape, __doc__=doc or None,
                        **{n: f if isinstance(f, tuple) else (f, ...) for n, f in fields.items()})


def paged(name: str, row: Any) -> type[Shape]:
    """The model `name` of a page of `row`s (`queries.page`): the rows and how many there are in all."""
    return shape(name, f"A page of {row.__name__}", rows=field(list[row], "the page's rows"),
                 total_count=field(int, "the rows in all, on every page (past the last page too)"))


def fields_of(model: type[BaseModel]) -> dict[str, tuple[Any, Any]]:
    """`model`'s fields, to be fields of another model (`shape`, `envelope`)."""
    return {name: (info.annotation, info) for name, info in model.model_fields.items()}


def columns_of(model: type[BaseModel], renamed: dict[str, str] | None = None, alias: str = "") -> str:
    """A select list of `model`'s fields, each a column of the same name (`renamed`: field → column), every
    column qualified by `alias` when given: the query selects exactly what the model declares."""
    prefix = f"{alias}." if alias else ""
    return ", ".join(f"{prefix}{(renamed or {})[n]} AS {n}" if n in (renamed or {}) else f"{prefix}{n}"
                     for n in model.model_fields)


def asked(name: str, kind: Any) -> tuple[Any, Any]:
    """A metadata field echoing the request's `name`, of type `kind`."""
    return kind, Field(description=f"`{name}` as asked" + (" (null when not given)" if is_optional(kind) else ""))


def is_optional(kind: Any) -> bool:
    return type(None) in getattr(kind, "__args__", ())


def envelope(name: str, data: Any, doc: str = "", /, **metadata: Any) -> type[BaseModel]:
    """The model `name` of an answer: `metadata` (the `metadata` fields given, each a type or a type and its
    `Field`, then `published_at` and `timestamp`; a field given by its type alone echoes the request's parameter of
    that name, `asked`) around `data`."""
    head = shape(f"{name}Metadata", f"What {name} answers for and when its tables were published",
                 **{n: m if isinstance(m, tuple) else asked(n, m) for n, m in metadata.items()},
                 published_at=field(dict[str, dt.datetime | None],
                                    "each table read, when it was last published (null: never)"),
                 timestamp=field(dt.datetime, "when the answer was sent"))
    return create_model(name, __doc__=doc or None,
                        metadata=(head, Field(description="what was asked, and when each table read was published")),
                        data=(data, Field(description=doc or "what was asked for")))
