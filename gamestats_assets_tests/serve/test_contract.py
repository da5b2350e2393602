"""The OpenAPI document says what every operation does (`serve/contract.py`): a summary and a description, every
parameter and every field of every answer described, the API key on every operation that needs one with its 401 and
403, every refusal in one shape, and an example of each success, a real answer its route's model validates; and an
unexpected failure answers 500 in that shape, as JSON, on a connection that stays open. What a sweep of real
requests gets is declared as well: `test_contract_sweep.py`."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from gamestats_assets.serve import deps
from gamestats_assets.serve.app import ROUTERS, create_app
from gamestats_assets.serve.core import errors, guard, limits, methods
from gamestats_assets.serve.core.contract import EVERY_REQUEST, KEYED, examples, operations
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets.serve.routes import health
from gamestats_assets_tests.serve.pages import served

PROBLEM, INVALIDS = "#/components/schemas/Problem", "#/components/schemas/Invalids"


@pytest.fixture(scope="module")
def document() -> dict:
    return create_app(ServeSettings(pg_url="postgresql://postgres@127.0.0.1/postgres")).openapi()


def routes() -> dict[tuple[str, str], APIRoute]:
    """Every operation's route: (method, path) → route."""
    return {(method, route.path): route for router in ROUTERS for route in router.routes
            if isinstance(route, APIRoute) and route.include_in_schema for method in route.methods}


def needs_a_key(route: APIRoute) -> bool:
    """Whether `route` depends on who the request acts as (`deps.principal`), directly or through a role."""
    def calls(dependant) -> bool:
        return any(d.call is deps.principal or calls(d) for d in dependant.dependencies)

    return calls(route.dependant)


def test_every_operation_has_a_summary_and_a_description_and_every_parameter_is_described(document):
    assert len(operations(document)) == len(routes())
    bare = [f"{m} {p}" for m, p, op in operations(document) if not op.get("summary") or not op.get("description")]
    undescribed = [f"{m} {p} {parameter['name']}" for m, p, op in operations(document)
                   for parameter in op.get("parameters", []) if not parameter.get("description")]
    assert bare == [] and undescribed == []


def test_every_field_of_every_answer_and_body_is_described(document):
    schemas = document["components"]["schemas"]
    undescribed = [f"{name}.{field}" for name, schema in schemas.items()
                   for field, spec in schema.get("properties", {}).items() if not spec.get("description")]
    assert undescribed == []
    assert len(schemas) > 150, "every model is in the document"


def test_every_operation_that_needs_a_key_declares_the_bearer_scheme_and_its_401_and_403(document):
    assert document["components"]["securitySchemes"] == {"apiKey": {
        "type": "http", "scheme": "bearer", "description": guard.BEARER.model.description}}
    keyed = {(m, p) for (m, p), route in routes().items() if needs_a_key(route)}
    declared = {(m, p) for m, p, op in operations(document) if op.get("security") == [{"apiKey": []}]}
    assert keyed == declared and len(keyed) >= 20
    assert all(set(map(str, KEYED)) <= set(op["responses"]) for m, p, op in operations(document) if (m, p) in keyed)
    assert not any("401" in op["responses"] for m, p, op in operations(document) if (m, p) not in keyed)


def test_every_refusal_and_failure_of_every_operation_is_declared_in_one_shape(document):
    for method, path, operation in operations(document):
        answers = operation["responses"]
        assert set(map(str, EVERY_REQUEST)) <= set(answers), (method, path)
        for status, answer in answers.items():
            if int(status) >= 400:
                schema = answer["content"]["application/json"]["schema"]["$ref"]
                assert answer["description"] and schema == (INVALIDS if status == "422" else PROBLEM), (path, status)
    assert not {"HTTPValidationError", "ValidationError"} & set(document["components"]["schemas"])


def test_every_success_has_an_example_its_route_s_model_takes(document):
    kept, found = examples(), routes()
    missing = []
    for method, path, operation in operations(document):
        for status, answer in operation["responses"].items():
            content = answer.get("content", {}).get("application/json")
            if int(status) < 300 and content is not None:
                if "example" not in content:
                    missing.append(f"{method} {path} {status}")
                    continue
                assert content["example"] == kept[f"{method} {path}"]
                model = found[(method, path)].response_model
                TypeAdapter(model).validate_python(content["example"])
    assert missing == [], "run the sweep with WRITE_API_EXAMPLES=1 to take them from real answers"


def test_the_paths_a_method_is_refused_on_are_the_documents_with_its_methods(document):
    """The 405 layer's table of paths and methods is read from the routes, so that no request waits for the document
    to be made: it holds each path of the document with that path's methods."""
    app = create_app(ServeSettings(pg_url="postgresql://postgres@127.0.0.1/postgres"))
    table = {(pattern.pattern, parameters, given) for pattern, parameters, given in methods.templates(app)}
    for path, item in document["paths"].items():
        [(_, _, given)] = [entry for entry in table
                           if re.fullmatch(entry[0], path) and entry[1] == path.count("{")]
        assert given == {method.upper() for method in item}, path
    assert len(table) == len(document["paths"])


def test_an_unexpected_failure_answers_500_as_json_in_the_one_shape(migrated_pg_url, monkeypatch):
    def failing(instance):
        raise RuntimeError("a failure nobody planned for")

    monkeypatch.setattr(health, "pipeline_state", failing)
    app = create_app(ServeSettings(pg_url=migrated_pg_url, requests_per_minute=100_000))
    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/api/v1/health")
    assert answer.status_code == 500 and answer.headers["content-type"] == "application/json"
    assert set(answer.json()) == {"detail"} and "nobody planned" not in answer.text


def assert_failures_read_on_one_connection_and_logged(pg_url: str, caplog) -> None:
    """Under uvicorn, as served, three failing reads on one kept connection: each answered 500 in `Problem`'s shape
    (none reset) and each logged with its cause. Only the failures of those reads count: a request another test's
    process sends to the port (waiting for a server of its own, before it learns the port was taken) fails too."""
    with served(pg_url) as base, httpx.Client(base_url=base, timeout=30) as client:
        answers = [client.get("/api/v1/health") for _ in range(3)]
    assert [answer.status_code for answer in answers] == [500] * 3
    assert all(answer.json() == {"detail": errors.INTERNAL} for answer in answers)
    logged = [record for record in caplog.records
              if record.name == errors.__name__ and "/api/v1/health" in record.getMessage()]
    assert len(logged) == 3 and "nobody planned" in str(logged[0].exc_info[1])


def test_a_client_keeping_its_connection_reads_each_failure_and_the_server_logs_it(migrated_pg_url, monkeypatch,
                                                                                   caplog):
    """Under uvicorn, as served: a failure that reached the server closed the connection after its 500, and the
    client's next request on it was reset."""
    def failing(instance):
        raise RuntimeError("a failure nobody planned for")

    monkeypatch.setattr(health, "pipeline_state", failing)
    assert_failures_read_on_one_connection_and_logged(migrated_pg_url, caplog)


def test_a_failure_outside_the_routes_is_answered_and_logged_and_keeps_the_connection(migrated_pg_url, monkeypatch,
                                                                                     caplog):
    """A layer around the routes (here the request budget's) failing: Starlette's error layer answers 500 and
    raises again, and uvicorn closed the connection of a failure that reached it."""
    async def failing(self, headers):
        raise RuntimeError("a failure nobody planned for")

    monkeypatch.setattr(limits.RequestBudget, "identified", failing)
    assert_failures_read_on_one_connection_and_logged(migrated_pg_url, caplog)
