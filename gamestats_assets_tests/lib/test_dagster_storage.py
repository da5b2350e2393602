"""Dagster's storage as `dagster.yaml` configures it: a run over many partitions stores every event over the
few connections the process keeps, not one connection per statement, asking the server once whether each table
or column exists, and an instance opened again in the same process asks nothing before its first use; a new
instance's tables are created once, however many processes start on it at the same moment."""

from concurrent.futures import ProcessPoolExecutor

import dagster as dg
import psycopg
import pytest
from dagster._core.remote_origin import RegisteredCodeLocationOrigin, RemoteInstigatorOrigin, RemoteRepositoryOrigin
from dagster._core.scheduler.instigation import InstigatorState, InstigatorStatus, InstigatorType, TickData, TickStatus
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from gamestats_assets.lib.deploy.dagster_storage import create_tables
from gamestats_assets.lib.publish.postgres import connect, dagster_storage_url
from gamestats_assets_tests.conftest import fresh_database

PARTITIONS = dg.StaticPartitionsDefinition([f"match-{number:03d}" for number in range(60)])


@dg.asset(partitions_def=PARTITIONS, backfill_policy=dg.BackfillPolicy.single_run())
def per_match(context: dg.AssetExecutionContext) -> None:
    """One materialization per partition of the run."""


@dg.asset(partitions_def=PARTITIONS, backfill_policy=dg.BackfillPolicy.single_run(), deps=[per_match])
def per_match_summary(context: dg.AssetExecutionContext) -> None:
    """A second table over the same partitions."""


@pytest.fixture
def connections_opened():
    """How many database connections the process opens while the test runs."""
    opened = []

    def count(*_) -> None:
        opened.append(1)

    event.listen(Pool, "connect", count)
    yield opened
    event.remove(Pool, "connect", count)


@pytest.fixture
def catalog_queries():
    """The statements of the process that ask PostgreSQL's catalog whether a table or its columns exist, while the test
    runs."""
    asked = []

    def record(_conn, _cursor, statement, *_) -> None:
        if statement.startswith(("SELECT pg_catalog.pg_class.relname", "SELECT pg_catalog.pg_attribute.attname")):
            asked.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    yield asked
    event.remove(Engine, "before_cursor_execute", record)


def test_a_run_over_many_partitions_keeps_its_connections(instance, connections_opened):
    keys = PARTITIONS.get_partition_keys()
    job = dg.define_asset_job("per_match_job", selection=[per_match, per_match_summary])
    result = dg.Definitions(assets=[per_match, per_match_summary], jobs=[job]).resolve_job_def(
        "per_match_job").execute_in_process(instance=instance, tags={
            "dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]})

    assert result.success
    stored = instance.get_records_for_run(result.run_id, limit=10_000).records
    materialized = [record.event_log_entry for record in stored
                    if record.event_log_entry.dagster_event_type == dg.DagsterEventType.ASSET_MATERIALIZATION]
    assert sorted(entry.dagster_event.partition for entry in materialized) == sorted(keys * 2)
    assert len(stored) > 2 * len(keys)
    assert len(connections_opened) <= 6, "one kept connection per storage, a few more while threads overlap"


def checked_table(number: int) -> list:
    """A table whose materialization carries its data version (stored as the event's tags), and a check of it."""

    @dg.asset(name=f"table_{number}")
    def table() -> dg.MaterializeResult:
        return dg.MaterializeResult(data_version=dg.DataVersion(str(number)))

    @dg.asset_check(asset=table)
    def holds() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=True)

    return [table, holds]


@pytest.fixture
def event_inserts():
    """The statements of the process that insert into Dagster's event log, while the test runs."""
    inserted = []

    def record(_conn, _cursor, statement, *_) -> None:
        if statement.startswith("INSERT INTO event_logs"):
            inserted.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    yield inserted
    event.remove(Engine, "before_cursor_execute", record)


def planned(instance, run_id: str, checks) -> tuple:
    """What the instance answers of a run just created: its events (type, asset, check), the run each of its assets
    was last planned by (the planned event found, and the asset index's last run), and each check's planned
    executions by that run."""
    events = [(entry.dagster_event_type, entry.dagster_event.asset_key, getattr(
        entry.dagster_event.event_specific_data, "check_name", None))
        for entry in (record.event_log_entry for record in instance.get_records_for_run(run_id, limit=1000).records)]
    storage = instance.event_log_storage
    keys = sorted({key for _, key, _ in events if key is not None}, key=str)
    assets = {key: (storage.get_latest_planned_materialization_info(key).run_id, record.asset_entry.last_run_id)
              for key, record in zip(keys, instance.get_asset_records(keys), strict=True)}
    executions = {key: [execution.status for execution in storage.get_asset_check_execution_history(key, limit=5)
                        if execution.run_id == run_id]
                  for check in checks for key in check.check_keys}
    return sorted(events, key=str), assets, executions


def test_a_run_s_plan_is_stored_in_one_insert_and_answers_as_stored_event_by_event(instance, event_inserts,
                                                                                    monkeypatch):
    """A run records, as it is created, every asset it will materialize and check it will evaluate; Dagster stores
    them one by one unless the storage takes the batch whole."""
    tables, checks = zip(*(checked_table(number) for number in range(10)), strict=True)
    job = dg.Definitions(assets=[*tables, *checks], jobs=[dg.define_asset_job("checked")]).resolve_job_def("checked")

    batched = instance.create_run_for_job(job).run_id
    inserts_of_the_batch = len(event_inserts)
    events, assets, executions = planned(instance, batched, checks)
    monkeypatch.setenv("DAGSTER_EMIT_PLANNED_EVENTS_INDIVIDUALLY", "1")
    one_by_one = instance.create_run_for_job(job).run_id
    alike, assets_alike, executions_alike = planned(instance, one_by_one, checks)

    assert inserts_of_the_batch == 1
    assert len(event_inserts) - inserts_of_the_batch >= 20
    assert events == alike and len(events) == 20
    assert set(assets.values()) == {(batched, batched)} and len(assets) == 10
    assert set(assets_alike.values()) == {(one_by_one, one_by_one)} and set(assets_alike) == set(assets)
    assert executions == executions_alike and len(executions) == 10
    assert all(len(statuses) == 1 for statuses in executions.values())


def test_a_run_asks_the_server_once_whether_a_table_or_column_exists(instance, catalog_queries):
    """Dagster asks whether a table or column exists before it stores each event's tags and each check's evaluation,
    and reads each asset's record."""
    tables, checks = zip(*(checked_table(number) for number in range(10)), strict=True)
    result = dg.materialize([*tables, *checks], instance=instance)

    assert result.success
    assert len([e for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]) == 10
    assert len(catalog_queries) <= 8, "once a table or column, not once an event or a read"


def test_a_sensor_s_ticks_ask_the_server_once_whether_a_table_or_data_migration_exists(instance, catalog_queries):
    """Each tick of a sensor reads and writes its state and its tick, and Dagster asks before each whether the
    instigators table exists and whether the selector data migrations were done."""
    origin = RemoteInstigatorOrigin(RemoteRepositoryOrigin(RegisteredCodeLocationOrigin("location"), "repository"),
                                    "landing")
    state = InstigatorState(origin, InstigatorType.SENSOR, InstigatorStatus.RUNNING)
    storage = instance.schedule_storage
    storage.add_instigator_state(state)
    for _ in range(10):
        stored = storage.get_instigator_state(state.instigator_origin_id, state.selector_id)
        storage.update_instigator_state(stored)
        tick = storage.create_tick(TickData(state.instigator_origin_id, state.instigator_name, InstigatorType.SENSOR,
                                            TickStatus.STARTED, timestamp=0.0, selector_id=state.selector_id))
        storage.update_tick(tick.with_status(TickStatus.SKIPPED))
        storage.get_ticks(state.instigator_origin_id, state.selector_id, limit=1)

    assert len(catalog_queries) <= 2, "once a table, not once a tick"


def test_an_instance_opened_again_in_the_process_asks_nothing_before_its_first_use(instance, connections_opened,
                                                                                   catalog_queries):
    """Dagster opens an instance for each sensor evaluation in the code server; the storages of one the process
    already prepared neither connect nor ask which tables exist until they are used."""
    with dg.DagsterInstance.from_ref(instance.get_ref()) as again:
        again.get_runs(limit=1)

    assert len(catalog_queries) == 0
    assert len(connections_opened) == 1, "the run storage's one connection, for the read"


def test_two_runs_claiming_a_new_pool_at_once_both_set_its_default_limit(instance):
    """The second of two first claims of a pool finds the row the first wrote (dagster-io/dagster#33552)."""
    storage = instance.event_log_storage
    for _ in range(2):
        assert storage.initialize_concurrency_limit_to_default("gamestats_test_pool")
    info = storage.get_pool_limits()
    [pool] = [limit for limit in info if limit.name == "gamestats_test_pool"]
    assert pool.limit == instance.global_op_concurrency_default_limit == 1 and pool.from_default


def test_first_uses_of_a_new_instance_at_the_same_moment_all_create_its_tables(admin_url):
    """Four processes preparing one new instance at once (as `dg list` beside `dg launch`) all succeed."""
    databases = fresh_database(admin_url)
    url = next(databases)
    try:
        with ProcessPoolExecutor(4) as pool:
            list(pool.map(create_tables, [dagster_storage_url(url)] * 4))
        with psycopg.connect(url) as conn:
            [stamps] = conn.execute("SELECT count(*) FROM dagster.alembic_version").fetchone()
            [runs] = conn.execute("SELECT count(*) FROM dagster.runs").fetchone()
        assert stamps == 1 and runs == 0
    finally:
        next(databases, None)


def test_an_instance_disposed_leaves_no_connection_open(own_instance, module_pg_url):
    """A code server opens and disposes an instance for each sensor evaluation: each one's kept connections close
    with it, not when the garbage collector finds them. The instance is stored in a database of the module's own, so
    that the connections counted are the test's alone."""
    def opened() -> int:
        with psycopg.connect(module_pg_url) as conn:
            return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                "AND pid <> pg_backend_pid()").fetchone()[0]

    before = opened()
    for _ in range(5):
        with dg.DagsterInstance.from_ref(own_instance.get_ref()) as again:
            again.get_runs(limit=1)
            again.all_instigator_state()
            again.get_latest_materialization_event(dg.AssetKey("table_0"))
    assert opened() <= before


def test_dagster_s_storage_commits_without_waiting_for_the_disk_and_the_published_tables_wait(instance, pg_url):
    """A run stores each event in a transaction of its own; the project's tables are committed as the server is
    set."""
    storages = (instance.run_storage, instance.event_log_storage, instance.schedule_storage)
    committed = set()
    for storage in storages:
        with storage._engine.connect() as conn:
            committed.add(conn.exec_driver_sql("SHOW synchronous_commit").scalar())
    with connect(pg_url) as conn:
        published = conn.execute("SHOW synchronous_commit").fetchone()[0]

    assert committed == {"off"}
    assert published == "on"
