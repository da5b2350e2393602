"""The sessions' reads (`gamestats_api.sessions`): who a session cookie acts as."""

from __future__ import annotations

import datetime as dt

import psycopg

from gamestats_assets.serve.core.accounts import Principal
from gamestats_assets.serve.core.sessions import digest


def signed_in(conn: psycopg.Connection, token: str) -> tuple[Principal, dt.datetime] | None:
    """The account of the session cookie `token` and when its session ends, while it and its account are in use,
    else None."""
    row = conn.execute(
        "SELECT a.name, a.role, a.player_ids, s.expires_at FROM gamestats_api.sessions s "
        "JOIN gamestats_api.accounts a ON a.name = s.account WHERE s.session_sha256 = %s "
        "AND s.revoked_at IS NULL AND s.expires_at > now() AND a.revoked_at IS NULL", (digest(token),)).fetchone()
    return None if row is None else (Principal(row[0], row[1], tuple(row[2])), row[3])
