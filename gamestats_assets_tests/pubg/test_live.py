"""The live PUBG client and the API discovery sensors against a local HTTP server.

The server answers with the real recorded match response (fixtures/pubg, its telemetry URL pointed at the
server) and the real telemetry excerpt as a gzip JSON array. No players response was recorded, so the
players answer is written here in the documented JSON:API shape, listing the sample match.
"""

import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dagster as dg
import pytest

from gamestats_assets.defs.pubg import domain
from gamestats_assets.defs.pubg.assets import first_discovery
from gamestats_assets.defs.pubg.sensors import API_URL_ENV
from gamestats_assets.defs.pubg.transforms.discovery import DISCOVERY_PRIORITY
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.sources.pubg.client import API_KEY_ENV, PubgClient
from gamestats_assets.sources.pubg.match import read_match
from gamestats_assets.sources.pubg.telemetry import read_telemetry
from gamestats_assets_tests.pubg.conftest import MATCH_FILES, TELEMETRY_FILES

MATCH = json.loads(MATCH_FILES[0].read_text())
MATCH_ID = MATCH["data"]["id"]
PLAYER = next(i for i in MATCH["included"] if i["type"] == "participant")["attributes"]["stats"]["playerId"]
EVENTS = [json.loads(line) for path in TELEMETRY_FILES for line in path.read_text().splitlines() if line.strip()]
SENSOR = {sensor.name: sensor for sensor in domain.defs.sensors}


class _Api(BaseHTTPRequestHandler):
    base = ""
    seen: list[tuple[str, str | None]] = []
    hold: threading.Event | None = None
    """When set by a test, the telemetry answers only once it is released: a download that never ends."""

    def do_GET(self):
        self.seen.append((self.path, self.headers.get("Authorization")))
        if self.path.startswith("/telemetry/") and self.hold is not None:
            self.hold.wait()
        if self.path.startswith("/shards/steam/players"):
            body = json.dumps({"data": [{"type": "player", "id": PLAYER, "attributes": {"name": "EllasticHeart"},
                                         "relationships": {"matches": {"data": [{"type": "match", "id": MATCH_ID}]}}}],
                               "links": {}, "meta": {}}).encode()
        elif self.path == f"/shards/steam/matches/{MATCH_ID}":
            document = json.loads(json.dumps(MATCH))
            asset = next(i for i in document["included"] if i["type"] == "asset")
            asset["attributes"]["URL"] = f"{self.base}/telemetry/{MATCH_ID}-telemetry.json"
            body = json.dumps(document).encode()
        elif self.path.startswith("/telemetry/"):
            body = gzip.compress(json.dumps(EVENTS).encode())
        else:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def api(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    _Api.base, _Api.seen = f"http://127.0.0.1:{server.server_port}", []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv(API_URL_ENV, _Api.base)
    yield _Api
    server.shutdown()


def test_the_client_lists_recent_matches_and_downloads_match_and_telemetry(api, tmp_path, monkeypatch):
    monkeypatch.setenv(API_KEY_ENV, "secret-key")
    client = PubgClient(base_url=api.base)
    assert client.recent_matches(account_ids=[PLAYER]) == {PLAYER: [MATCH_ID]}
    match_path, telemetry_path = client.download(MATCH_ID, tmp_path)
    client.close()
    assert read_match(match_path).participants.height == 91
    assert telemetry_path.name == f"{MATCH_ID}.raw.json.gz"
    assert json.loads(gzip.decompress(telemetry_path.read_bytes())) == EVENTS
    assert read_telemetry(telemetry_path).event_counts["events"].sum() == len(EVENTS) == 98
    assert api.seen[0][0] == f"/shards/steam/players?filter%5BplayerIds%5D={PLAYER}"
    assert all(auth == "Bearer secret-key" for _, auth in api.seen)


def tick(name, platform, instance, cursor=None):
    return SENSOR[name](dg.build_sensor_context(instance=instance, cursor=cursor, resources={"platform": platform}))


def test_api_discovery_skips_without_a_key(api, platform_env, monkeypatch):
    monkeypatch.delenv(API_KEY_ENV, raising=False)
    result = tick("pubg_api_discovery", PlatformResource.from_settings(Settings.from_env()), dg.DagsterInstance.ephemeral())
    assert isinstance(result, dg.SkipReason) and API_KEY_ENV in result.skip_message


@pytest.fixture
def tracked(api, platform_env, monkeypatch):
    monkeypatch.setenv(API_KEY_ENV, "secret-key")
    platform = PlatformResource.from_settings(Settings.from_env())
    platform.roster_path("pubg").parent.mkdir(parents=True)
    platform.roster_path("pubg").write_text(f"player_id\n{PLAYER}\n")
    return platform


def test_api_discovery_records_new_matches_and_downloads_nothing(api, tracked):
    result = tick("pubg_api_discovery", tracked, dg.DagsterInstance.ephemeral())
    assert not result.run_requests and "1 new matches recorded" in result.skip_reason.skip_message
    assert first_discovery(tracked, MATCH_ID) == "api"
    assert [path for path, _ in api.seen if not path.startswith("/shards/steam/players")] == []
    assert not (tracked.landing_dir("pubg") / "matches").exists()
    assert not (tracked.landing_dir("pubg") / "telemetry").exists()


def test_a_telemetry_server_that_never_answers_holds_no_discovery(api, tracked, monkeypatch):
    released = threading.Event()
    monkeypatch.setattr(api, "hold", released)
    instance = dg.DagsterInstance.ephemeral()
    try:
        first = tick("pubg_api_discovery", tracked, instance)
        again = tick("pubg_api_discovery", tracked, instance, first.cursor)
    finally:
        released.set()
    assert first_discovery(tracked, MATCH_ID) == "api"
    assert "1 new matches recorded" in first.skip_reason.skip_message and "0 new matches recorded" in again.skip_reason.skip_message
    assert not any(path.startswith("/telemetry/") for path, _ in api.seen)
    [request] = tick("pubg_api_download", tracked, instance).run_requests
    assert request.partition_key == MATCH_ID


def test_the_download_lands_raw_gzip_telemetry_once_and_requests_a_run(api, tracked):
    instance = dg.DagsterInstance.ephemeral()
    tick("pubg_api_discovery", tracked, instance)
    result = tick("pubg_api_download", tracked, instance)
    [request] = result.run_requests
    assert request.partition_key == MATCH_ID
    assert request.tags["discovered_by"] == "api"
    assert request.tags["dagster/priority"] == str(DISCOVERY_PRIORITY["api"]) == "0"
    assert [key for r in result.dynamic_partitions_requests for key in r.partition_keys] == [MATCH_ID]
    landing = tracked.landing_dir("pubg")
    assert sorted(path.name for path in (landing / "telemetry").iterdir()) == [f"{MATCH_ID}.raw.json.gz"]
    telemetry = landing / "telemetry" / f"{MATCH_ID}.raw.json.gz"
    assert json.loads(gzip.decompress(telemetry.read_bytes())) == EVENTS
    stamp = telemetry.stat().st_mtime_ns
    again = tick("pubg_api_download", tracked, instance, result.cursor)
    assert again.run_requests in (None, [])
    client = PubgClient(base_url=api.base)
    try:
        assert client.land_telemetry(MATCH_ID, f"{api.base}/telemetry/{MATCH_ID}-telemetry.json", landing) == telemetry
    finally:
        client.close()
    assert sorted(path.name for path in (landing / "telemetry").iterdir()) == [f"{MATCH_ID}.raw.json.gz"]
    assert telemetry.stat().st_mtime_ns == stamp
    assert sum(path.startswith("/telemetry/") for path, _ in api.seen) == 1


def test_tournament_discovery_runs_first(api, platform_env, monkeypatch):
    monkeypatch.setenv(API_KEY_ENV, "secret-key")
    platform = PlatformResource.from_settings(Settings.from_env())
    folder = platform.landing_dir("pubg") / "tournament"
    folder.mkdir(parents=True)
    (folder / "S1.json").write_text(json.dumps({"season": {"season_id": "S1"}, "teams": [
        {"team_name": "T", "division_id": "Pro", "group_id": "A", "players": [{"account_id": PLAYER, "name": "x"}]}],
        "rounds": [], "schedule": []}))
    instance = dg.DagsterInstance.ephemeral()
    tick("pubg_tournament_discovery", platform, instance)
    assert tick("pubg_api_download", platform, instance).run_requests in (None, [])
    [request] = tick("pubg_tournament_download", platform, instance).run_requests
    assert request.tags["discovered_by"] == "tournament"
    assert request.tags["dagster/priority"] == str(DISCOVERY_PRIORITY["tournament"]) == "10"
