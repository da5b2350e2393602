"""The account a proven platform id signs in to (`gamestats_api.accounts`): the player account holding it (one the
operator made included), or a new `player` account bound to it at the first sign-in, or the signed-in player's own
account when they link it. Sign-in never reaches an organiser's or operator's account, nor grants those roles."""

from __future__ import annotations

import secrets

import psycopg

from gamestats_assets.serve.core.accounts import AccountError

LOCK = "gamestats sign-in "
"""The advisory lock of a platform id, taken while its account is found or made: two first sign-ins of one id at
once make one account."""


class SignInRefused(AccountError):
    """A proven id that may not sign in or be linked, with the reason."""


def account_for(conn: psycopg.Connection, platform_id: str, link_account: str | None = None) -> tuple[str, bool]:
    """(the account `platform_id`, a qualified id such as `steam:<id64>`, signs in to, whether it was made now).
    With `link_account`, the id is added to that player account instead, unless another account holds it."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (LOCK + platform_id,))
        holders = conn.execute(
            "SELECT name, role FROM gamestats_api.accounts WHERE %s = ANY(player_ids) AND revoked_at IS NULL "
            "ORDER BY created_at, name", (platform_id,)).fetchall()
        if link_account is not None:
            return link(conn, platform_id, link_account, [name for name, _ in holders]), False
        if any(role != "player" for _, role in holders):
            raise SignInRefused(f"{platform_id} belongs to an account that is not a player's: it signs in with its "
                                "API key, not with the platform")
        if holders:
            return holders[0][0], False
        return create_player(conn, platform_id), True


def link(conn: psycopg.Connection, platform_id: str, account: str, holders: list[str]) -> str:
    """Add `platform_id` to the player account `account`; refused when another account holds it."""
    if any(holder != account for holder in holders):
        raise SignInRefused(f"{platform_id} belongs to another account; it cannot be linked to {account}")
    if account not in holders:
        changed = conn.execute(
            "UPDATE gamestats_api.accounts SET player_ids = array_append(player_ids, %s) WHERE name = %s "
            "AND role = 'player' AND revoked_at IS NULL", (platform_id, account)).rowcount
        if not changed:
            raise SignInRefused(f"account {account} is not a player account in use")
    return account


def create_player(conn: psycopg.Connection, platform_id: str) -> str:
    """A new `player` account acting for `platform_id`, named `player-<random>` (never after the id, so that the
    name says nothing of the player once their data is deleted); it has no key until the player makes one."""
    while True:
        name = f"player-{secrets.token_hex(6)}"
        try:
            with conn.transaction():
                conn.execute("INSERT INTO gamestats_api.accounts (name, role, player_ids) VALUES (%s, 'player', %s)",
                             (name, [platform_id]))
            return name
        except psycopg.errors.UniqueViolation:
            continue
