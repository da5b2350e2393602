"""Dagster's storage has a schema of its own, `dagster`, apart from the project's tables in `public` and the
domains' schemas; an instance made when its tables were in `public` is moved there and keeps its runs; a lake made
before its tables' settings, or left by an erasure with no log kept, gets them at the next start, its rows as they
were, and a start during an erasure harms neither; a start opens only the tables new or committed to since the last."""

from pathlib import Path

import dagster as dg
import polars as pl
import psycopg
import pytest
from deltalake import DeltaTable, write_deltalake

from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.deploy.instance import prepare
from gamestats_assets.lib.erasure.lake import forget_history
from gamestats_assets.lib.lake.write import (HISTORY_KEPT, NO_HISTORY, SETTLED, TABLE_SETTINGS, settle_tables,
                                             settled_record)
from gamestats_assets.lib.publish.postgres import libpq_url

DAGSTER_TABLES = ("runs", "event_logs", "run_tags", "kvs", "alembic_version")


def tables_in(url: str, schema: str) -> set[str]:
    with psycopg.connect(libpq_url(url)) as conn:
        return {name for (name,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,))}


@pytest.fixture
def gamestats_env(instance_db, data_dir, monkeypatch):
    monkeypatch.setenv("GAMESTATS_PG_URL", instance_db)
    for name in ("DAGSTER_HOME", "GAMESTATS_DAGSTER_PG_URL"):
        monkeypatch.setenv(name, "")
    return instance_db


def a_run(instance: dg.DagsterInstance) -> str:
    return dg.GraphDefinition("one_run").to_job().execute_in_process(instance=instance).run_id


def test_a_new_instance_keeps_its_tables_in_schema_dagster(gamestats_env):
    prepare(Settings.from_env())
    with dg.DagsterInstance.get() as instance:
        run_id = a_run(instance)
        assert instance.get_run_by_id(run_id).is_success
    assert set(DAGSTER_TABLES) <= tables_in(gamestats_env, "dagster")
    assert not set(DAGSTER_TABLES) & tables_in(gamestats_env, "public")
    assert "gamestats_migrations" in tables_in(gamestats_env, "public")


def test_an_instance_with_its_tables_in_public_is_moved_and_keeps_its_runs(gamestats_env, tmp_path, monkeypatch):
    """The instance as the code before the schema made it: Dagster's PostgreSQL storage on the bare URL."""
    home = tmp_path / "old_home"
    home.mkdir()
    old_url = f"postgresql+psycopg2://{gamestats_env.split('://', 1)[1]}"
    (home / "dagster.yaml").write_text(f"storage:\n  postgres:\n    postgres_url: '{old_url}'\n")
    with dg.DagsterInstance.from_config(str(home)) as old:
        run_id = a_run(old)
    assert set(DAGSTER_TABLES) <= tables_in(gamestats_env, "public")

    prepare(Settings.from_env())
    with dg.DagsterInstance.get() as instance:
        assert instance.get_run_by_id(run_id).is_success
        assert instance.get_run_by_id(a_run(instance)).is_success
    assert not set(DAGSTER_TABLES) & tables_in(gamestats_env, "public")
    assert set(DAGSTER_TABLES) <= tables_in(gamestats_env, "dagster")


def test_a_lake_made_before_its_settings_gets_them_at_the_next_start_and_keeps_its_rows(gamestats_env):
    """Two tables created without the settings, one of them left by an erasure with no log kept, and an abandoned
    log without a version."""
    settings = Settings.from_env()
    rows = pl.DataFrame({"date": ["2026-11-01", "2026-11-02"], "match_id": ["m1", "m2"], "goals": [3, 1]})
    uris = [f"{settings.lake_uri}/rocket/std/{name}" for name in ("matches", "player_stats")]
    for uri in uris:
        write_deltalake(uri, rows.to_arrow(), partition_by=["date"])
        assert TABLE_SETTINGS.keys().isdisjoint(DeltaTable(uri).metadata().configuration)
    DeltaTable(uris[1]).alter.set_table_properties(NO_HISTORY)
    (Path(settings.lake_uri) / "rocket" / "std" / "abandoned" / "_delta_log").mkdir(parents=True)
    prepare(settings)
    for uri in uris:
        assert DeltaTable(uri).metadata().configuration.items() >= TABLE_SETTINGS.items()
        assert pl.read_delta(uri).sort("match_id").equals(rows)
    assert DeltaTable(uris[1]).metadata().configuration.items() >= HISTORY_KEPT.items()
    versions = [DeltaTable(uri).version() for uri in uris]
    prepare(settings)
    assert [DeltaTable(uri).version() for uri in uris] == versions, "a settled lake is left as it is"


def test_a_start_during_an_erasure_leaves_no_earlier_version_readable_and_the_erasure_finishes(gamestats_env):
    """A start settles the table (its log kept again) between the moment an erasure stops keeping the log and its
    checkpoint: the log before that checkpoint is removed all the same, and the erasure ends without error."""
    settings = Settings.from_env()
    uri = f"{settings.lake_uri}/rocket/std/matches"
    for day in ("2026-11-01", "2026-11-02", "2026-11-03"):
        write_deltalake(uri, pl.DataFrame({"date": [day], "match_id": [f"m-{day}"]}).to_arrow(), mode="append")
    table = DeltaTable(uri)
    checkpoint = table.create_checkpoint

    def start_then_checkpoint():
        assert settle_tables(settings.lake_uri) == [uri]
        checkpoint()

    table.create_checkpoint = start_then_checkpoint
    forget_history(table)
    with pytest.raises(Exception, match="(?i)version|not found|log"):
        DeltaTable(uri, version=0)
    latest = DeltaTable(uri)
    assert latest.metadata().configuration.items() >= {**TABLE_SETTINGS, **HISTORY_KEPT}.items()
    assert pl.read_delta(uri).height == 3


def test_a_second_start_opens_no_table_and_the_next_opens_only_those_written_since(gamestats_env):
    """Which tables a start opened is told by when the lake's record (`SETTLED`) says it looked at each (`checked_ns`):
    a start that opened a table records the time anew."""
    settings = Settings.from_env()
    rows = pl.DataFrame({"date": ["2026-11-01"], "match_id": ["m1"]})
    uris = {name: f"{settings.lake_uri}/rocket/std/{name}" for name in ("matches", "player_stats", "sessions")}
    for uri in uris.values():
        write_deltalake(uri, rows.to_arrow())
    prepare(settings)
    first = settled_record(settings.lake_uri)
    assert set(first) == {f"rocket/std/{name}" for name in uris}
    prepare(settings)
    assert settled_record(settings.lake_uri) == first, "a start after a start opens no table"

    write_deltalake(uris["matches"], rows.to_arrow(), mode="append")
    DeltaTable(uris["player_stats"]).alter.set_table_properties(NO_HISTORY)
    write_deltalake(f"{settings.lake_uri}/lol/std/games", rows.to_arrow())
    assert set(settle_tables(settings.lake_uri)) == {uris["player_stats"], f"{settings.lake_uri}/lol/std/games"}
    third = settled_record(settings.lake_uri)
    looked_again = {name for name in third if third[name]["checked_ns"] != first.get(name, {}).get("checked_ns")}
    assert looked_again == {"rocket/std/matches", "rocket/std/player_stats", "lol/std/games"}
    assert DeltaTable(uris["player_stats"]).metadata().configuration.items() >= HISTORY_KEPT.items()
    assert settle_tables(settings.lake_uri) == [] and settled_record(settings.lake_uri) == third


def test_a_record_that_is_not_one_has_every_table_looked_at_again(gamestats_env):
    settings = Settings.from_env()
    uri = f"{settings.lake_uri}/rocket/std/matches"
    write_deltalake(uri, pl.DataFrame({"match_id": ["m1"]}).to_arrow())
    for text in ("not json", "[1, 2]", '{"rocket/std/matches": {"log_ns": "soon"}}'):
        (Path(settings.lake_uri) / SETTLED).write_text(text)
        settle_tables(settings.lake_uri)
        assert list(settled_record(settings.lake_uri)) == ["rocket/std/matches"]
    assert DeltaTable(uri).metadata().configuration.items() >= TABLE_SETTINGS.items()
    assert pl.read_delta(uri).height == 1
