"""What the end-to-end modules share: the recorded Riot answers for a recent game, the places a test reads an
outcome where a user reads it (rows in PostgreSQL, runs and backfills of the instance, sensor ticks through the
webserver's GraphQL)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import dagster as dg
import httpx
import psycopg

from gamestats_assets.lib.intake.tracking import PLAYER_TAG
from gamestats_assets_tests.e2e.dev import Dev
from gamestats_assets_tests.lol.test_riot_client import FIXTURES as RIOT_FIXTURES
from gamestats_assets_tests.lol.test_riot_client import MATCH_ID, PUUID, RecordedRiot
from gamestats_assets_tests.loopback import free_port

START = dt.date(2021, 1, 1)
"""The first daily partition: the L2M day delivered, with the recorded LoL and Rocket League games after it."""
LOL_PLAYER = "JP1/Faker Jr#JP1"
SENSORS_QUERY = """{ sensorsOrError(repositorySelector: {repositoryLocationName: "gamestats",
  repositoryName: "__repository__"}) { ... on Sensors { results { name
  sensorState { ticks(limit: 20) { status skipReason error { message stack cause { message stack } } } } } } } }"""
CURSORS_QUERY = """{ sensorsOrError(repositorySelector: {repositoryLocationName: "gamestats",
  repositoryName: "__repository__"}) { ... on Sensors { results { name
  sensorState { typeSpecificData { ... on SensorData { lastCursor } } } } } } }"""


LOOPBACK = httpx.Client(timeout=30)
"""One client for every question to a server on this machine: a client each time would load the trusted
certificates each time, for plain HTTP."""


def graphql(dev: Dev, query: str, **variables) -> dict:
    """The answer of the webserver of `dev` to a GraphQL `query` with `variables`, as the UI asks it."""
    return LOOPBACK.post(f"{dev.url}/graphql", json={"query": query, "variables": variables}).json()


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


def serve(handler) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def rows(url: str, query: str, *params) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()


def execute(url: str, statement: str, *params) -> None:
    with psycopg.connect(url) as conn:
        conn.execute(statement, params)


def ticks(dev: Dev) -> dict[str, list[dict]]:
    """Every sensor's latest ticks, as the UI's Automation page reads them."""
    answer = graphql(dev, SENSORS_QUERY)
    return {sensor["name"]: sensor["sensorState"]["ticks"] for sensor in answer["data"]["sensorsOrError"]["results"]}


def cursors(dev: Dev) -> dict[str, str | None]:
    """Every sensor's cursor, as the UI reads it."""
    answer = graphql(dev, CURSORS_QUERY)
    return {sensor["name"]: (sensor["sensorState"]["typeSpecificData"] or {}).get("lastCursor")
            for sensor in answer["data"]["sensorsOrError"]["results"]}


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


def said(error: dict) -> str:
    """A tick's error as the UI shows it: its message and stack, then its cause's."""
    parts = [error]
    if error.get("cause"):
        parts.append(error["cause"])
    return "".join(part["message"] + "".join(part.get("stack") or []) for part in parts)


def failed_ticks(dev: Dev) -> dict[str, list[str]]:
    """The error of every failed tick among the sensors' latest, by sensor."""
    failed = {name: [said(t["error"]) for t in found if t["status"] == "FAILURE"]
              for name, found in ticks(dev).items()}
    return {name: errors for name, errors in failed.items() if errors}
