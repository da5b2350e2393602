"""The accounts' reads (`gamestats_api.accounts`, `gamestats_api.api_keys`): every account with its keys in use,
and the account of an API key."""

from __future__ import annotations

import hmac

import psycopg

from gamestats_assets.serve.core.accounts import KEY, NO_KEY, Principal, digest


def listed(conn: psycopg.Connection) -> list[dict]:
    """Every account with its role, player ids, keys in use, and when it was created and revoked."""
    rows = conn.execute(
        "SELECT a.name, a.role, a.player_ids, a.created_at, a.revoked_at, "
        "count(k.key_id) FILTER (WHERE k.revoked_at IS NULL) AS keys_in_use "
        "FROM gamestats_api.accounts a LEFT JOIN gamestats_api.api_keys k ON k.account = a.name "
        "GROUP BY a.name ORDER BY a.name").fetchall()
    names = ("name", "role", "player_ids", "created_at", "revoked_at", "keys_in_use")
    return [dict(zip(names, row)) for row in rows]


def authenticated(conn: psycopg.Connection, key: str) -> Principal | None:
    """The account of `key` while it and its account are in use, else None."""
    shape = KEY.match(key)
    row = conn.execute(
        "SELECT a.name, a.role, a.player_ids, k.key_sha256 FROM gamestats_api.api_keys k "
        "JOIN gamestats_api.accounts a ON a.name = k.account "
        "WHERE k.key_id = %s AND k.revoked_at IS NULL AND a.revoked_at IS NULL",
        (shape.group(1) if shape else "",)).fetchone()
    stored = bytes(row[3]) if row else NO_KEY
    if not hmac.compare_digest(stored, digest(key)) or row is None:
        return None
    return Principal(row[0], row[1], tuple(row[2]))



def keys_of(conn: psycopg.Connection, name: str) -> list[dict]:
    """The keys of account `name`, newest first: each one's key id, when it was made and revoked (never the key)."""
    rows = conn.execute("SELECT key_id, created_at, revoked_at FROM gamestats_api.api_keys WHERE account = %s "
                        "ORDER BY created_at DESC, key_id", (name,)).fetchall()
    return [dict(zip(("key_id", "created_at", "revoked_at"), row)) for row in rows]
