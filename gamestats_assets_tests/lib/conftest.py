"""The fixtures of the platform's tests: the gamestats Dagster instance."""

import dagster as dg
import pytest

from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.deploy.instance import prepare


def prepared(pg_url: str, monkeypatch: pytest.MonkeyPatch):
    """The gamestats instance (`dagster.yaml`) as the CLI prepares it, stored in the database of `pg_url`."""
    monkeypatch.setenv("GAMESTATS_PG_URL", pg_url)
    monkeypatch.delenv("DAGSTER_EVENT_BATCH_SIZE", raising=False)
    for name in ("DAGSTER_HOME", "GAMESTATS_DAGSTER_PG_URL"):
        monkeypatch.setenv(name, "")
    prepare(Settings.from_env())
    with dg.DagsterInstance.get() as opened:
        yield opened


@pytest.fixture
def instance(data_dir, pg_url, monkeypatch):
    """The gamestats instance (`prepared`), stored in the session's PostgreSQL database."""
    yield from prepared(pg_url, monkeypatch)


@pytest.fixture
def own_instance(data_dir, module_pg_url, monkeypatch):
    """The gamestats instance (`prepared`), stored in the test module's own database: no other module's runs,
    backfills or connections are on it."""
    yield from prepared(module_pg_url, monkeypatch)
