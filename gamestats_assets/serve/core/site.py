"""The pages of `gamestats serve` at `/`: static HTML, CSS and ES modules shipped in the package (`pages/`,
Chart.js vendored in `pages/vendor/`), reading every number from the API routes beside them. A path no page
answers is a 404: an HTML page with the way back for a browser (one that accepts `text/html`), the API's JSON
`{"detail": "Not Found"}` for anything else and for every `/api/` path."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse

PAGES = Path(__file__).parents[1] / "pages"
NOT_FOUND = Path(__file__).parents[1] / "not_found.html"
"""The page a browser is shown for a path no page answers (outside `PAGES`, so it is never served with 200)."""


def wants_html(scope) -> bool:
    return "text/html" in Headers(scope=scope).get("accept", "")


class Pages(StaticFiles):
    """`PAGES` for GET and HEAD; anything else, and any `/api/` path no route took, is the API's plain 404; a
    page path not found is `NOT_FOUND` for a browser."""

    async def get_response(self, path: str, scope):
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
