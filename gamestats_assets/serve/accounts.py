"""The accounts of `gamestats serve` (`gamestats_api.accounts`, `sql/160_api_accounts.sql`): a name, a role, the
player ids it acts for, and API keys of which only the SHA-256 is kept.

A key reads `gsk_<key id>_<secret>`: the key id finds its row, the hash of the whole key is compared in constant
time (`hmac.compare_digest`), also when no row is found. Roles, each allowed what the one before it is: `player`
(uploads replays and logs training sessions for its own player ids, reads everything public), `organiser` (the
PUBG admin), `operator` (everything, accounts included; `GAMESTATS_API_TOKEN` is the operator's bootstrap)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

import psycopg

ROLES = ("player", "organiser", "operator")
NAME = re.compile(r"^[A-Za-z0-9._@+-]{1,64}$")
KEY = re.compile(r"^gsk_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$")
NO_KEY = hashlib.sha256(b"no such key").digest()
"""What a key is compared with when its key id has no row, so that an unknown key takes the time of a known one."""


class AccountError(ValueError):
    """An account that cannot be created as asked, with the reason."""


class AccountExists(AccountError):
    """An account of that name exists (revoked ones too: a name is never reused)."""


class NoSuchAccount(AccountError):
    """No account in use has that name."""


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: an account, or the operator's bootstrap token (`name` "operator", no account)."""

    name: str
    role: str
    player_ids: tuple[str, ...] = ()

    def has(self, role: str) -> bool:
        """True when this role includes `role` (operator ⊃ organiser ⊃ player)."""
        return ROLES.index(self.role) >= ROLES.index(role)

    def acts_for(self, player_id: str) -> bool:
        """True when this principal may write for `player_id`: its own, or any for an operator."""
        return self.role == "operator" or player_id in self.player_ids

    def acts_for_any(self, player_ids: Iterable[str]) -> bool:
        """True when this principal may write for one of `player_ids` (an operator for none at all too: a replay
        whose header lists no players)."""
        return self.role == "operator" or any(self.acts_for(player_id) for player_id in player_ids)


def new_key() -> tuple[str, str]:
    """(key id, key): a fresh key of 256 random bits."""
    key_id = secrets.token_hex(8)
    return key_id, f"gsk_{key_id}_{secrets.token_urlsafe(32)}"


def digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


def create(conn: psycopg.Connection, name: str, role: str, player_ids: tuple[str, ...] = ()) -> str:
    """Create account `name` with `role` and its first key, returned (the only time it is seen)."""
    if not NAME.match(name):
        raise AccountError(f"an account name is 1 to 64 letters, digits or ._@+-, not {name!r}")
    if role not in ROLES:
        raise AccountError(f"a role is one of {', '.join(ROLES)}, not {role!r}")
    if role == "player" and not player_ids:
        raise AccountError("a player account acts for at least one player id")
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
