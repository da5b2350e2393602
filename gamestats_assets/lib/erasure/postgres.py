"""A deleted player taken out of PostgreSQL: in every table of their domain's schema (published tables and rosters),
their id and the names beside it replaced by their token, their own tables' rows deleted (the domain's `Identity`
says which columns name a player); the accounts that acted for them no longer do. Each table changed gets a new
publish id, so that no answer `gamestats serve` kept from before is given again."""

from __future__ import annotations

from collections.abc import Iterable

import psycopg
from psycopg import sql

from gamestats_assets.lib.erasure.redaction import without_names
from gamestats_assets.lib.erasure.register import Identity, id_digest
from gamestats_assets.lib.publish.publisher import record_publish


def text_columns(conn: psycopg.Connection, schema: str) -> dict[str, set[str]]:
    """The text columns of every table (partitioned ones as one) of `schema`: table → column names."""
    rows = conn.execute(
        "SELECT c.relname, a.attname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid WHERE n.nspname = %s AND c.relkind IN ('r', 'p') "
        "AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid = 'text'::regtype",
        (schema,)).fetchall()
    tables: dict[str, set[str]] = {}
    for table, column in rows:
        tables.setdefault(table, set()).add(column)
    return tables


def like_escaped(text: str) -> str:
    """`text` matched literally by `LIKE`."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def erase_from_postgres(conn: psycopg.Connection, domain: str, identity: Identity, player_id: str, token: str,
                        names: Iterable[str] = ()) -> dict[str, int]:
    """Take `player_id` of `domain`, whose columns naming a player are `identity`'s (and their `names` among the
    words of a free-text column), out of PostgreSQL in the caller's transaction: rows changed by table (those with
    any), `gamestats_api.accounts` included."""
    names = [name for name in names if name]
    digests = {id_digest(domain, name): token for name in names}
    counts: dict[str, int] = {}
    for table, columns in sorted(text_columns(conn, domain).items()):
        target = sql.Identifier(domain, table)
        changed = 0
        for column in (c for c in identity.texts if c in columns and digests):
            found = conn.execute(sql.SQL("SELECT DISTINCT {0} FROM {1} WHERE {0} LIKE ANY(%s)").format(
                sql.Identifier(column), target), ([f"%{like_escaped(n)}%" for n in names],)).fetchall()
            for (text,) in found:
                written = without_names(text, domain, digests)
                if written != text:
                    changed += conn.execute(sql.SQL("UPDATE {0} SET {1} = %s WHERE {1} = %s").format(
                        target, sql.Identifier(column)), (written, text)).rowcount
        for column in (c for c in identity.ids if c in columns):
            if table in identity.own:
                statement = sql.SQL("DELETE FROM {} WHERE {} = %s").format(target, sql.Identifier(column))
                changed += conn.execute(statement, (player_id,)).rowcount
                continue
            names = [name for name in identity.ids[column] if name in columns]
            assignments = sql.SQL(", ").join(
                sql.SQL("{} = %s").format(sql.Identifier(name)) for name in (*names, column))
            statement = sql.SQL("UPDATE {} SET {} WHERE {} = %s").format(target, assignments, sql.Identifier(column))
            changed += conn.execute(statement, (*[token] * (len(names) + 1), player_id)).rowcount
        if changed:
            counts[f"{domain}.{table}"] = changed
            record_publish(conn, f"{domain}.{table}", changed)
    unlinked = conn.execute(
        "WITH kept AS (SELECT a.name, array(SELECT p FROM unnest(a.player_ids) p WHERE p <> %(id)s "
        "AND p <> split_part(p, ':', 1) || ':' || %(id)s) AS ids FROM gamestats_api.accounts a) "
        "UPDATE gamestats_api.accounts a SET player_ids = kept.ids FROM kept "
        "WHERE kept.name = a.name AND cardinality(kept.ids) < cardinality(a.player_ids)", {"id": player_id}).rowcount
    if unlinked:
        counts["gamestats_api.accounts"] = unlinked
    return counts
