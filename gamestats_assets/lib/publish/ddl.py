"""The PostgreSQL DDL of a declared table, rendered from its declaration: its columns in order (a key column
`NOT NULL`, a default where declared), its `CHECK` conditions, its key as primary key, `PARTITION BY LIST` on its
partition column when it is published by partition exchange, its indexes, its comment and the columns it retired
(`RETIRED_LINE`: columns it held once, derived from its own rows, dropped with their values). The files it renders
are checked in under `sql/generated/`, one per table, and applied by `postgres.apply_migrations`: they create a
missing table, and an existing one is brought to what they create (`reconcile`)."""

from collections.abc import Sequence

from gamestats_assets.lib.core.columns import Columns
from gamestats_assets.lib.publish.publisher import PARTITION_SCHEMA_SUFFIX, split_table

HEADER = "-- Generated from the declaration of {source} by `gamestats ddl`: edit the declaration, not this file.\n"
RETIRED_LINE = "-- Retired columns, dropped with the values they hold: {columns}\n"


def create_table(table: str, columns: Columns, key: Sequence[str], *, source: str,
                 partition_column: str | None = None, indexes: Sequence[str] = (), checks: Sequence[str] = (),
                 comment: str | None = None, retired: Sequence[str] = ()) -> str:
    """The statements creating `table` (`schema.name`) as declared; `source` names the declaration."""
    undeclared = [name for name in (*key, *([partition_column] if partition_column else [])) if name not in columns]
    if undeclared:
        raise ValueError(f"{table}: key or partition column {undeclared} is not among its declared columns")
    lines = [f"    {name} {column.ddl(name in key)}" for name, column in columns.items()]
    lines += [f"    CHECK ({condition})" for condition in checks]
    lines.append(f"    PRIMARY KEY ({', '.join(key)})")
    schema, _ = split_table(table)
    statements = [HEADER.format(source=source), *([RETIRED_LINE.format(columns=", ".join(retired))] if retired else [])]
    if partition_column:
        statements.append(f"CREATE SCHEMA IF NOT EXISTS {schema}{PARTITION_SCHEMA_SUFFIX};\n")
    partitioned = f" PARTITION BY LIST ({partition_column})" if partition_column else ""
    statements.append(f"CREATE TABLE {table} (\n" + ",\n".join(lines) + f"\n){partitioned};\n")
    statements += [f"CREATE INDEX ON {table} ({index});\n" for index in indexes]
    if comment:
        statements.append(f"COMMENT ON TABLE {table} IS {literal(comment)};\n")
    return "".join(statements)


def literal(text: str) -> str:
    """`text` as an SQL string constant."""
    return "'" + text.replace("'", "''") + "'"
