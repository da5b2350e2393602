"""Bringing a declared table that exists to its declaration, in place and in the caller's transaction.

The table its generated DDL (`sql/generated/`) creates is built in the session's temporary schema, rolled back,
and both are read from PostgreSQL's catalog (`Shape`); what differs is changed:
- a declared column that is missing is added with its default, which the existing rows take (a `NOT NULL`
  column without a default is refused while the table holds rows); a default or a nullability is changed;
- a column no longer declared is dropped when no row holds a value in it, or when the declaration retired it
  (`Publish.retired`: derived from the table's own rows, its values are not data), and refused otherwise: dropping
  it would lose them (save them and `ALTER TABLE ... DROP COLUMN` by hand, or declare it again);
- a changed primary key is dropped and added again (PostgreSQL refuses while rows share the new key);
- `CHECK` conditions and indexes that are declared are added, those no longer declared dropped; the comment is
  set;
- a table declared partitioned that is not is converted, keeping its rows (`public.gamestats_partition_table`).

A text column whose collation alone differs from its declaration is converted in place: its values are the same
bytes in either (both compare equal text as equal), its indexes are rebuilt in the new order. A column whose type
differs otherwise, and any other change of partitioning, are refused: converting may lose or reinterpret values, a
decision for a hand-written file. The order of the columns is left as it is: rows are written by column name.
"""

import re
from dataclasses import dataclass

import psycopg
from psycopg import sql

COLUMNS = """SELECT a.attname,
    format_type(a.atttypid, a.atttypmod) || coalesce(' COLLATE ' || quote_ident(co.collname), ''),
    a.attnotnull, pg_get_expr(d.adbin, d.adrelid)
FROM pg_attribute a LEFT JOIN pg_collation co ON co.oid = a.attcollation AND co.collname <> 'default'
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"""
CONSTRAINTS = """SELECT contype, conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE conrelid = %s::regclass AND contype IN ('p', 'c')"""
INDEXES = """SELECT c.relname, i.indisunique, pg_get_indexdef(i.indexrelid) FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
WHERE i.indrelid = %s::regclass AND NOT EXISTS (SELECT FROM pg_constraint WHERE conindid = i.indexrelid)"""
TABLE = """SELECT obj_description(c.oid, 'pg_class'), CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END
FROM pg_class c WHERE c.oid = %s::regclass"""
PARTITION_COLUMN = re.compile(r"^LIST \((\w+)\)$")
"""The partition key the generated DDL declares (`PARTITION BY LIST (date)`), as the catalog writes it."""
CHECK_CLAUSE = re.compile(r"^ {4}(CHECK \(.*\)),?$", re.MULTILINE)
"""A `CHECK` of the generated DDL, one a line (`ddl.create_table`)."""
RETIRED = re.compile(r"^-- Retired columns, dropped with the values they hold: (.+)$", re.MULTILINE)
"""The line of a generated file naming the columns its table retired (`ddl.RETIRED_LINE`)."""


@dataclass(frozen=True)
class ColumnShape:
    type: str
    """The type as `format_type` writes it, with its collation when not the database's: `text COLLATE "C"`."""
    not_null: bool
    default: str | None


@dataclass(frozen=True)
class Shape:
    """A table as PostgreSQL's catalog holds it: its columns by name, its primary key's definition and name, its
    `CHECK` definitions and indexes (definition from `USING` on, `UNIQUE ` before a unique one) with their names,
    its partition key and its comment."""

    columns: dict[str, ColumnShape]
    primary_key: tuple[str, str] | None
    checks: dict[str, str]
    """Each `CHECK` as the catalog writes it, to its name (an existing table's) or to the text its DDL writes
    (a declared table's: added as the DDL writes it, a check reads back as the catalog wrote it at `CREATE TABLE`;
    the catalog's own text, parsed again, can read back otherwise, as a leading `BETWEEN` does)."""
    indexes: dict[str, str]
    partition_key: str | None
    comment: str | None


class Unreconcilable(RuntimeError):
    """A declared table that cannot be brought to its declaration without losing or reinterpreting rows."""


def shape(conn: psycopg.Connection, table: str) -> Shape:
    """`table`'s `Shape`."""
    columns = {name: ColumnShape(type_, not_null, default)
               for name, type_, not_null, default in conn.execute(COLUMNS, (table,)).fetchall()}
    constraints = conn.execute(CONSTRAINTS, (table,)).fetchall()
    indexes = {("UNIQUE " if unique else "") + definition.split(" USING ", 1)[1]: name
               for name, unique, definition in conn.execute(INDEXES, (table,)).fetchall()}
    comment, partition_key = conn.execute(TABLE, (table,)).fetchone()
    return Shape(columns, next(((definition, name) for kind, name, definition in constraints if kind == "p"), None),
                 {definition: name for kind, name, definition in constraints if kind == "c"}, indexes,
                 partition_key, comment)


def declared_shape(conn: psycopg.Connection, table: str, ddl: str) -> Shape:
    """The `Shape` of the table `ddl` (`table`'s generated DDL) creates, built as a temporary table and rolled
    back."""
    name = table.split(".")[1]
    scratch = re.sub(rf"^(CREATE TABLE|CREATE INDEX ON|COMMENT ON TABLE) {re.escape(table)}\b",
                     rf"\1 pg_temp.{name}", ddl, flags=re.MULTILINE)
    with conn.transaction(force_rollback=True):
        conn.execute(scratch)
        declared = shape(conn, f"pg_temp.{name}")
        written = {}
        for clause in CHECK_CLAUSE.findall(ddl):
            with conn.transaction(force_rollback=True):
                conn.execute(f"CREATE TABLE pg_temp.gamestats_probe (LIKE pg_temp.{name})")
                conn.execute(f"ALTER TABLE pg_temp.gamestats_probe ADD {clause}")
                written |= {definition: clause for definition in shape(conn, "pg_temp.gamestats_probe").checks}
        return Shape(declared.columns, declared.primary_key,
                     {definition: written.get(definition, definition) for definition in declared.checks},
                     declared.indexes, declared.partition_key, declared.comment)


def reconcile(conn: psycopg.Connection, table: str, ddl: str) -> list[str]:
    """Bring the existing `table` to what `ddl`, its generated DDL, creates; return the statements run (none
    when it already is). Raise `Unreconcilable`, changing nothing, for what would lose or reinterpret rows."""
    declared, existing = declared_shape(conn, table, ddl), shape(conn, table)
    run: list[str] = []
    partition_column = PARTITION_COLUMN.match(declared.partition_key or "")
    if existing.partition_key is None and partition_column:
        run.append(execute(conn, table, sql.SQL("SELECT public.gamestats_partition_table({}, {}, {})").format(
            *map(sql.Literal, (*table.split("."), partition_column.group(1))))))
        existing = shape(conn, table)
    refuse(conn, table, declared, existing, retired_columns(ddl))
    run += [execute(conn, table, statement) for statement in statements(table, declared, existing)]
    return run


def execute(conn: psycopg.Connection, table: str, statement: sql.Composed) -> str:
    """Run `statement`, one step of bringing `table` to its declaration; return it as text."""
    text = statement.as_string(conn)
    try:
        conn.execute(statement)
    except psycopg.Error as error:
        raise Unreconcilable(f"{table}: PostgreSQL refuses to bring it to its declaration: {text}: "
                             f"{str(error).strip()}") from None
    return text


def recollated(existing: ColumnShape, declared: ColumnShape) -> bool:
    """Whether `existing` becomes `declared` by a change of collation alone, of a text column: the database's
    collation and those the declarations name (`C`) are deterministic, so no two values that were distinct become
    equal."""
    bases = {shape.type.split(" COLLATE ")[0] for shape in (existing, declared)}
    return existing.type != declared.type and bases == {"text"}


def retired_columns(ddl: str) -> set[str]:
    """The columns the generated `ddl` says its table retired (`ddl.RETIRED_LINE`)."""
    found = RETIRED.search(ddl)
    return set(found.group(1).split(", ")) if found else set()


def refuse(conn: psycopg.Connection, table: str, declared: Shape, existing: Shape,
           retired: set[str] = frozenset()) -> None:
    """Raise `Unreconcilable` naming every difference that would lose or reinterpret rows (the values of a
    `retired` column aside)."""
    target = sql.Identifier(*table.split("."))
    reasons = [f"column {name} is {existing.columns[name].type}, declared {column.type} (a type change may lose or "
               "reinterpret values: convert it by a hand-written file)"
               for name, column in declared.columns.items()
               if name in existing.columns and existing.columns[name].type != column.type
               and not recollated(existing.columns[name], column)]
    if existing.partition_key != declared.partition_key:
        reasons.append(f"it is partitioned by {existing.partition_key or 'nothing'}, declared "
                       f"{declared.partition_key or 'unpartitioned'}: rebuild it by a hand-written file")
    for name in existing.columns.keys() - declared.columns.keys() - retired:
        holding = conn.execute(sql.SQL("SELECT count(*) FROM {} WHERE {} IS NOT NULL").format(
            target, sql.Identifier(name))).fetchone()[0]
        if holding:
            reasons.append(f"column {name} is no longer declared and holds values in {holding} rows: save them "
                           f"and drop it (ALTER TABLE {table} DROP COLUMN {name}), or declare it again")
    required = [name for name, column in declared.columns.items()
                if name not in existing.columns and column.not_null and column.default is None]
    if required and conn.execute(sql.SQL("SELECT EXISTS (SELECT FROM {})").format(target)).fetchone()[0]:
        reasons.append(f"new columns {required} are NOT NULL without a default and the table holds rows: declare "
                       "the value those rows take (`Column.defaulting`)")
    if reasons:
        raise Unreconcilable(f"{table} cannot be brought to its declaration without losing or reinterpreting rows: "
                             + "; ".join(reasons))


def statements(table: str, declared: Shape, existing: Shape) -> list[sql.Composed]:
    """The statements that turn `table` from `existing` into `declared`, in an order PostgreSQL takes: the old
    primary key and columns go first, the new key after the columns it needs."""
    schema, _ = table.split(".")
    target = sql.Identifier(*table.split("."))
    alter = sql.SQL("ALTER TABLE {} ").format(target)
    found: list[sql.Composed] = []
    key_changed = existing.primary_key and declared.primary_key and existing.primary_key[0] != declared.primary_key[0]
    if existing.primary_key and (key_changed or not declared.primary_key):
        found.append(alter + sql.SQL("DROP CONSTRAINT {}").format(sql.Identifier(existing.primary_key[1])))
    found += [alter + sql.SQL("DROP COLUMN {}").format(sql.Identifier(name))
              for name in existing.columns if name not in declared.columns]
    for name, column in declared.columns.items():
        column_id = sql.Identifier(name)
        now = existing.columns.get(name)
        if now is None:
            found.append(alter + sql.SQL("ADD COLUMN IF NOT EXISTS {} {}{}{}").format(
                column_id, sql.SQL(column.type), sql.SQL(" NOT NULL" if column.not_null else ""),
                sql.SQL(f" DEFAULT {column.default}" if column.default else "")))
            continue
        if recollated(now, column):
            found.append(alter + sql.SQL("ALTER COLUMN {} TYPE {}").format(column_id, sql.SQL(column.type)))
        if now.default != column.default:
            found.append(alter + sql.SQL("ALTER COLUMN {} ").format(column_id) + (
                sql.SQL(f"SET DEFAULT {column.default}") if column.default else sql.SQL("DROP DEFAULT")))
        if now.not_null != column.not_null:
            found.append(alter + sql.SQL("ALTER COLUMN {} {} NOT NULL").format(
                column_id, sql.SQL("SET" if column.not_null else "DROP")))
    if declared.primary_key and (key_changed or not existing.primary_key):
        found.append(alter + sql.SQL("ADD " + declared.primary_key[0]))
    found += [alter + sql.SQL("DROP CONSTRAINT IF EXISTS {}").format(sql.Identifier(name))
              for definition, name in existing.checks.items() if definition not in declared.checks]
    found += [alter + sql.SQL("ADD " + written)
              for definition, written in declared.checks.items() if definition not in existing.checks]
    found += [sql.SQL("DROP INDEX IF EXISTS {}").format(sql.Identifier(schema, name))
              for definition, name in existing.indexes.items() if definition not in declared.indexes]
    found += [sql.SQL("CREATE {}INDEX ON {} USING {}").format(
                  sql.SQL("UNIQUE " if definition.startswith("UNIQUE ") else ""), target,
                  sql.SQL(definition.removeprefix("UNIQUE ")))
              for definition in declared.indexes if definition not in existing.indexes]
    if existing.comment != declared.comment:
        found.append(sql.SQL("COMMENT ON TABLE {} IS {}").format(target, sql.Literal(declared.comment)))
    return found
