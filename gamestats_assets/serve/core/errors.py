"""One shape for every refusal and failure the API answers: `{"detail": "why"}` (`Problem`), and for a refused
parameter or body FastAPI's list of errors, each saying where (`loc`), why (`msg`) and of what kind (`type`)
(`Invalids`). A refusal raised with a message alone (`HTTPException(422, "...")`) is answered in the list's shape
too, and an unexpected failure answers 500 in `Problem`'s shape, never a page of text (`install`)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

INTERNAL = "Internal Server Error: the failure is in the server's log"


class Problem(BaseModel):
    """A refusal or a failure, and why."""

    detail: str = Field(description="why the request was refused or failed")


class Invalid(BaseModel):
    """A parameter or part of the body refused."""

    type: str = Field(description="the kind of error (`missing`, `string_pattern_mismatch`, `value_error`, ...)")
    loc: list[str | int] = Field(description="where: `query`, `path`, `header` or `body`, then the parameter's name "
                                             "or the path into the body (`request`: the request as a whole)")
    msg: str = Field(description="why, in words")
    input: Any = Field(None, description="the value refused, when it can be shown")
    ctx: dict[str, Any] | None = Field(None, description="the rule's values (a pattern, a bound, ...)")


class Invalids(BaseModel):
    """A request refused for its parameters or body: every error found."""

    detail: list[Invalid] = Field(description="each error, with where and why")


def refused(location: tuple[str | int, ...], message: str) -> RequestValidationError:
    """The 422 of a value the route's own rules refuse at `location` (`("query", "to")`), in the list's shape."""
    return RequestValidationError([{"type": "value_error", "loc": location, "msg": message}])


async def listed(request: Request, error: StarletteHTTPException) -> JSONResponse:
    """An HTTP error as FastAPI answers it, a 422 given as a message alone in the list's shape."""
    if error.status_code == 422 and isinstance(error.detail, str):
        return JSONResponse({"detail": [{"type": "value_error", "loc": ["request"], "msg": error.detail}]},
                            status_code=422, headers=error.headers)
    return await http_exception_handler(request, error)


async def unexpected(request: Request, error: Exception) -> JSONResponse:
    """An unexpected failure of a layer around the routes: 500 in `Problem`'s shape, the failure logged (the
    routes' own are answered by `Contained`)."""
    log.error("%s %r failed", request.method, request.url.path, exc_info=error)
    return JSONResponse({"detail": INTERNAL}, status_code=500)


class Sent:
    """`send` watched: whether the answer has begun (`started`) and whether its body was sent whole (`whole`)."""

    def __init__(self, send: Send):
        self.send, self.started, self.whole = send, False, False

    async def __call__(self, message: Message) -> None:
        self.started = self.started or message["type"] == "http.response.start"
        self.whole = self.whole or (message["type"] == "http.response.body" and not message.get("more_body"))
        await self.send(message)


class Contained:
    """An ASGI layer around the routes that answers their unexpected failure 500 in `Problem`'s shape and logs it,
    keeping it from the server: uvicorn closes the connection of a failure that reaches it after the answer was
    sent, and a client that keeps its connection open finds it reset at its next request."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = Sent(send)
        try:
            await self.app(scope, receive, sent)
        except Exception:
            log.exception("%s %r failed", scope["method"], scope["path"])
            if sent.started:
                raise
            await JSONResponse({"detail": INTERNAL}, status_code=500)(scope, receive, send)


class Settled:
    """The outermost ASGI layer: a failure that reaches it after its answer was sent whole ends here. Starlette's
    error layer answers a failure of the layers around the routes (`unexpected`, which logs it) and raises it
    again for the server, and uvicorn closes the connection of a failure that reaches it."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        sent = Sent(send)
        try:
            await self.app(scope, receive, sent)
        except Exception:
            if scope["type"] != "http" or not sent.whole:
                raise


def install(app: FastAPI) -> None:
    """Answer HTTP errors (`listed`) and unexpected failures (`Contained` around the routes, `unexpected` around
    the rest) in one shape, a failure answered kept from the server (`Settled`, around Starlette's error layer);
    call before the app's other layers are added, so that theirs wrap `Contained`."""
    app.add_exception_handler(StarletteHTTPException, listed)
    app.add_exception_handler(Exception, unexpected)
    app.add_middleware(Contained)
    stack = app.build_middleware_stack
    app.build_middleware_stack = lambda: Settled(stack())
