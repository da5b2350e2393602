"""The accounts' writes (`gamestats_api.accounts`, `gamestats_api.api_keys`): an account created with its first
key, and an account revoked with every key of it."""

from __future__ import annotations

import secrets

import psycopg

from gamestats_assets.serve.core.accounts import (NAME, ROLES, AccountError, AccountExists, NoSuchAccount, digest,
                                                  qualified)


def new_key() -> tuple[str, str]:
    """(key id, key): a fresh key of 256 random bits."""
    key_id = secrets.token_hex(8)
    return key_id, f"gsk_{key_id}_{secrets.token_urlsafe(32)}"


def create(conn: psycopg.Connection, name: str, role: str, player_ids: tuple[str, ...] = ()) -> str:
    """Create account `name` with `role`, acting for `player_ids` in their kept form (`qualified`), and its first
    key, returned (the only time it is seen)."""
    if not NAME.match(name):
        raise AccountError(f"an account name is 1 to 64 letters, digits or ._@+-, not {name!r}")
    if role not in ROLES:
        raise AccountError(f"a role is one of {', '.join(ROLES)}, not {role!r}")
    if role == "player" and not player_ids:
        raise AccountError("a player account acts for at least one player id")
    player_ids = tuple(dict.fromkeys(qualified(player_id) for player_id in player_ids))
    key_id, key = new_key()
    with conn.transaction():
        try:
            conn.execute("INSERT INTO gamestats_api.accounts (name, role, player_ids) VALUES (%s, %s, %s)",
                         (name, role, list(player_ids)))
        except psycopg.errors.UniqueViolation:
            raise AccountExists(f"account {name!r} exists") from None
        conn.execute("INSERT INTO gamestats_api.api_keys (key_id, account, key_sha256) VALUES (%s, %s, %s)",
                     (key_id, name, digest(key)))
    return key


def revoke(conn: psycopg.Connection, name: str) -> None:
    """Revoke account `name` and every key of it; its rows stay, marked, for the record."""
    with conn.transaction():
        found = conn.execute("UPDATE gamestats_api.accounts SET revoked_at = now() WHERE name = %s "
                             "AND revoked_at IS NULL", (name,)).rowcount
        if not found:
            raise NoSuchAccount(f"no account {name!r} in use")
        conn.execute("UPDATE gamestats_api.api_keys SET revoked_at = now() WHERE account = %s AND revoked_at IS NULL",
                     (name,))

