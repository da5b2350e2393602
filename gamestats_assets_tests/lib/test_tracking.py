"""Tracked players: the roster from PostgreSQL and the roster file, one backfill per newly tracked player, and a
deleted player taken out of what the Dagster instance holds of them."""

import json

import dagster as dg
import polars as pl
import pytest
from dagster._core.definitions.events import AssetKeyPartitionKey
from dagster._core.definitions.run_request import InstigatorType
from dagster._core.execution.backfill import BulkActionsFilter
from dagster._core.scheduler.instigation import DynamicPartitionsRequestResult, TickData, TickStatus
from dagster._core.utils import make_new_backfill_id
from dagster._daemon.sensor import _submit_backfill_request
from deltalake import DeltaTable

from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.erasure.instance import erase_from_instance
from gamestats_assets.lib.erasure.instance_texts import forms, text_columns
from gamestats_assets.lib.intake.http import ApiError
from gamestats_assets.lib.intake.tracking import PLAYER_TAG, build_tracked_player_sensor, roster
from gamestats_assets.lib.lake.io_manager import DeltaLakeIOManager
from gamestats_assets.lib.publish.postgres import DAGSTER_SCHEMA, PostgresResource, connect

DAILY = dg.DailyPartitionsDefinition(start_date="2026-01-01")
PLAYER_DAYS = {"alice": ["2026-01-02", "2026-01-03"], "bob": ["2026-01-05"]}
NAMES = {"alice": 'Ålice "Al" Liddell', "bob": "Bob"}


@dg.asset(key=["t", "etl", "player_games"], partitions_def=DAILY, io_manager_key="lake",
          metadata={"partition_column": "date"}, backfill_policy=dg.BackfillPolicy.single_run())
def player_games(context: dg.AssetExecutionContext) -> pl.DataFrame:
    """One row per tracked player and day of the run, with a preview and a log naming the players."""
    import datetime as dt

    context.log.info(f"games of {', '.join(NAMES.values())}")
    context.add_output_metadata({"preview": dg.TableMetadataValue(
        records=[dg.TableRecord({"player": p, "name": NAMES[p]}) for p in PLAYER_DAYS],
        schema=dg.TableSchema(columns=[dg.TableColumn("player"), dg.TableColumn("name")]))})
    return pl.DataFrame({"date": [dt.date.fromisoformat(k) for k in context.partition_keys for _ in PLAYER_DAYS],
                         "player": [p for _ in context.partition_keys for p in PLAYER_DAYS]})


SENSOR = build_tracked_player_sensor("t_dom", lambda player, context, platform: PLAYER_DAYS[player], [player_games.key])


@pytest.fixture
def tracked(platform_env, pg_url):
    with connect(pg_url) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS t_dom")
        conn.execute("DROP TABLE IF EXISTS t_dom.players")
        conn.execute("CREATE TABLE t_dom.players (player_id text PRIMARY KEY)")
    platform = PlatformResource.from_settings(Settings.from_env())
    platform.roster_path("t_dom").parent.mkdir(parents=True)
    return platform, PostgresResource(url=pg_url)


def tick(instance, platform, postgres, cursor):
    resources = {"platform": platform, "postgres": postgres, "lake": DeltaLakeIOManager(root="unused")}
    context = dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources,
                                      definitions=dg.Definitions(assets=[player_games], sensors=[SENSOR],
                                                                 resources=resources))
    return SENSOR(context)


def test_the_roster_joins_the_players_table_and_the_roster_file(tracked, pg_url):
    platform, postgres = tracked
    platform.roster_path("t_dom").write_text("player_id\nbob\n\n")
    with connect(pg_url) as conn:
        conn.execute("INSERT INTO t_dom.players VALUES ('alice'), ('Robert''); DROP TABLE x;--')")
    assert roster("t_dom", platform, postgres) == ["Robert'); DROP TABLE x;--", "alice", "bob"]


def test_adding_a_player_launches_one_backfill_over_exactly_their_partitions(tracked, pg_url, tmp_path):
    platform, postgres = tracked
    instance = dg.DagsterInstance.ephemeral()
    platform.roster_path("t_dom").write_text("player_id\nalice\n")
    result = tick(instance, platform, postgres, None)
    [request] = result.run_requests
    assert request.requires_backfill_daemon() and request.tags[PLAYER_TAG] == "alice"
    assert set(request.asset_graph_subset.iterate_asset_partitions()) == {
        AssetKeyPartitionKey(player_games.key, day) for day in PLAYER_DAYS["alice"]}
    _submit_backfill_request(make_new_backfill_id(), request, instance)
    [backfill] = instance.get_backfills()
    assert backfill.tags[PLAYER_TAG] == "alice"
    assert tick(instance, platform, postgres, result.cursor).run_requests == []

    with connect(pg_url) as conn:
        conn.execute("INSERT INTO t_dom.players VALUES ('bob')")
    second = tick(instance, platform, postgres, result.cursor)
    assert [r.tags[PLAYER_TAG] for r in second.run_requests] == ["bob"]
    assert json.loads(second.cursor) == ["alice", "bob"]


def test_removing_and_re_adding_a_player_backfills_again_without_duplicate_rows(tracked, tmp_path):
    platform, postgres = tracked
    instance = dg.DagsterInstance.ephemeral()
    lake = DeltaLakeIOManager(root=str(tmp_path / "lake"))
    platform.roster_path("t_dom").write_text("player_id\nalice\n")
    cursors = [tick(instance, platform, postgres, None)]
    platform.roster_path("t_dom").write_text("player_id\n")
    cursors.append(tick(instance, platform, postgres, cursors[-1].cursor))
    platform.roster_path("t_dom").write_text("player_id\nalice\n")
    cursors.append(tick(instance, platform, postgres, cursors[-1].cursor))
    assert [len(c.run_requests) for c in cursors] == [1, 0, 1]
    days = PLAYER_DAYS["alice"]
    for _ in range(2):
        dg.materialize([player_games], resources={"lake": lake}, instance=instance,
                       tags={"dagster/asset_partition_range_start": days[0], "dagster/asset_partition_range_end": days[-1]})
    rows = pl.from_arrow(DeltaTable(lake.table_uri(player_games.key)).to_pyarrow_table())
    assert rows.height == len(days) * len(PLAYER_DAYS) and rows.n_unique() == rows.height


def test_an_api_error_leaves_the_player_for_the_next_tick_and_a_built_history_needs_no_backfill(tracked):
    platform, postgres = tracked
    platform.roster_path("t_dom").write_text("player_id\nalice\nbob\n")
    answers = {"alice": ApiError("t: 503 on /ids", 503), "bob": []}

    def partitions_for(player, context, platform):
        if isinstance(answers[player], Exception):
            raise answers[player]
        return answers[player]

    sensor = build_tracked_player_sensor("t_dom", partitions_for, [player_games.key])
    resources = {"platform": platform, "postgres": postgres, "lake": DeltaLakeIOManager(root="unused")}
    context = dg.build_sensor_context(instance=dg.DagsterInstance.ephemeral(), resources=resources,
                                      definitions=dg.Definitions(assets=[player_games], sensors=[sensor],
                                                                 resources=resources))
    result = sensor(context)
    assert result.run_requests == [] and json.loads(result.cursor) == ["bob"]
    assert "history already built for bob" in result.skip_reason.skip_message
    assert "alice waits: t: 503 on /ids" in result.skip_reason.skip_message


def test_a_deleted_player_leaves_no_trace_in_the_instances_storage_and_dagster_still_reads_it(
        tracked, instance, pg_url, tmp_path):
    """On the gamestats instance (PostgreSQL): the sensor adds alice and bob, its tick is recorded, their backfills
    are submitted and run (a log and a materialization's preview name both); after alice's deletion no text of any
    table of Dagster's schema holds her id or name, in any escaped form, bob's runs, backfills and partitions are as
    they were, and Dagster reads the runs, events and ticks that named her."""
    platform, postgres = tracked
    platform.roster_path("t_dom").write_text("player_id\nalice\nbob\n")
    result = tick(instance, platform, postgres, None)
    for request in result.dynamic_partitions_requests:
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
    record_tick(instance, result)
    lake = DeltaLakeIOManager(root=str(tmp_path / "lake"))
    for request in result.run_requests:
        backfill_id = make_new_backfill_id()
        _submit_backfill_request(backfill_id, request, instance)
        days = PLAYER_DAYS[request.tags[PLAYER_TAG]]
        assert dg.materialize([player_games], resources={"lake": lake}, instance=instance, tags={
            **request.tags, "dagster/backfill": backfill_id, "dagster/asset_partition_range_start": days[0],
            "dagster/asset_partition_range_end": days[-1]}).success
    assert dagster_texts_naming(pg_url, ["alice"]) and dagster_texts_naming(pg_url, [NAMES["alice"]])
    assert dagster_rows_naming(pg_url, "alice") and dagster_rows_naming(pg_url, "bob")
    bob_before = dagster_rows_naming(pg_url, "bob")

    token = "deleted:0123456789abcdef"
    counts = erase_from_instance(instance, "t_dom", "alice", token, {NAMES["alice"]})
    assert {k: v for k, v in counts.items() if k != "texts_rewritten"} == {
        "tracked_partitions_deleted": 1, "backfills_renamed": 1, "runs_renamed": 1}
    assert counts["texts_rewritten"] > 0
    assert dagster_texts_naming(pg_url, ["alice", NAMES["alice"]]) == {}
    assert dagster_rows_naming(pg_url, "bob") == bob_before
    assert instance.get_dynamic_partitions("t_dom_tracked_player") == ["bob"]
    [renamed] = instance.get_runs(dg.RunsFilter(tags={PLAYER_TAG: token}))
    [backfill] = instance.get_backfills(filters=BulkActionsFilter(tags={PLAYER_TAG: token}))
    assert renamed.tags["dagster/backfill"] == backfill.backfill_id
    assert instance.get_backfills(filters=BulkActionsFilter(tags={PLAYER_TAG: "alice"})) == []
    logs = [r.event_log_entry.user_message for r in instance.get_records_for_run(renamed.run_id, limit=1000).records]
    assert f"games of {token}, Bob" in logs
    previews = [r.asset_materialization.metadata["preview"].records
                for r in instance.fetch_materializations(player_games.key, limit=10).records]
    assert len(previews) == 3 and all([row.data for row in rows] == [{"player": token, "name": token},
                                                                       {"player": "bob", "name": "Bob"}]
                                      for rows in previews)
    [ticked] = instance.get_ticks("t_dom_origin", "t_dom_selector")
    assert json.loads(ticked.cursor) == [token, "bob"]
    assert ticked.tick_data.dynamic_partitions_request_results[0].added_partitions == [token, "bob"]
    again = erase_from_instance(instance, "t_dom", "alice", token, {NAMES["alice"]})
    assert again == {"tracked_partitions_deleted": 0, "backfills_renamed": 0, "runs_renamed": 0,
                     "texts_rewritten": 0}


def record_tick(instance, result) -> None:
    """Store a tick of the tracked-player sensor as the daemon does, with its cursor and partitions added."""
    [request] = result.dynamic_partitions_requests
    instance.create_tick(TickData(
        instigator_origin_id="t_dom_origin", instigator_name=SENSOR.name, instigator_type=InstigatorType.SENSOR,
        status=TickStatus.SUCCESS, timestamp=1.0, run_ids=[], run_keys=[], cursor=result.cursor,
        selector_id="t_dom_selector",
        dynamic_partitions_request_results=[DynamicPartitionsRequestResult(
            request.partitions_def_name, list(request.partition_keys), None, [])]))


def dagster_texts_naming(pg_url: str, values: list[str]) -> dict[str, int]:
    """How many texts of each text column of every table of Dagster's schema hold any form of `values` (as they are,
    JSON-escaped, escaped twice)."""
    found = {}
    with connect(pg_url) as conn:
        columns = text_columns(conn, DAGSTER_SCHEMA)
        for table, column in columns:
            (count,) = conn.execute(
                f"SELECT count(*) FROM {DAGSTER_SCHEMA}.{table} t WHERE EXISTS (SELECT FROM unnest(%s::text[]) f "
                f"WHERE strpos(t.{column}, f) > 0)", (forms(values),)).fetchone()
            if count:
                found[f"{table}.{column}"] = count
    assert {"event_logs", "job_ticks", "runs", "run_tags"} <= {table for table, _ in columns}
    return found


def dagster_rows_naming(pg_url: str, player: str) -> dict[str, int]:
    """How many rows of each table of Dagster's runs, backfills and dynamic partitions hold `player` in any text."""
    counts = {}
    with connect(pg_url) as conn:
        for table in ("runs", "run_tags", "bulk_actions", "backfill_tags", "dynamic_partitions"):
            (count,) = conn.execute(f"SELECT count(*) FROM {DAGSTER_SCHEMA}.{table} t WHERE t::text LIKE %s",
                                    (f"%{player}%",)).fetchone()
            if count:
                counts[table] = count
    return counts
