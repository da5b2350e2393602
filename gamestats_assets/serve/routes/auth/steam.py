"""Signing in with Steam (base `/api/v1/auth/steam`): `login` sends the browser to Steam's OpenID endpoint,
`callback` takes Steam's assertion back (`core.steam_openid`) and signs the player in with their SteamID64 (or links
it to the signed-in player's account)."""

from __future__ import annotations

from typing import Annotated

import httpx
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse

from gamestats_assets.lib.core import tls
from gamestats_assets.serve.core import steam_openid
from gamestats_assets.serve.crud import sessions
from gamestats_assets.serve.deps import SessionDep, SettingsDep
from gamestats_assets.serve.routes.auth.common import (PREFIX, REDIRECTED, TAGS, answered, base_url, callback_url,
                                                       leave_for, linking, next_page, offered, on_platform, signed_in)

router = APIRouter(prefix=f"{PREFIX}/steam", tags=TAGS)
TIMEOUT_SECONDS = 10
NextPage = Annotated[str | None, Query(max_length=512, description="the page of this site to come back to")]


@router.get("/login", status_code=303, response_class=RedirectResponse, response_model=None, responses=REDIRECTED,
            summary="Sign in with Steam: sent to Steam's sign-in page")
async def steam_login(request: Request, settings: SettingsDep, session: SessionDep,
                      next: NextPage = None) -> RedirectResponse:  # noqa: A002 - the parameter players see
    """Sends the browser to Steam (OpenID 2.0, `checkid_setup`); a signed-in player's sign-in links the Steam
    account to theirs. 404 when Steam sign-in is not configured."""
    offered(settings, "steam")
    attempt = sessions.Attempt("steam", None, None, linking(session), next_page(next))
    url = steam_openid.login_url(settings.steam_openid_endpoint, callback_url(request, settings, "steam"),
                                 f"{base_url(request, settings)}/")
    return await leave_for(request, settings, attempt, url)


@router.get("/callback", status_code=303, response_class=RedirectResponse, response_model=None, responses={
    **REDIRECTED, 403: {"description": "the assertion proves no Steam account, or was not started here"}},
            summary="Steam's answer: signed in, sent back to the page left")
async def steam_callback(request: Request, settings: SettingsDep) -> RedirectResponse:
    """Checks Steam's assertion (its endpoint, our `return_to` and realm, the claimed SteamID64, a fresh nonce used
    once, and Steam's `is_valid:true`), then signs in: a new session cookie, back to the page left. Refused, a
    browser is sent back to the page with the reason (`sign_in_error`); any other client is answered 403."""
    answer = dict(request.query_params)
    endpoint = settings.steam_openid_endpoint

    async def finish(attempt: sessions.Attempt) -> RedirectResponse:
        try:
            steam_id, nonce = steam_openid.checked(answer, endpoint, callback_url(request, settings, "steam"),
                                                   f"{base_url(request, settings)}/")
            fresh = await on_platform(settings, lambda conn: sessions.use_nonce(conn, endpoint, nonce,
                                                                                steam_openid.NONCE_SECONDS))
            if not fresh:
                raise steam_openid.AssertionRefused("the assertion was used before (its nonce is spent)")
            async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS, verify=tls.trusted()) as client:
                await steam_openid.verified(client, endpoint, answer)
        except steam_openid.AssertionRefused as error:
            raise HTTPException(403, f"not signed in: {error}") from None
        return await signed_in(request, settings, attempt, f"steam:{steam_id}")

    return await answered(request, settings, "steam", finish)
