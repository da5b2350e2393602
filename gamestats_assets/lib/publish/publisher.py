"""Writing polars frames into PostgreSQL tables: by partition, as a snapshot, or insert-if-absent.

Every write is one transaction, so readers see the previous rows or the new ones, never a mix. Rows travel by
`COPY` batch by batch (`copying.py`); a table partitioned in PostgreSQL has its partitions exchanged rather than
rows deleted, the new ones staged beside it first (`staging.py`). Names are quoted identifiers; values never enter
SQL text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl
import psycopg
from psycopg import sql

from gamestats_assets.lib.lake.rows import FrameStream, Rows, mapped, restricted, schema_of
from gamestats_assets.lib.publish.copying import (
    PARTITION_SCHEMA_SUFFIX,
    PublishError,
    aligned,
    copy_rows,
    qualified,
    split_table,
)
from gamestats_assets.lib.publish.ranged_load import RangeCuts
from gamestats_assets.lib.publish.staging import (
    drop_orphan_ranges,
    partition_name,
    stage_partition,
    stage_ranged_partition,
    unique_keys_include,
)


def publish_partitions(
    conn: psycopg.Connection,
    table: str,
    frame: Rows,
    partition_column: str,
    partition_values: Sequence[Any],
    cuts: RangeCuts | None = None,
) -> int:
    """Replace the rows of `partition_values` in `table` by `frame`, in one transaction.

    A table partitioned in PostgreSQL by `partition_column` gets each partition exchanged
    (`exchange_partitions`, loading the partitions `cuts` divides over several connections); any other table
    has the partitions' rows deleted and the new ones copied.
    """
    outside = ~pl.col(partition_column).is_in(list(partition_values))

    def within_partitions(rows: pl.DataFrame) -> pl.DataFrame:
        stray = rows.filter(outside).height
        if stray:
            raise PublishError(f"{stray} rows fall outside the partitions being published")
        return rows

    frame = aligned(conn, table, frame)
    if isinstance(frame, FrameStream):
        frame = mapped(frame, within_partitions)
    else:
        within_partitions(frame.lazy().filter(outside).collect())
    if partitioned_by(conn, table) is not None:
        return exchange_partitions(conn, table, frame, partition_column, partition_values, cuts)
    with conn.transaction():
        conn.execute(
            sql.SQL("DELETE FROM {} WHERE {} = ANY(%s)").format(qualified(table), sql.Identifier(partition_column)),
            (list(partition_values),),
        )
        return copy_rows(conn, table, frame)


def partitioned_by(conn: psycopg.Connection, table: str) -> str | None:
    """The column `table` is list-partitioned by in PostgreSQL, or None for a plain table."""
    row = conn.execute(
        "SELECT a.attname FROM pg_partitioned_table p JOIN pg_attribute a "
        "ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
        "WHERE p.partrelid = %s::regclass AND p.partstrat = 'l'",
        (qualified(table).as_string(conn),),
    ).fetchone()
    return row[0] if row else None


def exchange_partitions(
    conn: psycopg.Connection,
    table: str,
    frame: Rows,
    partition_column: str,
    partition_values: Sequence[Any],
    cuts: RangeCuts | None = None,
) -> int:
    """Publish each of `partition_values` by loading a new table and exchanging it for the old partition.

    In one transaction: every new partition is created (in `<schema>_partitions`), loaded and indexed
    while readers keep reading the table untouched; then the table is locked, each old partition dropped
    and its new one attached under the same name. Readers see the old rows or the new, never a mix, and
    wait only for the exchange itself (milliseconds), not for the load. A failure anywhere rolls
    everything back. A partition `cuts` divides is loaded over several connections at once
    (`stage_ranged_partition`); the range tables of an earlier publish of `table` that failed are dropped first.
    """
    column = partitioned_by(conn, table)
    if column != partition_column:
        raise PublishError(f"{table} is partitioned in PostgreSQL by {column!r}, not by {partition_column!r}")
    schema, name = split_table(table)
    partition_schema = f"{schema}{PARTITION_SCHEMA_SUFFIX}"
    if cuts is not None and not unique_keys_include(conn, table, cuts.column):
        cuts = None
    rows = 0
    with conn.transaction():
        drop_orphan_ranges(conn, table)
        staged = []
        for value in partition_values:
            part = frame if len(partition_values) == 1 else restricted(frame, partition_column, frozenset([value]))
            bounds = cuts.bounds(value) if cuts else []
            if len(bounds) > 1:
                staging, copied, range_tables = stage_ranged_partition(
                    conn, table, partition_column, value, part, cuts, bounds)
            else:
                (staging, copied), range_tables = stage_partition(conn, table, partition_column, value, part), []
            staged.append((value, staging, range_tables))
            rows += copied
        conn.execute(sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(qualified(table)))
        for value, staging, range_tables in staged:
            canonical = partition_name(conn, name, value)
            if conn.execute(
                "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relname = %s",
                (partition_schema, canonical),
            ).fetchone():
                conn.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(partition_schema, canonical)))
            conn.execute(
                sql.SQL("ALTER TABLE {} RENAME TO {}").format(
                    sql.Identifier(partition_schema, staging), sql.Identifier(canonical)
                )
            )
            for index, range_table in enumerate(range_tables):
                conn.execute(sql.SQL("ALTER TABLE {} RENAME TO {}").format(
                    sql.Identifier(partition_schema, range_table), sql.Identifier(f"{canonical}_s{index}")))
            conn.execute(
                sql.SQL("ALTER TABLE {} ATTACH PARTITION {} FOR VALUES IN ({})").format(
                    qualified(table), sql.Identifier(partition_schema, canonical), sql.Literal(value)
                )
            )
    return rows


def replace_snapshot(conn: psycopg.Connection, table: str, frame: Rows) -> int:
    """Replace every row of `table` by `frame` atomically (DELETE and COPY in one transaction).

    DELETE rather than TRUNCATE: readers keep reading the previous rows while the new ones load, and a
    reader's snapshot taken before the swap never sees an empty table.
    """
    frame = aligned(conn, table, frame)
    with conn.transaction():
        conn.execute(sql.SQL("DELETE FROM {}").format(qualified(table)))
        return copy_rows(conn, table, frame)


def insert_if_absent(conn: psycopg.Connection, table: str, frame: Rows, key_columns: Sequence[str]) -> int:
    """Insert the rows whose key is not yet in `table`; return how many were new.

    For tables that two paths race to fill: the conflict is resolved by the table's unique key on
    `key_columns` (`ON CONFLICT DO NOTHING`), so concurrent publishers never duplicate a row.
    """
    frame = aligned(conn, table, frame)
    staging = sql.Identifier("staging_" + split_table(table)[1])
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in schema_of(frame))
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


PUBLISH_LOG = "public.publish_log"
"""One row per published table: its last publish's id (from `public.publish_ids`), time and rows (`sql/151`)."""


def record_publish(conn: psycopg.Connection, table: str, rows: int) -> int:
    """Record a publish of `table` in `PUBLISH_LOG`, in the caller's transaction (so that a reader sees the rows
    and the new publish id together); return the new publish id."""
    return conn.execute(
        f"INSERT INTO {PUBLISH_LOG} (table_name, publish_id, published_at, rows_written) "
        "VALUES (%s, nextval('public.publish_ids'), clock_timestamp(), %s) ON CONFLICT (table_name) DO UPDATE "
        "SET publish_id = excluded.publish_id, published_at = excluded.published_at, rows_written = excluded.rows_written "
        "RETURNING publish_id",
        (table, rows),
    ).fetchone()[0]


def partition_totals(
    conn: psycopg.Connection,
    table: str,
    partition_column: str | None,
    partition_values: Sequence[Any] | None,
    sum_column: str | None,
) -> tuple[int, float | None]:
    """Row count and (optionally) the sum of `sum_column` of the given partitions, or the whole table."""
    total = sql.SQL("sum({})::double precision").format(sql.Identifier(sum_column)) if sum_column else sql.SQL("NULL")
    query = sql.SQL("SELECT count(*), {} FROM {}").format(total, qualified(table))
    params: tuple[Any, ...] = ()
    if partition_column is not None:
        query += sql.SQL(" WHERE {} = ANY(%s)").format(sql.Identifier(partition_column))
        params = (list(partition_values or []),)
    rows, summed = conn.execute(query, params).fetchone()
    return int(rows), summed
