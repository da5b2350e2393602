"""What stands before the endpoints: a request budget per client address, and the token of writes and admin."""

from __future__ import annotations

import hmac
import math
import threading
import time

from fastapi import HTTPException, Request

from gamestats_assets.serve.settings import ServeSettings


class RateLimiter:
    """A token bucket per client address: `per_minute` requests a minute, refilled evenly, at most `per_minute`
    at once. `take` returns 0 when a request may go, else the seconds until one may."""

    def __init__(self, per_minute: int, clock=time.monotonic):
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    MAX_ADDRESSES = 100_000
    """Past this many addresses remembered, those whose bucket has refilled are forgotten (they are as new)."""

    def take(self, address: str) -> float:
        now = self.clock()
        with self._lock:
            if len(self._buckets) >= self.MAX_ADDRESSES:
                self._buckets = {a: (t, last) for a, (t, last) in self._buckets.items()
                                 if t + (now - last) * self.rate < self.capacity}
            tokens, last = self._buckets.get(address, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[address] = (tokens - 1, now)
                return 0.0
            self._buckets[address] = (tokens, now)
            return (1 - tokens) / self.rate


def retry_after(seconds: float) -> str:
    """`Retry-After` in whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))


def require_token(request: Request) -> None:
    """A write or admin endpoint's guard: 403 while `GAMESTATS_API_TOKEN` is unset (the endpoint is disabled),
    401 without the token as `Authorization: Bearer <token>`."""
    settings: ServeSettings = request.app.state.settings
    if settings.api_token is None:
        raise HTTPException(403, "writes and admin are disabled: set GAMESTATS_API_TOKEN to enable them")
    scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), settings.api_token.encode()):
        raise HTTPException(401, "a valid token is required: Authorization: Bearer <GAMESTATS_API_TOKEN>",
                            headers={"WWW-Authenticate": "Bearer"})
