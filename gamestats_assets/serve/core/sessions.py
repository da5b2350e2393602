"""The sessions of signed-in browsers (`gamestats_api.sessions`, `sql/192_api_sessions.sql`): an opaque random
cookie (`SESSION_COOKIE`, HttpOnly, `SameSite=Lax`, `Secure` when the service is reached over TLS) of which only
the SHA-256 is kept, with its expiry; a fresh one at each sign-in, so a cookie planted before never becomes a
session. A write made with the cookie carries the session's CSRF token in `CSRF_HEADER`: an HMAC of the cookie
that only `GET /api/v1/auth/me` tells the page, which a page of another site can neither read nor compute.

A sign-in under way is bound to its browser by a second cookie (`ATTEMPT_COOKIE`, as short-lived), whose row holds
what the callback checks (the OAuth `state` and PKCE verifier). Its writes are `crud/sessions.py`, its reads
`queries/sessions.py`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import datetime as dt
import secrets
from dataclasses import dataclass

from starlette.requests import HTTPConnection
from starlette.responses import Response

from gamestats_assets.serve.core.accounts import Principal

SESSION_COOKIE = "gamestats_session"
ATTEMPT_COOKIE = "gamestats_sign_in"
CSRF_HEADER = "X-CSRF-Token"
ATTEMPT_SECONDS = 600
"""How long a sign-in may take between leaving for the platform and coming back."""


@dataclass(frozen=True)
class Session:
    """A signed-in browser's session: its cookie, who it acts as, and when it ends."""

    cookie: str
    who: Principal
    expires_at: dt.datetime


def new_token() -> str:
    """A fresh cookie value of 256 random bits."""
    return secrets.token_urlsafe(32)


def digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def csrf_token(session: str) -> str:
    """The CSRF token of the session cookie `session`."""
    mac = hmac.new(session.encode(), b"gamestats csrf", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def csrf_matches(session: str, given: str) -> bool:
    return hmac.compare_digest(csrf_token(session).encode(), given.encode())


def over_tls(request: HTTPConnection, public_url: str | None) -> bool:
    """True when the browser reaches the service over TLS: the public URL says so, or the request came as https
    (directly, or from a trusted proxy)."""
    return (public_url or "").startswith("https://") or request.url.scheme == "https"


def set_cookie(response: Response, name: str, value: str, seconds: int, secure: bool) -> None:
    response.set_cookie(name, value, max_age=seconds, path="/", httponly=True, samesite="lax", secure=secure)


def clear_cookie(response: Response, name: str, secure: bool) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=secure)
