"""`public.publish_log`, the freshness the API reports and keys its cache by: a publish step records each table
it wrote in the transaction of its rows, and a publish that fails records nothing."""

import dagster as dg
import pytest

from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets_tests.reliability.test_publish_atomic import DAY, EVERYTHING, resources  # noqa: F401


def log(pg_url):
    with connect(pg_url) as conn:
        return dict(((t, (p, at, n)) for t, p, at, n in conn.execute(
            "SELECT table_name, publish_id, published_at, rows_written FROM public.publish_log "
            "WHERE table_name LIKE 't_atomic.%'").fetchall()))


@pytest.mark.usefixtures("resources")
def test_each_publish_advances_the_log_and_a_failed_one_leaves_it(resources, pg_url):  # noqa: F811
    instance = dg.DagsterInstance.ephemeral()
    assert dg.materialize(EVERYTHING, resources=resources, instance=instance, partition_key=DAY).success
    first = log(pg_url)
    assert set(first) == {"t_atomic.scores", "t_atomic.accounts"} and all(n == 2 for _, _, n in first.values())
    failed = dg.materialize(EVERYTHING, resources=resources, instance=instance, partition_key=DAY,
                            tags={"version": "2", "poison": "yes"}, raise_on_error=False)
    assert not failed.success and log(pg_url) == first
    assert dg.materialize(EVERYTHING, resources=resources, instance=instance, partition_key=DAY,
                          tags={"version": "2"}).success
    second = log(pg_url)
    assert all(second[t][0] > first[t][0] and second[t][1] > first[t][1] for t in first)
