"""HTTPS as the API states it: `Strict-Transport-Security` on every answer to a request that came over TLS, whether
`gamestats serve` terminates it (`--ssl-certfile`, `--ssl-keyfile`) or a trusted proxy says so in
`X-Forwarded-Proto` (`--forwarded-allow-ips`, `GAMESTATS_API_TRUSTED_PROXIES`), so that a browser that once reached
the service over HTTPS never asks it over plain HTTP again."""

from __future__ import annotations

DEFAULT_HSTS_SECONDS = 365 * 24 * 3600
"""How long a browser keeps to HTTPS after an answer over it (`max-age`): a year, as browsers' preload lists ask."""


class StrictTransport:
    """ASGI middleware adding `Strict-Transport-Security: max-age=<max_age>` to each answer of a request whose scheme
    is `https` (uvicorn's own TLS, or a trusted proxy's `X-Forwarded-Proto` read by the proxy-headers layer outside
    it); nothing on plain HTTP, where the header means nothing, nor when `max_age` is 0."""

    def __init__(self, app, max_age: int = DEFAULT_HSTS_SECONDS):
        self.app, self.header = app, (b"strict-transport-security", f"max-age={max_age}".encode())
        self.max_age = max_age

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("scheme") != "https" or not self.max_age:
            return await self.app(scope, receive, send)

        async def sending(message):
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), self.header]
            await send(message)

        return await self.app(scope, receive, sending)
