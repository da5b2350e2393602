"""Dagster's own storage (runs, events, schedules) in PostgreSQL, in a schema of its own (`dagster`), over
connections each process keeps open (`PooledPostgresStorage`, named as custom storage in `dagster.yaml`), with
batched event writes, a run's plan stored in one insert and a concurrency-pool limit set by one upsert
(`PoolSafeEventLogStorage`), and the server asked once a process whether Dagster's schema is prepared (`PREPARED`)
and whether each of its tables and columns exists (`kept_when_yes`)."""

import functools
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import psycopg
from psycopg import sql
from dagster._core.events import ASSET_CHECK_EVENTS, ASSET_EVENTS, DagsterEventType
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.base_storage import DagsterStorage
from dagster._core.storage.event_log.schema import (
    ConcurrencyLimitsTable,
    SqlEventLogStorageMetadata,
    SqlEventLogStorageTable,
)
from dagster._core.storage.runs.schema import RunStorageSqlMetadata
from dagster._core.storage.schedules.schema import ScheduleStorageSqlMetadata
from dagster._serdes import ConfigurableClassData
from dagster_postgres import DagsterPostgresStorage
from dagster_postgres.event_log import PostgresEventLogStorage
from dagster_postgres.run_storage import PostgresRunStorage
from dagster_postgres.schedule_storage import PostgresScheduleStorage
from dagster_postgres.utils import get_token_provider_from_config, pg_url_from_config
from sqlalchemy.dialects import postgresql

from gamestats_assets.lib.deploy.run_health import HOST_TAG, records_pid, this_host
from gamestats_assets.lib.publish.postgres import DAGSTER_SCHEMA, libpq_url

NO_STATEMENT_TIMEOUT = 0
POOL_RECYCLE_SECONDS = 3600
"""A kept connection older than this is replaced before use (a server restart or idle cut-off drops it)."""
UNLIMITED_OVERFLOW = -1
"""Threads that need a connection while the kept one is in use each open one of their own, as without a pool."""
EVENT_BATCH_SIZE = "1000"
"""Events of one batch stored per statement (Dagster reads `DAGSTER_EVENT_BATCH_SIZE` at each write)."""
PLANNED_EVENTS = frozenset({DagsterEventType.ASSET_MATERIALIZATION_PLANNED,
                            DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED})
"""The events a run records as it is created, of each asset and check it will materialize or evaluate."""


def kept_when_yes(question: Callable[..., bool], *, after: int = 0) -> Callable[..., bool]:
    """A storage's `question` whether one of Dagster's tables or columns exists, asked of the server until it answers
    yes and then answered by the storage itself: Dagster asks before it stores each run event, asset event, event
    tags and check evaluation, and before it reads runs and asset records, and a table or column is never dropped
    while it runs. The arguments from the `after`-th on name what is asked (those before it, a connection, do not)."""

    @functools.wraps(question)
    def ask(storage, *args) -> bool:
        key = (question.__name__, *args[after:])
        found = storage.__dict__.setdefault("_schema_found", set())
        if key not in found:
            if not question(storage, *args):
                return False
            found.add(key)
        return True

    return ask


class ClosedOnDispose:
    """A storage whose kept connection is closed when it is disposed, with those of the storages disposed with it
    (`disposed_with`). An instance disposes its run and event log storages only, and `dagster-postgres` leaves their
    connections open until the garbage collector finds them: a code server opening an instance for each sensor
    evaluation held a dozen and more idle connections, enough with a few processes to reach the server's limit."""

    disposed_with: tuple = ()

    def dispose(self) -> None:
        super().dispose()
        self._engine.dispose()
        for storage in self.disposed_with:
            storage.dispose()


class KeptSchemaRunStorage(ClosedOnDispose, PostgresRunStorage):
    """The PostgreSQL run storage, asking the server once whether each table or column of its migrations exists."""

    has_run_stats_index_cols = kept_when_yes(PostgresRunStorage.has_run_stats_index_cols)
    has_bulk_actions_selector_cols = kept_when_yes(PostgresRunStorage.has_bulk_actions_selector_cols)
    has_backfill_id_column = kept_when_yes(PostgresRunStorage.has_backfill_id_column)
    has_bulk_action_job_name_column = kept_when_yes(PostgresRunStorage.has_bulk_action_job_name_column)
    has_backfill_tags_table = kept_when_yes(PostgresRunStorage.has_backfill_tags_table)


class KeptSchemaScheduleStorage(ClosedOnDispose, PostgresScheduleStorage):
    """The PostgreSQL schedule storage, asking the server once whether each table of its migrations exists and
    whether each of its data migrations was done: Dagster asks before each read or write of a sensor's state and
    ticks, several times a tick."""

    has_instigators_table = kept_when_yes(PostgresScheduleStorage.has_instigators_table)
    _has_instigators_table = kept_when_yes(PostgresScheduleStorage._has_instigators_table, after=1)
    _has_asset_daemon_asset_evaluations_table = kept_when_yes(
        PostgresScheduleStorage._has_asset_daemon_asset_evaluations_table, after=1)
    has_secondary_index_table = kept_when_yes(PostgresScheduleStorage.has_secondary_index_table)
    has_built_index = kept_when_yes(PostgresScheduleStorage.has_built_index)


class PoolSafeEventLogStorage(ClosedOnDispose, PostgresEventLogStorage):
    """The PostgreSQL event log whose pool limits are set to the instance's default by one upsert, so that
    runs claiming a new pool at the same moment all go on (Dagster's insert-then-update fails one of them,
    dagster-io/dagster#33552). It also tags each run with the machine that runs it (`store_event`), stores a run's
    plan in one insert (`store_event_batch`), and asks the server once whether each of its tables and asset key
    columns exists (`kept_when_yes`)."""

    has_table = kept_when_yes(PostgresEventLogStorage.has_table)
    _has_asset_key_col_on_connection = kept_when_yes(PostgresEventLogStorage._has_asset_key_col_on_connection,
                                                     after=1)

    def __init__(self, *args, **kwargs):
        self._hosts_recorded: set[str] = set()
        super().__init__(*args, **kwargs)

    def initialize_concurrency_limit_to_default(self, concurrency_key: str) -> bool:
        default_limit = self._instance.global_op_concurrency_default_limit if self.has_instance else None
        if default_limit is None or not (self.has_concurrency_limits_table and self.has_default_pool_limit_col):
            return super().initialize_concurrency_limit_to_default(concurrency_key)
        self._reconcile_concurrency_limits_from_slots()
        with self.index_transaction() as conn:
            conn.execute(
                postgresql.insert(ConcurrencyLimitsTable)
                .values(concurrency_key=concurrency_key, limit=default_limit, using_default_limit=True)
                .on_conflict_do_update(index_elements=[ConcurrencyLimitsTable.c.concurrency_key],
                                       set_={"limit": default_limit, "using_default_limit": True})
            )
            self._allocate_concurrency_slots(conn, concurrency_key, default_limit)
        return True

    def store_event(self, event) -> None:
        """Store `event`; the first event of this process recording a run's pid first tags the run with
        this machine's name (`run_health.HOST_TAG`), so the run's liveness is judged here only."""
        if event.run_id and event.run_id not in self._hosts_recorded and self.has_instance and records_pid(event):
            self._instance.add_run_tags(event.run_id, {HOST_TAG: this_host()})
            self._hosts_recorded.add(event.run_id)
        super().store_event(event)

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        """Store `events`; a batch of planned events (those a run records of every asset and check it will
        materialize or evaluate, as it is created) in one insert into the event log and one transaction of the
        asset index, then each check's planned execution. Dagster stores such a batch event by event, each in
        statements and a commit of its own: for a run of some hundred assets and checks, seconds before it starts."""
        if not events or any(event.dagster_event_type not in PLANNED_EVENTS for event in events):
            super().store_event_batch(events)
            return
        with self._connect() as conn:
            inserted = conn.execute(self.prepare_insert_event_batch(events).returning(SqlEventLogStorageTable.c.id))
            ids = [int(event_id) for (event_id,) in inserted.fetchall()]
        stored = list(zip(events, ids, strict=True))
        assets = [(event, event_id) for event, event_id in stored
                  if event.dagster_event_type in ASSET_EVENTS and event.dagster_event.asset_key]
        if assets:
            with self.index_transaction() as conn:
                self._store_asset_event_tags(conn, [event for event, _ in assets], [event_id for _, event_id in assets])
                for event, event_id in assets:
                    self._store_asset_event(conn, event, event_id)
        for event, event_id in stored:
            if event.dagster_event_type in ASSET_CHECK_EVENTS:
                self.store_asset_check_event(event, event_id)


PREPARED: set[str] = set()
"""The storage URLs whose schema and tables this process has created or found. Dagster opens an instance again for
each sensor evaluation in the code server; on such a URL the storages ask nothing of the server before their first
use (each would ask which tables exist, and the schema be looked for, in a connection of its own)."""


class PooledPostgresStorage(DagsterPostgresStorage):
    """`DagsterPostgresStorage` whose run, event log and schedule storages each keep one connection open, closed
    when the instance is disposed (the schedule storage's with the run storage's), with the pool-safe event log and
    the storages that ask once of their schema: `dagster-postgres` otherwise opens a connection per statement outside
    the webserver. It turns on Dagster's batched event writes (`DAGSTER_EVENT_BATCH_SIZE`, unless set)."""

    def __init__(self, postgres_url: str, should_autocreate_tables: bool = True,
                 inst_data: ConfigurableClassData | None = None, token_provider=None):
        prepare = should_autocreate_tables and postgres_url not in PREPARED
        if prepare:
            ensure_schema(postgres_url)
        self.postgres_url, self.should_autocreate_tables, self._inst_data = (postgres_url, should_autocreate_tables,
                                                                              inst_data)
        self._run_storage, self._event_log_storage, self._schedule_storage = (
            kind(postgres_url, prepare, token_provider=token_provider)
            for kind in (KeptSchemaRunStorage, PoolSafeEventLogStorage, KeptSchemaScheduleStorage))
        self._run_storage.disposed_with = (self._schedule_storage,)
        if prepare:
            PREPARED.add(postgres_url)
        DagsterStorage.__init__(self)
        os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", EVENT_BATCH_SIZE)
        for storage in (self._run_storage, self._event_log_storage, self._schedule_storage):
            storage.optimize_for_webserver(NO_STATEMENT_TIMEOUT, POOL_RECYCLE_SECONDS, UNLIMITED_OVERFLOW)

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None,
                          config_value: Mapping[str, Any]) -> "PooledPostgresStorage":
        return cls(inst_data=inst_data, postgres_url=pg_url_from_config(config_value),
                   should_autocreate_tables=config_value.get("should_autocreate_tables", True),
                   token_provider=get_token_provider_from_config(config_value))


DAGSTER_TABLES = sorted({table.name for metadata in (RunStorageSqlMetadata, SqlEventLogStorageMetadata,
                                                      ScheduleStorageSqlMetadata) for table in metadata.sorted_tables}
                        | {"alembic_version"})
"""Dagster's tables (with the migration stamp of its storages)."""
SCHEMA_LOCK = 0x6761_6D65_7363_6D61
"""The advisory lock under which one process at a time creates Dagster's schema or moves its tables there."""


def ensure_schema(postgres_url: str) -> None:
    """Create Dagster's schema; an instance made before it had one (its tables in `public`) has its tables
    moved there, with their indexes and sequences, in one transaction."""
    with psycopg.connect(libpq_url(postgres_url), autocommit=True) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(DAGSTER_SCHEMA)))
        tables = "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename = ANY(%s)"
        if conn.execute(tables, (DAGSTER_SCHEMA, DAGSTER_TABLES)).fetchone() is not None:
            return
        for (name,) in conn.execute(tables, ("public", DAGSTER_TABLES)).fetchall():
            conn.execute(sql.SQL("ALTER TABLE {} SET SCHEMA {}").format(sql.Identifier("public", name),
                                                                         sql.Identifier(DAGSTER_SCHEMA)))


STORAGE_LOCK = 0x6761_6D65_7374_6174
"""The advisory lock under which one process at a time creates Dagster's tables (`gamestat` in ASCII)."""


def create_tables(postgres_url: str) -> None:
    """Create (or migrate-stamp) Dagster's tables on `postgres_url` once, under an advisory lock: Dagster
    creates them on the first use of an instance, and two first uses at the same moment (`dg list` beside
    `dg launch` on a new instance) both try to create `alembic_version`, so one fails."""
    with psycopg.connect(libpq_url(postgres_url), autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (STORAGE_LOCK,))
        try:
            PREPARED.discard(postgres_url)
            storage = PooledPostgresStorage(postgres_url)
            for part in (storage.run_storage, storage.event_log_storage):
                part.dispose()
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (STORAGE_LOCK,))
