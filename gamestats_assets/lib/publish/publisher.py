"""Writing polars frames into PostgreSQL tables: by partition, as a snapshot, or insert-if-absent.

Every write is one transaction, so readers see the previous rows or the new ones, never a mix. Rows travel by
`COPY` batch by batch (`copy_encoding`, `lake.rows.Rows`); a table partitioned in PostgreSQL has its partitions
exchanged rather than rows deleted. Names are quoted identifiers; values never enter SQL text."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import polars as pl
import psycopg
from psycopg import sql

from gamestats_assets.lib.lake.rows import Bound, FrameStream, Rows, mapped, restricted, schema_of
from gamestats_assets.lib.publish import copy_encoding
from gamestats_assets.lib.publish.ranged_load import RangeCuts, load_concurrently

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


def partition_name(conn: psycopg.Connection, table_name: str, value: Any) -> str:
    """The name of `table_name`'s partition holding `value`, by the rule of `sql/070` (one rule for
    the migration that partitions existing tables and for every publish)."""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return conn.execute("SELECT public.gamestats_partition_name(%s, %s)", (table_name, text)).fetchone()[0]


def stage_partition(
    conn: psycopg.Connection, table: str, partition_column: str, value: Any, rows: Rows
) -> tuple[str, int]:
    """A new table shaped like `table`'s partitions holding `rows` (all of partition `value`), with the
    table's indexes and constraints built after the load, ready to attach; returns its name and the rows loaded.

    A CHECK constraint equal to the partition's bound lets `ATTACH` skip scanning the rows. The rows are
    loaded frozen (`COPY FREEZE`): a repeatable-read reader whose snapshot predates the exchange then sees
    the new rows rather than an empty partition.
    """
    schema, name = split_table(table)
    staging = f"{name[:40]}_staging_{uuid.uuid4().hex[:12]}"
    target = sql.Identifier(f"{schema}{PARTITION_SCHEMA_SUFFIX}", staging)
    return staging, load_partition_table(conn, table, target, partition_column, value, rows)


def load_partition_table(conn: psycopg.Connection, table: str, target: sql.Identifier, partition_column: str,
                         value: Any, rows: Rows, *checks: sql.Composable) -> int:
    """Create `target` like `table`'s partitions (with `checks` besides its partition bound), load `rows`
    into it frozen and index it as `table` is; return the rows loaded."""
    conn.execute(sql.SQL("CREATE TABLE {} ({})").format(target, partition_table_definition(
        table, partition_column, value, *checks)))
    copied = copy_rows(conn, target, rows, freeze=True)
    for statement in partition_index_statements(conn, table, target):
        conn.execute(statement)
    return copied


def partition_table_definition(table: str, partition_column: str, value: Any, *checks: sql.Composable) -> sql.Composed:
    """The columns of `table` with their defaults and constraints, and a CHECK constraint equal to the bound of
    partition `value` (so that attaching skips scanning the rows), and `checks`."""
    column = sql.Identifier(partition_column)
    bound = sql.SQL("CONSTRAINT {} CHECK ({} IS NOT NULL AND {} = {})").format(
        sql.Identifier("partition_bound"), column, column, sql.Literal(value))
    return sql.SQL(", ").join([
        sql.SQL("LIKE {} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMPRESSION "
                "INCLUDING GENERATED").format(qualified(table)), bound, *checks])


SLICE_MARK = "_slice_"
"""In a range table's name (as older publishes named it too) between its table's name and its load's id."""


def stage_ranged_partition(conn: psycopg.Connection, table: str, partition_column: str, value: Any, rows: Rows,
                           cuts: RangeCuts, bounds: Sequence[Bound]) -> tuple[str, int, list[str]]:
    """As `stage_partition`, but the new partition is a table partitioned by `cuts.column` whose partitions,
    one per range of `bounds`, are loaded at once over connections of their own (`load_concurrently`);
    returns its name, the rows loaded and the range tables' names.

    Each range table is created, loaded frozen and indexed in its connection's transaction and committed once all are,
    with CHECK constraints equal to its bounds; it stays detached, invisible to readers, until the exchange. While
    this transaction lasts it holds the advisory lock of the load's id, telling `drop_orphan_ranges` the range
    tables are in use; once it ends, committed or not, range tables left detached are orphans.
    """
    schema, name = split_table(table)
    partition_schema = f"{schema}{PARTITION_SCHEMA_SUFFIX}"
    load_id = f"{name[:30]}{SLICE_MARK}{uuid.uuid4().hex[:12]}"
    conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (load_id,))
    range_tables = [f"{load_id}_{index}" for index in range(len(bounds))]

    def load_range(range_conn: psycopg.Connection, index: int, range_rows: FrameStream) -> int:
        target = sql.Identifier(partition_schema, range_tables[index])
        return load_partition_table(range_conn, table, target, partition_column, value, range_rows,
                                    range_check(cuts.column, bounds[index]))

    copied = sum(load_concurrently(rows, cuts.column, bounds, cuts.connect, load_range))
    staging = f"{name[:40]}_staging_{uuid.uuid4().hex[:12]}"
    target = sql.Identifier(partition_schema, staging)
    conn.execute(sql.SQL("CREATE TABLE {} ({}) PARTITION BY RANGE ({})").format(
        target, partition_table_definition(table, partition_column, value), sql.Identifier(cuts.column)))
    for range_table, (low, high) in zip(range_tables, bounds):
        conn.execute(sql.SQL("ALTER TABLE {} ATTACH PARTITION {} FOR VALUES FROM ({}) TO ({})").format(
            target, sql.Identifier(partition_schema, range_table),
            sql.SQL("MINVALUE") if low is None else sql.Literal(low),
            sql.SQL("MAXVALUE") if high is None else sql.Literal(high)))
    for statement in partition_index_statements(conn, table, target):
        conn.execute(statement)
    return staging, copied, range_tables


def unique_keys_include(conn: psycopg.Connection, table: str, column: str) -> bool:
    """Whether every unique index of `table` includes `column`, as PostgreSQL requires of a table partitioned
    by it."""
    return not conn.execute(
        "SELECT 1 FROM pg_index i WHERE i.indrelid = %s::regclass AND i.indisunique AND NOT EXISTS ("
        "SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attname = %s AND a.attnum = ANY(i.indkey))",
        (qualified(table).as_string(conn), column),
    ).fetchone()


def range_check(column: str, bound: Bound) -> sql.Composed:
    """A CHECK constraint equal to a range table's partition bound, so that attaching it skips scanning its rows."""
    low, high = bound
    conditions = [sql.SQL("{} IS NOT NULL").format(sql.Identifier(column))]
    if low is not None:
        conditions.append(sql.SQL("{} >= {}").format(sql.Identifier(column), sql.Literal(low)))
    if high is not None:
        conditions.append(sql.SQL("{} < {}").format(sql.Identifier(column), sql.Literal(high)))
    return sql.SQL("CONSTRAINT {} CHECK ({})").format(sql.Identifier("slice_bound"), sql.SQL(" AND ").join(conditions))


def drop_orphan_ranges(conn: psycopg.Connection, table: str) -> list[str]:
    """Drop the range tables of `table` that a publish committed but never attached (its exchange failed, or its
    process died) and whose load is over (no transaction holds its advisory lock); return their names."""
    schema, name = split_table(table)
    orphans = conn.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind = 'r' AND starts_with(c.relname, %s) "
        "AND substr(c.relname, length(%s) + 1) ~ '^[0-9a-f]{12}_[0-9]+$' "
        "AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid) ORDER BY 1",
        (f"{schema}{PARTITION_SCHEMA_SUFFIX}", f"{name[:30]}{SLICE_MARK}", f"{name[:30]}{SLICE_MARK}"),
    ).fetchall()
    dropped = []
    for (orphan,) in orphans:
        load_id = orphan.rsplit("_", 1)[0]
        if conn.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", (load_id,)).fetchone()[0]:
            conn.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(f"{schema}{PARTITION_SCHEMA_SUFFIX}", orphan)))
            dropped.append(orphan)
    return dropped


def partition_index_statements(conn: psycopg.Connection, table: str, target: sql.Composable) -> list[sql.Composed]:
    """Statements giving `target` each index of the partitioned `table`: its primary key and unique
    constraints as constraints (so `ATTACH` adopts them instead of building them again), other indexes
    as plain indexes."""
    rows = conn.execute(
        "SELECT pg_get_constraintdef(c.oid), pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.contype IN ('p', 'u') "
        "WHERE i.indrelid = %s::regclass ORDER BY i.indexrelid",
        (qualified(table).as_string(conn),),
    ).fetchall()
    statements = []
    for constraint, index in rows:
        if constraint is not None:
            statements.append(sql.SQL("ALTER TABLE {} ADD {}").format(target, sql.SQL(constraint)))
        else:
            unique = "UNIQUE " if index.startswith("CREATE UNIQUE") else ""
            method_and_columns = index.split(" USING ", 1)[1]
            statements.append(
                sql.SQL("CREATE {}INDEX ON {} USING {}").format(sql.SQL(unique), target, sql.SQL(method_and_columns))
            )
    return statements


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
