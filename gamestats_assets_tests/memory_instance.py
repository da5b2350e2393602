"""The event log of the tests' in-memory Dagster instances (`DagsterInstance.ephemeral()`, and `execute_in_process`
without an instance), kept as the project keeps its PostgreSQL one (`lib/deploy/dagster_storage.py`): each thread
holds one connection to the in-memory database, and whether a table or column exists is asked until it does.

Dagster's in-memory event log opens a connection and sets two PRAGMAs for every statement, and asks which columns
its asset table has before it stores each asset event: for a test of many runs, more than a tenth of its CPU. What
the event log stores and answers is Dagster's own (`install` puts this class where the instance factory finds it)."""

import threading
from contextlib import contextmanager

import dagster._core.storage.event_log as event_log
import sqlalchemy as db
from dagster._core.storage.event_log.in_memory import InMemoryEventLogStorage

from gamestats_assets.lib.deploy.dagster_storage import kept_when_yes


class HeldConnectionEventLogStorage(InMemoryEventLogStorage):
    """`InMemoryEventLogStorage` whose statements run on a connection each thread keeps, under the storage's lock as
    before, and whose questions of its schema are answered by the storage once the database said yes."""

    has_table = kept_when_yes(InMemoryEventLogStorage.has_table)
    _has_asset_key_col_on_connection = kept_when_yes(InMemoryEventLogStorage._has_asset_key_col_on_connection,
                                                     after=1)

    def __init__(self, *args, **kwargs):
        self._threads = threading.local()
        super().__init__(*args, **kwargs)

    @contextmanager
    def _connect(self):
        with self._db_lock:
            connection = getattr(self._threads, "connection", None)
            if connection is None or connection.closed:
                connection = self._threads.connection = self._engine.connect()
                connection.execute(db.text("PRAGMA foreign_keys=ON;")).close()
                connection.commit()
            with connection.begin():
                yield connection


def install() -> None:
    """Make the instance factory build `HeldConnectionEventLogStorage` wherever it builds an in-memory event log."""
    event_log.InMemoryEventLogStorage = HeldConnectionEventLogStorage
