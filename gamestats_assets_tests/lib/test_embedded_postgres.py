"""The embedded server: starts on a fresh folder, is reused while running, stops cleanly, starts again."""

import psycopg

from gamestats_assets.lib.publish import embedded_postgres
from gamestats_assets.lib.publish.postgres import apply_migrations


def test_embedded_server_lifecycle(tmp_path):
    pgdata = tmp_path / "postgres"
    url = embedded_postgres.start(pgdata)
    try:
        assert embedded_postgres.is_running(pgdata)
        assert embedded_postgres.start(pgdata) == url
        assert apply_migrations(url)[0] == "001_schemas.sql"
        with psycopg.connect(url) as conn:
            conn.execute("CREATE TABLE demo_data.kept (x int)")
            conn.execute("INSERT INTO demo_data.kept VALUES (7)")
        assert embedded_postgres.stop(pgdata)
        assert not embedded_postgres.is_running(pgdata)
        assert not embedded_postgres.stop(pgdata)

        url = embedded_postgres.start(pgdata)
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT x FROM demo_data.kept").fetchall() == [(7,)]
        assert apply_migrations(url) == []
    finally:
        embedded_postgres.stop(pgdata)
