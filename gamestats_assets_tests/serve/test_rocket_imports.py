"""A Rocket League replay imported by its ballchasing id (`POST /api/v1/rocket/replays/ballchasing`) against
ballchasing's API on loopback answering its recorded replay: the JSON lands where the discovery lands it and is
then served (its replay file, which this server does not serve, missing and said so); ballchasing's refusals and
failures, hostile ids and other players' replays answered as such."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gamestats_assets.serve.routes.rocket import imports as rocket_imports
from gamestats_assets.sources.ballchasing.client import TOKEN_ENV, URL_ENV
from gamestats_assets.sources.ballchasing.replay_file import FILE_MISSING
from gamestats_assets.sources.ballchasing.replay_json import parse_replay_json
from gamestats_assets_tests.rocket.conftest import BALLCHASING
from gamestats_assets_tests.serve.conftest import TOKEN, client_for, publish_rocket_day

BASE = "/api/v1/rocket"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BALLCHASING_TOKEN = "test-ballchasing-token"
RECORDED = json.loads((BALLCHASING / "replay.json").read_text())
REPLAY_ID = RECORDED["id"]
GAME = parse_replay_json(RECORDED)
MISSING, LIMITED, FAILING, SLOW, PENDING, OTHER, FOREIGN = (f"{n:08x}-0000-4000-8000-000000000000"
                                                             for n in range(1, 8))


class _Ballchasing(BaseHTTPRequestHandler):
    """`GET /replays/{id}` as ballchasing answers it: the recorded replay for its id (only with the key), 404 for
    an unknown one, 429 with `Retry-After`, 502, an answer slower than the import waits, a replay still being
    processed, another replay than the one asked for, and the recorded replay under another id (`FOREIGN`); every
    request is recorded."""

    seen: list[tuple[str, str | None]] = []

    def do_GET(self):
        self.seen.append((self.path, self.headers.get("Authorization")))
        replay_id = self.path.removeprefix("/replays/")
        status, body, headers = 200, None, {}
        if self.headers.get("Authorization") != BALLCHASING_TOKEN:
            status = 401
        elif replay_id == REPLAY_ID:
            body = RECORDED
        elif replay_id == LIMITED:
            status, headers = 429, {"Retry-After": "7"}
        elif replay_id == FAILING:
            status = 502
        elif replay_id == SLOW:
            time.sleep(1.5)
            body = RECORDED
        elif replay_id == PENDING:
            body = {"id": PENDING, "status": "pending"}
        elif replay_id == OTHER:
            body = RECORDED
        elif replay_id == FOREIGN:
            body = {**RECORDED, "id": FOREIGN}
        else:
            status = 404
        payload = json.dumps(body if body is not None else {"error": "not found"}).encode()
        try:
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", "Content-Length": str(len(payload)),
                                **headers}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the import stopped waiting for a slow answer
            pass

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def ballchasing():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Ballchasing)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def api(rocket_day, ballchasing):
    """The API over a published Rocket League day, ballchasing's API on loopback with the server's key."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(URL_ENV, ballchasing)
        patch.setenv(TOKEN_ENV, BALLCHASING_TOKEN)
        patch.setattr(rocket_imports, "TIMEOUT_SECONDS", 0.5)
        with client_for(rocket_day["pg_url"], api_token=TOKEN, requests_per_minute=100_000,
                        data_dir=rocket_day["data_dir"]) as client:
            yield {"client": client, **rocket_day}


def imported(api, replay_id: str, headers=AUTH):
    return api["client"].post(f"{BASE}/replays/ballchasing", json={"ballchasing_id": replay_id}, headers=headers)


def landing_json(api) -> list:
    return sorted(path.relative_to(api["data_dir"]) for path in (api["data_dir"] / "landing" / "rocket").rglob("*.json"))


def test_an_imported_replay_lands_as_the_discovery_lands_it_is_processing_then_served(api):
    client = api["client"]
    _Ballchasing.seen = []
    assert client.get(f"{BASE}/replays/{GAME.match_id}").status_code == 404
    response = imported(api, REPLAY_ID.upper())
    assert response.status_code == 202, response.text
    day = GAME.played_at.date().isoformat()
    landed = f"landing/rocket/{day}/ballchasing/{REPLAY_ID}.json"
    no_file = "ballchasing serves no replay file of it (HTTP 404)"
    assert response.json() == {"id": GAME.match_id, "ballchasing_id": REPLAY_ID, "status": "processing",
                               "landed": landed, "already_imported": False,
                               "played_at": GAME.played_at.isoformat(), "players": len(GAME.players),
                               "follow": f"{BASE}/replays/{GAME.match_id}", "frames_missing": no_file}
    assert json.loads((api["data_dir"] / landed).read_text()) == {**RECORDED, FILE_MISSING: no_file}
    assert _Ballchasing.seen == [(f"/replays/{REPLAY_ID}", BALLCHASING_TOKEN),
                                 (f"/replays/{REPLAY_ID}/file", BALLCHASING_TOKEN)]
    assert client.get(f"{BASE}/replays/{GAME.match_id}").json()["data"] == {"id": GAME.match_id,
                                                                           "status": "processing"}

    again = imported(api, REPLAY_ID)
    assert again.status_code == 200 and again.json()["status"] == "already imported", again.text
    assert again.json()["landed"] == landed and again.json()["frames_missing"] == no_file
    assert [path for path, _ in _Ballchasing.seen[2:]] == [f"/replays/{REPLAY_ID}/file"], \
        "a landed replay's JSON is not asked again, its missing file is"

    publish_rocket_day(api["data_dir"], api["pg_url"], day)
    served = client.get(f"{BASE}/replays/{GAME.match_id}").json()["data"]
    assert served["status"] == "processed" and served["source"] == "ballchasing", served
    assert sorted(p["player_id"] for p in served["players"]) == sorted(p.player_id for p in GAME.players)


def test_hostile_ids_are_422_and_never_reach_ballchasing_or_the_disk(api):
    _Ballchasing.seen = []
    before = landing_json(api)
    for hostile in ("../../etc/passwd", f"{REPLAY_ID}/../x", f"{REPLAY_ID}0", "a" * 10_000, "", REPLAY_ID[:-1] + "g",
                    REPLAY_ID.replace("-", "")):
        response = imported(api, hostile)
        assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "ballchasing_id"], \
            (hostile[:40], response.text)
    assert imported(api, 5).status_code == 422
    assert api["client"].post(f"{BASE}/replays/ballchasing", json={"ballchasing_id": REPLAY_ID, "path": "x"},
                              headers=AUTH).status_code == 422
    assert _Ballchasing.seen == [] and landing_json(api) == before


def test_ballchasing_refusals_and_failures_are_clear_answers_and_land_nothing(api, monkeypatch):
    before = landing_json(api)
    missing = imported(api, MISSING)
    assert missing.status_code == 404 and f"ballchasing has no replay {MISSING}" in missing.json()["detail"]
    limited = imported(api, LIMITED)
    assert (limited.status_code, limited.headers["Retry-After"]) == (503, "7") and "limits" in limited.text
    for replay_id, why in ((FAILING, "HTTP 502"), (SLOW, "in time"), (PENDING, "still processing")):
        answer = imported(api, replay_id)
        assert answer.status_code == 503 and int(answer.headers["Retry-After"]) > 0 and why in answer.text, answer.text
    other = imported(api, OTHER)
    assert other.status_code == 502 and "another replay" in other.text
    monkeypatch.setenv(TOKEN_ENV, "a-revoked-key")
    refused = imported(api, MISSING)
    assert refused.status_code == 502 and TOKEN_ENV in refused.text
    monkeypatch.delenv(TOKEN_ENV)
    unset = imported(api, MISSING)
    assert unset.status_code == 409 and TOKEN_ENV in unset.text and "Retry-After" not in unset.headers
    assert landing_json(api) == before


def test_an_import_needs_a_key_and_an_account_acting_for_one_of_its_players(api):
    client = api["client"]
    before = landing_json(api)
    assert imported(api, FOREIGN, headers={}).status_code == 401
    made = client.post("/api/v1/admin/accounts", json={"name": "stranger", "role": "player",
                                                       "player_ids": ["steam:76561190000000001"]}, headers=AUTH)
    assert made.status_code == 201, made.text
    answer = imported(api, FOREIGN, headers={"Authorization": f"Bearer {made.json()['api_key']}"})
    assert answer.status_code == 403 and "acts for none of this replay's players" in answer.text, answer.text
    assert landing_json(api) == before
