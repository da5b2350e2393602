"""The sessions' writes (`gamestats_api.sessions`, `gamestats_api.sign_in_attempts`,
`gamestats_api.openid_nonces`): a sign-in under way started and taken back once, an OpenID nonce used once, a
session opened (the browser's previous one closed) and closed."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from gamestats_assets.serve.core.sessions import ATTEMPT_SECONDS, digest, new_token


@dataclass(frozen=True)
class Attempt:
    """A sign-in under way: its platform, the OAuth `state` and PKCE verifier (Epic's), the account a signed-in
    player links the id to, and the page to go back to."""

    provider: str
    state: str | None
    code_verifier: str | None
    link_account: str | None
    next_page: str


def start_attempt(conn: psycopg.Connection, attempt: Attempt) -> str:
    """Record `attempt`; return the cookie that binds it to the browser (only its SHA-256 is kept)."""
    token = new_token()
    with conn.transaction():
        conn.execute("DELETE FROM gamestats_api.sign_in_attempts WHERE expires_at < now()")
        conn.execute(
            "INSERT INTO gamestats_api.sign_in_attempts (attempt_sha256, provider, state, code_verifier, "
            "link_account, next_page, expires_at) VALUES (%s, %s, %s, %s, %s, %s, now() + make_interval(secs => %s))",
            (digest(token), attempt.provider, attempt.state, attempt.code_verifier, attempt.link_account,
             attempt.next_page, ATTEMPT_SECONDS))
    return token


def take_attempt(conn: psycopg.Connection, token: str, provider: str) -> Attempt | None:
    """The sign-in of the cookie `token` with `provider`, removed (a callback is answered once), or None when there
    is none in time."""
    row = conn.execute(
        "DELETE FROM gamestats_api.sign_in_attempts WHERE attempt_sha256 = %s RETURNING provider, state, "
        "code_verifier, link_account, next_page, expires_at > now()", (digest(token),)).fetchone()
    if row is None or not row[5] or row[0] != provider:
        return None
    return Attempt(*row[:5])


def use_nonce(conn: psycopg.Connection, endpoint: str, nonce: str, keep_seconds: int) -> bool:
    """Record the response nonce `nonce` of the OpenID provider `endpoint`; False when it was used before. Nonces
    older than `keep_seconds` (past which their assertion is refused anyway) are forgotten."""
    with conn.transaction():
        conn.execute("DELETE FROM gamestats_api.openid_nonces WHERE used_at < now() - make_interval(secs => %s)",
                     (keep_seconds,))
        return conn.execute("INSERT INTO gamestats_api.openid_nonces (endpoint, nonce) VALUES (%s, %s) "
                            "ON CONFLICT DO NOTHING", (endpoint, nonce)).rowcount == 1


def open_session(conn: psycopg.Connection, account: str, hours: float, previous: str | None) -> str:
    """A new session of `account` lasting `hours`, returned as its cookie; the browser's `previous` session, if any,
    is closed, and sessions past their end are forgotten."""
    token = new_token()
    with conn.transaction():
        conn.execute("DELETE FROM gamestats_api.sessions WHERE expires_at < now()")
        if previous:
            close_session(conn, previous)
        conn.execute("INSERT INTO gamestats_api.sessions (session_sha256, account, expires_at) "
                     "VALUES (%s, %s, now() + make_interval(secs => %s))", (digest(token), account, hours * 3600))
    return token


def close_session(conn: psycopg.Connection, token: str) -> bool:
    """Revoke the session of the cookie `token`; False when none was open."""
    return conn.execute("UPDATE gamestats_api.sessions SET revoked_at = now() WHERE session_sha256 = %s "
                        "AND revoked_at IS NULL", (digest(token),)).rowcount == 1
