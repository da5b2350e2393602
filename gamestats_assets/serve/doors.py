"""What every request passes before any endpoint, as plain ASGI layers: a bound on its body (`BodyLimit`), no
control characters in its parameters (`PrintableParameters`), and the security headers of every answer
(`SecurityHeaders`). The request line and headers are bounded earlier, in the HTTP protocol (`serve.protocol`)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from urllib.parse import parse_qsl

from fastapi import HTTPException
from fastapi.responses import JSONResponse

CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f]")
"""The C0 control characters but tab: no parameter holds them (PostgreSQL text refuses NUL)."""


class BodyTooLarge(HTTPException):
    """A body past its route's bound, found while it streams in."""

    def __init__(self, limit: int):
        super().__init__(413, f"the request body is larger than {limit} bytes")


def too_large(limit: int) -> JSONResponse:
    return JSONResponse({"detail": BodyTooLarge(limit).detail}, status_code=413, headers={"Connection": "close"})


class BodyLimit:
    """ASGI middleware bounding each request's body by `limit_of(path)`, before authentication or anything else
    reads it: a declared `Content-Length` past the bound is answered 413 without reading a byte, and a body that
    streams past it (chunked, or longer than declared) stops the read with `BodyTooLarge` (413)."""

    def __init__(self, app, limit_of: Callable[[str], int]):
        self.app, self.limit_of = app, limit_of

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.limit_of(scope["path"])
        declared = next((value for name, value in scope["headers"] if name == b"content-length"), None)
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await too_large(limit)(scope, receive, send)
        received = 0

        async def bounded():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        try:
            await self.app(scope, bounded, send)
        except BodyTooLarge:  # read outside a route (a middleware's): the route's own handler answers otherwise
            await too_large(limit)(scope, receive, send)


def strings(value, where: tuple) -> Iterator[tuple[tuple, str]]:
    """Every string in a decoded JSON value (keys included) with its location."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield (*where, key), key
            yield from strings(item, (*where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, (*where, index))


def refused(location: tuple) -> JSONResponse:
    """422 in FastAPI's validation shape, naming where the control character is (not echoing it)."""
    return JSONResponse({"detail": [{"type": "control_character", "loc": list(location),
                                     "msg": "control characters (other than tab) are not allowed"}]},
                        status_code=422)


class PrintableParameters:
    """ASGI middleware answering 422 to a request with a C0 control character other than tab (`CONTROL`) in its
    path, in a query parameter's name or value (after percent-decoding), or in a string of its JSON body; the
    body, already bounded by `BodyLimit`, is read here and handed on unchanged. A body that is not JSON is left
    to the route, which refuses it."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if CONTROL.search(scope["path"]):
            return await refused(("path",))(scope, receive, send)
        query = scope["query_string"].decode("latin-1")
        for name, value in parse_qsl(query, keep_blank_values=True):
            if CONTROL.search(name) or CONTROL.search(value):
                return await refused(("query", CONTROL.sub("", name)))(scope, receive, send)
        content_type = next((v for k, v in scope["headers"] if k == b"content-type"), b"")
        if not content_type.split(b";")[0].strip().endswith(b"json"):
            return await self.app(scope, receive, send)
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            body, more = body + message.get("body", b""), message.get("more_body", False)
        try:
            document = json.loads(body)
        except (ValueError, RecursionError):
            document = None
        for location, text in strings(document, ("body",)):
            if CONTROL.search(text):
                return await refused(location)(scope, receive, send)

        async def replayed():
            nonlocal body
            message, body = {"type": "http.request", "body": body, "more_body": False}, b""
            return message

        await self.app(scope, replayed, send)


PAGES_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
"""The pages' and answers' policy: scripts only from the server's own files (the pages have no inline script);
inline styles allowed, as the charts and the heatmap set an element's size through its `style`."""
DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; "
               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
"""`/docs` and `/redoc`: FastAPI writes Swagger UI's start as an inline script and ReDoc runs a worker from a
blob; they show the OpenAPI document, no user's data."""
DOCS = ("/docs", "/redoc")


class SecurityHeaders:
    """ASGI middleware adding to every answer (pages, API, errors): `Content-Security-Policy` (`PAGES_POLICY`,
    `DOCS_POLICY` on the OpenAPI pages), `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY` and
    `Referrer-Policy: no-referrer`."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        policy = (DOCS_POLICY if scope["path"] in DOCS or scope["path"].startswith("/docs/") else PAGES_POLICY)
        added = [(b"content-security-policy", policy.encode()), (b"x-content-type-options", b"nosniff"),
                 (b"x-frame-options", b"DENY"), (b"referrer-policy", b"no-referrer")]

        async def with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *added]
            await send(message)

        await self.app(scope, receive, with_headers)
