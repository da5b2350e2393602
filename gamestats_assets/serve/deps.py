"""What the routes are given through `Depends`, each as an `Annotated` alias: what the app holds for its life (the
reader of the published tables, the settings, the Dagster instance, the parser beside the server, the metrics), and
who a request acts as with the role an endpoint needs (`Player`, `Organiser`, `Operator`; `ORGANISERS` and
`OPERATORS` guard every route of a router), and a player who may store data (`Consented`: their consent
recorded). The only module besides the app factory (`app.py`) that reads the app's state."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials

from gamestats_assets.serve.core.accounts import Principal
from gamestats_assets.serve.core.guard import (
    BEARER,
    KeyChecks,
    NotAuthenticated,
    unauthenticated,
)
from gamestats_assets.serve.core.metrics import Metrics
from gamestats_assets.serve.core.parse_ahead import AheadParser
from gamestats_assets.serve.core.pipeline import open_instance
from gamestats_assets.serve.core.reader import Reader
from gamestats_assets.serve.core.sealed import Sealer
from gamestats_assets.serve.core.sessions import SESSION_COOKIE, Session
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets.serve.queries.users import consent_in_force


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


def get_sealer(settings: Annotated[ServeSettings, Depends(get_settings)]) -> Sealer:
    """What seals a player's personal fields, under `GAMESTATS_SECRET_KEYS`."""
    return sealer_of(settings.secret_keys)


@functools.cache
def sealer_of(keys: tuple[str, ...]) -> Sealer:
    return Sealer(keys)


ReaderDep = Annotated[Reader, Depends(get_reader)]
SettingsDep = Annotated[ServeSettings, Depends(get_settings)]
InstanceDep = Annotated[Any | None, Depends(get_instance)]
InstanceOpenerDep = Annotated[Callable[[], Any], Depends(get_instance_opener)]
AheadDep = Annotated[AheadParser, Depends(get_ahead)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
SealerDep = Annotated[Sealer, Depends(get_sealer)]


async def principal(request: Request, keys: Annotated[KeyChecks, Depends(get_keys)],
                    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)]) -> Principal:
    """Who the request acts as, from `Authorization: Bearer <key>`, else from a signed-in browser's session cookie
    (401 without a valid one; found once, by `doors.KeyFirst` for a write, which also checks a session's CSRF
    token); its account's budget was charged before (`limits.RequestBudget`, 429 past it)."""
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


CONSENT = "/api/v1/users/consent"


async def consented(who: Player, keys: Annotated[KeyChecks, Depends(get_keys)]) -> Principal:
    """The request's player when their account's consent is recorded (by them, or by the operator who made the
    account); 403 before it, saying where to give it. Organisers and operators write without."""
    if who.has("organiser"):
        return who

    def look_up() -> dict | None:
        with keys.pool.connection() as conn:
            return consent_in_force(conn, who.name)

    if await run_in_threadpool(look_up) is None:
        raise HTTPException(403, f"account {who.name} has not consented to the processing of its data: nothing of "
                                 f"it is stored before; read what is kept and why at GET {CONSENT}, and consent "
                                 f"with POST {CONSENT}")
    return who


Consented = Annotated[Principal, Depends(consented)]
"""A player whose data may be stored: the writes that store a player's data take it in place of `Player`."""
