"""The answer to an `/api/` path asked with a method none of its operations has: 405 with `Allow` listing the
methods the OpenAPI document gives that path, before any route is tried (a route with a parameter in that place,
`/replays/{replay_id}` beside `/replays/upload`, would otherwise take the request as its own). The path is matched
against the document's paths, the most exact first (fewest parameters)."""

from __future__ import annotations

import re

from starlette.responses import JSONResponse

Paths = list[tuple[re.Pattern, int, frozenset[str]]]
"""Each path of the document: what it matches, how many parameters it has, its methods."""


def templates(document: dict) -> Paths:
    """The paths of `document` (the OpenAPI document), each as `Paths` holds it."""
    return [(re.compile("^" + "".join("[^/]+" if part.startswith("{") else re.escape(part)
                                      for part in re.split(r"(\{[^/]+?\})", path)) + "$"),
             path.count("{"), frozenset(method.upper() for method in item))
            for path, item in document["paths"].items()]


def allowed(path: str, paths: Paths) -> set[str]:
    """The methods the document gives `path`, by the paths naming it most exactly (`/replays/upload` before
    `/replays/{replay_id}`); none when no path of the document is `path`."""
    found = [(parameters, methods) for pattern, parameters, methods in paths if pattern.match(path)]
    fewest = min((parameters for parameters, _ in found), default=0)
    return {method for parameters, methods in found if parameters == fewest for method in methods}


class UndeclaredMethods:
    """ASGI middleware answering 405 with `Allow` to an `/api/` path asked with a method its operations lack."""

    def __init__(self, app):
        self.app, self.paths = app, None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            return await self.app(scope, receive, send)
        if self.paths is None:
            self.paths = templates(scope["app"].openapi())
        methods = allowed(scope["path"], self.paths)
        if not methods or scope["method"] in methods:
            return await self.app(scope, receive, send)
        refused = JSONResponse({"detail": f"{scope['method']} is not a method of {scope['path']}"}, status_code=405,
                               headers={"Allow": ", ".join(sorted(methods))})
        await refused(scope, receive, send)
