"""Signing in with Epic Games (base `/api/v1/auth/epic`): `login` sends the browser to Epic's authorization page
with a fresh `state` and PKCE challenge, `callback` checks the `state`, exchanges the code with its verifier
(`core.epic_oauth`) and signs the player in with their Epic account id (or links it to the signed-in player's
account)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from gamestats_assets.serve.core import epic_oauth
from gamestats_assets.serve.crud import sessions
from gamestats_assets.serve.deps import SessionDep, SettingsDep
from gamestats_assets.serve.routes.auth.common import (PREFIX, REDIRECTED, TAGS, answered, callback_url, leave_for,
                                                       linking, next_page, offered, signed_in)

router = APIRouter(prefix=f"{PREFIX}/epic", tags=TAGS)
NextPage = Annotated[str | None, Query(max_length=512, description="the page of this site to come back to")]
Code = Annotated[str | None, Query(max_length=2048, description="the authorization code Epic gives")]
State = Annotated[str | None, Query(max_length=2048, description="the `state` the sign-in left with, given back")]
Refusal = Annotated[str | None, Query(max_length=2048, description="Epic's error, when it gives no code")]


@router.get("/login", status_code=303, response_class=RedirectResponse, response_model=None, responses=REDIRECTED,
            summary="Sign in with Epic Games: sent to Epic's sign-in page")
async def epic_login(request: Request, settings: SettingsDep, session: SessionDep,
                     next: NextPage = None) -> RedirectResponse:  # noqa: A002 - the parameter players see
    """Sends the browser to Epic (OAuth 2.0 authorization code, PKCE `S256`, `state`); a signed-in player's sign-in
    links the Epic account to theirs. 404 when Epic sign-in is not configured."""
    offered(settings, "epic")
    state, verifier = epic_oauth.new_state_and_verifier()
    attempt = sessions.Attempt("epic", state, verifier, linking(session), next_page(next))
    url = epic_oauth.login_url(settings, callback_url(request, settings, "epic"), state, verifier)
    return await leave_for(request, settings, attempt, url)


@router.get("/callback", status_code=303, response_class=RedirectResponse, response_model=None, responses={
    **REDIRECTED, 403: {"description": "the answer proves no Epic account, or was not started here"}},
            summary="Epic's answer: signed in, sent back to the page left")
async def epic_callback(request: Request, settings: SettingsDep, code: Code = None, state: State = None,
                        error: Refusal = None) -> RedirectResponse:
    """Checks the `state` against the one this browser left with, exchanges the `code` with its PKCE verifier for
    Epic's token answer, whose `account_id` signs in: a new session cookie, back to the page left. Refused, a
    browser is sent back to the page with the reason (`sign_in_error`); any other client is answered 403."""
    async def finish(attempt: sessions.Attempt) -> RedirectResponse:
        if error or not code:
            raise HTTPException(403, f"not signed in: Epic answered {error or 'no code'}")
        if state is None or not epic_oauth.same_state(attempt.state, state):
            raise HTTPException(403, "not signed in: the state is not the one this sign-in left with")
        redirect_uri = callback_url(request, settings, "epic")
        try:
            epic_id = await run_in_threadpool(epic_oauth.account_id, settings, redirect_uri, code,
                                              attempt.code_verifier)
        except epic_oauth.CodeRefused as refused:
            raise HTTPException(403, f"not signed in: {refused}") from None
        return await signed_in(request, settings, attempt, f"epic:{epic_id}")

    return await answered(request, settings, "epic", finish)
