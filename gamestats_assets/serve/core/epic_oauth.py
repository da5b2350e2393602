"""Signing in with Epic Games: OAuth 2.0's authorization code grant with PKCE (`S256`) and `state`, through
Authlib's client. The browser is sent to `epic_authorize_url` with a fresh `state` and the challenge of a fresh
verifier, both kept with the sign-in under way (`crud/sessions.py`); back at the callback with a code, the
`state` must be the one kept, and the code is exchanged at `epic_token_url` (the client's id and secret by HTTP
Basic, the verifier beside it, which Epic checks against the challenge). The token answer's `account_id` is the
player's proven Epic account id; the tokens themselves are not kept."""

from __future__ import annotations

import hmac
import re

from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from requests import RequestException

from gamestats_assets.serve.core.settings import ServeSettings

ACCOUNT_ID = re.compile(r"^[0-9a-f]{32}$")
"""An Epic account id: 32 hexadecimal digits."""
TIMEOUT_SECONDS = 10


class CodeRefused(ValueError):
    """A callback that does not prove an Epic account, with the reason."""


def new_state_and_verifier() -> tuple[str, str]:
    """A fresh `state` and PKCE code verifier (48 random characters, within RFC 7636's 43 to 128)."""
    return generate_token(32), generate_token(48)


def same_state(kept: str | None, given: str) -> bool:
    """True when the callback's `state` is the one the sign-in left with."""
    return kept is not None and hmac.compare_digest(kept.encode(), given.encode())


def client(settings: ServeSettings, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(settings.epic_client_id, settings.epic_client_secret, scope=settings.epic_scope,
                         redirect_uri=redirect_uri, code_challenge_method="S256",
                         token_endpoint_auth_method="client_secret_basic")


def login_url(settings: ServeSettings, redirect_uri: str, state: str, verifier: str) -> str:
    """Where the browser is sent to sign in with Epic Games."""
    with client(settings, redirect_uri) as session:
        url, _ = session.create_authorization_url(settings.epic_authorize_url, state=state, code_verifier=verifier)
    return url


def account_id(settings: ServeSettings, redirect_uri: str, code: str, verifier: str) -> str:
    """The Epic account id the authorization `code` proves, exchanged with `verifier`; `CodeRefused` when Epic
    refuses the exchange or answers no account id. Blocking (run it in a worker thread)."""
    with client(settings, redirect_uri) as session:
        try:
            token = session.fetch_token(settings.epic_token_url, grant_type="authorization_code", code=code,
                                        code_verifier=verifier, timeout=TIMEOUT_SECONDS)
        except OAuthError as error:
            raise CodeRefused(f"Epic refused the sign-in: {error.error}") from None
        except (RequestException, ValueError) as error:
            raise CodeRefused(f"Epic's token endpoint did not answer a token: {error}") from None
    found = str(token.get("account_id", "")).lower()
    if not ACCOUNT_ID.match(found):
        raise CodeRefused("Epic's token answer names no account id")
    return found
