"""Checking an answer against the model its route declares (`response_model`): every field it holds is declared,
of the declared type, and none is missing."""

from __future__ import annotations

from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import TypeAdapter
from starlette.routing import Match

from gamestats_assets.serve.app import ROUTERS


def get_routes() -> dict[str, APIRoute]:
    """Every GET route of the API's OpenAPI document that answers JSON, by its path template (not the sign-in's
    redirects, which `test_sign_in.py` follows, nor the export's zip, which `test_user_data.py` opens)."""
    return {route.path: route for router in ROUTERS for route in router.routes
            if isinstance(route, APIRoute) and "GET" in route.methods and route.include_in_schema
            and issubclass(getattr(route.response_class, "value", route.response_class), JSONResponse)}


def route_of(path: str) -> APIRoute:
    scope = {"type": "http", "path": path, "method": "GET"}
    return next(route for route in get_routes().values() if route.matches(scope)[0] == Match.FULL)


def typed_get(client: TestClient, path: str, params: dict | None = None,
              headers: dict | None = None) -> tuple[str, dict]:
    """GET `path`: its route's path template and its answer, asserted to be a 200 that its route's model
    validates strictly and renders back unchanged (so no field is undeclared)."""
    response = client.get(path, params=params, headers=headers)
    assert response.status_code == 200, (path, response.text[:500])
    route = route_of(path)
    assert route.response_model is not None, f"{route.path} declares no response model"
    adapter = TypeAdapter(route.response_model)
    validated = adapter.validate_json(response.content, strict=True)
    assert adapter.dump_python(validated, mode="json") == response.json(), path
    return route.path, response.json()
