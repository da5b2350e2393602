"""Fixtures of the API tests: a database with the tables a real pubg run published (a synthetic season of two
rounds through landing, the lake and PostgreSQL), and the app over it through FastAPI's TestClient."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pytest
from fastapi.testclient import TestClient

from gamestats_assets.definitions import location_resources
from gamestats_assets.defs.pubg import assets as pubg
from gamestats_assets.defs.pubg.assets import LANDING
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.postgres import apply_migrations
from gamestats_assets.serve.app import create_app
from gamestats_assets.serve.settings import ServeSettings
from gamestats_assets_tests.pubg.test_pipeline import run_matches, run_snapshots
from gamestats_assets_tests.serve.chromium import chromium_or_skip

TOKEN = "test-token-5f2c"
SEASON = {"ops": {"pubg__landing__synthetic_tournament": {"config": {
    "divisions": ["Pro", "Challenger"], "rounds": 2, "matches_per_round": 1, "min_events": 0, "max_events": 0}}}}
"""Two divisions of two rounds of one match, with only their simulated events, to stay quick."""


@pytest.fixture(scope="module")
def published(tmp_path_factory, module_pg_url):
    """The pubg tables of a synthetic season as a real run published them: {data_dir, pg_url, instance}."""
    monkeypatch = pytest.MonkeyPatch()
    data_dir = tmp_path_factory.mktemp("serve_data")
    monkeypatch.setenv("GAMESTATS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("GAMESTATS_PG_URL", module_pg_url)
    monkeypatch.setenv("GAMESTATS_ANCHOR_DATE", (dt.date.today() - dt.timedelta(days=20)).isoformat())
    apply_migrations(module_pg_url)
    resources = location_resources(Settings.from_env())
    instance = dg.DagsterInstance.ephemeral()
    assert dg.materialize([pubg.synthetic_tournament], instance=instance, resources=resources, run_config=SEASON).success
    instance.add_dynamic_partitions("pubg_match", sorted(LANDING.find(resources["platform"])))
    assert run_matches(instance, resources).success
    assert run_snapshots(instance, resources).success
    yield {"data_dir": data_dir, "pg_url": module_pg_url, "instance": instance, "resources": resources}
    monkeypatch.undo()


def client_for(pg_url: str, **settings) -> TestClient:
    return TestClient(create_app(ServeSettings(pg_url=pg_url, **settings)))


@pytest.fixture(scope="module")
def client(published):
    """The API with the token set and a budget no test reaches."""
    with client_for(published["pg_url"], api_token=TOKEN, requests_per_minute=100_000) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def chromium() -> str:
    """Debian's `chromium`, or the module skipped saying so: asked for first, before any data is built."""
    return chromium_or_skip()
