"""The accounts' writes (`gamestats_api.accounts`, `gamestats_api.api_keys`): an account created with its first
key, and an account revoked with every key of it. An account the operator makes comes with the player's consent as
the operator records it (`gamestats_api.consents`, `recorded_by` operator); one a player makes by signing in comes
without, and stores nothing of them until they consent (`routes/users/consent.py`)."""

from __future__ import annotations

import secrets

import psycopg

from gamestats_assets.serve.core.accounts import (NAME, PLAYERS, ROLES, AccountError, AccountExists, NoSuchAccount,
                                                  digest, qualified)


def new_key() -> tuple[str, str]:
    """(key id, key): a fresh key of 256 random bits."""
    key_id = secrets.token_hex(8)
    return key_id, f"gsk_{key_id}_{secrets.token_urlsafe(32)}"


OPERATOR_CONSENT = "operator"
"""The text version of a consent the operator records for an account they make: theirs, not a text the player read."""


def create(conn: psycopg.Connection, name: str, role: str, player_ids: tuple[str, ...] = (), *,
           by_operator: bool = True) -> str:
    """Create account `name` with `role`, acting for `player_ids` in their kept form (`qualified`), and its first
    key, returned (the only time it is seen). Made `by_operator` (the CLI, the admin endpoint), its consent is
    recorded as the operator's; made by the player signing in (`by_operator` False), none is."""
    if not NAME.match(name):
        raise AccountError(f"an account name is 1 to 64 letters, digits or ._@+-, not {name!r}")
    if role not in ROLES:
        raise AccountError(f"a role is one of {', '.join(ROLES)}, not {role!r}")
    if role in PLAYERS and not player_ids:
        raise AccountError(f"a {role} account acts for at least one player id")
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
        if by_operator:
            conn.execute("INSERT INTO gamestats_api.consents (account, text_version, recorded_by) "
                         "VALUES (%s, %s, 'operator')", (name, OPERATOR_CONSENT))
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



KEYS_IN_USE = 10
"""The most keys an account holds in use at once when it makes its own (`add_key`)."""


def add_key(conn: psycopg.Connection, name: str) -> tuple[str, str]:
    """(key id, key) of a new key of account `name` in use, the key returned the only time it is seen; refused past
    `KEYS_IN_USE` keys in use."""
    key_id, key = new_key()
    with conn.transaction():
        if conn.execute("SELECT FROM gamestats_api.accounts WHERE name = %s AND revoked_at IS NULL FOR UPDATE",
                        (name,)).fetchone() is None:
            raise NoSuchAccount(f"no account {name!r} in use")
        in_use = conn.execute("SELECT count(*) FROM gamestats_api.api_keys WHERE account = %s AND revoked_at IS NULL",
                              (name,)).fetchone()[0]
        if in_use >= KEYS_IN_USE:
            raise AccountError(f"account {name!r} holds {KEYS_IN_USE} keys in use already: revoke one first")
        conn.execute("INSERT INTO gamestats_api.api_keys (key_id, account, key_sha256) VALUES (%s, %s, %s)",
                     (key_id, name, digest(key)))
    return key_id, key


def revoke_key(conn: psycopg.Connection, name: str, key_id: str) -> None:
    """Revoke the key `key_id` of account `name`; `NoSuchAccount` when it has no such key in use."""
    if not conn.execute("UPDATE gamestats_api.api_keys SET revoked_at = now() WHERE key_id = %s AND account = %s "
                        "AND revoked_at IS NULL", (key_id, name)).rowcount:
        raise NoSuchAccount(f"account {name!r} has no key {key_id!r} in use")
