"""What stands before the endpoints: the request budgets every worker shares (per client address and per
account), and who a request acts as (an account's API key, a signed-in browser's session cookie, `core.sessions`, or
the operator's `GAMESTATS_API_TOKEN`), which
`deps.principal` and `deps.role` give an endpoint. Keys are looked up over a small pool of connections kept for the
app's life (`KeyChecks`), once per request: a write is authenticated before its body is read (`doors.KeyFirst`),
and its endpoint takes who that found.

The budgets are token buckets in PostgreSQL (`gamestats_api.take_budgets`, written by `crud/budgets.py`): the
server every deployment already has, the embedded one included, so a fresh machine without Redis limits as a
cluster of workers does. Each worker takes from them over one asynchronous connection: the requests arriving during
a round trip share the next one (one statement per round trip, not per request)."""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import math
import time

import psycopg
from fastapi import HTTPException
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPBearer
from psycopg_pool import ConnectionPool

from gamestats_assets.lib.publish.postgres import libpq_url
from gamestats_assets.serve.core.accounts import Principal
from gamestats_assets.serve.crud import budgets
from gamestats_assets.serve.queries import accounts, sessions

BOOTSTRAP = Principal("operator", "operator")
"""Who `GAMESTATS_API_TOKEN` acts as."""
SESSION_REFUSED = "a write signed in by cookie needs its session's CSRF token in X-CSRF-Token (GET /api/v1/auth/me)"


class BudgetUnavailable(RuntimeError):
    """The shared budgets could not be read (PostgreSQL unreachable)."""


class SharedBudget:
    """Token buckets shared by every worker: `per_minute` requests a minute per key, refilled evenly, at most
    `per_minute` at once. `take(key)` returns 0 when a request may go, else the seconds until one may."""

    PURGE_SECONDS = 60.0
    """How often buckets untouched long enough to be full again are removed (they are as new)."""

    def __init__(self, url: str, per_minute: int):
        self.url, self.capacity, self.per_second = libpq_url(url), float(per_minute), per_minute / 60.0
        self._asked: dict[str, list[asyncio.Future]] = {}
        self._taking = False
        self._conn: psycopg.AsyncConnection | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._purged = time.monotonic()

    async def take(self, key: str) -> float:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (a test client's): nothing of the old one can be awaited
            self._loop, self._conn, self._asked, self._taking = loop, None, {}, False
        waiting = loop.create_future()
        self._asked.setdefault(key, []).append(waiting)
        if not self._taking:
            self._taking = True
            loop.create_task(self._take_while_asked())
        return await waiting

    async def _take_while_asked(self) -> None:
        try:
            while self._asked:
                asked, self._asked = self._asked, {}
                try:
                    taken = await self._take(asked)
                except Exception as error:
                    for futures in asked.values():
                        for future in futures:
                            future.set_exception(BudgetUnavailable(f"the request budgets are unavailable: {error}"))
                    await self.close()
                    continue
                for key, futures in asked.items():
                    granted, wait = taken[key]
                    for index, future in enumerate(futures):
                        future.set_result(0.0 if index < granted else wait)
        finally:
            self._taking = False

    async def _take(self, asked: dict[str, list[asyncio.Future]]) -> dict[str, tuple[int, float]]:
        if self._conn is None or self._conn.closed:
            self._conn = await psycopg.AsyncConnection.connect(self.url, autocommit=True)
        taken = await budgets.take(self._conn, {key: len(futures) for key, futures in asked.items()}, self.capacity,
                                   self.per_second)
        if time.monotonic() - self._purged > self.PURGE_SECONDS:
            self._purged = time.monotonic()
            await budgets.forget_untouched(self._conn, self.capacity / self.per_second)
        return taken

    async def close(self) -> None:
        if self._conn is not None and self._loop is asyncio.get_running_loop():
            await self._conn.close()
        self._conn = None


class NotAuthenticated(ValueError):
    """A request whose `Authorization` names no key in use, with the reason."""


class KeyChecks:
    """Who an `Authorization: Bearer <key>` header acts as: the operator for `api_token`, else the account of the key
    (`queries.accounts.authenticated`), and who a session cookie acts as (`session`), each looked up over a pool of
    at most `size` connections (`open` and `close` with the app)."""

    def __init__(self, url: str, api_token: str | None, size: int = 4):
        self.api_token = api_token
        self.pool = ConnectionPool(libpq_url(url), min_size=1, max_size=size, open=False,
                                   kwargs={"autocommit": True})

    def open(self) -> None:
        self.pool.open(wait=False)

    def close(self) -> None:
        self.pool.close()

    async def principal(self, authorization: str) -> Principal:
        """Who `authorization` (the header's value, empty when absent) acts as; `NotAuthenticated` saying why when
        no one."""
        scheme, _, given = authorization.partition(" ")
        if scheme.lower() != "bearer" or not given:
            raise NotAuthenticated("an API key is required")
        if self.api_token is not None and hmac.compare_digest(given.encode(), self.api_token.encode()):
            return BOOTSTRAP

        def look_up() -> Principal | None:
            with self.pool.connection() as conn:
                return accounts.authenticated(conn, given)

        found = await run_in_threadpool(look_up)
        if found is None:
            raise NotAuthenticated("the API key is not valid (unknown or revoked)")
        return found

    async def session(self, cookie: str) -> tuple[Principal, dt.datetime]:
        """Who the session cookie `cookie` acts as and when its session ends (`queries.sessions.signed_in`);
        `NotAuthenticated` when it is no session in use."""

        def look_up() -> tuple[Principal, dt.datetime] | None:
            with self.pool.connection() as conn:
                return sessions.signed_in(conn, cookie)

        found = await run_in_threadpool(look_up) if cookie else None
        if found is None:
            raise NotAuthenticated("the session has ended (signed out or expired): sign in again")
        return found


def retry_after(seconds: float) -> str:
    """`Retry-After` in whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))


def unauthenticated(why: str) -> HTTPException:
    return HTTPException(401, f"{why}: Authorization: Bearer <an account's API key or GAMESTATS_API_TOKEN>",
                         headers={"WWW-Authenticate": "Bearer"})


BEARER = HTTPBearer(auto_error=False, scheme_name="apiKey",
                    description="an account's API key (`gamestats accounts create`), or `GAMESTATS_API_TOKEN`, the "
                                "operator's")
"""The API key of `Authorization: Bearer <key>`, as the OpenAPI document declares it on every route needing one."""
