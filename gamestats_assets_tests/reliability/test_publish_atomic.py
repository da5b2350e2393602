"""A day's published tables change together or not at all: one table that PostgreSQL refuses leaves
every table of the day as it was."""

import datetime as dt

import dagster as dg
import polars as pl
import pytest

from gamestats_assets.lib.authoring.publish_steps import PublishSpec, build_publish_definitions
from gamestats_assets.lib.lake.io_manager import DeltaLakeIOManager
from gamestats_assets.lib.publish.postgres import PostgresResource, connect

DAILY = dg.DailyPartitionsDefinition(start_date="2026-01-01")
DAY = "2026-01-02"


def daily_table(name):
    @dg.asset(key=["t_atomic", "cons", name], partitions_def=DAILY, io_manager_key="lake",
              metadata={"partition_column": "date"}, backfill_policy=dg.BackfillPolicy.single_run())
    def table(context: dg.AssetExecutionContext) -> pl.DataFrame:
        """Two players of the day; the run tag `version` sets their points, `poison` puts a NUL byte
        (which PostgreSQL cannot store in text) into the `accounts` table."""
        version = int(context.run.tags.get("version", "1"))
        poisoned = name == "accounts" and context.run.tags.get("poison")
        return pl.DataFrame({
            "date": [dt.date.fromisoformat(context.partition_key)] * 2,
            "player": ["ann", "nul\x00byte" if poisoned else "bob"],
            "points": [float(version), float(version * 2)],
        })

    return table


accounts, scores = daily_table("accounts"), daily_table("scores")
SPECS = [PublishSpec(scores, "t_atomic.scores", ("date", "player"), sum_column="points"),
         PublishSpec(accounts, "t_atomic.accounts", ("date", "player"), sum_column="points")]
PUBLISH_ASSETS, PUBLISH_CHECKS = build_publish_definitions(SPECS)
EVERYTHING = [scores, accounts, *PUBLISH_ASSETS, *PUBLISH_CHECKS]


@pytest.fixture
def resources(pg_url, tmp_path):
    with connect(pg_url) as conn:
        conn.execute("DROP SCHEMA IF EXISTS t_atomic CASCADE")
        conn.execute("CREATE SCHEMA t_atomic")
        for table in ("scores", "accounts"):
            conn.execute(f"CREATE TABLE t_atomic.{table} (date date, player text, points double precision, "
                         "PRIMARY KEY (date, player))")
    return {"lake": DeltaLakeIOManager(root=str(tmp_path / "lake")), "postgres": PostgresResource(url=pg_url)}


def published(pg_url):
    with connect(pg_url) as conn:
        return {table: conn.execute(f"SELECT date, player, points FROM t_atomic.{table} ORDER BY 1, 2").fetchall()
                for table in ("scores", "accounts")}


def test_one_table_postgres_refuses_leaves_every_table_of_the_day_unchanged(resources, pg_url):
    instance = dg.DagsterInstance.ephemeral()
    assert dg.materialize(EVERYTHING, resources=resources, instance=instance, partition_key=DAY).success
    before = published(pg_url)
    assert [row[2] for row in before["scores"]] == [1.0, 2.0]

    failed = dg.materialize(EVERYTHING, resources=resources, instance=instance, partition_key=DAY,
                            tags={"version": "2", "poison": "yes"}, raise_on_error=False)

    assert not failed.success
    failure = next(e for e in failed.all_events if e.is_step_failure)
    message = str(failure.step_failure_data.error)
    assert "t_atomic.accounts could not be published" in message and "0x00" in message
    assert published(pg_url) == before
    materialized = {e.asset_key for e in failed.get_asset_materialization_events()}
    assert materialized == {accounts.key, scores.key}

    repaired = dg.materialize(EVERYTHING, resources=resources, instance=instance, partition_key=DAY,
                              tags={"version": "2"})
    assert repaired.success
    assert [row[2] for row in published(pg_url)["scores"]] == [2.0, 4.0]


def test_the_tables_of_a_domain_and_partitions_definition_publish_in_one_step():
    assert len(PUBLISH_ASSETS) == 1
    assert set(PUBLISH_ASSETS[0].keys) == {dg.AssetKey(["t_atomic", "postgres", t]) for t in ("scores", "accounts")}
