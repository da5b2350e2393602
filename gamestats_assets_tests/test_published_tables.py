"""The DDL in `sql/` creates what the table declarations say: every table a domain declares published
exists with its declared grain as primary key, and every other table of a domain's schema is one its users
write."""

import pytest

from gamestats_assets.definitions import DOMAINS, defs
from gamestats_assets.lib.core.columns import COLUMN_SCHEMA
from gamestats_assets.lib.publish.postgres import apply_migrations, connect

PRIMARY_KEY = """SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
WHERE i.indrelid = %s::regclass AND i.indisprimary"""
TABLES = """SELECT relnamespace::regnamespace::text || '.' || relname FROM pg_class
WHERE relnamespace = %s::regnamespace AND relkind IN ('r', 'p') AND NOT relispartition"""
COLUMNS = """SELECT a.attname, format_type(a.atttypid, a.atttypmod), co.collname, NOT a.attnotnull FROM pg_attribute a
LEFT JOIN pg_collation co ON co.oid = a.attcollation AND co.collname <> 'default'
WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"""
WRITTEN_BY_USERS = {*(f"{domain.name}.players" for domain in DOMAINS), "pubg.tournament_match_overrides",
                    "pubg.tournament_round_edits", "pubg.tournament_slot_edits",
                    "pubg.tournament_schedule_history", "pubg.tournament_decisions", "pubg.player_backfill_requests"}
"""Rosters of tracked players and the backfills asked for them, an organiser's decisions on disputed tournament
matches, and their rounds and schedule slots with the history of their edits, and every decision with who made it and
why."""
SPECS = {spec.table: spec for domain in DOMAINS for spec in domain.publish_specs}


@pytest.fixture(scope="module")
def database(module_pg_url: str) -> str:
    apply_migrations(module_pg_url)
    return module_pg_url


@pytest.mark.parametrize("table", sorted(SPECS))
def test_a_declared_grain_is_the_primary_key_of_its_table(database: str, table: str):
    with connect(database) as conn:
        key = {name for (name,) in conn.execute(PRIMARY_KEY, (table,)).fetchall()}
    assert key == set(SPECS[table].key_columns)


@pytest.mark.parametrize("domain", [domain.name for domain in DOMAINS])
def test_every_table_of_a_domain_schema_is_declared_published(database: str, domain: str):
    with connect(database) as conn:
        tables = {name for (name,) in conn.execute(TABLES, (domain,)).fetchall()}
    assert tables - WRITTEN_BY_USERS == {table for table in SPECS if table.startswith(f"{domain}.")}


def catalog_type(conn, declared: str) -> str:
    """A declared type as PostgreSQL's catalog spells it (`timestamptz`: `timestamp with time zone`)."""
    type_, collate, collation = declared.partition(" COLLATE ")
    return conn.execute("SELECT format_type(%s::regtype, NULL)", (type_,)).fetchone()[0] + collate + collation


def test_the_catalog_lists_each_published_table_s_columns_as_postgresql_holds_them(database: str):
    graph = defs.resolve_asset_graph()
    with connect(database) as conn:
        for table, spec in SPECS.items():
            held = [(name, f'{type_} COLLATE "{collation}"' if collation else type_, nullable)
                    for name, type_, collation, nullable in conn.execute(COLUMNS, (table,)).fetchall()]
            for key in (spec.source.key, spec.asset_key):
                listed = [(c.name, catalog_type(conn, c.type), c.constraints.nullable)
                          for c in graph.get(key).metadata[COLUMN_SCHEMA].columns]
                assert listed == held, (key, table)
