"""Every row held about a player, for their export (`GET /api/v1/users/export`): the rows of each domain's published
tables and rosters naming one of their ids (in a column its `Identity` says names a player), and every row of
`gamestats_api` that refers to their account (its keys, consents, profile, sessions: whatever table has a foreign
key to `gamestats_api.accounts`), hashes and sealed fields left out. Over the platform's own connection."""

from __future__ import annotations

from collections.abc import Mapping

import psycopg
from psycopg import sql

from gamestats_assets.lib.erasure.register import Identity
from gamestats_assets.lib.erasure.postgres import text_columns
from gamestats_assets.serve.queries.users import referring



def published_rows(conn: psycopg.Connection, players: Mapping[str, Identity],
                   ids: Mapping[str, tuple[str, ...]]) -> dict[str, list[dict]]:
    """`schema.table` → its rows (as JSON objects) naming one of `ids[domain]` in a column of `players[domain]`,
    for the tables with any."""
    found: dict[str, list[dict]] = {}
    for domain, player_ids in ids.items():
        for table, columns in sorted(text_columns(conn, domain).items()):
            naming = [c for c in players[domain].ids if c in columns]
            if not naming:
                continue
            rows = conn.execute(sql.SQL("SELECT to_jsonb(t) FROM {} t WHERE {}").format(
                sql.Identifier(domain, table),
                sql.SQL(" OR ").join(sql.SQL("{} = ANY(%(ids)s)").format(sql.Identifier(c)) for c in naming)),
                {"ids": list(player_ids)}).fetchall()
            if rows:
                found[f"{domain}.{table}"] = [row[0] for row in rows]
    return found


def account_rows(conn: psycopg.Connection, account: str) -> dict[str, list[dict]]:
    """`gamestats_api.<table>` → the rows of the account itself and of every table referring to it, their `bytea`
    columns (key hashes, sealed fields) left out."""
    found = {"gamestats_api.accounts": [row[0] for row in conn.execute(
        "SELECT to_jsonb(a) FROM gamestats_api.accounts a WHERE name = %s", (account,)).fetchall()]}
    for table, column, hidden in referring(conn):
        schema, _, name = table.rpartition(".")
        rows = conn.execute(sql.SQL("SELECT to_jsonb(t) - %s::text[] FROM {} t WHERE {} = %s").format(
            sql.Identifier(schema or "public", name), sql.Identifier(column)), (list(hidden), account)).fetchall()
        if rows:
            found[f"{schema}.{name}"] = [row[0] for row in rows]
    return found
