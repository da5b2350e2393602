"""What every request passes before any endpoint, as plain ASGI layers: a bound on its body (`BodyLimit`), a key
for a write before its body is read (`KeyFirst`), no control characters in its parameters and a JSON body that
any JSON encoder can give back (`PrintableParameters`), and the security headers of every answer
(`SecurityHeaders`). The request line and headers are bounded earlier, in the HTTP protocol (`core.protocol`)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Collection, Iterator
from urllib.parse import parse_qsl

from fastapi import HTTPException
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.requests import cookie_parser

from gamestats_assets.serve.core.guard import SESSION_REFUSED, KeyChecks, NotAuthenticated
from gamestats_assets.serve.core.sessions import CSRF_HEADER, SESSION_COOKIE, csrf_matches

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


WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class KeyFirst:
    """ASGI middleware answering 401 to a write (`WRITES`: every route that writes needs a key) whose
    `Authorization` names no key in use, or, without one, whose session cookie is no session in use, before a byte
    of its body is read, and closing its connection; 403 to a write by session cookie without its session's CSRF
    token (`core.sessions`). Who the key or session acts as is kept in the request's state for `deps.principal`. So
    a write without a valid key costs its headers and at most one lookup over the pooled connections of `keys`,
    whatever body it announces."""

    def __init__(self, app, keys: KeyChecks):
        self.app, self.keys = app, keys

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in WRITES:
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        session = cookie_parser(headers.get("cookie", "")).get(SESSION_COOKIE, "")
        try:
            if "authorization" in headers or not session:
                who = await self.keys.principal(headers.get("authorization", ""))
            else:
                who, _ = await self.keys.session(session)
                if not csrf_matches(session, headers.get(CSRF_HEADER, "")):
                    return await JSONResponse({"detail": SESSION_REFUSED}, status_code=403,
                                              headers={"Connection": "close"})(scope, receive, send)
        except NotAuthenticated as error:
            refused = JSONResponse({"detail": f"{error}: Authorization: Bearer <an account's API key or "
                                              "GAMESTATS_API_TOKEN>, or a signed-in session"}, status_code=401,
                                   headers={"WWW-Authenticate": "Bearer", "Connection": "close"})
            return await refused(scope, receive, send)
        scope.setdefault("state", {})["principal"] = who
        await self.app(scope, receive, send)


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


def refused(location: tuple, kind: str = "control_character",
            message: str = "control characters (other than tab) are not allowed") -> JSONResponse:
    """422 in FastAPI's validation shape, naming where the refused value is (not echoing it)."""
    return JSONResponse({"detail": [{"type": kind, "loc": list(location), "msg": message}]}, status_code=422)


class Unrepresentable(ValueError):
    """A JSON number that no encoder gives back: no finite double (`NaN`, `Infinity`, `1e999`), or an integer of
    more digits than Python converts (`sys.get_int_max_str_digits`)."""


def finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise Unrepresentable(f"{text[:32]} is not a finite number")
    return value


def integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise Unrepresentable(f"an integer of {len(text)} digits is too long") from None


def not_finite(text: str) -> float:
    raise Unrepresentable(f"{text} is not a finite number")


def decoded(body: bytes, json_typed: bool) -> object:
    """The JSON value of `body` when `json_typed`, or the 422 refusing it: not UTF-8 (whatever its type), or a
    number no encoder can give back. Not JSON at all, or not typed JSON: None, the route refuses it."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        return refused(("body",), "utf8", f"the body is not UTF-8 (byte {error.start})")
    if not json_typed:
        return None
    try:
        return json.loads(text, parse_float=finite, parse_int=integer, parse_constant=not_finite)
    except Unrepresentable as error:
        return refused(("body",), "number", str(error))
    except (ValueError, RecursionError):
        return None


class PrintableParameters:
    """ASGI middleware answering 422 to a request with a C0 control character other than tab (`CONTROL`) in its
    path, in a query parameter's name or value (after percent-decoding), or in a string of its JSON body, and to a
    JSON body that is not UTF-8, holds a number that is no finite double or a string that is no Unicode text (an
    unpaired surrogate escape), and to a body of another type that is not UTF-8: what FastAPI's and PostgreSQL's
    encoders cannot give back. The body, already bounded by `BodyLimit` and of a request already authenticated
    when it writes (`KeyFirst`), is read here and handed on unchanged; the body of a read (no route reads it) or of
    a route of `files` (an upload) is not read, and one that is not JSON is left to the route, which refuses it."""

    def __init__(self, app, files: Collection[str] = ()):
        self.app, self.files = app, files

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if CONTROL.search(scope["path"]):
            return await refused(("path",))(scope, receive, send)
        query = scope["query_string"].decode("latin-1")
        for name, value in parse_qsl(query, keep_blank_values=True):
            if CONTROL.search(name) or CONTROL.search(value):
                return await refused(("query", CONTROL.sub("", name)))(scope, receive, send)
        if scope["method"] not in WRITES or scope["path"] in self.files:
            return await self.app(scope, receive, send)
        content_type = next((v for k, v in scope["headers"] if k == b"content-type"), b"")
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            body, more = body + message.get("body", b""), message.get("more_body", False)
        document = decoded(body, content_type.split(b";")[0].strip().endswith(b"json"))
        if isinstance(document, JSONResponse):
            return await document(scope, receive, send)
        for location, text in strings(document, ("body",)):
            if CONTROL.search(text):
                return await refused(location)(scope, receive, send)
            if not text.isascii():
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    return await refused(location, "utf8", "an unpaired surrogate is no Unicode text")(
                        scope, receive, send)

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
