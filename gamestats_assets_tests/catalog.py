"""What PostgreSQL's catalog says of the tables of the project's schemas, in a form two databases can be compared
by: each table's columns (type, collation, nullability, default, in order), primary key, partition key, indexes
(their definitions with the names left out: a name says how a table was built, not what it holds), CHECK
constraints and comment."""

import re

import psycopg

SCHEMAS = ("demo_data", "l2m", "lol", "pubg", "rocket", "public")

TABLES = """SELECT c.oid, n.nspname || '.' || c.relname, obj_description(c.oid, 'pg_class'),
    CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p') AND NOT c.relispartition"""
COLUMNS = """SELECT a.attname, format_type(a.atttypid, a.atttypmod), co.collname, a.attnotnull,
    pg_get_expr(d.adbin, d.adrelid)
FROM pg_attribute a LEFT JOIN pg_collation co ON co.oid = a.attcollation AND co.collname <> 'default'
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"""
CONSTRAINTS = "SELECT contype, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s AND contype IN ('p', 'c')"
INDEXES = """SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = %s AND NOT i.indisprimary"""
INDEX_NAME = re.compile(r"INDEX \S+ ON (ONLY )?")


def catalog(url: str, schemas: tuple[str, ...] = SCHEMAS) -> dict[str, dict]:
    """`schema.table` → its shape, for every table of `schemas` (partitions left out: data, not shape)."""
    tables = {}
    with psycopg.connect(url) as conn:
        for oid, name, comment, partition_key in conn.execute(TABLES, (list(schemas),)).fetchall():
            constraints = conn.execute(CONSTRAINTS, (oid,)).fetchall()
            tables[name] = {
                "columns": [" ".join(str(part) for part in (column, type_, collation and f"COLLATE {collation}",
                                                             "NOT NULL" if not_null else None,
                                                             default and f"DEFAULT {default}") if part)
                            for column, type_, collation, not_null, default in conn.execute(COLUMNS, (oid,))],
                "primary_key": next((definition for kind, definition in constraints if kind == "p"), None),
                "checks": sorted(definition for kind, definition in constraints if kind == "c"),
                "indexes": sorted(INDEX_NAME.sub("INDEX ON ", d) for (d,) in conn.execute(INDEXES, (oid,))),
                "partition_key": partition_key,
                "comment": comment,
            }
    return tables


def differences(before: dict[str, dict], after: dict[str, dict]) -> dict[str, dict]:
    """Per table, what differs between two catalogs: `{table: {aspect: (before, after)}}`."""
    found = {}
    for table in sorted(before.keys() | after.keys()):
        old, new = before.get(table, {}), after.get(table, {})
        changed = {aspect: (old.get(aspect), new.get(aspect)) for aspect in sorted(old.keys() | new.keys())
                   if old.get(aspect) != new.get(aspect)}
        if changed:
            found[table] = changed
    return found
