"""A player's account's writes besides its keys (`gamestats_api.consents`, `gamestats_api.profiles`): a consent
recorded or withdrawn, a profile written (its personal fields already sealed) or sealed again under the newest key,
and what an account's deletion leaves of it: the account revoked, its profile gone, its player ids forgotten."""

from __future__ import annotations

import psycopg

from gamestats_assets.serve.core.sealed import Sealer
from gamestats_assets.serve.crud import accounts
from gamestats_assets.serve.queries.users import sealed_profiles

KEEP = object()
"""A profile field left as it is by `write_profile`."""


def record_consent(conn: psycopg.Connection, account: str, text_version: str, recorded_by: str) -> None:
    """Record the account's consent to the text of `text_version` by `recorded_by` (`player` or `operator`), in
    place of the one in force if any."""
    with conn.transaction():
        conn.execute("UPDATE gamestats_api.consents SET withdrawn_at = now() WHERE account = %s "
                     "AND withdrawn_at IS NULL", (account,))
        conn.execute("INSERT INTO gamestats_api.consents (account, text_version, recorded_by) VALUES (%s, %s, %s)",
                     (account, text_version, recorded_by))


def withdraw_consent(conn: psycopg.Connection, account: str) -> bool:
    """Withdraw the account's consent in force and delete its profile: whether a consent was in force."""
    with conn.transaction():
        withdrawn = conn.execute("UPDATE gamestats_api.consents SET withdrawn_at = now() WHERE account = %s "
                                 "AND withdrawn_at IS NULL", (account,)).rowcount
        conn.execute("DELETE FROM gamestats_api.profiles WHERE account = %s", (account,))
    return bool(withdrawn)


def write_profile(conn: psycopg.Connection, account: str, display_name=KEEP, email_sealed=KEEP,
                  ballchasing_key_sealed=KEEP) -> None:
    """Write the fields of the account's profile given (`KEEP` leaves one as it is, None clears it)."""
    given = {column: value for column, value in (("display_name", display_name), ("email_sealed", email_sealed),
                                                 ("ballchasing_key_sealed", ballchasing_key_sealed))
             if value is not KEEP}
    columns = ", ".join(given)
    values = ", ".join(["%s"] * len(given))
    updates = ", ".join(f"{column} = excluded.{column}" for column in given)
    with conn.transaction():
        conn.execute(f"INSERT INTO gamestats_api.profiles (account{', ' if given else ''}{columns}) "
                     f"VALUES (%s{', ' if given else ''}{values}) ON CONFLICT (account) DO UPDATE SET "
                     f"{updates}{', ' if given else ''}updated_at = now()", (account, *given.values()))


def reseal_all(conn: psycopg.Connection, sealer: Sealer) -> int:
    """Seal every profile's sealed fields again under `sealer`'s newest key, in one transaction (`Unreadable`, and
    nothing changed, when a field is sealed under no key of it): how many profiles."""
    with conn.transaction():
        found = sealed_profiles(conn)
        for row in found:
            conn.execute("UPDATE gamestats_api.profiles SET email_sealed = %s, ballchasing_key_sealed = %s "
                         "WHERE account = %s", tuple(
                             sealer.reseal(row[c]) if row[c] is not None else None
                             for c in ("email_sealed", "ballchasing_key_sealed")) + (row["account"],))
    return len(found)


def close_account(conn: psycopg.Connection, account: str) -> None:
    """What is left of an account once its players' data is deleted: its consent withdrawn, its profile deleted, its
    player ids forgotten, it and every key of it revoked (`crud/accounts.revoke`: its sessions no longer sign it in).
    Its row stays, revoked, so that its name is never reused; a name says nothing of the player (`crud/sign_in`)."""
    with conn.transaction():
        withdraw_consent(conn, account)
        conn.execute("UPDATE gamestats_api.accounts SET player_ids = '{}' WHERE name = %s", (account,))
        accounts.revoke(conn, account)
