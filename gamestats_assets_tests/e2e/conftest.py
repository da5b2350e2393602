"""The fixtures of the end-to-end modules: each module runs its own `gamestats dev` on a data folder and
database of its own, with the recorded APIs on loopback, no API key and an alert receiver, and, for the tests that
need it, `gamestats serve` beside it."""

from __future__ import annotations

import os

import pytest

from gamestats_assets_tests.alert_receiver import receiving
from gamestats_assets_tests.e2e.dev import Dev, Serve
from gamestats_assets_tests.e2e.site import START, RecentRiot, serve
from gamestats_assets_tests.loopback import free_port
from gamestats_assets_tests.rocket.test_live import _Ballchasing


@pytest.fixture(scope="module")
def alerts():
    """The operator's alert receiver, where `gamestats dev`'s alerts go."""
    with receiving() as receiver:
        yield receiver


@pytest.fixture(scope="module")
def site(tmp_path_factory, module_pg_url, alerts):
    """A data folder, the recorded APIs, and the environment `gamestats dev` runs in, without any API key, its
    alerts sent to `alerts`, and snapshots overdue after the shortest delay the setting takes (a minute)."""
    data = tmp_path_factory.mktemp("dev") / "data"
    riot, ballchasing = serve(RecentRiot), serve(_Ballchasing)
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("GAMESTATS_", "DAGSTER_"))}
    env.update(GAMESTATS_DATA_DIR=str(data), GAMESTATS_PG_URL=module_pg_url, GAMESTATS_SOURCE="files",
               GAMESTATS_START_DATE=START.isoformat(), GAMESTATS_SNAPSHOT_DELAY_MINUTES="1",
               GAMESTATS_RIOT_BASE_URL=f"http://127.0.0.1:{riot.server_port}",
               GAMESTATS_BALLCHASING_URL=f"http://127.0.0.1:{ballchasing.server_port}",
               GAMESTATS_ALERT_WEBHOOK_URL=alerts.url)
    yield data, env
    riot.shutdown()
    ballchasing.shutdown()


@pytest.fixture(scope="module")
def dev(site, tmp_path_factory):
    data, env = site
    running = Dev(env, free_port(), tmp_path_factory.mktemp("logs") / "dev.log")
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def api(site, dev, tmp_path_factory):
    """`gamestats serve` beside `gamestats dev`, on the same data folder, PostgreSQL and Dagster instance, with its
    token: an HTTP client on it that sends the token."""
    _, env = site
    running = Serve(env, free_port(), tmp_path_factory.mktemp("serve_logs") / "serve.log")
    client = running.start()
    yield client
    client.close()
    running.stop()
