"""The answer models and the query layer without a database: a model is built from the declared columns and
refuses a column the declaration lacks (a renamed column fails at import), a query's result that lacks a declared
field is refused when it is computed, and every route declares its model."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from gamestats_assets.lib.core.columns import BIGINT, DATE, TEXT
from gamestats_assets.serve.app import ROUTERS
from gamestats_assets.serve.core.models import columns_of, envelope, field, row
from gamestats_assets.serve.queries import Query

COLUMNS = {"date": DATE, "player_id": TEXT.required, "games": BIGINT("games played")}


def test_a_row_takes_its_types_nulls_and_descriptions_from_the_declaration():
    Row = row("Row", COLUMNS, "player_id", "games", renamed={"games": "played"}, share=field(float, "a share"))
    fields = Row.model_fields
    assert list(fields) == ["player_id", "played", "share"]
    assert fields["player_id"].annotation is str and fields["played"].annotation == int | None
    assert fields["played"].description == "games played" and all(f.is_required() for f in fields.values())
    assert columns_of(Row, {"played": "games"}, "s") == "s.player_id, s.games AS played, s.share"
    assert list(row("Every", COLUMNS).model_fields) == list(COLUMNS)


def test_a_column_the_declaration_lacks_fails_when_the_model_is_built():
    with pytest.raises(KeyError, match="'player'"):
        row("Row", COLUMNS, "player", "games")


def test_a_result_missing_a_declared_field_is_refused_when_computed():
    Row = row("Row", COLUMNS, "date", "player_id", "games")
    read = Query(("t",), list[Row], lambda conn, day: [{"date": day, "player": "a", "games": 1}])
    with pytest.raises(ValidationError, match="player_id"):
        read.result(None, dt.date(2026, 1, 1))
    fine = Query(("t",), list[Row], lambda conn, day: [{"date": day, "player_id": "a", "games": None}])
    assert fine.result(None, dt.date(2026, 1, 1))[0].player_id == "a"


def test_an_envelope_holds_the_metadata_asked_then_published_at_and_timestamp():
    Answer = envelope("Answer", list[row("Row", COLUMNS)], player_id=str)
    assert list(Answer.model_fields) == ["metadata", "data"]
    assert list(Answer.model_fields["metadata"].annotation.model_fields) == ["player_id", "published_at", "timestamp"]


def test_every_route_declares_its_answer():
    """Every route answering JSON declares its model (a redirect or a file declares its answer's class)."""
    undeclared = [f"{method} {route.path}" for router in ROUTERS for route in router.routes
                  for method in route.methods if route.include_in_schema and route.response_model in (None, dict)
                  and issubclass(getattr(route.response_class, "value", route.response_class), JSONResponse)]
    assert undeclared == []
