"""What `gamestats serve` promises in its OpenAPI document (`/openapi.json`, `/docs`, `/redoc`), beyond what each
route declares of itself (its summary, description, parameters, answer model, its own refusals such as a 404 or a
409, and the API key it needs, `guard.BEARER`):

- every operation answers the statuses any request can get before or around its route (`EVERY_REQUEST`): a body
  or headers past their bound, a refused parameter, a spent budget, an unexpected failure, budgets unavailable or
  publishes racing;
- an operation that needs an API key (its `security`) answers 401 and 403 as well;
- a refusal holds `errors.Problem`, a 422 `errors.Invalids` (FastAPI's list of errors), whatever status it is;
- each success holds an example: a real answer kept in `examples.json` by operation (`EXAMPLES`), taken from a
  published test database by the sweep of `gamestats_assets_tests/serve/test_contract_sweep.py` run with
  `WRITE_API_EXAMPLES=1`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

from gamestats_assets.serve.core.errors import Invalids, Problem

EXAMPLES = Path(__file__).parents[1] / "examples.json"
"""A real answer of each operation (`"GET /api/v1/..."` → its body), shown as its success's example."""
REF = "#/components/schemas/{model}"
STATUSES = {
    401: "no API key, or one not in use: `Authorization: Bearer <key>` (`WWW-Authenticate: Bearer`)",
    403: "the key's account may not do this: its role, or a player it does not act for",
    404: "what the request names is not in the published tables (`detail` names it)",
    413: "the body is larger than its bound (`GAMESTATS_API_MAX_BODY_BYTES`; an upload's "
         "`GAMESTATS_API_MAX_UPLOAD_BYTES`)",
    422: "a parameter or the body refused: each error, where and why",
    429: "past the request budget a minute of the account by its role (with a key or session that authenticates), "
         "else of the client address (`GAMESTATS_API_BUDGET_PROFILE`); `Retry-After` says when to ask again",
    431: "the request line and headers are longer than `GAMESTATS_API_MAX_HEADER_BYTES`",
    500: "an unexpected failure, in the server's log",
    503: "the request budgets are unavailable, or publishes changed the tables read during every attempt; "
         "`Retry-After` says when to ask again",
}
"""What each status of a refusal or failure means, on any route that answers it without saying more."""
EVERY_REQUEST = (413, 422, 429, 431, 500, 503)
"""The statuses any request can get, whatever its route: its body and headers are bounded, its path and
parameters checked for control characters, its client address's budget taken (from PostgreSQL), and a route that
reads the published tables can find them changing under every attempt."""
KEYED = (401, 403)
"""The statuses of a route that needs an API key."""
FASTAPI_422 = "Validation Error"
"""How FastAPI describes the 422 it declares itself, which `STATUSES` says more of."""


def unknown(what: str) -> dict[int, dict[str, str]]:
    """The 404 of a route given `what` the published tables may not hold, as `responses` declares it."""
    return {404: {"description": f"{what} not in the published tables (`detail` names it)"}}


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every operation of `document`: (method, path, operation)."""
    return [(method.upper(), path, operation) for path, item in document["paths"].items()
            for method, operation in item.items()]


def schema_of(model: type[BaseModel]) -> tuple[dict[str, Any], dict[str, Any]]:
    """`model`'s JSON schema and those it refers to, referred to as components."""
    found = model.model_json_schema(ref_template=REF)
    return found, found.pop("$defs", {})


def refusal(status: int, described: dict[str, Any]) -> dict[str, Any]:
    """The answer of `status` (`described`, what the route declared of it) with its description and its shape."""
    model = Invalids if status == 422 else Problem
    own = described.get("description") not in (None, "", FASTAPI_422)
    return {**described, "description": described["description"] if own else STATUSES.get(status, "refused"),
            "content": {"application/json": {"schema": {"$ref": REF.format(model=model.__name__)}}}}


def with_example(answer: dict[str, Any], example: Any) -> dict[str, Any]:
    """A success's answer with `example` in its JSON content (unchanged without one)."""
    if example is None or "application/json" not in answer.get("content", {}):
        return answer
    content = answer["content"]["application/json"]
    return {**answer, "content": {**answer["content"], "application/json": {**content, "example": example}}}


def described(document: dict[str, Any], examples: dict[str, Any]) -> dict[str, Any]:
    """`document` with every refusal and failure of every operation declared in one shape, and its success's
    example from `examples`."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for model in (Problem, Invalids):
        schema, refers = schema_of(model)
        schemas.update({model.__name__: schema, **refers})
    for method, path, operation in operations(document):
        declared = operation.setdefault("responses", {})
        statuses = {*EVERY_REQUEST, *(KEYED if operation.get("security") else ())}
        statuses |= {int(status) for status in declared if int(status) >= 400}
        for status in sorted(statuses):
            declared[str(status)] = refusal(status, declared.get(str(status), {}))
        for status, answer in declared.items():
            if int(status) < 300:
                declared[status] = with_example(answer, examples.get(f"{method} {path}"))
        operation["responses"] = dict(sorted(declared.items()))
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return document


def examples() -> dict[str, Any]:
    return json.loads(EXAMPLES.read_text(encoding="utf-8")) if EXAMPLES.exists() else {}


def declare(app: FastAPI) -> None:
    """Serve `app`'s OpenAPI document as FastAPI makes it, `described`, made once."""
    made = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = described(made(), examples())
        return app.openapi_schema

    app.openapi = openapi
