"""What the sign-in routes share: which platforms are offered, our callback URLs and realm, a sign-in under way
bound to its browser by a cookie (`core.sessions`), and the end of every sign-in: the proven id's account found or
made (`crud/sign_in.py`), a fresh session, back to the page the player left."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

import psycopg
from fastapi import HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets.serve.core.sessions import (ATTEMPT_COOKIE, ATTEMPT_SECONDS, SESSION_COOKIE, Session,
                                                  clear_cookie, over_tls, set_cookie)
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets.serve.core.site import wants_html
from gamestats_assets.serve.crud import sessions
from gamestats_assets.serve.crud.sign_in import SignInRefused, account_for

PREFIX = "/api/v1/auth"
TAGS = ["sign-in"]
PROVIDERS = {"steam": ("Steam", "GAMESTATS_STEAM_SIGN_IN=1"),
             "epic": ("Epic Games", "GAMESTATS_EPIC_CLIENT_ID and GAMESTATS_EPIC_CLIENT_SECRET")}
"""Each platform a player may sign in with: its name, and the settings that offer it."""
NEXT_PAGE = re.compile(r"^/(?![/\\])[A-Za-z0-9._~!$&'()*+,;=:@%/?#-]{0,512}$")
"""A page of this site to go back to: a path of its own, never another site's (`//host`)."""
REDIRECTED = {303: {"description": "the browser is sent on (`Location`)"}}


def offered(settings: ServeSettings, provider: str) -> None:
    """404 saying so when `provider` is not configured on this server."""
    if provider not in settings.providers:
        name, how = PROVIDERS[provider]
        raise HTTPException(404, f"signing in with {name} is not configured on this server (the operator sets {how})")


def base_url(request: Request, settings: ServeSettings) -> str:
    """Where players reach the service: `public_url`, else the request's scheme and host."""
    return settings.public_url or f"{request.url.scheme}://{request.url.netloc}"


def callback_url(request: Request, settings: ServeSettings, provider: str) -> str:
    return f"{base_url(request, settings)}{PREFIX}/{provider}/callback"


def next_page(value: str | None) -> str:
    return value if value and NEXT_PAGE.match(value) else "/"


def on_platform(settings: ServeSettings, work: Callable[[psycopg.Connection], Any]):
    """`work(conn)` over the platform's connection in a worker thread."""

    def run():
        with connect(settings.pg_url) as conn:
            return work(conn)

    return run_in_threadpool(run)


async def leave_for(request: Request, settings: ServeSettings, attempt: sessions.Attempt,
                    url: str) -> RedirectResponse:
    """The browser sent to the platform at `url`, `attempt` recorded and bound to it by its cookie."""
    token = await on_platform(settings, lambda conn: sessions.start_attempt(conn, attempt))
    response = RedirectResponse(url, status_code=303)
    set_cookie(response, ATTEMPT_COOKIE, token, ATTEMPT_SECONDS, over_tls(request, settings.public_url))
    return response


async def came_back(request: Request, settings: ServeSettings, provider: str) -> sessions.Attempt:
    """The sign-in with `provider` this browser started, taken (a callback is answered once); 403 when it started
    none in time."""
    token = request.cookies.get(ATTEMPT_COOKIE, "")
    attempt = await on_platform(settings, lambda conn: sessions.take_attempt(conn, token, provider)) if token else None
    if attempt is None:
        raise HTTPException(403, f"no sign-in with {PROVIDERS[provider][0]} was started from this browser in the "
                                 f"last {ATTEMPT_SECONDS // 60} minutes: start again")
    return attempt


async def signed_in(request: Request, settings: ServeSettings, attempt: sessions.Attempt,
                    platform_id: str) -> RedirectResponse:
    """The end of a sign-in that proved `platform_id`: its account (or the signed-in player's, linking it), a new
    session in a new cookie (the browser's previous session closed), back to the page the player left. 403 when
    the id may not sign in or be linked."""
    previous = request.cookies.get(SESSION_COOKIE)

    def sign_in(conn: psycopg.Connection) -> str:
        account, _ = account_for(conn, platform_id, attempt.link_account)
        return sessions.open_session(conn, account, settings.session_hours, previous)

    try:
        token = await on_platform(settings, sign_in)
    except SignInRefused as error:
        raise HTTPException(403, str(error)) from None
    secure = over_tls(request, settings.public_url)
    response = RedirectResponse(attempt.next_page, status_code=303)
    set_cookie(response, SESSION_COOKIE, token, int(settings.session_hours * 3600), secure)
    clear_cookie(response, ATTEMPT_COOKIE, secure)
    return response


async def answered(request: Request, settings: ServeSettings, provider: str,
                   finish: Callable[[sessions.Attempt], Awaitable[RedirectResponse]]) -> RedirectResponse:
    """The callback of `provider`: `finish(attempt)` once the sign-in this browser started is taken (`came_back`).
    A refusal (403) is, for a browser, the page it left with the reason in `sign_in_error`, which the sign-in bar
    says; for any other client, the 403 itself."""
    offered(settings, provider)
    page = "/"
    try:
        attempt = await came_back(request, settings, provider)
        page = attempt.next_page
        return await finish(attempt)
    except HTTPException as refusal:
        if refusal.status_code != 403 or not wants_html(request.scope):
            raise
        page = page.partition("#")[0]
        said = urlencode({"sign_in_error": refusal.detail})
        return RedirectResponse(f"{page}{'&' if '?' in page else '?'}{said}", status_code=303)


def linking(session: Session | None) -> str | None:
    """The account a sign-in started by `session`'s browser links the proven id to: a signed-in player's."""
    return session.who.name if session is not None and session.who.role == "player" else None
