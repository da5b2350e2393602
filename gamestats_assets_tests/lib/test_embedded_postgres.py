"""The embedded server: starts on a fresh folder, is reused while running, stops cleanly, starts again; a command's
start that started it and then fails or is interrupted stops it again."""

import psycopg
import pytest

from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.deploy import instance
from gamestats_assets.lib.publish import embedded_postgres
from gamestats_assets.lib.publish.postgres import apply_migrations, libpq_url


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


def test_a_start_interrupted_after_it_started_the_server_stops_that_server_and_no_other(tmp_path, monkeypatch):
    """`prepare` (every command's start) interrupted once the embedded server runs and the DDL is applied (here,
    while Dagster's tables are created): the server it started is stopped; one that was running before is left
    running."""
    monkeypatch.setenv("GAMESTATS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GAMESTATS_PG_URL", raising=False)
    for name in ("DAGSTER_HOME", "GAMESTATS_DAGSTER_PG_URL"):
        monkeypatch.setenv(name, "")
    migrated = []

    def interrupted(url: str) -> None:
        with psycopg.connect(libpq_url(url)) as conn:
            migrated.append(conn.execute("SELECT count(*) FROM public.gamestats_migrations").fetchone()[0])
        raise KeyboardInterrupt

    monkeypatch.setattr(instance, "create_tables", interrupted)
    settings = Settings.from_env()
    with pytest.raises(KeyboardInterrupt):
        instance.prepare(settings)
    assert migrated[0] > 0
    assert not embedded_postgres.is_running(settings.postgres_dir)

    embedded_postgres.start(settings.postgres_dir)
    try:
        with pytest.raises(KeyboardInterrupt):
            instance.prepare(settings)
        assert embedded_postgres.is_running(settings.postgres_dir)
    finally:
        embedded_postgres.stop(settings.postgres_dir)
