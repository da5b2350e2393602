"""Publish assets built from a spec: rows land in PostgreSQL, a failed blocking check keeps them out."""

import datetime as dt

import dagster as dg
import polars as pl
import pytest

from gamestats_assets.lib.authoring.publish_steps import PublishMode, PublishSpec, build_publish_definitions
from gamestats_assets.lib.core.figures import readable
from gamestats_assets.lib.lake.io_manager import DeltaLakeIOManager
from gamestats_assets.lib.publish.postgres import PostgresResource, connect

DAILY = dg.DailyPartitionsDefinition(start_date="2026-01-01")


@dg.asset(
    key=["t_pubf", "cons", "scores"],
    partitions_def=DAILY,
    io_manager_key="lake",
    metadata={"partition_column": "date"},
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def scores(context: dg.AssetExecutionContext) -> pl.DataFrame:
    """Two players a day; the run tag `duplicate` repeats a player to break the key."""
    players = ["ann", "bob", "bob"] if context.run.tags.get("duplicate") else ["ann", "bob"]
    days = [dt.date.fromisoformat(k) for k in context.partition_keys]
    return pl.DataFrame({
        "date": [d for d in days for _ in players],
        "player": [p for _ in days for p in players],
        "points": [float(d.day * 10 + i) for d in days for i, _ in enumerate(players)],
    })


@dg.asset(key=["t_pubf", "cons", "roster"], io_manager_key="lake")
def roster() -> pl.DataFrame:
    """The current roster: a snapshot without partitions."""
    return pl.DataFrame({"player": ["ann", "bob"], "team": ["red", "blue"]})


SPECS = [
    PublishSpec(source=scores, table="t_pubf.scores", key_columns=("date", "player"), sum_column="points"),
    PublishSpec(source=roster, table="t_pubf.roster", key_columns=("player",), mode=PublishMode.SNAPSHOT),
]
PUBLISH_ASSETS, PUBLISH_CHECKS = build_publish_definitions(SPECS)


@pytest.fixture
def resources(pg_url, tmp_path):
    with connect(pg_url) as conn:
        conn.execute("DROP SCHEMA IF EXISTS t_pubf CASCADE")
        conn.execute("CREATE SCHEMA t_pubf")
        conn.execute("CREATE TABLE t_pubf.scores (date date, player text, points double precision, "
                     "PRIMARY KEY (date, player))")
        conn.execute("CREATE TABLE t_pubf.roster (player text PRIMARY KEY, team text)")
    return {"lake": DeltaLakeIOManager(root=str(tmp_path / "lake")), "postgres": PostgresResource(url=pg_url)}


def published(pg_url):
    with connect(pg_url) as conn:
        return conn.execute("SELECT date, player, points FROM t_pubf.scores ORDER BY 1, 2").fetchall()


def check_results(result):
    return {e.asset_check_evaluation_data.asset_check_key.name: e.asset_check_evaluation_data.passed
            for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"}


def test_publish_assets_write_the_run_partitions_and_reconcile(resources, pg_url):
    instance = dg.DagsterInstance.ephemeral()
    everything = [scores, *PUBLISH_ASSETS[:1], *PUBLISH_CHECKS[:2]]
    result = dg.materialize(everything, resources=resources, instance=instance, tags={
        "dagster/asset_partition_range_start": "2026-01-01", "dagster/asset_partition_range_end": "2026-01-03"})
    assert result.success
    assert check_results(result) == {"publish_keys_unique_and_not_null": True, "postgres_matches_lake": True}
    assert len(published(pg_url)) == 6

    again = dg.materialize(everything, resources=resources, instance=instance, partition_key="2026-01-02")
    assert again.success and len(published(pg_url)) == 6
    assert sum(r[2] for r in published(pg_url)) == sum(d * 20 + 1 for d in (1, 2, 3))


def test_a_failed_blocking_check_keeps_bad_rows_out_of_postgres(resources, pg_url):
    instance = dg.DagsterInstance.ephemeral()
    everything = [scores, *PUBLISH_ASSETS[:1], *PUBLISH_CHECKS[:2]]
    dg.materialize(everything, resources=resources, instance=instance, partition_key="2026-01-02")
    before = published(pg_url)

    result = dg.materialize(everything, resources=resources, instance=instance, partition_key="2026-01-02",
                            tags={"duplicate": "yes"}, raise_on_error=False)
    assert check_results(result) == {"publish_keys_unique_and_not_null": False}
    assert not result.asset_materializations_for_node("t_pubf__postgres__daily")
    assert published(pg_url) == before


def test_snapshot_publish_replaces_the_table(resources, pg_url):
    result = dg.materialize([roster, PUBLISH_ASSETS[1], *PUBLISH_CHECKS[2:]], resources=resources)
    assert result.success and all(check_results(result).values())
    with connect(pg_url) as conn:
        assert conn.execute("SELECT player, team FROM t_pubf.roster ORDER BY 1").fetchall() == [
            ("ann", "red"), ("bob", "blue")]


def test_publish_asset_shape():
    publish = PUBLISH_ASSETS[0]
    assert publish.key == dg.AssetKey(["t_pubf", "postgres", "scores"])
    assert publish.specs_by_key[publish.key].kinds == {"postgres"}
    assert publish.partitions_def == DAILY
    blocking = [spec for check in PUBLISH_CHECKS for spec in check.check_specs if spec.blocking]
    assert [spec.asset_key for spec in blocking] == [scores.key, roster.key]


def test_a_publish_shows_the_first_rows_it_published_with_readable_figures(resources, pg_url):
    instance = dg.DagsterInstance.ephemeral()
    dg.materialize([scores], resources=resources, instance=instance, partition_key="2026-01-01")
    result = dg.materialize([scores, PUBLISH_ASSETS[0]], resources=resources, instance=instance,
                            partition_key="2026-01-02")

    [materialization] = [event.materialization for event in result.get_asset_materialization_events()
                         if event.materialization.asset_key == dg.AssetKey(["t_pubf", "postgres", "scores"])]
    rows = [record.data for record in materialization.metadata["preview"].records]
    assert rows == [{"date": "2026-01-02", "player": "ann", "points": 20.0},
                    {"date": "2026-01-02", "player": "bob", "points": 21.0}]


def test_figures_lose_their_binary_noise_but_not_their_integer_part():
    assert readable(1208.1390000000001) == 1208.139 and readable(0.1 + 0.2) == 0.3
    assert readable(123456789.12) == 123456789.12 and readable(0.000123456789) == 0.0001234568
    assert readable(7) == 7 and readable(float("nan")) != readable(float("nan"))
