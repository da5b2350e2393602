"""A run over several days publishes the days its blocking checks pass and holds back the others, with the
reason, in the UI (check and publish metadata, a run tag) and in `public.held_partitions`."""

import datetime as dt

import dagster as dg
import polars as pl
import pytest

from gamestats_assets.lib.authoring.source_checks import reconciliation_check
from gamestats_assets.lib.authoring.publish_steps import PublishSpec, build_publish_definitions
from gamestats_assets.lib.lake.io_manager import DeltaLakeIOManager
from gamestats_assets.lib.publish.held import HELD_PARTITIONS, held_rows, held_tag
from gamestats_assets.lib.publish.postgres import PostgresResource, connect

DAILY = dg.DailyPartitionsDefinition(start_date="2026-01-01")
DAYS = ("2026-01-01", "2026-01-02", "2026-01-03")
RANGE = {"dagster/asset_partition_range_start": DAYS[0], "dagster/asset_partition_range_end": DAYS[-1]}


@dg.asset(key=["t_held", "cons", "scores"], partitions_def=DAILY, io_manager_key="lake",
          metadata={"partition_column": "date"}, backfill_policy=dg.BackfillPolicy.single_run())
def scores(context: dg.AssetExecutionContext) -> pl.DataFrame:
    """Two players a day with the run tag `version` as points; the days listed in the tag `bad_days` repeat a
    player, which breaks the key."""
    version = float(context.run.tags.get("version", "1"))
    bad = context.run.tags.get("bad_days", "").split(",")
    rows = [(dt.date.fromisoformat(key), player, version) for key in context.partition_keys
            for player in (["ann", "bob", "bob"] if key in bad else ["ann", "bob"])]
    return pl.DataFrame(rows, schema={"date": pl.Date, "player": pl.String, "points": pl.Float64}, orient="row")


PUBLISH_ASSETS, PUBLISH_CHECKS = build_publish_definitions(
    [PublishSpec(scores, "t_held.scores", ("date", "player"), sum_column="points")])
EVERYTHING = [scores, *PUBLISH_ASSETS, *PUBLISH_CHECKS]


@pytest.fixture
def resources(pg_url, tmp_path):
    postgres = PostgresResource(url=pg_url)
    with postgres.connection() as conn:
        conn.execute("DROP SCHEMA IF EXISTS t_held CASCADE")
        conn.execute("CREATE SCHEMA t_held")
        conn.execute("CREATE TABLE t_held.scores (date date, player text, points double precision, "
                     "PRIMARY KEY (date, player))")
        conn.execute("DELETE FROM public.held_partitions WHERE domain = 't_held'")
    return {"lake": DeltaLakeIOManager(root=str(tmp_path / "lake")), "postgres": postgres}


def points_by_day(pg_url):
    with connect(pg_url) as conn:
        return dict(conn.execute("SELECT date::text, sum(points) FROM t_held.scores GROUP BY 1 ORDER BY 1").fetchall())


def evaluation(result, name):
    """The run's evaluation of check `name` (each day of the run has one of its own too)."""
    [found] = [e.asset_check_evaluation_data for e in result.all_events
               if e.event_type_value == "ASSET_CHECK_EVALUATION" and e.asset_check_evaluation_data.check_name == name
               and e.asset_check_evaluation_data.partition is None]
    return found


def held(pg_url):
    with connect(pg_url) as conn:
        return held_rows(conn, "t_held")


def test_a_bad_day_is_held_with_its_reason_and_the_other_days_publish(resources, pg_url):
    instance = dg.DagsterInstance.ephemeral()
    assert dg.materialize(EVERYTHING, resources=resources, instance=instance, tags=RANGE).success
    assert points_by_day(pg_url) == dict.fromkeys(DAYS, 2.0)

    result = dg.materialize(EVERYTHING, resources=resources, instance=instance,
                            tags={**RANGE, "version": "5", "bad_days": DAYS[1]})

    assert result.success
    assert points_by_day(pg_url) == {DAYS[0]: 10.0, DAYS[1]: 2.0, DAYS[2]: 10.0}
    keys = evaluation(result, "publish_keys_unique_and_not_null")
    assert not keys.passed and keys.severity == dg.AssetCheckSeverity.WARN
    assert keys.metadata[HELD_PARTITIONS].value == {DAYS[1]: "rows=3, duplicate_rows=1"}
    assert keys.metadata["partitions_held"].value == 1
    assert evaluation(result, "postgres_matches_lake").passed
    published = next(m for m in result.get_asset_materialization_events()
                     if m.asset_key == dg.AssetKey(["t_held", "postgres", "scores"]))
    metadata = published.step_materialization_data.materialization.metadata
    assert metadata["partitions_published"].value == 2 and metadata["partitions_held"].value == 1
    assert metadata[HELD_PARTITIONS].value == {DAYS[1]: {
        "t_held/cons/scores:publish_keys_unique_and_not_null": "rows=3, duplicate_rows=1"}}
    assert instance.get_run_by_id(result.run_id).tags[held_tag("t_held")] == "1"
    assert held(pg_url) == [("t_held.scores", DAYS[1], "t_held/cons/scores:publish_keys_unique_and_not_null",
                             "rows=3, duplicate_rows=1", result.run_id)]

    repaired = dg.materialize(EVERYTHING, resources=resources, instance=instance, partition_key=DAYS[1],
                              tags={"version": "5"})
    assert repaired.success
    assert points_by_day(pg_url) == dict.fromkeys(DAYS, 10.0)
    assert held(pg_url) == []


def test_a_run_none_of_whose_days_passes_is_stopped_and_changes_nothing(resources, pg_url):
    instance = dg.DagsterInstance.ephemeral()
    assert dg.materialize(EVERYTHING, resources=resources, instance=instance, tags=RANGE).success

    result = dg.materialize(EVERYTHING, resources=resources, instance=instance, raise_on_error=False,
                            tags={**RANGE, "version": "5", "bad_days": ",".join(DAYS)})

    assert not result.success
    keys = evaluation(result, "publish_keys_unique_and_not_null")
    assert not keys.passed and keys.severity == dg.AssetCheckSeverity.ERROR
    assert sorted(keys.metadata[HELD_PARTITIONS].value) == list(DAYS)
    assert points_by_day(pg_url) == dict.fromkeys(DAYS, 2.0)


def test_a_reconciliation_judged_day_by_day_holds_only_the_day_that_is_off(tmp_path):
    @dg.asset(key=["t_held", "etl", "payments"], partitions_def=DAILY, io_manager_key="lake",
              metadata={"partition_column": "date"}, backfill_policy=dg.BackfillPolicy.single_run())
    def payments(context: dg.AssetExecutionContext) -> pl.DataFrame:
        """One payment of 5 a day."""
        return pl.DataFrame({"date": [dt.date.fromisoformat(key) for key in context.partition_keys],
                             "amount": [5.0] * len(context.partition_keys)})

    @dg.asset(key=["t_held", "cons", "revenue"], partitions_def=DAILY, io_manager_key="lake", deps=[payments],
              metadata={"partition_column": "date"}, backfill_policy=dg.BackfillPolicy.single_run())
    def revenue(context: dg.AssetExecutionContext) -> pl.DataFrame:
        """The day's revenue, which loses a unit on the second day."""
        return pl.DataFrame({"date": [dt.date.fromisoformat(key) for key in context.partition_keys],
                             "amount": [4.0 if key == DAYS[1] else 5.0 for key in context.partition_keys]})

    check = reconciliation_check(revenue, payments, "revenue_equals_payments", lambda frame: frame["amount"].sum(),
                                 columns=["amount"], blocking=True, description="Revenue is the payments' total.")
    result = dg.materialize([payments, revenue, check], tags=RANGE,
                            resources={"lake": DeltaLakeIOManager(root=str(tmp_path / "lake"))})

    assert result.success
    found = evaluation(result, "revenue_equals_payments")
    assert not found.passed and found.severity == dg.AssetCheckSeverity.WARN
    assert found.metadata[HELD_PARTITIONS].value == {DAYS[1]: "4.0 against 5.0"}
    assert found.metadata["difference"].value == -1.0
