"""A key goes only to its API's own origin: two local servers on different ports (two origins), the API's
serving recorded answers that name the other (a PUBG telemetry URL, a ballchasing `next` page, a Riot
redirect); the other must never see the key, and the API must still get it."""

import gzip
import json
import threading
import tracemalloc
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from gamestats_assets.lib.core.inputs import MAX_DECOMPRESSED_ENV, UnreadableInput
from gamestats_assets.sources.ballchasing.client import TOKEN_ENV, ballchasing_client, list_replays
from gamestats_assets.sources.pubg.client import API_KEY_ENV as PUBG_KEY_ENV
from gamestats_assets.sources.pubg.client import PubgClient
from gamestats_assets.sources.riot.client import API_KEY_ENV as RIOT_KEY_ENV
from gamestats_assets.sources.riot.client import RiotClient
from gamestats_assets_tests.pubg.conftest import MATCH_FILES, TELEMETRY_FILES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
KEY = "the-secret-key-42"
PUBG_MATCH = json.loads(MATCH_FILES[0].read_text())
RIOT_MATCH = (FIXTURES / "riot" / "match_v5_ranked.json").read_bytes()
REPLAY_LIST = json.loads((FIXTURES / "rocketleague" / "ballchasing" / "replay-list.json").read_text())
AUTH_HEADERS = ("authorization", "x-riot-token")


class Origin:
    """A local HTTP server: `answer(path)` gives (status, headers, body); every request's path and headers
    are kept in `seen`."""

    def __init__(self, answer: Callable[[str], tuple[int, dict[str, str], bytes]]):
        origin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                origin.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                status, headers, body = answer(self.path)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.seen: list[tuple[str, dict[str, str]]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def keys_seen(self) -> list[str]:
        return [headers[name] for _, headers in self.seen for name in AUTH_HEADERS if name in headers]


@pytest.fixture
def origins():
    """The API's origin and another one, each answering what the test sets in `answers`."""
    answers: dict[str, dict[str, tuple[int, dict[str, str], bytes]]] = {"api": {}, "elsewhere": {}}

    def answering(name):
        return lambda path: answers[name].get(path.split("?")[0], (404, {}, b"{}"))

    api, elsewhere = Origin(answering("api")), Origin(answering("elsewhere"))
    assert api.url != elsewhere.url
    yield api, elsewhere, answers
    for origin in (api, elsewhere):
        origin.server.shutdown()
        origin.server.server_close()


def test_the_pubg_key_never_reaches_the_telemetry_host(origins, tmp_path, monkeypatch):
    api, elsewhere, answers = origins
    monkeypatch.setenv(PUBG_KEY_ENV, KEY)
    match_id = PUBG_MATCH["data"]["id"]
    document = json.loads(json.dumps(PUBG_MATCH))
    next(i for i in document["included"] if i["type"] == "asset")["attributes"]["URL"] = \
        f"{elsewhere.url}/telemetry/{match_id}-telemetry.json"
    events = [json.loads(line) for path in TELEMETRY_FILES for line in path.read_text().splitlines() if line.strip()]
    answers["api"][f"/shards/steam/matches/{match_id}"] = (200, {}, json.dumps(document).encode())
    telemetry = gzip.compress(json.dumps(events).encode())
    answers["elsewhere"][f"/telemetry/{match_id}-telemetry.json"] = (200, {}, telemetry)

    client = PubgClient(base_url=api.url)
    try:
        _, telemetry = client.download(match_id, tmp_path)
    finally:
        client.close()

    assert len(json.loads(gzip.decompress(telemetry.read_bytes()))) == len(events)
    assert api.keys_seen() == [f"Bearer {KEY}"]
    assert [path for path, _ in elsewhere.seen] == [f"/telemetry/{match_id}-telemetry.json"]
    assert elsewhere.keys_seen() == []


def test_the_ballchasing_token_follows_next_only_on_its_own_origin(origins, monkeypatch):
    api, elsewhere, answers = origins
    monkeypatch.setenv(TOKEN_ENV, KEY)
    first, second, third = (dict(REPLAY_LIST, list=[entry]) for entry in REPLAY_LIST["list"][:3])
    answers["api"]["/replays"] = (200, {}, json.dumps({**first, "next": f"{api.url}/page2"}).encode())
    answers["api"]["/page2"] = (200, {}, json.dumps({**second, "next": f"{elsewhere.url}/page3"}).encode())
    answers["elsewhere"]["/page3"] = (200, {}, json.dumps({**third, "next": None}).encode())

    client = ballchasing_client(base_url=api.url, limits=())
    try:
        listed = list(list_replays(client, {"player-id": "steam:76561198000000000"}))
    finally:
        client.close()

    assert [entry["id"] for entry in listed] == [entry["id"] for entry in REPLAY_LIST["list"][:3]]
    assert api.keys_seen() == [KEY, KEY]
    assert elsewhere.keys_seen() == [] and len(elsewhere.seen) == 1


def test_the_riot_token_is_dropped_on_a_redirect_to_another_origin(origins, monkeypatch):
    api, elsewhere, answers = origins
    monkeypatch.setenv(RIOT_KEY_ENV, KEY)
    answers["api"]["/lol/match/v5/matches/EUW1_1"] = (302, {"Location": "/moved/EUW1_1"}, b"")
    answers["api"]["/moved/EUW1_1"] = (302, {"Location": f"{elsewhere.url}/cdn/EUW1_1"}, b"")
    answers["elsewhere"]["/cdn/EUW1_1"] = (200, {}, RIOT_MATCH)

    client = RiotClient(region="europe", base_url=api.url)
    try:
        assert client.match("EUW1_1") == RIOT_MATCH
    finally:
        client.close()

    assert api.keys_seen() == [KEY, KEY]
    assert [path for path, _ in elsewhere.seen] == ["/cdn/EUW1_1"]
    assert elsewhere.keys_seen() == []


def test_an_answer_compressed_in_transit_is_refused_once_it_expands_beyond_the_limit(origins, tmp_path, monkeypatch):
    """A 1 MB `Content-Encoding: gzip` answer that expands to 256 MiB (a hostile or broken API) is refused as soon as
    it passes `GAMESTATS_MAX_DECOMPRESSED_BYTES`, without ever being held whole; an answer within it is read."""
    api, _, answers = origins
    monkeypatch.setenv(MAX_DECOMPRESSED_ENV, str(8 * 1024**2))
    monkeypatch.setenv(PUBG_KEY_ENV, KEY)
    bomb = gzip.compress(b"0" * 256 * 1024**2, compresslevel=9)
    answers["api"]["/shards/steam/matches/bomb"] = (200, {"Content-Encoding": "gzip",
                                                          "Content-Type": "application/json"}, bomb)
    answers["api"]["/shards/steam/matches/small"] = (200, {"Content-Encoding": "gzip"},
                                                     gzip.compress(json.dumps(PUBG_MATCH).encode()))
    client = PubgClient(base_url=api.url)
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableInput, match="expands beyond"):
            client.api.get_json("/shards/steam/matches/bomb")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024**2
    assert client.api.get_json("/shards/steam/matches/small")["data"]["id"] == PUBG_MATCH["data"]["id"]
