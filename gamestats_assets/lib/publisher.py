"""Writing polars frames into PostgreSQL tables: by partition, as a snapshot, or insert-if-absent.

Every write is one transaction: readers see the previous rows or the new ones, never a mix, and a failure
anywhere leaves the previous rows in place. Rows travel by ``COPY`` as CSV; table and column names are
always quoted identifiers, values never enter SQL text.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import polars as pl
import psycopg
from psycopg import sql

COPY_BATCH_ROWS = 250_000


class PublishError(RuntimeError):
    """A frame does not fit the table it is published to."""


def qualified(table: str) -> sql.Composed:
    """``schema.table`` as a quoted identifier pair."""
    schema, name = split_table(table)
    return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(name))


def split_table(table: str) -> tuple[str, str]:
    schema, _, name = table.partition(".")
    if not name:
        raise PublishError(f"table {table!r} must be qualified as schema.table")
    return schema, name


def table_columns(conn: psycopg.Connection, table: str) -> list[str]:
    """The table's columns in their order; ``PublishError`` if the table does not exist."""
    schema, name = split_table(table)
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s "
        "ORDER BY ordinal_position",
        (schema, name),
    ).fetchall()
    if not rows:
        raise PublishError(f"table {table} does not exist: add its DDL to a numbered file in sql/")
    return [r[0] for r in rows]


def aligned(conn: psycopg.Connection, table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with its columns in the table's order; ``PublishError`` naming any mismatch."""
    columns = table_columns(conn, table)
    missing, extra = set(columns) - set(frame.columns), set(frame.columns) - set(columns)
    if missing or extra:
        raise PublishError(
            f"frame does not match {table}: missing {sorted(missing)}, unexpected {sorted(extra)}"
        )
    nested = [c for c, t in frame.schema.items() if t.is_nested()]
    if nested:
        raise PublishError(f"columns {nested} are nested; published tables hold flat columns only")
    return frame.select(columns)


def copy_rows(conn: psycopg.Connection, table: str | sql.Composed, frame: pl.DataFrame) -> int:
    """COPY every row of ``frame`` into ``table`` (columns by name), in batches; return the count."""
    target = qualified(table) if isinstance(table, str) else table
    statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
        target, sql.SQL(", ").join(sql.Identifier(c) for c in frame.columns)
    )
    with conn.cursor() as cursor, cursor.copy(statement) as copy:
        for chunk in csv_chunks(frame):
            copy.write(chunk)
    return frame.height


def csv_chunks(frame: pl.DataFrame) -> Iterator[memoryview]:
    """``frame`` as CSV, batch by batch; the next batch is encoded while the server ingests this one."""

    def encode(batch: pl.DataFrame) -> memoryview:
        buffer = io.BytesIO()
        batch.write_csv(buffer, include_header=False)
        return buffer.getbuffer()

    with ThreadPoolExecutor(max_workers=1) as encoder:
        pending = None
        for batch in frame.iter_slices(COPY_BATCH_ROWS):
            upcoming = encoder.submit(encode, batch)
            if pending is not None:
                yield pending.result()
            pending = upcoming
        if pending is not None:
            yield pending.result()


def publish_partitions(
    conn: psycopg.Connection,
    table: str,
    frame: pl.DataFrame,
    partition_column: str,
    partition_values: Sequence[Any],
) -> int:
    """Replace the rows of ``partition_values`` in ``table`` by ``frame``, in one transaction."""
    frame = aligned(conn, table, frame)
    stray = frame.filter(~pl.col(partition_column).is_in(list(partition_values)))
    if stray.height:
        raise PublishError(f"{stray.height} rows fall outside the partitions being published")
    with conn.transaction():
        conn.execute(
            sql.SQL("DELETE FROM {} WHERE {} = ANY(%s)").format(qualified(table), sql.Identifier(partition_column)),
            (list(partition_values),),
        )
        return copy_rows(conn, table, frame)


def replace_snapshot(conn: psycopg.Connection, table: str, frame: pl.DataFrame) -> int:
    """Replace every row of ``table`` by ``frame`` atomically (DELETE and COPY in one transaction).

    DELETE rather than TRUNCATE: readers keep reading the previous rows while the new ones load, and a
    reader's snapshot taken before the swap never sees an empty table.
    """
    frame = aligned(conn, table, frame)
    with conn.transaction():
        conn.execute(sql.SQL("DELETE FROM {}").format(qualified(table)))
        return copy_rows(conn, table, frame)


def insert_if_absent(conn: psycopg.Connection, table: str, frame: pl.DataFrame, key_columns: Sequence[str]) -> int:
    """Insert the rows whose key is not yet in ``table``; return how many were new.

    For tables that two paths race to fill: the conflict is resolved by the table's unique key on
    ``key_columns`` (``ON CONFLICT DO NOTHING``), so concurrent publishers never duplicate a row.
    """
    frame = aligned(conn, table, frame)
    staging = sql.Identifier("staging_" + split_table(table)[1])
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in frame.columns)
    with conn.transaction():
        conn.execute(
            sql.SQL("CREATE TEMP TABLE {} (LIKE {} INCLUDING DEFAULTS) ON COMMIT DROP").format(staging, qualified(table))
        )
        copy_rows(conn, staging, frame)
        inserted = conn.execute(
            sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {} ON CONFLICT ({}) DO NOTHING").format(
                qualified(table),
                columns,
                columns,
                staging,
                sql.SQL(", ").join(sql.Identifier(c) for c in key_columns),
            )
        ).rowcount
    return inserted


def partition_totals(
    conn: psycopg.Connection,
    table: str,
    partition_column: str | None,
    partition_values: Sequence[Any] | None,
    sum_column: str | None,
) -> tuple[int, float | None]:
    """Row count and (optionally) the sum of ``sum_column`` of the given partitions, or the whole table."""
    total = sql.SQL("sum({})::double precision").format(sql.Identifier(sum_column)) if sum_column else sql.SQL("NULL")
    query = sql.SQL("SELECT count(*), {} FROM {}").format(total, qualified(table))
    params: tuple[Any, ...] = ()
    if partition_column is not None:
        query += sql.SQL(" WHERE {} = ANY(%s)").format(sql.Identifier(partition_column))
        params = (list(partition_values or []),)
    rows, summed = conn.execute(query, params).fetchone()
    return int(rows), summed
