"""A deleted player's id and names replaced by their token in every text Dagster's instance stored in PostgreSQL
(schema `dagster`): the bodies of events already written (a publish's preview rows, materialization metadata,
logs), of sensor ticks and instigator states (cursors), of runs and backfills, and every tag or key column.

A text that parses as a JSON object or list is rewritten string by string and written back as JSON, so that it
stays valid and Dagster reads it as before: a string of it (not a key, not the class or enum a Dagster record is
serialized as) has each occurrence of the id or a name, as a whole word, replaced by the token, in every form it
takes inside a string (as it is, JSON-escaped with and without non-ASCII escapes, escaped twice in a JSON text held
by a string, as a sensor's cursor is). Any other text is rewritten in the same way as a whole. Only rows holding
one of those forms are read; all are rewritten in one transaction."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import psycopg
from psycopg import sql

from gamestats_assets.lib.erasure.postgres import like_escaped
from gamestats_assets.lib.publish.postgres import DAGSTER_SCHEMA, libpq_url

RECORD_KEYS = frozenset({"__class__", "__enum__"})
"""The keys whose string names a Dagster record's class or an enum member, never rewritten."""
WORD = "[A-Za-z0-9_]"


def forms(values: Iterable[str]) -> list[str]:
    """Every form each of `values` takes inside a JSON string, down to a JSON text held by a string."""
    found = set()
    for value in (v for v in values if v):
        for ascii in (True, False):
            once = json.dumps(value, ensure_ascii=ascii)[1:-1]
            found |= {value, once, json.dumps(once, ensure_ascii=ascii)[1:-1]}
    return sorted(found, key=len, reverse=True)


def word_pattern(values: Iterable[str]) -> re.Pattern:
    """Any form of `values` (`forms`) standing as a whole word."""
    return re.compile(f"(?<!{WORD})(?:{'|'.join(map(re.escape, forms(values)))})(?!{WORD})")


def rewritten(text: str, pattern: re.Pattern, token: str) -> str:
    """`text` with every match of `pattern` replaced by `token`, string by string if it is a JSON object or list."""
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if not isinstance(parsed, (dict, list)):
        return pattern.sub(token, text)
    return json.dumps(_walk(parsed, pattern, token))


def _walk(node: Any, pattern: re.Pattern, token: str) -> Any:
    if isinstance(node, str):
        return pattern.sub(token, node)
    if isinstance(node, list):
        return [_walk(item, pattern, token) for item in node]
    if isinstance(node, dict):
        return {key: value if key in RECORD_KEYS else _walk(value, pattern, token) for key, value in node.items()}
    return node


def text_columns(conn: psycopg.Connection, schema: str) -> list[tuple[str, str]]:
    """Every text or varchar column of the tables of `schema`: (table, column)."""
    return conn.execute(
        "SELECT c.relname, a.attname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid WHERE n.nspname = %s AND c.relkind IN ('r', 'p') "
        "AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped "
        "AND a.atttypid IN ('text'::regtype, 'varchar'::regtype) ORDER BY 1, 2", (schema,)).fetchall()


def erase_from_storage(postgres_url: str, values: Iterable[str], token: str) -> dict[str, int]:
    """Replace every form of `values` (a player's id and names) by `token` in every text column of Dagster's
    tables at `postgres_url`, in one transaction: the texts changed by table (those with any)."""
    values = [v for v in values if v]
    pattern = word_pattern(values)
    holds = [f"%{like_escaped(form)}%" for form in forms(values)]
    counts: dict[str, int] = {}
    with psycopg.connect(libpq_url(postgres_url)) as conn, conn.transaction():
        for table, column in text_columns(conn, DAGSTER_SCHEMA):
            target, name = sql.Identifier(DAGSTER_SCHEMA, table), sql.Identifier(column)
            rows = conn.execute(sql.SQL("SELECT ctid, {0} FROM {1} WHERE {0} LIKE ANY(%s) FOR UPDATE").format(
                name, target), (holds,)).fetchall()
            for ctid, text in rows:
                written = rewritten(text, pattern, token)
                if written != text:
                    conn.execute(sql.SQL("UPDATE {} SET {} = %s WHERE ctid = %s::tid").format(target, name),
                                 (written, ctid))
                    counts[table] = counts.get(table, 0) + 1
    return counts
