"""DDL files apply in order, once each, and a changed applied file is refused."""

import pytest

from gamestats_assets.lib.publish.postgres import apply_migrations, connect


def test_migrations_apply_once_in_order(pg_url, tmp_path):
    (tmp_path / "901_first.sql").write_text("CREATE SCHEMA IF NOT EXISTS t_mig; CREATE TABLE t_mig.a (x int);")
    (tmp_path / "902_second.sql").write_text("ALTER TABLE t_mig.a ADD COLUMN y int;")
    (tmp_path / "notes.sql").write_text("this is not a migration")
    with connect(pg_url) as conn:
        conn.execute("DROP SCHEMA IF EXISTS t_mig CASCADE")

    assert apply_migrations(pg_url, tmp_path) == ["901_first.sql", "902_second.sql"]
    assert apply_migrations(pg_url, tmp_path) == []
    with connect(pg_url) as conn:
        columns = conn.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = 't_mig' "
                               "ORDER BY ordinal_position").fetchall()
    assert columns == [("x",), ("y",)]

    (tmp_path / "902_second.sql").write_text("ALTER TABLE t_mig.a ADD COLUMN z int;")
    with pytest.raises(RuntimeError, match="changed after it was applied"):
        apply_migrations(pg_url, tmp_path)


def test_project_ddl_creates_a_schema_per_domain(pg_url):
    apply_migrations(pg_url)
    with connect(pg_url) as conn:
        schemas = {r[0] for r in conn.execute("SELECT schema_name FROM information_schema.schemata").fetchall()}
    assert {"demo_data", "l2m", "lol", "pubg", "rocket"} <= schemas

