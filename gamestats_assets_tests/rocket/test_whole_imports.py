"""A game imported from ballchasing is a whole game: against ballchasing's API on loopback serving two real games
both as their JSON (`GET /replays/{id}`) and as their raw replay (`GET /replays/{id}/file`), the import by id and the
roster discovery and a newly tracked player's backfill land the raw replay beside the JSON, and a real run publishes
the game from its frames: frame mechanics, position cells and the 3D viewer's frames. A game whose file ballchasing
does not serve stays JSON alone, and says why its figures read of frames are missing."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import dagster as dg
import psycopg
import pytest
from psycopg.rows import dict_row

from gamestats_assets.definitions import location_resources
from gamestats_assets.defs.rocket import domain
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.postgres import PostgresResource
from gamestats_assets.sources.ballchasing.client import TOKEN_ENV, URL_ENV
from gamestats_assets.sources.ballchasing.records import MECHANICS
from gamestats_assets.sources.ballchasing.replay_file import FILE_MISSING
from gamestats_assets.sources.ballchasing.replay_json import NO_FRAMES, parse_replay_json
from gamestats_assets_tests.loopback import Quiet, serving
from gamestats_assets_tests.rocket.conftest import BALLCHASING, FIXTURES
from gamestats_assets_tests.serve.conftest import TOKEN, client_for, publish_rocket_day

BASE = "/api/v1/rocket"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
KEY = "test-ballchasing-key"
PAIRED = {}
"""ballchasing id → (its JSON, its raw replay) of the two paired games."""
for stem in ("recent-ranked-doubles-2026-03-10", "rlcs-2025-worlds-grand-final-flcn-nrg-g5"):
    document = json.loads((FIXTURES / "paired" / f"{stem}.ballchasing.json").read_text())
    PAIRED[document["id"]] = (document, (FIXTURES / "paired" / f"{stem}.replay").read_bytes())
NO_FILE = json.loads((BALLCHASING / "replay.json").read_text())
"""A replay ballchasing answers as JSON but whose file it does not serve (404)."""


class _Ballchasing(Quiet):
    """ballchasing to a key holder: `GET /replays` (one page listing the paired games and the one without a file),
    `GET /replays/{id}` (the recorded JSON) and `GET /replays/{id}/file` (the raw replay, 404 for the one it does
    not serve); every request is recorded."""

    seen: list[str] = []

    def do_GET(self):
        path = urlsplit(self.path).path
        self.seen.append(path)
        status, body, kind = 200, b"", "application/json"
        replay_id, _, file = path.removeprefix("/replays/").partition("/")
        if self.headers.get("Authorization") != KEY:
            status = 401
        elif path == "/replays":
            body = json.dumps({"count": 3, "list": [{"id": d["id"], "date": d["date"]} for d in
                                                    (*(d for d, _ in PAIRED.values()), NO_FILE)]}).encode()
        elif file == "file" and replay_id in PAIRED:
            body, kind = PAIRED[replay_id][1], "application/octet-stream"
        elif not file and replay_id in PAIRED:
            body = json.dumps(PAIRED[replay_id][0]).encode()
        elif not file and replay_id == NO_FILE["id"]:
            body = json.dumps(NO_FILE).encode()
        else:
            status, body = 404, b'{"error": "not found"}'
        self.answer(status, body, kind)


@pytest.fixture(scope="module")
def ballchasing():
    with serving(_Ballchasing) as url:
        yield url


@pytest.fixture
def keyed(ballchasing, data_dir, migrated_pg_url, monkeypatch):
    """The data folder and settings with the module's prepared database, ballchasing on loopback and the server's
    key."""
    monkeypatch.setenv("GAMESTATS_PG_URL", migrated_pg_url)
    monkeypatch.setenv(URL_ENV, ballchasing)
    monkeypatch.setenv(TOKEN_ENV, KEY)
    _Ballchasing.seen = []
    return data_dir


def published_game(pg_url: str, match_id: str) -> dict:
    """What PostgreSQL publishes of the game `match_id`: its source and sources, its frame mechanics with a value,
    its heatmap cells and its viewer's samples."""
    with psycopg.connect(pg_url, row_factory=dict_row) as conn:
        match = conn.execute("SELECT source, sources FROM rocket.matches WHERE match_id = %s", (match_id,)).fetchone()
        valued = conn.execute("SELECT count(*) AS n FROM rocket.player_stats WHERE match_id = %s AND stat_type = "
                              "ANY(%s) AND value IS NOT NULL", (match_id, list(MECHANICS))).fetchone()["n"]
        cells = conn.execute("SELECT count(*) AS n FROM rocket.position_heatmaps WHERE match_id = %s",
                             (match_id,)).fetchone()["n"]
        samples = conn.execute("SELECT count(*) AS n FROM rocket.replay_frames WHERE match_id = %s",
                               (match_id,)).fetchone()["n"]
    return {**match, "mechanics": valued, "cells": cells, "samples": samples}


def test_an_import_by_id_lands_the_raw_replay_and_its_game_is_published_with_frames(keyed, migrated_pg_url):
    [(replay_id, (document, raw))] = list(PAIRED.items())[:1]
    game = parse_replay_json(document)
    day = game.played_at.date().isoformat()
    with client_for(migrated_pg_url, api_token=TOKEN, requests_per_minute=100_000, data_dir=keyed) as client:
        response = client.post(f"{BASE}/replays/ballchasing", json={"ballchasing_id": replay_id}, headers=AUTH)
        assert response.status_code == 202, response.text
        assert response.json()["frames_missing"] is None
        assert _Ballchasing.seen == [f"/replays/{replay_id}", f"/replays/{replay_id}/file"]
        assert (keyed / "landing" / "rocket" / day / f"{game.match_id}.replay").read_bytes() == raw
        landed = json.loads((keyed / "landing" / "rocket" / day / "ballchasing" / f"{replay_id}.json").read_text())
        assert landed == document
        publish_rocket_day(keyed, migrated_pg_url, day)
        served = client.get(f"{BASE}/replays/{game.match_id}").json()["data"]
        assert served["status"] == "processed" and served["source"] == "replay", served
        assert set(served["sources"].split(",")) == {"ballchasing", "replay"}
        frames = client.get(f"{BASE}/replays/{game.match_id}/frames")
        assert frames.status_code == 200 and frames.json()["data"]["samples"] > 1000, frames.text[:300]
        again = client.post(f"{BASE}/replays/ballchasing", json={"ballchasing_id": replay_id}, headers=AUTH)
        assert again.status_code == 200 and again.json()["frames_missing"] is None, again.text
    published = published_game(migrated_pg_url, game.match_id)
    assert published["source"] == "replay" and published["mechanics"] > 0 and published["cells"] > 0, published


def test_the_roster_discovery_lands_each_replay_file_and_a_run_publishes_them_whole(keyed, migrated_pg_url):
    platform = PlatformResource.from_settings(Settings.from_env())
    platform.roster_path("rocket").parent.mkdir(parents=True)
    platform.roster_path("rocket").write_text("player_id\nsteam:76561198980777579\n")
    discovery = domain.sensor("rocket_ballchasing_discovery")
    result = discovery(dg.build_sensor_context(instance=dg.DagsterInstance.ephemeral(), resources={
        "platform": platform}, cursor=json.dumps({"steam:76561198980777579": "2019-01-01T00:00:00+00:00"})))
    assert result.run_requests
    assert sorted(path for path in _Ballchasing.seen if path.endswith("/file")) == sorted(
        f"/replays/{replay_id}/file" for replay_id in (*PAIRED, NO_FILE["id"]))
    for replay_id, (document, raw) in PAIRED.items():
        game = parse_replay_json(document)
        day = game.played_at.date().isoformat()
        assert (keyed / "landing" / "rocket" / day / f"{game.match_id}.replay").read_bytes() == raw
        publish_rocket_day(keyed, migrated_pg_url, day)
        published = published_game(migrated_pg_url, game.match_id)
        assert published["source"] == "replay" and published["mechanics"] > 0, published
        assert published["cells"] > 0 and published["samples"] > 1000, published


def test_a_newly_tracked_players_backfill_lands_each_replay_file_beside_its_json(keyed, migrated_pg_url):
    settings = Settings.from_env()
    resources = {**location_resources(settings), "postgres": PostgresResource(url=migrated_pg_url)}
    platform = resources["platform"]
    platform.roster_path("rocket").parent.mkdir(parents=True)
    platform.roster_path("rocket").write_text("player_id\nsteam:76561198980777579\n")
    definitions = dg.Definitions.merge(domain.defs, dg.Definitions(resources=resources))
    tracked = domain.sensor("rocket_newly_tracked_players")
    [request] = tracked(dg.build_sensor_context(instance=dg.DagsterInstance.ephemeral(), resources=resources,
                                                definitions=definitions)).run_requests
    assert request.requires_backfill_daemon()
    for replay_id, (document, raw) in PAIRED.items():
        game = parse_replay_json(document)
        day = game.played_at.date().isoformat()
        assert (keyed / "landing" / "rocket" / day / f"{game.match_id}.replay").read_bytes() == raw
        assert FILE_MISSING not in json.loads(
            (keyed / "landing" / "rocket" / day / "ballchasing" / f"{replay_id}.json").read_text())
        assert {part.partition_key for part in request.asset_graph_subset.iterate_asset_partitions()} >= {day}


def test_a_game_whose_file_ballchasing_does_not_serve_stays_json_and_says_why(keyed, migrated_pg_url):
    game = parse_replay_json(NO_FILE)
    day = game.played_at.date().isoformat()
    with client_for(migrated_pg_url, api_token=TOKEN, requests_per_minute=100_000, data_dir=keyed) as client:
        response = client.post(f"{BASE}/replays/ballchasing", json={"ballchasing_id": NO_FILE["id"]}, headers=AUTH)
        assert response.status_code == 202, response.text
        why = response.json()["frames_missing"]
        assert "HTTP 404" in why
        landed = json.loads((keyed / "landing" / "rocket" / day / "ballchasing" / f"{NO_FILE['id']}.json").read_text())
        assert landed == {**NO_FILE, FILE_MISSING: why}
        assert not list((keyed / "landing" / "rocket").rglob("*.replay"))
        publish_rocket_day(keyed, migrated_pg_url, day)
        assert client.get(f"{BASE}/replays/{game.match_id}/frames").status_code == 404
    with psycopg.connect(migrated_pg_url, row_factory=dict_row) as conn:
        reasons = {row["null_reason"] for row in conn.execute(
            "SELECT null_reason FROM rocket.player_stats WHERE match_id = %s AND stat_type = ANY(%s)",
            (game.match_id, list(MECHANICS)))}
    assert reasons == {f"{NO_FRAMES}, and its replay file could not be had: {why}"}
