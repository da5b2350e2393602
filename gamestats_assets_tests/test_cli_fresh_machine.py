"""`gamestats demo` on a fresh machine: no PostgreSQL configured, so the embedded server is started, used and
stopped again; at the smallest size a newcomer tries, where every planted-truth check must decide from its interval
(and warn, not fail, when the sample is too small to say). A module of its own, so that the test runner can run it
beside the other demo tests."""

import pytest

from gamestats_assets.lib.publish import embedded_postgres
from gamestats_assets_tests.test_cli import environment, gamestats, row_counts

pytestmark = pytest.mark.slow


def test_demo_on_a_fresh_machine_uses_the_embedded_server_and_stops_it(tmp_path):
    data_dir = tmp_path / "data"
    result = gamestats(["demo", "--days", "1", "--end", "2026-03-03", "--users", "100"], environment(data_dir, None))
    assert result.returncode == 0, result.stdout + result.stderr
    pgdata = data_dir / "postgres"
    assert not embedded_postgres.is_running(pgdata)
    url = embedded_postgres.start(pgdata)
    try:
        counts = row_counts(url)
        assert counts["demo_data.events"] > 100 and counts["demo_data.daily_activity"] > 0
    finally:
        embedded_postgres.stop(pgdata)
