"""Runs coalesce under the daemon of `gamestats dev`: replays dropped into a day while a run of that day is in
progress are taken by one run after it, not by a run each, and two runs of a day never overlap.

The run is held in progress as an operator holds one: the PostgreSQL writers' pool (`postgres_writer`) is set to
no slots, as `dagster instance concurrency set postgres_writer 0` does, so the run lands and parses its day and
then waits to publish; the pool given its slot back, it finishes."""

from __future__ import annotations

import datetime as dt
import shutil
import time

import dagster as dg
import httpx
import pytest
from dagster._core.storage.dagster_run import NOT_FINISHED_STATUSES

from gamestats_assets.lib.authoring.publish_steps import POSTGRES_POOL
from gamestats_assets_tests.e2e.dev import wait_until
from gamestats_assets_tests.e2e.site import START, failed_ticks, finished_runs, rows
from gamestats_assets_tests.rocket.conftest import REPLAYS

pytestmark = pytest.mark.slow

DAY = START.isoformat()
LANDING, ETL = dg.AssetKey(["rocket", "landing", "replays"]), dg.AssetKey(["rocket", "etl", "matches"])
SENSOR = "rocket_landing_sensor"
TICKS = """query Ticks($name: String!) { sensorOrError(sensorSelector: {repositoryLocationName: "gamestats",
  repositoryName: "__repository__", sensorName: $name}) { ... on Sensor { sensorState {
  ticks(limit: 10) { status skipReason timestamp } } } } }"""


def ticks_after(dev, since: float) -> list[dict]:
    """The landing sensor's latest ticks that began after `since` (seconds since the epoch)."""
    answer = httpx.post(f"{dev.url}/graphql", json={"query": TICKS, "variables": {"name": SENSOR}}, timeout=30).json()
    return [tick for tick in answer["data"]["sensorOrError"]["sensorState"]["ticks"] if tick["timestamp"] > since]


def waited_after(dev, since: float) -> bool:
    """Whether the landing sensor ticked after `since` and requested nothing because the day's run is in
    progress."""
    return any(tick["status"] == "SKIPPED" and f"{DAY} wait for the run in progress" in (tick["skipReason"] or "")
               for tick in ticks_after(dev, since))


def landed(instance: dg.DagsterInstance, run_id: str, key: dg.AssetKey = LANDING) -> dict | None:
    """The metadata of the day's materialization of `key` (its landing) as run `run_id` recorded it."""
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, asset_partitions=[DAY]), limit=20, ascending=False).records
    found = [record.asset_materialization.metadata for record in records if record.run_id == run_id]
    return {name: value.value for name, value in found[0].items()} if found else None


def day_runs(instance: dg.DagsterInstance) -> list[dg.RunRecord]:
    return instance.get_run_records(filters=dg.RunsFilter(job_name="rocket_daily", tags={"dagster/partition": DAY}),
                                    ascending=True)


def drop(replay: str, site) -> dt.datetime:
    """Copy a real replay into the day's landing folder, as a user drops a file; the time it landed."""
    folder = site[0] / "landing" / "rocket" / DAY
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPLAYS / f"{replay}.replay", folder / f".{replay}.replay")
    (folder / f".{replay}.replay").rename(folder / f"{replay}.replay")
    return dt.datetime.now(dt.UTC)


def test_two_replays_landing_during_a_run_of_their_day_make_one_more_run_that_takes_both(site, dev, module_pg_url):
    instance = dev.instance()
    instance.event_log_storage.set_concurrency_slots(POSTGRES_POOL, 0)
    try:
        drop("XBOX_PARTY", site)
        first = wait_until(lambda: next(iter(day_runs(instance)), None), 120, "the day's run", dev).dagster_run
        wait_until(lambda: landed(instance, first.run_id), 300, "the run to land the day", dev)
        for replay in ("0_SAVES", "5_GOALS_6_KICKOFFS"):
            since = drop(replay, site).timestamp()
            wait_until(lambda since=since: waited_after(dev, since), 120,
                       f"the landing sensor to see {replay} and leave it for the next run", dev)
        assert [record.dagster_run.status in NOT_FINISHED_STATUSES for record in day_runs(instance)] == [True]
    finally:
        instance.event_log_storage.set_concurrency_slots(POSTGRES_POOL, 1)

    def both_finished():
        records = day_runs(instance)
        done = finished_runs(instance, **{"dagster/partition": DAY})
        return records if len(done) == 2 and not any(r.dagster_run.status in NOT_FINISHED_STATUSES
                                                     for r in records) else None

    wait_until(both_finished, 600, "the run that takes the two replays", dev)
    ended = time.time()
    wait_until(lambda: [tick for tick in ticks_after(dev, ended) if tick["status"] != "STARTED"], 120,
               "the landing sensor to look again after both runs", dev)
    records = day_runs(instance)
    assert len(records) == 2
    assert records[0].dagster_run.run_id == first.run_id and records[0].end_time <= records[1].start_time
    assert landed(instance, first.run_id)["files"] == 1
    assert landed(instance, records[1].dagster_run.run_id)["files"] == 3
    first_parsed, parsed = (landed(instance, record.dagster_run.run_id, ETL) for record in records)
    assert first_parsed["files_parsed"] + parsed["files_parsed"] == 3 and parsed["files_reused"] == 3 - parsed[
        "files_parsed"], "each replay is parsed once: by the first run when it landed before its ETL, else the next"
    assert rows(module_pg_url, "SELECT count(*) FROM rocket.matches WHERE date = %s", START) == [(3,)]
    assert not failed_ticks(dev)
