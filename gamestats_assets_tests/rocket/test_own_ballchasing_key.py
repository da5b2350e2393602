"""A player's own ballchasing.com key at work (issue 94), against ballchasing's API on loopback serving real games
(the paired fixtures: their JSON, their raw replay) and taking uploads as ballchasing does (`POST /v2/upload`: 201
with the new replay's `id` and `location`, 409 "duplicate replay" naming the one it holds), the real app and
PostgreSQL: a keyed player's upload is sent there with their key and its game records ballchasing's id (a replay
ballchasing held already counts as sent; one it failed to take waits and is sent on the next pass); the games they
uploaded to ballchasing are imported by themselves, landed with their raw replay, and a real run publishes them;
their export holds these notes, and deleting their account drops them."""

from __future__ import annotations

import io
import json
import re
import zipfile
from urllib.parse import parse_qs, urlsplit

import psycopg
import pytest

from gamestats_assets.serve.core.sealed import new_key
from gamestats_assets.serve.crud import accounts
from gamestats_assets.serve.intake.ballchasing_own import looked_key
from gamestats_assets.sources.ballchasing.client import URL_ENV
from gamestats_assets.sources.ballchasing.replay_json import parse_replay_json
from gamestats_assets_tests.loopback import Quiet, serving
from gamestats_assets_tests.rocket.conftest import FIXTURES
from gamestats_assets_tests.serve.conftest import TOKEN, client_for, publish_rocket_day

BASE = "/api/v1/rocket"
OWN_KEY = "OwnBallchasingKey0123456789abcdef"
SECRET = new_key()
GAMES = {}
"""Each paired game by its fixture's name: (its ballchasing JSON, its raw replay, its parsed game)."""
for stem in ("recent-ranked-standard-2026-03-10-a", "recent-ranked-standard-2026-03-10-b",
             "rlcs-2025-worlds-grand-final-flcn-nrg-g5", "recent-ranked-doubles-2026-03-10"):
    document = json.loads((FIXTURES / "paired" / f"{stem}.ballchasing.json").read_text())
    GAMES[stem] = (document, (FIXTURES / "paired" / f"{stem}.replay").read_bytes(), parse_replay_json(document))
UPLOADED, HELD, OWN, NOT_THEIRS = GAMES.values()
"""Uploaded here and sent on; uploaded here, ballchasing holding it already (409); uploaded to ballchasing by the
player, one of theirs; uploaded there by them too, but a game none of their players played."""
PLAYER_IDS = tuple(next(f"steam:{player.player_id}" for player in game.players if player.platform == "steam")
                   for _, _, game in (UPLOADED, HELD, OWN))


class _Ballchasing(Quiet):
    """ballchasing to the player's key: `POST /v2/upload` (201 with a new replay's id and location, 409 with the one
    it holds, 503 while `failing`), `GET /replays?uploader=me` (their uploads: the two games uploaded there and what
    was sent since, in pages of one, as its `next` pages), `GET /replays/{id}` and `GET /replays/{id}/file`. Every
    request is recorded: (method, path, query, key, file name)."""

    seen: list[tuple] = []
    held: dict[bytes, str] = {HELD[1]: HELD[0]["id"]}
    uploads: list[dict] = [OWN[0], NOT_THEIRS[0]]
    failing = False

    def json(self, status: int, body: dict) -> None:
        self.answer(status, json.dumps(body).encode())

    def do_POST(self):
        url, body = urlsplit(self.path), self.rfile.read(int(self.headers["Content-Length"]))
        name = re.search(rb'filename="([^"]+)"', body)
        self.seen.append(("POST", url.path, parse_qs(url.query), self.headers.get("Authorization"),
                          name and name.group(1).decode()))
        if self.headers.get("Authorization") != OWN_KEY:
            return self.json(401, {"error": "invalid key"})
        if self.failing:
            return self.json(503, {"error": "unavailable"})
        sent = next((document for document, raw, _ in GAMES.values() if raw in body), None)
        if url.path != "/v2/upload" or sent is None:
            return self.json(400, {"error": "not a replay"})
        raw = next(raw for _, raw, _ in GAMES.values() if raw in body)
        where = {"id": sent["id"], "location": f"https://ballchasing.com/replay/{sent['id']}"}
        if raw in self.held:
            return self.json(409, {"error": "duplicate replay", **where})
        self.held[raw] = sent["id"]
        self.uploads.append(sent)
        return self.json(201, where)

    def do_GET(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        self.seen.append(("GET", url.path, query, self.headers.get("Authorization"), None))
        replay_id, _, file = url.path.removeprefix("/replays/").partition("/")
        by_id = {document["id"]: (document, raw) for document, raw, _ in GAMES.values()}
        if self.headers.get("Authorization") != OWN_KEY:
            return self.json(401, {"error": "invalid key"})
        if url.path == "/replays" and query.get("uploader") == ["me"]:
            at = int(query.get("after", ["0"])[0])
            page = {"count": len(self.uploads), "list": [{"id": d["id"], "date": d["date"], "created": d.get("created")}
                                                         for d in self.uploads[at:at + 1]]}
            if at + 1 < len(self.uploads):
                page["next"] = f"http://{self.headers['Host']}/replays?uploader=me&after={at + 1}"
            return self.json(200, page)
        if replay_id in by_id and file == "file":
            return self.answer(200, by_id[replay_id][1], "application/octet-stream")
        if replay_id in by_id and not file:
            return self.json(200, by_id[replay_id][0])
        return self.json(404, {"error": "not found"})


@pytest.fixture(scope="module")
def ballchasing():
    with serving(_Ballchasing) as url:
        yield url


@pytest.fixture
def player(request, ballchasing, data_dir, migrated_pg_url, monkeypatch, tmp_path):
    """The app over the module's database, `data_dir` and a Dagster instance of the test's own, ballchasing on
    loopback (the server has no key of its own), and the headers of a player account the operator made (so with consent) for the three games' players."""
    monkeypatch.setenv("GAMESTATS_PG_URL", migrated_pg_url)
    monkeypatch.setenv(URL_ENV, ballchasing)
    (tmp_path / "dagster").mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    with psycopg.connect(migrated_pg_url, autocommit=True) as conn:
        key = accounts.create(conn, request.node.name[5:45], "player", PLAYER_IDS)
    with client_for(migrated_pg_url, api_token=TOKEN, requests_per_minute=100_000, data_dir=data_dir,
                    secret_keys=(SECRET,)) as client:
        yield client, {"Authorization": f"Bearer {key}"}


def landed(data_dir, pattern: str) -> list:
    return sorted(path.relative_to(data_dir / "landing" / "rocket").as_posix()
                  for path in (data_dir / "landing" / "rocket").glob(pattern))


def test_a_keyed_players_uploads_are_sent_with_their_key_and_their_ballchasing_games_imported(
        player, data_dir, migrated_pg_url):
    client, own = player
    _Ballchasing.seen, _Ballchasing.failing = [], True
    written = client.put("/api/v1/users/profile", headers=own, json={"ballchasing_key": OWN_KEY})
    assert written.status_code == 200 and written.json()["ballchasing_key_set"], written.text

    listed = [(path, query) for method, path, query, key, _ in _Ballchasing.seen if path == "/replays"]
    assert listed[0] == ("/replays", {"uploader": ["me"], "count": ["200"]}) and len(listed) == 2, listed
    assert {key for *_, key, _ in _Ballchasing.seen} == {OWN_KEY}
    own_json, own_game = f"*/ballchasing/{OWN[0]['id']}.json", OWN[2]
    assert len(landed(data_dir, own_json)) == 1 and landed(data_dir, f"*/{own_game.match_id}.replay")
    assert not landed(data_dir, f"*/ballchasing/{NOT_THEIRS[0]['id']}.json"), "a game none of theirs played"

    first = client.post(f"{BASE}/replays/upload", headers=own, content=UPLOADED[1])
    assert first.status_code == 202, first.text
    match_id = UPLOADED[2].match_id
    waits = client.get(f"{BASE}/replays/{match_id}/ballchasing", headers=own).json()
    assert waits["state"] == "waiting" and "HTTP 503" in waits["why"] and waits["ballchasing_id"] is None, waits
    assert client.get(f"{BASE}/replays/{match_id}/ballchasing",
                      headers={"Authorization": f"Bearer {TOKEN}"}).json()["state"] == "waiting"

    _Ballchasing.failing, _Ballchasing.seen = False, []
    assert client.put("/api/v1/users/profile", headers=own, json={"ballchasing_key": OWN_KEY}).status_code == 200
    [sent] = [seen for seen in _Ballchasing.seen if seen[0] == "POST"]
    assert sent == ("POST", "/v2/upload", {"visibility": ["private"]}, OWN_KEY, f"{match_id}.replay")
    assert client.get(f"{BASE}/replays/{match_id}/ballchasing", headers=own).json() | {"at": None} == {
        "id": match_id, "state": "sent", "ballchasing_id": UPLOADED[0]["id"], "duplicate": False, "why": None,
        "location": f"https://ballchasing.com/replay/{UPLOADED[0]['id']}", "tries": 2, "at": None}
    assert not landed(data_dir, f"*/ballchasing/{UPLOADED[0]['id']}.json"), \
        "a replay sent from here is not imported back as ballchasing lists it"

    duplicate = client.post(f"{BASE}/replays/upload", headers=own, content=HELD[1])
    assert duplicate.status_code == 202, duplicate.text
    held = client.get(f"{BASE}/replays/{HELD[2].match_id}/ballchasing", headers=own).json()
    assert (held["state"], held["ballchasing_id"], held["duplicate"]) == ("sent", HELD[0]["id"], True), held

    day = landed(data_dir, own_json)[0].split("/")[0]
    publish_rocket_day(data_dir, migrated_pg_url, day)
    served = client.get(f"{BASE}/replays/{own_game.match_id}").json()["data"]
    assert served["status"] == "processed" and served["source"] == "replay", served

    exported = client.get("/api/v1/users/export", headers=own).json()
    name, notes = exported["account"], exported["ballchasing"]
    assert {(note["id"], note["state"], note["ballchasing_id"]) for note in notes["sends"]} == {
        (match_id, "sent", UPLOADED[0]["id"]), (HELD[2].match_id, "sent", HELD[0]["id"])}, notes
    assert notes["own_games_looked_at"] is not None and all(note["account"] == name for note in notes["sends"])
    archive = client.get("/api/v1/users/export/archive", headers=own)
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
        assert json.loads(zipped.read("data.json"))["ballchasing"]["sends"] == notes["sends"]

    deleted = client.request("DELETE", "/api/v1/users/account", headers=own, json={"confirm": name})
    assert deleted.status_code == 200, deleted.text
    left = [path for kind in ("ballchasing_sends", "ballchasing_own")
            for path in (data_dir / "state" / kind).rglob("*") if path.is_file()]
    assert not [path for path in left if name in path.read_text() or path.name == looked_key(name)], left


def test_an_upload_by_a_player_without_a_key_is_not_sent_and_answers_no_copy(player, data_dir):
    client, own = player
    _Ballchasing.seen = []
    response = client.post(f"{BASE}/replays/upload", headers=own, content=UPLOADED[1])
    assert response.status_code == 202, response.text
    assert not [seen for seen in _Ballchasing.seen if seen[0] == "POST"]
    assert client.get(f"{BASE}/replays/{UPLOADED[2].match_id}/ballchasing", headers=own).status_code == 404
