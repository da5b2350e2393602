"""A player's account as they see it (`routes/users/`): their consent in force and its history, their profile as
kept (email and ballchasing.com key still sealed), and which of the domains' ids are theirs. Over the platform's own
connection: `gamestats_api` is not granted to the reader."""

from __future__ import annotations

import psycopg
from psycopg.rows import dict_row

from gamestats_assets.serve.core.accounts import PLATFORMS

ROCKET_PLATFORMS = frozenset(PLATFORMS.values())
REFERRING = """
SELECT c.conrelid::regclass::text AS table_name, a.attname AS column_name,
       ARRAY(SELECT b.attname FROM pg_attribute b WHERE b.attrelid = c.conrelid AND b.attnum > 0
             AND NOT b.attisdropped AND b.atttypid = 'bytea'::regtype) AS hidden
FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
WHERE c.contype = 'f' AND c.confrelid = 'gamestats_api.accounts'::regclass AND cardinality(c.conkey) = 1
ORDER BY 1, 2"""


def domain_ids(player_ids: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """An account's player ids as each domain's tables name them: a Rocket League id without its platform
    (`steam:<id64>` is `<id64>` in `rocket`, as a replay names it) and as kept (as a training session or a stated
    rank may name it), any other id (a PUBG account id, a LoL PUUID, an id of no platform) as it is, in every
    domain."""
    found: dict[str, list[str]] = {"rocket": [], "pubg": [], "lol": []}
    for player_id in player_ids:
        platform, colon, online_id = player_id.partition(":")
        if colon and platform in ROCKET_PLATFORMS:
            found["rocket"] += [online_id, player_id]
        else:
            for ids in found.values():
                ids.append(player_id)
    return {domain: tuple(ids) for domain, ids in found.items() if ids}


def consent_in_force(conn: psycopg.Connection, account: str) -> dict | None:
    """The account's consent not withdrawn: its text version, who recorded it and when; None without one."""
    with conn.cursor(row_factory=dict_row) as cursor:
        return cursor.execute("SELECT text_version, recorded_by, recorded_at FROM gamestats_api.consents "
                              "WHERE account = %s AND withdrawn_at IS NULL", (account,)).fetchone()


def consents(conn: psycopg.Connection, account: str) -> list[dict]:
    """Every consent the account recorded or withdrew, oldest first."""
    with conn.cursor(row_factory=dict_row) as cursor:
        return cursor.execute("SELECT text_version, recorded_by, recorded_at, withdrawn_at FROM gamestats_api.consents "
                              "WHERE account = %s ORDER BY consent_id", (account,)).fetchall()


def account(conn: psycopg.Connection, name: str) -> dict | None:
    """The account in use: its name, role, player ids and when it was created."""
    with conn.cursor(row_factory=dict_row) as cursor:
        return cursor.execute("SELECT name, role, player_ids, created_at FROM gamestats_api.accounts "
                              "WHERE name = %s AND revoked_at IS NULL", (name,)).fetchone()


def profile(conn: psycopg.Connection, account: str) -> dict | None:
    """The account's profile as kept: display name, sealed email and ballchasing.com key, when it was written."""
    with conn.cursor(row_factory=dict_row) as cursor:
        return cursor.execute("SELECT display_name, email_sealed, ballchasing_key_sealed, updated_at "
                              "FROM gamestats_api.profiles WHERE account = %s", (account,)).fetchone()


def sealed_profiles(conn: psycopg.Connection) -> list[dict]:
    """Every profile holding a sealed field, for sealing them again under the newest key."""
    with conn.cursor(row_factory=dict_row) as cursor:
        return cursor.execute("SELECT account, email_sealed, ballchasing_key_sealed FROM gamestats_api.profiles "
                              "WHERE email_sealed IS NOT NULL OR ballchasing_key_sealed IS NOT NULL "
                              "ORDER BY account").fetchall()


def referring(conn: psycopg.Connection) -> list[tuple[str, str, list[str]]]:
    """Every table with a foreign key to `gamestats_api.accounts`: (`schema.table`, the column naming the account,
    its `bytea` columns: hashes and sealed fields)."""
    return conn.execute(REFERRING).fetchall()


def keyed_accounts(conn: psycopg.Connection, account: str | None = None) -> list[dict]:
    """The accounts (all, or `account` alone) whose profile keeps their own ballchasing.com key, not revoked and
    with a consent in force: name, role, player ids and the sealed key."""
    with conn.cursor(row_factory=dict_row) as cursor:
        return cursor.execute(
            "SELECT a.name, a.role, a.player_ids, p.ballchasing_key_sealed FROM gamestats_api.accounts a "
            "JOIN gamestats_api.profiles p ON p.account = a.name "
            "JOIN gamestats_api.consents c ON c.account = a.name AND c.withdrawn_at IS NULL "
            "WHERE p.ballchasing_key_sealed IS NOT NULL AND a.revoked_at IS NULL "
            "AND (%(account)s::text IS NULL OR a.name = %(account)s) ORDER BY a.name",
            {"account": account}).fetchall()
