"""What the routes are given through `Depends`, each as an `Annotated` alias: what the app holds for its life (the
reader of the published tables, the settings, the Dagster instance, the parser beside the server, the metrics), and
who a request acts as with the role an endpoint needs (`Player`, `Organiser`, `Operator`; `ORGANISERS` and
`OPERATORS` guard every route of a router). The only module besides the app factory (`app.py`) that reads the
app's state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import HTTPAuthorizationCredentials

from gamestats_assets.serve.core.accounts import Principal
from gamestats_assets.serve.core.guard import (
    BEARER,
    BOOTSTRAP,
    KeyChecks,
    NotAuthenticated,
    SharedBudget,
    over_budget,
    unauthenticated,
)
from gamestats_assets.serve.core.metrics import Metrics
from gamestats_assets.serve.core.parse_ahead import AheadParser
from gamestats_assets.serve.core.pipeline import open_instance
from gamestats_assets.serve.core.reader import Reader
from gamestats_assets.serve.core.sessions import SESSION_COOKIE, Session
from gamestats_assets.serve.core.settings import ServeSettings


def get_reader(request: Request) -> Reader:
    return request.app.state.reader


def get_settings(request: Request) -> ServeSettings:
    return request.app.state.settings


def get_instance(request: Request) -> Any | None:
    """The platform's Dagster instance, None when it cannot be opened (`pipeline.open_instance`)."""
    return open_instance(request.app.state.dagster_instance)


def get_instance_opener(request: Request) -> Callable[[], Any]:
    """What opens the platform's Dagster instance (a deletion opens it itself)."""
    return request.app.state.dagster_instance


def get_ahead(request: Request) -> AheadParser:
    return request.app.state.ahead


def get_metrics(request: Request) -> Metrics:
    return request.app.state.metrics


def get_keys(request: Request) -> KeyChecks:
    return request.app.state.keys


def get_budget(request: Request) -> SharedBudget:
    return request.app.state.budget


ReaderDep = Annotated[Reader, Depends(get_reader)]
SettingsDep = Annotated[ServeSettings, Depends(get_settings)]
InstanceDep = Annotated[Any | None, Depends(get_instance)]
InstanceOpenerDep = Annotated[Callable[[], Any], Depends(get_instance_opener)]
AheadDep = Annotated[AheadParser, Depends(get_ahead)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]


async def principal(request: Request, settings: SettingsDep,
                    keys: Annotated[KeyChecks, Depends(get_keys)], budget: Annotated[SharedBudget, Depends(get_budget)],
                    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)]) -> Principal:
    """Who the request acts as, from `Authorization: Bearer <key>`, else from a signed-in browser's session cookie
    (401 without a valid one; found once, by `doors.KeyFirst` for a write, which also checks a session's CSRF
    token), within its account's budget (429 past it)."""
    found = getattr(request.state, "principal", None)
    if found is None:
        session = request.cookies.get(SESSION_COOKIE)
        try:
            if bearer or not session:
                found = await keys.principal(f"Bearer {bearer.credentials}" if bearer else "")
            else:
                found, _ = await keys.session(session)
        except NotAuthenticated as error:
            raise unauthenticated(str(error)) from None
    if found is BOOTSTRAP:
        return found
    wait = await budget.take(f"account:{found.name}")
    if wait:
        raise over_budget(f"account {found.name}", settings.requests_per_minute, wait)
    return found


async def browser_session(request: Request, keys: Annotated[KeyChecks, Depends(get_keys)]) -> Session | None:
    """The session of the request's cookie while it is in use, else None (no cookie, or one signed out or
    expired)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    try:
        return Session(cookie, *await keys.session(cookie)) if cookie else None
    except NotAuthenticated:
        return None


SessionDep = Annotated[Session | None, Depends(browser_session)]
KeysDep = Annotated[KeyChecks, Depends(get_keys)]


def role(needed: str) -> Callable:
    """A dependency giving the request's `Principal` when its role includes `needed` (403 otherwise)."""

    async def allowed(who: Principal = Depends(principal)) -> Principal:
        if not who.has(needed):
            raise HTTPException(403, f"this needs the {needed} role; account {who.name} is a {who.role}")
        return who

    allowed.__name__ = f"role_{needed}"
    return allowed


Player = Annotated[Principal, Depends(role("player"))]
Organiser = Annotated[Principal, Depends(role("organiser"))]
Operator = Annotated[Principal, Depends(role("operator"))]
ORGANISERS = [Depends(role("organiser"))]
"""A router's dependencies when every route of it needs the organiser role."""
OPERATORS = [Depends(role("operator"))]
"""A router's dependencies when every route of it needs the operator role."""
