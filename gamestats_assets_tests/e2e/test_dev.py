"""The uses of `gamestats dev`, end to end under its daemon: a match file dropped into landing, a day
delivered and one of its files delivered again, players added to each domain's roster with and without the
API key they need. Every outcome is read where the user reads it: runs and backfills of the instance,
sensor ticks through the webserver's GraphQL, rows in PostgreSQL.

The Riot and ballchasing APIs are served on loopback from their recorded answers (the Riot game moved to
three days ago, so that a tracked player's history holds it and the every-ten-minutes discovery does not)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import threading
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import dagster as dg
import httpx
import psycopg
import pytest

from gamestats_assets.defs.pubg.assets import TELEMETRY_PUBLISHED
from gamestats_assets.generator.emitters import l2m
from gamestats_assets.lib.tracking import PLAYER_TAG
from gamestats_assets_tests.e2e.dev import Dev, wait_until
from gamestats_assets_tests.lol.test_riot_client import FIXTURES as RIOT_FIXTURES
from gamestats_assets_tests.lol.test_riot_client import MATCH_ID, PUUID, RecordedRiot
from gamestats_assets_tests.pubg.conftest import FIXTURES as PUBG_FIXTURES
from gamestats_assets_tests.rocket.test_live import PLAYER as ROCKET_PLAYER
from gamestats_assets_tests.rocket.test_live import TOKEN, _Ballchasing

pytestmark = pytest.mark.slow

START = dt.date(2021, 1, 1)
"""The first daily partition: the L2M day delivered, with the recorded LoL and Rocket League games after it."""
LOL_PLAYER = "JP1/Faker Jr#JP1"
SENSORS_QUERY = """{ sensorsOrError(repositorySelector: {repositoryLocationName: "gamestats",
  repositoryName: "__repository__"}) { ... on Sensors { results { name
  sensorState { ticks(limit: 20) { status skipReason error { message } } } } } } }"""


GAME_START = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=3)
GAME_DAY = GAME_START.date().isoformat()


class RecentRiot(RecordedRiot):
    """Riot's account-v1 and match-v5 answers for one player and their one recorded ranked game, started at
    `GAME_START`; match lists honour `startTime` and `endTime` as Riot's do."""

    def do_GET(self):
        url = urlsplit(self.path)
        query = {name: int(values[0]) for name, values in parse_qs(url.query).items()}
        started = int(GAME_START.timestamp())
        listed = query.get("start", 0) == 0 and query.get("startTime", 0) <= started < query.get("endTime", 2**40)
        match = json.loads((RIOT_FIXTURES / "match_v5_ranked.json").read_text())
        match["info"].update(gameCreation=started * 1000, gameStartTimestamp=started * 1000)
        routes = {
            "/riot/account/v1/accounts/by-riot-id/Faker%20Jr/JP1": {"puuid": PUUID, "gameName": "Faker Jr",
                                                                   "tagLine": "JP1"},
            f"/lol/match/v5/matches/by-puuid/{PUUID}/ids": [MATCH_ID] if listed else [],
            f"/lol/match/v5/matches/{MATCH_ID}": match,
            f"/lol/match/v5/matches/{MATCH_ID}/timeline": json.loads(
                (RIOT_FIXTURES / "match_v5_ranked_timeline.json").read_text()),
        }
        known = url.path in routes and self.headers.get("X-Riot-Token") == "test-key"
        self.answer(200 if known else 404, json.dumps(routes[url.path] if known else {"status": {"status_code": 404}})
                    .encode())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(handler) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def site(tmp_path_factory, module_pg_url):
    """A data folder, the recorded APIs, and the environment `gamestats dev` runs in, without any API key."""
    data = tmp_path_factory.mktemp("dev") / "data"
    riot, ballchasing = serve(RecentRiot), serve(_Ballchasing)
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("GAMESTATS_", "DAGSTER_"))}
    env.update(GAMESTATS_DATA_DIR=str(data), GAMESTATS_PG_URL=module_pg_url, GAMESTATS_SOURCE="files",
               GAMESTATS_START_DATE=START.isoformat(),
               GAMESTATS_RIOT_BASE_URL=f"http://127.0.0.1:{riot.server_port}",
               GAMESTATS_BALLCHASING_URL=f"http://127.0.0.1:{ballchasing.server_port}")
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


def rows(url: str, query: str, *params) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()


def execute(url: str, statement: str, *params) -> None:
    with psycopg.connect(url) as conn:
        conn.execute(statement, params)


def ticks(dev: Dev) -> dict[str, list[dict]]:
    """Every sensor's latest ticks, as the UI's Automation page reads them."""
    answer = httpx.post(f"{dev.url}/graphql", json={"query": SENSORS_QUERY}, timeout=30).json()
    return {sensor["name"]: sensor["sensorState"]["ticks"] for sensor in answer["data"]["sensorsOrError"]["results"]}


def finished_runs(instance: dg.DagsterInstance, **tags: str) -> list[dg.DagsterRun]:
    runs = instance.get_runs(filters=dg.RunsFilter(tags=tags))
    failed = [run for run in runs if run.status == dg.DagsterRunStatus.FAILURE]
    assert not failed, f"runs failed: {[run.run_id for run in failed]}"
    return [run for run in runs if run.status == dg.DagsterRunStatus.SUCCESS]


def completed_backfill(instance: dg.DagsterInstance, player: str):
    """The tracked player's backfill once it completed (it fails the test if it failed)."""
    backfills = [b for b in instance.get_backfills() if b.tags.get(PLAYER_TAG) == player]
    assert len(backfills) <= 1, f"{len(backfills)} backfills for {player}"
    if backfills and backfills[0].status.value in ("FAILED", "CANCELED", "COMPLETED_FAILED"):
        raise AssertionError(f"the backfill of {player} ended {backfills[0].status.value}: {backfills[0].error}")
    return backfills[0] if backfills and backfills[0].status.value == "COMPLETED_SUCCESS" else None


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


def test_a_tracked_pubg_player_is_backfilled_once(site, dev, delivered, module_pg_url):
    instance = dev.instance()
    wait_until(lambda: finished_runs(instance, **{"dagster/partition": delivered}), 300, "the match's run", dev)
    match = json.loads((site[0] / "landing" / "pubg" / "matches" / "pubgkt_match_squad_response.json").read_text())
    player = next(i for i in match["included"] if i["type"] == "participant")["attributes"]["stats"]["playerId"]
    execute(module_pg_url, "INSERT INTO pubg.players (player_id) VALUES (%s)", player)
    wait_until(lambda: completed_backfill(instance, player), 400, f"the backfill of {player}", dev)
    status = rows(module_pg_url, "SELECT match_id FROM pubg.player_backfill_status WHERE player_id = %s", player)
    assert status == [(delivered,)]


def test_players_wait_for_a_missing_key_with_the_reason_on_the_tick(site, dev, module_pg_url):
    execute(module_pg_url, "INSERT INTO lol.players (player_id) VALUES (%s)", LOL_PLAYER)
    (site[0] / "reference" / "rocket").mkdir(parents=True, exist_ok=True)
    (site[0] / "reference" / "rocket" / "players.csv").write_text(f"player_id\n{ROCKET_PLAYER}\n")

    def reasons():
        latest = {name: found[0] for name, found in ticks(dev).items() if found}
        waiting = [latest.get(name, {}).get("skipReason") or "" for name in
                   ("lol_newly_tracked_players", "rocket_newly_tracked_players")]
        return waiting if all("wait" in reason for reason in waiting) else None

    lol, rocket = wait_until(reasons, 200, "the tracked-player sensors to say why the players wait", dev)
    assert "GAMESTATS_RIOT_API_KEY is not set" in lol and LOL_PLAYER in lol
    assert "GAMESTATS_BALLCHASING_TOKEN is not set" in rocket and ROCKET_PLAYER in rocket
    assert not [b for b in dev.instance().get_backfills() if b.tags.get(PLAYER_TAG) in (LOL_PLAYER, ROCKET_PLAYER)]


def test_with_the_keys_set_the_waiting_players_are_backfilled(site, dev, module_pg_url):
    dev.stop()
    dev.env.update(GAMESTATS_RIOT_API_KEY="test-key", GAMESTATS_BALLCHASING_TOKEN=TOKEN)
    dev.start()
    instance = dev.instance()
    wait_until(lambda: completed_backfill(instance, LOL_PLAYER), 500, "the LoL player's backfill", dev)
    wait_until(lambda: completed_backfill(instance, ROCKET_PLAYER), 500, "the Rocket League player's backfill", dev)
    assert (site[0] / "landing" / "lol" / GAME_DAY).is_dir()
    assert rows(module_pg_url, "SELECT count(*) FROM rocket.matches")[0][0] > 0
    lol_days = instance.get_materialized_partitions(dg.AssetKey(["lol", "landing", "games"]))
    assert GAME_DAY in lol_days


def test_no_sensor_tick_failed(dev):
    failed = {name: [t["error"]["message"] for t in found if t["status"] == "FAILURE"]
              for name, found in ticks(dev).items()}
    assert not {name: errors for name, errors in failed.items() if errors}


@pytest.mark.skipif(shutil.which("chromium") is None, reason="no chromium: `apt-get install chromium` to check the UI")
def test_the_ui_lists_the_sensors_without_failure_and_the_players_backfills(dev):
    """The Automation page and the backfills page, rendered by headless Chromium."""
    from gamestats_assets_tests.e2e.browser import rendered

    automation = rendered(f"{dev.url}/automation", "pubg_landing_sensor")
    assert "Failure" not in automation and "lol_newly_tracked_players" in automation
    backfills = rendered(f"{dev.url}/overview/backfills", f"tracked_player: {LOL_PLAYER}")
    assert f"tracked_player: {ROCKET_PLAYER}" in backfills and backfills.count("Success") >= 3
