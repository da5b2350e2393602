"""The pages of `gamestats serve` at `/`: static HTML, CSS and ES modules shipped in the package (`pages/`,
Chart.js vendored in `pages/vendor/`), reading every number from the API routes beside them."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

PAGES = Path(__file__).parent / "pages"


def mount_pages(app: FastAPI) -> None:
    """Serves `PAGES` at `/` (`/` itself is `index.html`); mounted after the API routes, which keep precedence."""
    app.mount("/", StaticFiles(directory=PAGES, html=True), name="pages")
