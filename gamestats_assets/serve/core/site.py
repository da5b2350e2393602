"""The pages of `gamestats serve` at `/`: static HTML, CSS and ES modules shipped in the package (`pages/`,
Chart.js vendored in `pages/vendor/`), reading every number from the API routes beside them. A path no page
answers is a 404: an HTML page with the way back for a browser (one that accepts `text/html`), the API's JSON
`{"detail": "Not Found"}` for anything else and for every `/api/` path; an `/api/` path an operation has, asked
with a method none of its operations has, is a 405 with `Allow` listing the methods it has."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse
from starlette.routing import Match, Mount

PAGES = Path(__file__).parents[1] / "pages"
NOT_FOUND = Path(__file__).parents[1] / "not_found.html"
"""The page a browser is shown for a path no page answers (outside `PAGES`, so it is never served with 200)."""


def wants_html(scope) -> bool:
    return "text/html" in Headers(scope=scope).get("accept", "")


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
"""The methods an operation of the API may have."""


def allowed(scope) -> set[str]:
    """The methods of the app's operations whose path is the request's (none when no operation has it)."""
    routes = [route for route in scope["app"].routes if not isinstance(route, Mount)]
    return {method for method in METHODS
            if any(route.matches({**scope, "method": method})[0] is Match.FULL for route in routes)}


class Pages(StaticFiles):
    """`PAGES` for GET and HEAD; anything else, and any `/api/` path no route took, is the API's plain 404 (405
    with `Allow` for a path whose operations have other methods); a page path not found is `NOT_FOUND` for a
    browser."""

    async def get_response(self, path: str, scope):
        methods = allowed(scope)
        if methods:
            raise HTTPException(405, "Method Not Allowed", headers={"Allow": ", ".join(sorted(methods))})
        if scope["method"] not in ("GET", "HEAD") or path == "api" or path.startswith("api/"):
            raise HTTPException(404, "Not Found")
        try:
            return await super().get_response(path, scope)
        except StarletteHTTPException as error:
            if error.status_code != 404 or not wants_html(scope):
                raise
            return HTMLResponse(NOT_FOUND.read_text(encoding="utf-8"), status_code=404)


def mount_pages(app: FastAPI) -> None:
    """Serves `PAGES` at `/` (`/` itself is `index.html`); mounted after the API routes, which keep precedence."""
    app.mount("/", Pages(directory=PAGES, html=True), name="pages")
