"""The PostgreSQL side of every publish: a table's name quoted and split, its columns and types read, and a frame
aligned to them and copied in by `COPY` batch by batch (`copy_encoding`, `lake.rows.Rows`). Names are quoted
identifiers; values never enter SQL text."""

from __future__ import annotations

import psycopg
from psycopg import sql

from gamestats_assets.lib.lake.rows import Rows, mapped, schema_of
from gamestats_assets.lib.publish import copy_encoding

PARTITION_SCHEMA_SUFFIX = "_partitions"
"""The partitions of `schema.table` live in `<schema>_partitions` (`sql/070`), so that the domain's schema
lists only its published tables."""


class PublishError(RuntimeError):
    """A frame does not fit the table it is published to."""


def qualified(table: str) -> sql.Composed:
    """`schema.table` as a quoted identifier pair."""
    schema, name = split_table(table)
    return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(name))


def split_table(table: str) -> tuple[str, str]:
    schema, _, name = table.partition(".")
    if not name:
        raise PublishError(f"table {table!r} must be qualified as schema.table")
    return schema, name


def table_columns(conn: psycopg.Connection, table: str) -> list[str]:
    """The table's columns in their order; `PublishError` if the table does not exist."""
    schema, name = split_table(table)
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s "
        "ORDER BY ordinal_position",
        (schema, name),
    ).fetchall()
    if not rows:
        raise PublishError(f"table {table} does not exist: add its DDL to a numbered file in sql/")
    return [r[0] for r in rows]


def aligned(conn: psycopg.Connection, table: str, frame: Rows) -> Rows:
    """`frame` with its columns in the table's order; `PublishError` naming any mismatch."""
    columns = table_columns(conn, table)
    schema = schema_of(frame)
    missing, extra = set(columns) - set(schema), set(schema) - set(columns)
    if missing or extra:
        raise PublishError(
            f"frame does not match {table}: missing {sorted(missing)}, unexpected {sorted(extra)}"
        )
    nested = [c for c, t in schema.items() if t.is_nested()]
    if nested:
        raise PublishError(f"columns {nested} are nested; published tables hold flat columns only")
    return mapped(frame, lambda rows: rows.select(columns))


def column_types(conn: psycopg.Connection, table: str | sql.Composed) -> dict[str, str]:
    """{column: PostgreSQL type name (`udt_name`)} of `table`."""
    return dict(
        conn.execute(
            "SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
            "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped",
            (table if isinstance(table, str) else table.as_string(conn),),
        ).fetchall()
    )


def copy_rows(conn: psycopg.Connection, table: str | sql.Composed, frame: Rows, *, freeze: bool = False) -> int:
    """COPY every row of `frame` into `table` (columns by name), binary where it can; return the count.

    `freeze` writes the rows already frozen, for a table created in the same transaction.
    """
    target = qualified(table) if isinstance(table, str) else table
    payload = copy_encoding.encode(frame, column_types(conn, target))
    options = sql.SQL(payload.format + (", FREEZE" if freeze else ""))
    statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT {})").format(
        target, sql.SQL(", ").join(sql.Identifier(c) for c in schema_of(frame)), options
    )
    with conn.cursor() as cursor:
        with cursor.copy(statement) as copy:
            for chunk in payload.chunks:
                copy.write(chunk)
        return cursor.rowcount
