"""The answer to an `/api/` path asked with a method none of its operations has: 405 with `Allow` listing the
methods the OpenAPI document gives that path, before any route is tried (a route with a parameter in that place,
`/replays/{replay_id}` beside `/replays/upload`, would otherwise take the request as its own). The path is matched
against the document's paths, the most exact first (fewest parameters), read from the operations the document is made
of (the app's routes in its schema), so that no request waits for the document to be made."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.responses import JSONResponse

Paths = list[tuple[re.Pattern, int, frozenset[str]]]
"""Each path of the document: what it matches, how many parameters it has, its methods."""


def templates(app: FastAPI) -> Paths:
    """The paths of `app`'s OpenAPI document, each as `Paths` holds it: those of its routes in the schema, with their
    methods."""
    methods: dict[str, set[str]] = {}
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, APIRoute) and route.include_in_schema:
            methods.setdefault(route.path_format, set()).update(method.upper() for method in route.methods)
    return [(re.compile("^" + "".join("[^/]+" if part.startswith("{") else re.escape(part)
                                      for part in re.split(r"(\{[^/]+?\})", path)) + "$"),
             path.count("{"), frozenset(given))
            for path, given in methods.items()]


def allowed(path: str, paths: Paths) -> set[str]:
    """The methods the document gives `path`, by the paths naming it most exactly (`/replays/upload` before
    `/replays/{replay_id}`); none when no path of the document is `path`."""
    found = [(parameters, methods) for pattern, parameters, methods in paths if pattern.match(path)]
    fewest = min((parameters for parameters, _ in found), default=0)
    return {method for parameters, methods in found if parameters == fewest for method in methods}


class UndeclaredMethods:
    """ASGI middleware answering 405 with `Allow` to an `/api/` path asked with a method its operations lack; its table
    is made at the server's start (the lifespan's first call), which also lays out the routes FastAPI resolves on its
    first request."""

    def __init__(self, app):
        self.app, self.paths = app, None

    async def __call__(self, scope, receive, send):
        if self.paths is None:
            self.paths = templates(scope["app"])
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            return await self.app(scope, receive, send)
        methods = allowed(scope["path"], self.paths)
        if not methods or scope["method"] in methods:
            return await self.app(scope, receive, send)
        refused = JSONResponse({"detail": f"{scope['method']} is not a method of {scope['path']}"}, status_code=405,
                               headers={"Allow": ", ".join(sorted(methods))})
        await refused(scope, receive, send)
