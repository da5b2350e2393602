"""Who is signed in and signing out (base `/api/v1/auth`): `me` tells a page the platforms it may offer, who the
request acts as and, for a signed-in browser, the CSRF token its writes carry; `logout` revokes the browser's
session on the server."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from gamestats_assets.serve.core.models import field, shape
from gamestats_assets.serve.core.sessions import SESSION_COOKIE, clear_cookie, csrf_token, over_tls
from gamestats_assets.serve.crud import sessions
from gamestats_assets.serve.core.guard import NotAuthenticated
from gamestats_assets.serve.deps import KeysDep, Player, SessionDep, SettingsDep
from gamestats_assets.serve.routes.auth.common import PREFIX, PROVIDERS, TAGS, on_platform

router = APIRouter(prefix=PREFIX, tags=TAGS)

Provider = shape("SignInProvider", "A platform a player may sign in with here",
                 id=field(str, "`steam` or `epic`"), name=field(str, "its name as the page shows it"),
                 login=field(str, "where the page sends the browser to sign in"))
Me = shape("SignedIn", "Who the request acts as, and the platforms a player may sign in with here",
           signed_in=field(bool, "a session cookie or API key in use came with the request"),
           name=field(str | None, "the account's name"), role=field(str | None, "its role"),
           player_ids=field(list[str], "the platform ids it acts for (`steam:<SteamID64>`, `epic:<id>`)"),
           via=field(str | None, "`session` (a signed-in browser) or `key` (an API key)"),
           csrf_token=field(str | None, "a session's writes carry it in `X-CSRF-Token`"),
           expires_at=field(dt.datetime | None, "when the session ends"),
           providers=field(list[Provider], "the platforms configured for signing in"))
SignedOut = shape("SignedOut", "A browser signed out", signed_out=field(
    bool, "its session was revoked on the server (false: the request came with an API key, which stays in use)"))


@router.get("/me", response_model=Me, summary="Who is signed in, and the platforms to sign in with")
async def me(request: Request, settings: SettingsDep, session: SessionDep, keys: KeysDep) -> dict:
    """The signed-in browser's account, session end and CSRF token, or the account of the request's API key
    (`signed_in` false with neither), and the platforms a player may sign in with here."""
    providers = [{"id": p, "name": PROVIDERS[p][0], "login": f"{PREFIX}/{p}/login"} for p in settings.providers]
    who, via = (session.who, "session") if session and "authorization" not in request.headers else (None, None)
    if "authorization" in request.headers:
        try:
            who, via = await keys.principal(request.headers["authorization"]), "key"
        except NotAuthenticated:
            who = None
    return {"signed_in": who is not None, "name": who and who.name, "role": who and who.role,
            "player_ids": list(who.player_ids) if who else [], "via": via,
            "csrf_token": csrf_token(session.cookie) if via == "session" else None,
            "expires_at": session.expires_at if via == "session" else None, "providers": providers}


@router.post("/logout", response_model=SignedOut, summary="Sign out: the session revoked on the server")
async def logout(request: Request, settings: SettingsDep, who: Player) -> JSONResponse:
    """Revokes the browser's session (a write: its CSRF token in `X-CSRF-Token`) and clears its cookie."""
    cookie = request.cookies.get(SESSION_COOKIE)
    closed = bool(cookie) and "authorization" not in request.headers and await on_platform(
        settings, lambda conn: sessions.close_session(conn, cookie))
    response = JSONResponse({"signed_out": closed})
    clear_cookie(response, SESSION_COOKIE, over_tls(request, settings.public_url))
    return response
