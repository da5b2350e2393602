"""The request budgets charged: each request, before anything else reads it, to its account's budget by its role
when its API key or session cookie authenticates, else to its client address's (`budget_profiles.py` says how
much each is). Past its budget a request is answered 429 with `Retry-After`. Each budget is a token bucket every
worker shares (`guard.SharedBudget`)."""

from __future__ import annotations

from collections.abc import Mapping

import psycopg
from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.responses import JSONResponse

from gamestats_assets.serve.core.accounts import Principal
from gamestats_assets.serve.core.budget_profiles import PUBLIC
from gamestats_assets.serve.core.guard import (
    BOOTSTRAP,
    BudgetUnavailable,
    KeyChecks,
    NotAuthenticated,
    SharedBudget,
    retry_after,
)
from gamestats_assets.serve.core.sessions import SESSION_COOKIE

class Budgets:
    """The shared budgets of one server (`per_minute`: `public` and each role's requests a minute), one bucket a
    client address or account, every worker sharing them through PostgreSQL at `url`."""

    def __init__(self, url: str, per_minute: Mapping[str, int]):
        self.per_minute = dict(per_minute)
        self._buckets = {count: SharedBudget(url, count) for count in set(self.per_minute.values())}

    async def take(self, key: str, who: str) -> float:
        """Take a request from `key`'s bucket of `who`'s budget (`public` or a role): 0 when it may go, else the
        seconds until one may."""
        return await self._buckets[self.per_minute[who]].take(key)

    async def charge(self, principal: Principal) -> float:
        """`take` for an account (the operator's token as its own bucket)."""
        key = "token:operator" if principal is BOOTSTRAP else f"account:{principal.name}"
        return await self.take(key, principal.role)

    async def close(self) -> None:
        for bucket in self._buckets.values():
            await bucket.close()


class RequestBudget:
    """ASGI middleware charging each request to its budget before anything else reads it: with an API key or a
    session cookie that authenticates (looked up once over `keys`, and kept in the request's state for
    `deps.principal`), its account's; else its client address's. Past it: 429 with `Retry-After`; 503 while the
    budgets cannot be read."""

    def __init__(self, app, budgets: Budgets, keys: KeyChecks):
        self.app, self.budgets, self.keys = app, budgets, keys

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        who = await self.identified(Headers(scope=scope))
        address = scope["client"][0] if scope.get("client") else "unknown"
        try:
            wait = await (self.budgets.charge(who) if who else self.budgets.take(f"address:{address}", PUBLIC))
        except BudgetUnavailable as error:
            return await JSONResponse({"detail": str(error)}, status_code=503,
                                      headers={"Retry-After": "1"})(scope, receive, send)
        if not wait:
            if who:
                scope.setdefault("state", {})["principal"] = who
            return await self.app(scope, receive, send)
        asker = f"account {who.name} ({who.role})" if who else address
        limit = self.budgets.per_minute[who.role if who else PUBLIC]
        refused = JSONResponse({"detail": f"too many requests from {asker}: {limit} a minute"},
                               status_code=429, headers={"Retry-After": retry_after(wait)})
        await refused(scope, receive, send)

    async def identified(self, headers: Headers) -> Principal | None:
        """Who the request's `Authorization` (else its session cookie) acts as; None without either, or when
        neither authenticates (its route answers 401 if it needs one)."""
        session = cookie_parser(headers.get("cookie", "")).get(SESSION_COOKIE, "")
        try:
            if "authorization" in headers:
                return await self.keys.principal(headers["authorization"])
            return (await self.keys.session(session))[0] if session else None
        except (NotAuthenticated, psycopg.Error):  # PostgreSQL down: the address's budget answers 503
            return None
