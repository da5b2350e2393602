"""`gamestats serve` as a user starts it: uvicorn on loopback, on the platform's PostgreSQL, `/docs` served,
answers read from the published tables, several worker processes agreeing, and the embedded server it started
stopped with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from gamestats_assets.lib.publish import embedded_postgres
from gamestats_assets_tests.loopback import free_port


def started(port: int, env: dict, *arguments: str) -> subprocess.Popen:
    process = subprocess.Popen([str(Path(sys.executable).parent / "gamestats"), "serve", "--port", str(port), *arguments],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    with httpx.Client(timeout=2) as client:
        while time.monotonic() < deadline:
            try:
                if client.get(f"http://127.0.0.1:{port}/docs").status_code == 200:
                    return process
            except httpx.HTTPError:
                time.sleep(0.3)
            if process.poll() is not None:
                break
    process.kill()
    pytest.fail(f"gamestats serve did not start: {process.communicate()[0]}")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_gamestats_serve_answers_on_loopback(tmp_path, migrated_pg_url, workers):
    env = {**os.environ, "GAMESTATS_PG_URL": migrated_pg_url, "GAMESTATS_DATA_DIR": str(tmp_path / "data")}
    env.pop("GAMESTATS_API_TOKEN", None)
    port = free_port()
    process = started(port, env, "--workers", workers)
    try:
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base}/docs").status_code == 200
        answers = [httpx.get(f"{base}/api/v1/tournaments/leaderboard/teams") for _ in range(4)]
        assert {(a.status_code, a.json()["detail"]) for a in answers} == {(404, "no tournament season has been published")}
        admin = httpx.get(f"{base}/api/v1/admin/pubg/validation")
        assert admin.status_code == 401 and "API key" in admin.json()["detail"]
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    assert "writes and admin need an account's key (GAMESTATS_API_TOKEN unset)" in output
    assert f"http://127.0.0.1:{port}" in output


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopped_it_stops_the_embedded_server_it_started(tmp_path_factory, stop):
    """Without `GAMESTATS_PG_URL`, `gamestats serve` starts the embedded server; stopped as a service manager
    (SIGTERM) or Ctrl-C (SIGINT) stops it, it stops that server too."""
    data = tmp_path_factory.getbasetemp() / "serve_embedded" / "data"
    env = {name: value for name, value in os.environ.items() if not name.startswith(("GAMESTATS_", "DAGSTER_"))}
    process = started(free_port(), {**env, "GAMESTATS_DATA_DIR": str(data)})
    assert embedded_postgres.is_running(data / "postgres")
    process.send_signal(stop)
    output = process.communicate(timeout=60)[0]
    assert not embedded_postgres.is_running(data / "postgres"), output
