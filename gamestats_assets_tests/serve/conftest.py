"""Fixtures of the API tests: a database with the tables a real pubg run published (a synthetic season of two
rounds through landing, the lake and PostgreSQL, published once for the run and copied for each module), and the
app over it through FastAPI's TestClient."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

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
from gamestats_assets_tests.conftest import built_once, database_url, fresh_database
from gamestats_assets_tests.pubg.test_pipeline import run_matches, run_snapshots
from gamestats_assets_tests.serve.chromium import chromium_or_skip

TOKEN = "test-token-5f2c"
SEASON = {"ops": {"pubg__landing__synthetic_tournament": {"config": {
    "divisions": ["Pro", "Challenger"], "rounds": 2, "matches_per_round": 1, "min_events": 0, "max_events": 0}}}}
"""Two divisions of two rounds of one match, with only their simulated events, to stay quick."""


def _publish_season(data_dir: Path, pg_url: str) -> None:
    """Land a synthetic season in `data_dir` and run it through the lake into `pg_url`, as a real run does."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name, value in _environment(data_dir, pg_url).items():
            monkeypatch.setenv(name, value)
        apply_migrations(pg_url)
        resources = location_resources(Settings.from_env())
        instance = dg.DagsterInstance.ephemeral()
        assert dg.materialize([pubg.synthetic_tournament], instance=instance, resources=resources,
                              run_config=SEASON).success
        instance.add_dynamic_partitions("pubg_match", sorted(LANDING.find(resources["platform"])))
        assert run_matches(instance, resources).success
        assert run_snapshots(instance, resources).success


def _environment(data_dir: Path, pg_url: str) -> dict[str, str]:
    return {"GAMESTATS_DATA_DIR": str(data_dir), "GAMESTATS_PG_URL": pg_url,
            "GAMESTATS_ANCHOR_DATE": (dt.date.today() - dt.timedelta(days=20)).isoformat()}


@pytest.fixture(scope="session")
def season(request, admin_url) -> tuple[Path, str]:
    """The season's data folder and database, published once for the whole run (`built_once`)."""
    with built_once(request.config, admin_url, "pubg_season") as (data_dir, template, built):
        if not built:
            _publish_season(data_dir, database_url(admin_url, template))
    return data_dir, template


@pytest.fixture(scope="module")
def published(season, admin_url, tmp_path_factory):
    """The pubg tables of a synthetic season as a real run published them, a copy of its data folder and database
    of this module's own, which the module's settings point to: {data_dir, pg_url}."""
    built_data, template = season
    data_dir = tmp_path_factory.mktemp("serve_data") / "data"
    shutil.copytree(built_data, data_dir)
    for pg_url in fresh_database(admin_url, template):
        with pytest.MonkeyPatch.context() as monkeypatch:
            for name, value in _environment(data_dir, pg_url).items():
                monkeypatch.setenv(name, value)
            yield {"data_dir": data_dir, "pg_url": pg_url}


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
