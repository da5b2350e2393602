"""The API's query layer, a module per domain: each `Query` names the published tables it reads once, the model
its result fits and the function computing it over a read connection. The routers hold no SQL: they call
`Query.read`, which answers from the reader's cache under the query's name, its arguments and the tables'
publish ids, and otherwise computes the result and validates it against the model, once per computed answer."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql
from pydantic import TypeAdapter

from gamestats_assets.serve.core.reader import Answer, Reader, Until


class NotFound(LookupError):
    """What was asked for is not in the published tables (the API's 404, saying what is missing)."""


@dataclass(frozen=True)
class Query:
    """A read of `tables` whose result `compute(conn, *args)` fits `returns` (a model, or a type of models)."""

    tables: tuple[str, ...]
    returns: Any
    compute: Callable[..., Any]
    adapter: TypeAdapter = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "adapter", TypeAdapter(self.returns))

    @property
    def name(self) -> str:
        return f"{self.compute.__module__}.{self.compute.__qualname__}"

    def result(self, conn: psycopg.Connection, *args: Hashable) -> Any:
        """The validated result over `conn` (as an `Until` when the clock changes it)."""
        found = self.compute(conn, *args)
        if isinstance(found, Until):
            return Until(self.adapter.validate_python(found.data), found.moment)
        return self.adapter.validate_python(found)

    def read(self, reader: Reader, *args: Hashable) -> Answer:
        """The answer for `args` as of one publish of each of `tables`, computed and validated once per publish."""
        return reader.read(self.tables, (self.name, *args), lambda conn: self.result(conn, *args))


def query(*tables: str, returns: Any) -> Callable[[Callable[..., Any]], Query]:
    """The decorated function `compute(conn, *args)` as a `Query` of `tables`, its result a `returns`."""
    return lambda compute: Query(tables, returns, compute)


def page(conn: psycopg.Connection, select: sql.Composable, params: dict[str, Any], limit: int,
         offset: int) -> dict[str, Any]:
    """The rows of `select` (a statement with its order, over `params`) from `offset`, at most `limit`, and how many
    it has in all: {"rows", "total_count"}. A page short of `limit` with rows (or the first page) says the total by
    itself; otherwise the rows are counted, so that a page past the end still says how many there are."""
    rows = conn.execute(sql.SQL("{} LIMIT %(limit)s OFFSET %(offset)s").format(select),
                        {**params, "limit": limit, "offset": offset}).fetchall()
    if (rows or not offset) and len(rows) < limit:
        return {"rows": rows, "total_count": offset + len(rows)}
    (total,) = conn.execute(sql.SQL("SELECT count(*) FROM ({}) listed").format(select), params).fetchone().values()
    return {"rows": rows, "total_count": total}
