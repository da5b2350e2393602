"""The uses of `gamestats dev` for new data, end to end under its daemon: a match file dropped into landing,
one whose telemetry download was cut, a day delivered and one of its files delivered again, and, through
`gamestats serve` beside it, a Rocket League replay uploaded and then served, and a PUBG player added to the
roster whose backfill the API follows; and a partition run launched as the UI launches it."""

from __future__ import annotations

import datetime as dt
import json
import time

import dagster as dg
import httpx
import pytest

from gamestats_assets.defs.pubg.tables import TELEMETRY_PUBLISHED
from gamestats_assets.generator.emitters import l2m
from gamestats_assets.sources.replays.header import read_header_alone
from gamestats_assets_tests.e2e.dev import wait_until
from gamestats_assets_tests.e2e.site import START, completed_backfill, failed_ticks, finished_runs, rows
from gamestats_assets_tests.pubg.conftest import FIXTURES as PUBG_FIXTURES
from gamestats_assets_tests.rocket.conftest import REPLAYS

pytestmark = pytest.mark.slow


def recent_match(path, target) -> str:
    """A real match object copied into landing as played yesterday (the tracked-player backfill looks back
    over recent matches only); its match id."""
    document = json.loads(path.read_text())
    yesterday = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    document["data"]["attributes"]["createdAt"] = yesterday.strftime("%Y-%m-%dT%H:%M:%SZ")
    target.mkdir(parents=True, exist_ok=True)
    (target / path.name).write_text(json.dumps(document))
    return document["data"]["id"]


@pytest.fixture(scope="module")
def delivered(site, dev):
    """One PUBG match object and one L2M day, dropped into landing while `gamestats dev` runs."""
    data, _ = site
    match_id = recent_match(PUBG_FIXTURES / "pubgkt_match_squad_response.json", data / "landing" / "pubg" / "matches")
    l2m.emit_day(data / "landing" / "l2m", START, seed=5, n_users=300)
    return match_id


@pytest.fixture(scope="module")
def cut_download(site, dev):
    """A second real match object and a telemetry download of it that stopped half way (built from a real
    telemetry excerpt), saved under the CDN's own name; its match id."""
    data, _ = site
    telemetry = data / "landing" / "pubg" / "telemetry"
    telemetry.mkdir(parents=True, exist_ok=True)
    match_id = json.loads((PUBG_FIXTURES / "pubg-python_match_response.json").read_text())["data"]["id"]
    excerpt = [json.loads(line) for line in (PUBG_FIXTURES / "part1_midgame_offset9000000.jsonl").read_text()
               .splitlines() if line.strip()]
    events = [{**event, "common": {**event.get("common", {}), "matchId": match_id}}
              for event in excerpt[:len(excerpt) // 2]]
    (telemetry / ".download").write_text("".join(json.dumps(event) + "\n" for event in events))
    recent_match(PUBG_FIXTURES / "pubg-python_match_response.json", data / "landing" / "pubg" / "matches")
    (telemetry / ".download").rename(telemetry / f"{match_id}-telemetry.jsonl")
    return match_id


def test_one_new_match_runs_once_and_reaches_postgresql(site, dev, delivered, module_pg_url):
    instance = dev.instance()
    wait_until(lambda: finished_runs(instance, discovered_by="landing", **{"dagster/partition": delivered}),
               300, "the match's run", dev)
    summaries = rows(module_pg_url, "SELECT count(*) FROM pubg.match_summaries WHERE match_id = %s", delivered)
    assert summaries[0][0] > 0
    assert len(instance.get_runs(filters=dg.RunsFilter(tags={"dagster/partition": delivered}))) == 1
    wait_until(lambda: rows(module_pg_url, "SELECT count(*) FROM pubg.player_advanced_career_stats")[0][0],
               300, "the career stats to follow the new match", dev)


def test_a_match_whose_telemetry_was_cut_publishes_its_match_object_and_holds_the_rest(dev, cut_download,
                                                                                      module_pg_url):
    instance = dev.instance()
    partition = {"dagster/partition": cut_download}
    wait_until(lambda: finished_runs(instance, **partition), 300, "the cut-download match's run", dev)
    assert len(instance.get_runs(filters=dg.RunsFilter(tags=partition))) == 1
    assert rows(module_pg_url, "SELECT DISTINCT telemetry, has_telemetry FROM pubg.match_summaries "
                "WHERE match_id = %s", cut_download) == [("partial", False)]
    held = rows(module_pg_url, "SELECT table_name, reason FROM public.held_partitions WHERE domain = 'pubg' "
                "AND partition_key = %s", cut_download)
    assert {table for table, _ in held} == set(TELEMETRY_PUBLISHED)
    assert all(f"telemetry {cut_download}-telemetry.jsonl cut short" in reason for _, reason in held)


def test_one_new_day_runs_once_and_a_redelivered_file_changes_no_figure(site, dev, delivered, module_pg_url):
    data, _ = site
    instance = dev.instance()
    day = {"dagster/partition": START.isoformat()}
    wait_until(lambda: finished_runs(instance, discovered_by="landing", **day), 300, "the day's run", dev)
    kpis = "SELECT * FROM l2m.l2m_daily_kpis WHERE date = %s ORDER BY country_code, server_id"
    before = rows(module_pg_url, kpis, START)
    assert before
    redelivered = sorted((data / "landing" / "l2m" / START.isoformat()).iterdir())[0]
    redelivered.write_bytes(redelivered.read_bytes())
    wait_until(lambda: len(finished_runs(instance, discovered_by="landing", **day)) == 2, 300,
               "the re-delivered day's run", dev)
    assert rows(module_pg_url, kpis, START) == before
    assert len(instance.get_runs(filters=dg.RunsFilter(tags=day))) == 2


def test_a_replay_uploaded_through_the_api_of_today_is_run_by_the_daemon_and_then_served(api, dev, record_property):
    """An old game uploaded now lands in today's folder (it is no day of the history), which the rocket calendar
    holds: the landing sensor runs it at once. The seconds from upload to analysis served are printed and recorded
    (`pytest -s`, or the JUnit report's `upload_to_served_seconds`); the target is under 30 s."""
    started = time.monotonic()
    uploaded = api.post("/api/v1/rocket/replays/upload", content=(REPLAYS / "XBOX_PARTY.replay").read_bytes())
    assert uploaded.status_code == 202, uploaded.text
    replay_id, today = uploaded.json()["id"], dt.datetime.now(dt.UTC).date().isoformat()
    assert uploaded.json()["landed"] == f"landing/rocket/{today}/{replay_id}.replay"
    assert api.get(f"/api/v1/rocket/replays/{replay_id}").json()["data"]["status"] == "processing"

    def served():
        answer = api.get(f"/api/v1/rocket/replays/{replay_id}").json()
        return answer if answer["data"]["status"] != "processing" else None

    answer = wait_until(served, 300, "the uploaded replay to be served", dev)
    seconds = round(time.monotonic() - started, 1)
    print(f"upload to analysis served: {seconds} s (target < 30 s)")
    record_property("upload_to_served_seconds", seconds)
    assert answer["data"]["status"] == "processed" and len(answer["data"]["players"]) == 4
    stats = [stat for player in answer["data"]["players"] for group in player["stats"].values()
             for stat in group.values()]
    assert stats and all("value" in stat and "rank_percentile" in stat for stat in stats)
    runs = wait_until(lambda: finished_runs(dev.instance(), **{"dagster/partition": today}), 120,
                      "the upload's run to finish its checks after publishing", dev)
    assert len(runs) == 1


def day_files(instance: dg.DagsterInstance, day: str) -> dict[str, int]:
    """What the latest run of the day's rocket ETL did with the day's files (its materialization's metadata)."""
    [record] = instance.fetch_materializations(dg.AssetRecordsFilter(
        asset_key=dg.AssetKey(["rocket", "etl", "matches"]), asset_partitions=[day]), limit=1, ascending=False).records
    return {name: value.value for name, value in record.asset_materialization.metadata.items()
            if name.startswith("files_")}


def test_a_new_changed_or_removed_replay_costs_only_itself(site, api, dev, module_pg_url):
    """After the first upload: a second one is run by the daemon parsing that replay alone; a landed replay
    written over with another game replaces its rows; a removed one takes its rows away."""
    instance, today = dev.instance(), dt.datetime.now(dt.UTC).date().isoformat()
    day = {"dagster/partition": today}
    wait_until(lambda: finished_runs(instance, **day), 300, "the first upload's run", dev)

    def next_run() -> dict[str, int]:
        ran = len(finished_runs(instance, **day))
        wait_until(lambda: len(finished_runs(instance, **day)) > ran, 300, "the day's next run", dev)
        return day_files(instance, today)

    def published(match_id: str) -> int:
        return rows(module_pg_url, "SELECT count(*) FROM rocket.matches WHERE date = %s AND match_id = %s",
                    dt.date.fromisoformat(today), match_id)[0][0]

    uploaded = api.post("/api/v1/rocket/replays/upload", content=(REPLAYS / "0_SAVES.replay").read_bytes()).json()
    assert next_run() == {"files_parsed": 1, "files_reused": 1, "files_removed": 0, "files_quarantined": 0}
    assert published(uploaded["id"]) == 1

    landed = site[0] / uploaded["landed"]
    landed.write_bytes((REPLAYS / "5_GOALS_6_KICKOFFS.replay").read_bytes())
    assert next_run() == {"files_parsed": 1, "files_reused": 1, "files_removed": 0, "files_quarantined": 0}
    assert published(uploaded["id"]) == 0, "the game the file held before is gone"
    assert published(read_header_alone(landed).match_id.lower()) == 1
    landed.unlink()
    assert next_run() == {"files_parsed": 0, "files_reused": 1, "files_removed": 1, "files_quarantined": 0}
    assert rows(module_pg_url, "SELECT count(*) FROM rocket.matches WHERE date = %s",
                dt.date.fromisoformat(today))[0][0] == 1


def test_a_pubg_player_added_through_the_admin_api_is_backfilled_once_with_its_progress(site, dev, api, delivered,
                                                                                        module_pg_url):
    instance = dev.instance()
    wait_until(lambda: finished_runs(instance, **{"dagster/partition": delivered}), 300, "the match's run", dev)
    match = json.loads((site[0] / "landing" / "pubg" / "matches" / "pubgkt_match_squad_response.json").read_text())
    player = next(i for i in match["included"] if i["type"] == "participant")["attributes"]["stats"]["playerId"]
    added = api.post("/api/v1/admin/pubg/players", json={"player_id": player})
    assert added.status_code == 201 and added.json()["added"] is True
    assert rows(module_pg_url, "SELECT count(*) FROM pubg.players WHERE player_id = %s", player) == [(1,)]
    reported = []

    def completed():
        answer = api.get(f"/api/v1/admin/pubg/players/{player}/backfill").json()
        reported.append(answer)
        return answer if (answer["backfill"] or {}).get("status") == "COMPLETED_SUCCESS" else None

    done = wait_until(completed, 400, f"the API to report the backfill of {player} completed", dev)["backfill"]
    assert done["partitions_total"] > 0 and done["partitions_done"] == done["partitions_total"]
    assert done["progress"] == 1 and done["partitions_failed"] == 0
    assert len({answer["backfill"]["backfill_id"] for answer in reported if answer["backfill"]}) == 1
    assert all(answer["tracked"] for answer in reported)
    assert completed_backfill(instance, player).backfill_id == done["backfill_id"]
    status = rows(module_pg_url, "SELECT match_id FROM pubg.player_backfill_status WHERE player_id = %s", player)
    assert status == [(delivered,)]


LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) { __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } }
}"""
"""The mutation the UI's Materialize button sends."""
STATUS = "query Status($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"


def test_the_ui_launches_a_partition_run_that_the_daemon_completes(site, dev, delivered):
    """A day's L2M landing and ETL launched as the UI's Materialize button launches them, queued, then run by the
    daemon."""
    selection = [{"path": ["l2m", "landing", "logs"]}, {"path": ["l2m", "etl", "login"]}]
    launched = httpx.post(f"{dev.url}/graphql", timeout=30, json={"query": LAUNCH, "variables": {"params": {
        "selector": {"repositoryLocationName": "gamestats", "repositoryName": "__repository__",
                     "jobName": "__ASSET_JOB", "assetSelection": selection, "assetCheckSelection": []},
        "executionMetadata": {"tags": [{"key": "dagster/partition", "value": START.isoformat()}]}}}}).json()
    run = launched["data"]["launchRun"]
    assert run["__typename"] == "LaunchRunSuccess", run

    def finished():
        answer = httpx.post(f"{dev.url}/graphql", timeout=30, json={"query": STATUS, "variables": {
            "id": run["run"]["runId"]}}).json()["data"]["runOrError"]["status"]
        return answer if answer in ("SUCCESS", "FAILURE", "CANCELED") else None

    assert wait_until(finished, 300, "the launched run", dev) == "SUCCESS"


def test_no_sensor_tick_failed(dev):
    assert not failed_ticks(dev)
