"""One bad roster row never blocks a domain: an id of 100 000 characters, an unknown platform `XX/`, an id with a
comma wait with their reason on the tick, cut short in the message, while the other players are processed and
the cursor advances (`lol_riot_discovery`, `lol_newly_tracked_players`, `pubg_api_discovery`,
`rocket_ballchasing_discovery`).

The APIs are local servers answering with the recorded samples of `fixtures/`; the PUBG one refuses a malformed
player id with HTTP 400, and any server refuses a request line of 100 000 characters (HTTP 414)."""

import datetime as dt
import gzip
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import dagster as dg
import pytest

from gamestats_assets.definitions import defs
from gamestats_assets.defs.lol import domain as lol
from gamestats_assets.defs.lol import sensors as lol_sensors
from gamestats_assets.defs.pubg import domain as pubg
from gamestats_assets.defs.pubg.sensors import API_URL_ENV
from gamestats_assets.defs.rocket import domain as rocket
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.postgres import PostgresResource
from gamestats_assets.sources.ballchasing.client import TOKEN_ENV, URL_ENV
from gamestats_assets.sources.pubg.client import API_KEY_ENV as PUBG_KEY
from gamestats_assets_tests.conftest import FIXTURES
from gamestats_assets_tests.rocket.test_live import _Ballchasing

RIOT_MATCH = (FIXTURES / "riot" / "match_v5_ranked.json").read_bytes()
RIOT_TIMELINE = (FIXTURES / "riot" / "match_v5_ranked_timeline.json").read_bytes()
RIOT_ID = "JP1_323466834"
PUUID = json.loads(RIOT_MATCH)["metadata"]["participants"][0]
GAME_DAY = "2021-08-16"
PUBG_MATCH = json.loads((FIXTURES / "pubg" / "pubg-python_match_response.json").read_text())
PUBG_ID = PUBG_MATCH["data"]["id"]
PUBG_PLAYER = next(i for i in PUBG_MATCH["included"] if i["type"] == "participant")["attributes"]["stats"]["playerId"]
LONG = "p" * 100_000
ACCOUNT_ID = re.compile(r"account\.[0-9a-f]{32}")


class Recorded(BaseHTTPRequestHandler):
    """Riot match-v5 for one puuid and one game, and PUBG players, matches and telemetry for one player."""

    base = ""

    def do_GET(self):
        url = urlsplit(self.path)
        ids = parse_qs(url.query).get("filter[playerIds]", [""])[0].split(",")
        if url.path == "/shards/steam/players" and not all(ACCOUNT_ID.fullmatch(i) for i in ids):
            return self.answer(400, {"errors": [{"title": "Bad Request"}]})
        routes = {
            f"/lol/match/v5/matches/by-puuid/{PUUID}/ids": [RIOT_ID] if "start=0" in url.query else [],
            f"/lol/match/v5/matches/{RIOT_ID}": RIOT_MATCH,
            f"/lol/match/v5/matches/{RIOT_ID}/timeline": RIOT_TIMELINE,
            "/shards/steam/players": {"data": [{"type": "player", "id": PUBG_PLAYER, "relationships": {
                "matches": {"data": [{"type": "match", "id": PUBG_ID}]}}}]},
            f"/shards/steam/matches/{PUBG_ID}": pubg_match(self.base),
            "/telemetry.json": gzip.compress(b"[]"),
        }
        if url.path not in routes:
            return self.answer(404, {"status": {"message": "Data not found", "status_code": 404}})
        self.answer(200, routes[url.path])

    def answer(self, status: int, body) -> None:
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


def pubg_match(base: str) -> dict:
    document = json.loads(json.dumps(PUBG_MATCH))
    next(i for i in document["included"] if i["type"] == "asset")["attributes"]["URL"] = f"{base}/telemetry.json"
    return document


@pytest.fixture
def server(monkeypatch):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorded)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    Recorded.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    for name, value in {"GAMESTATS_RIOT_BASE_URL": Recorded.base, "GAMESTATS_RIOT_API_KEY": "test-key",
                        API_URL_ENV: Recorded.base, PUBG_KEY: "test-key"}.items():
        monkeypatch.setenv(name, value)
    yield Recorded.base
    httpd.shutdown()


def with_roster(domain: str, players: list[str]) -> PlatformResource:
    platform = PlatformResource.from_settings(Settings.from_env())
    platform.roster_path(domain).parent.mkdir(parents=True, exist_ok=True)
    platform.roster_path(domain).write_text("player_id\n" + "".join(f'"{p}"\n' for p in players))
    return platform


def context(platform, pg_url, cursor=None, instance=None):
    return dg.build_sensor_context(instance=instance or dg.DagsterInstance.ephemeral(), cursor=cursor,
                                   definitions=defs,
                                   resources={"platform": platform, "postgres": PostgresResource(url=pg_url)})


BAD_LOL = [LONG, "XX/abc", "abc,def"]
GOOD_LOL = f"JP1/{PUUID}"


def test_bad_lol_roster_rows_wait_with_their_reason_and_the_others_are_backfilled(server, platform_env, pg_url,
                                                                                monkeypatch):
    monkeypatch.setattr(lol_sensors, "BACKFILL_DAYS", (dt.date.today() - dt.date(2021, 8, 10)).days)
    platform = with_roster("lol", [*BAD_LOL, GOOD_LOL])
    sensor = lol.sensor("lol_newly_tracked_players")
    instance = dg.DagsterInstance.ephemeral()

    first = sensor(context(platform, pg_url, instance=instance))
    again = sensor(context(platform, pg_url, first.cursor, instance))

    [request] = first.run_requests
    assert {key.partition_key for key in request.asset_graph_subset.iterate_asset_partitions()} == {GAME_DAY}
    assert json.loads(first.cursor) == [GOOD_LOL]
    assert json.loads(again.cursor) == [GOOD_LOL] and not again.run_requests
    message = again.skip_reason.skip_message
    assert "unknown Riot platform 'XX'" in message and "not a Riot ID (Name#TAG) or puuid: 'abc,def'" in message
    assert f"{'p' * 80}... (100000 characters) waits" in message and len(message) < 2000


def test_bad_lol_roster_rows_never_stop_the_discovery_of_the_others(server, platform_env, pg_url):
    platform = with_roster("lol", [*BAD_LOL, GOOD_LOL])
    cursor = json.dumps({"checked_at": "2021-08-15T00:00:00+00:00"})

    result = lol.sensor("lol_riot_discovery")(context(platform, pg_url, cursor))

    assert [r.partition_key for r in result.run_requests] == [GAME_DAY]
    assert (platform.landing_dir("lol") / GAME_DAY / f"{RIOT_ID}.json").exists()
    assert json.loads(result.cursor)["checked_at"] > "2021-08-15"


def test_bad_pubg_roster_rows_never_stop_the_discovery_of_the_others(server, platform_env, pg_url):
    comma = f"{PUBG_PLAYER},account.{'0' * 32}"
    platform = with_roster("pubg", [LONG, comma, "account.../../x", PUBG_PLAYER])

    result = pubg.sensor("pubg_api_discovery")(context(platform, pg_url))
    download = pubg.sensor("pubg_api_download")(context(platform, pg_url))

    assert [r.partition_key for r in download.run_requests] == [PUBG_ID]
    assert (platform.landing_dir("pubg") / "matches" / f"{PUBG_ID}.json").exists()
    assert json.loads(result.cursor) == {"next": 0}


@pytest.fixture
def ballchasing():
    """ballchasing's API on loopback, answering the recorded list and replay whatever player is asked for."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Ballchasing)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_bad_rocket_roster_rows_never_stop_the_discovery_of_the_others(ballchasing, platform_env, pg_url, monkeypatch):
    monkeypatch.setenv(URL_ENV, ballchasing)
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    good = "steam:76561198000000000"
    platform = with_roster("rocket", [LONG, "epic:a,b", "steam:../x", good])
    since = "2015-01-01T00:00:00+00:00"
    cursor = json.dumps({player: since for player in (LONG, "epic:a,b", "steam:../x", good)})

    result = rocket.sensor("rocket_ballchasing_discovery")(context(platform, pg_url, cursor))

    assert result.run_requests and list((platform.landing_dir("rocket")).glob("*/*/*.json"))
    looked = json.loads(result.cursor)
    assert looked[good] > since and all(looked[bad] == since for bad in (LONG, "epic:a,b", "steam:../x"))
