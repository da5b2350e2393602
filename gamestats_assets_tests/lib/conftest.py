"""The fixtures of the platform's tests: the gamestats Dagster instance."""

import dagster as dg
import pytest

from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.deploy.instance import prepare


@pytest.fixture
def instance(data_dir, pg_url, monkeypatch):
    """The gamestats instance (`dagster.yaml`, storage in the session's PostgreSQL) as the CLI prepares it."""
    monkeypatch.setenv("GAMESTATS_PG_URL", pg_url)
    monkeypatch.delenv("DAGSTER_EVENT_BATCH_SIZE", raising=False)
    for name in ("DAGSTER_HOME", "GAMESTATS_DAGSTER_PG_URL"):
        monkeypatch.setenv(name, "")
    prepare(Settings.from_env())
    with dg.DagsterInstance.get() as opened:
        yield opened
