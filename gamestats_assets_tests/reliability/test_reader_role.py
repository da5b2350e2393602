"""Readers get a read-only role: after a real publish of a domain (its daily partitions exchanged, its
snapshots replaced), `gamestats_reader` reads every published table of the domain and can change nothing."""

import dagster as dg
import psycopg
import pytest

from gamestats_assets.definitions import build_definitions
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets_tests.runs import execute_assets

DAY = "2026-03-02"
DOMAIN = "demo_data"
READER = "gamestats_reader"


@pytest.fixture
def published(data_dir, migrated_pg_url, monkeypatch):
    """The domain materialized for one day and published to a database of this module's own."""
    monkeypatch.setenv("GAMESTATS_PG_URL", migrated_pg_url)
    monkeypatch.setenv("GAMESTATS_USERS", "150")
    monkeypatch.setenv("GAMESTATS_ANCHOR_DATE", DAY)
    defs = build_definitions(Settings.from_env())
    graph = defs.resolve_asset_graph()
    keys = [k for k in graph.materializable_asset_keys if k.path[0] == DOMAIN]
    daily = [k for k in keys if graph.get(k).partitions_def is not None]
    before = [k for k in keys if k not in daily and not graph.get_ancestor_asset_keys(k) & set(daily)]
    after = [k for k in keys if k not in daily and k not in before]
    job = defs.resolve_implicit_global_asset_job_def()
    instance = dg.DagsterInstance.ephemeral()
    for selection, partition in ((before, None), (daily, DAY), (after, None)):
        if selection:
            assert execute_assets(job, asset_selection=selection, partition_key=partition, instance=instance).success
    return migrated_pg_url


def as_reader(url):
    conn = psycopg.connect(url, autocommit=True)
    conn.execute(f"SET ROLE {READER}")
    return conn


def test_the_reader_reads_every_published_table_and_changes_nothing(published):
    with connect(published) as conn:
        tables = [name for (name,) in conn.execute(
            "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition ORDER BY 1",
            (DOMAIN,))]
    assert len(tables) >= 3
    with as_reader(published) as conn:
        rows = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}
        assert sum(rows.values()) > 0, rows
        partitions = [name for (name,) in conn.execute(
            "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = ANY(%s::regclass[])", (tables,))]
        assert partitions, "a daily table of the domain is partitioned"
        for table in (*partitions, "public.held_partitions", "public.partition_sources"):
            conn.execute(f"SELECT count(*) FROM {table}")
        for statement in (f"INSERT INTO {tables[0]} DEFAULT VALUES", f"DELETE FROM {tables[0]}",
                          f"UPDATE {tables[0]} SET {first_column(conn, tables[0])} = NULL",
                          f"TRUNCATE {tables[0]}", f"CREATE TABLE {DOMAIN}.intruder (x int)",
                          "CREATE TABLE public.intruder (x int)", f"DROP TABLE {tables[0]}"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)


def first_column(conn, table):
    return conn.execute("SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum = 1",
                        (table,)).fetchone()[0]
