"""The pages of `gamestats serve` at `/`: static HTML, CSS and ES modules shipped in the package (`pages/`,
Chart.js vendored in `pages/vendor/`), reading every number from the API routes beside them."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.staticfiles import StaticFiles

PAGES = Path(__file__).parent / "pages"


class Pages(StaticFiles):
    """`PAGES` for GET and HEAD; anything else, and any `/api/` path no route took, is the API's plain 404."""

    async def get_response(self, path: str, scope):
        if scope["method"] not in ("GET", "HEAD") or path == "api" or path.startswith("api/"):
            raise HTTPException(404, "Not Found")
        return await super().get_response(path, scope)


def mount_pages(app: FastAPI) -> None:
    """Serves `PAGES` at `/` (`/` itself is `index.html`); mounted after the API routes, which keep precedence."""
    app.mount("/", Pages(directory=PAGES, html=True), name="pages")
