"""The new partitions of a publish by exchange (`publisher.exchange_partitions`), staged beside their table while
readers keep reading it: a table shaped like the table's partitions, loaded frozen and indexed as the table is
(`stage_partition`), or, for a partition large enough, a table partitioned by ranges of an integer key column whose
range tables are loaded side by side over connections of their own (`stage_ranged_partition`, `ranged_load.py`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg import sql

from gamestats_assets.lib.lake.rows import Bound, FrameStream, Rows
from gamestats_assets.lib.publish.copying import PARTITION_SCHEMA_SUFFIX, copy_rows, qualified, split_table
from gamestats_assets.lib.publish.ranged_load import RangeCuts, load_concurrently


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
