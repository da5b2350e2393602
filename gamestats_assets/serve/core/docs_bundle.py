"""ReDoc's script as `/redoc` loads it, without the one address outside the server it holds: the Redocly logo of
its side menu, fetched from Redocly's CDN, which the OpenAPI pages' policy refuses (an error in the browser's
console on a machine with internet, a request that never answers on one without). The logo is given an empty
`data:` image instead, which the menu hides as it hides a logo that failed to load."""

from __future__ import annotations

import functools
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.responses import Response
from starlette.routing import Route

BUNDLE = "redoc.standalone.js"
LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"


@functools.cache
def bundle() -> bytes:
    """The script fastapi-offline ships, the logo's address replaced by an empty image."""
    return (Path(fastapi_offline.__file__).parent / "static" / BUNDLE).read_bytes().replace(LOGO, b"data:,")


async def _bundle(request) -> Response:
    return Response(bundle(), media_type="text/javascript")


def serve_redoc_bundle(app: FastAPI, static_url: str) -> None:
    """Answer `<static_url>/redoc.standalone.js` with `bundle()`, ahead of the static files fastapi-offline mounts."""
    app.router.routes.insert(0, Route(f"{static_url}/{BUNDLE}", _bundle, methods=["GET"]))
