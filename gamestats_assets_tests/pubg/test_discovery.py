"""The PUBG sensors together: one run per new match whichever sensor saw it first, API discovery ticks
bounded in requests and continuing from their cursor, and download ticks bounded in time, a match left or failed
taken up by a later tick. The process's shared rate limiter is emptied
where the test stands for a minute passing between ticks."""

import json
import threading
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import dagster as dg
import pytest

from gamestats_assets.defs.pubg import sensors
from gamestats_assets.defs.pubg.assets import first_discovery
from gamestats_assets.defs.pubg.sensors import API_URL_ENV, requests_per_tick
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.intake import http
from gamestats_assets.sources.pubg.client import API_KEY_ENV, RATE_ENV
from gamestats_assets_tests.pubg.conftest import MATCH_FILES
from gamestats_assets_tests.pubg.test_live import MATCH_ID, PLAYER, SENSOR, _Api

TOURNAMENT_PLAYERS = [PLAYER, *(f"account.{n:032x}" for n in range(127))]


class _Players(_Api):
    """The recorded match and telemetry, and a players answer for whichever ids are asked: the sample
    match for the sample player, none for the others."""

    failing = False
    """When set by a test, the telemetry answers 404: a download that fails."""

    def do_GET(self):
        url = urlsplit(self.path)
        if self.failing and url.path.startswith("/telemetry/"):
            self.send_response(404)
            self.end_headers()
            return
        if not url.path.startswith("/shards/steam/players"):
            return super().do_GET()
        self.seen.append((self.path, self.headers.get("Authorization")))
        ids = parse_qs(url.query)["filter[playerIds]"][0].split(",")
        body = json.dumps({"data": [{"type": "player", "id": account, "attributes": {"name": account},
                                     "relationships": {"matches": {"data": [{"type": "match", "id": MATCH_ID}]
                                                                   if account == PLAYER else []}}}
                                    for account in ids]}).encode()
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def api(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Players)
    _Players.base, _Players.seen = f"http://127.0.0.1:{server.server_port}", []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv(API_URL_ENV, _Players.base)
    monkeypatch.setenv(API_KEY_ENV, "secret-key")
    monkeypatch.setenv(RATE_ENV, "10")
    monkeypatch.setattr(http, "SHARED_LIMITERS", {})
    yield _Players
    server.shutdown()


@pytest.fixture
def platform(platform_env):
    platform = PlatformResource.from_settings(Settings.from_env())
    folder = platform.landing_dir("pubg") / "tournament"
    folder.mkdir(parents=True)
    (folder / "S1.json").write_text(json.dumps({"season": {"season_id": "S1"}, "teams": [
        {"team_name": f"T{n}", "division_id": "Pro", "group_id": "A",
         "players": [{"account_id": account, "name": account} for account in TOURNAMENT_PLAYERS[n::32]]}
        for n in range(32)], "rounds": [], "schedule": []}))
    platform.roster_path("pubg").parent.mkdir(parents=True)
    platform.roster_path("pubg").write_text(f"player_id\n{PLAYER}\n")
    return platform


def tick(name, platform, instance, cursor=None):
    return SENSOR[name](dg.build_sensor_context(instance=instance, cursor=cursor, resources={"platform": platform}))


def requested(result) -> int:
    return len(result.run_requests or []) if isinstance(result, dg.SensorResult) else 0


def test_every_sensor_over_one_new_match_requests_one_run(api, platform):
    instance, cursor, runs = dg.DagsterInstance.ephemeral(), None, []
    for _ in range(3):
        http.SHARED_LIMITERS.clear()
        result = tick("pubg_tournament_discovery", platform, instance, cursor)
        runs.append(requested(result))
        cursor = result.cursor
    http.SHARED_LIMITERS.clear()
    runs += [requested(tick(name, platform, instance)) for name in (
        "pubg_tournament_download", "pubg_api_discovery", "pubg_api_download", "pubg_tournament_download",
        "pubg_landing_sensor")]
    assert runs == [0, 0, 0, 1, 0, 0, 0, 0]


def test_a_match_dropped_into_landing_first_is_not_fetched_or_run_again(api, platform):
    instance = dg.DagsterInstance.ephemeral()
    match = next(document for document in map(json.loads, (path.read_text() for path in MATCH_FILES))
                 if document["data"]["id"] == MATCH_ID)
    (platform.landing_dir("pubg") / "matches").mkdir(parents=True)
    (platform.landing_dir("pubg") / "matches" / "dropped.json").write_text(json.dumps(match))
    assert requested(tick("pubg_landing_sensor", platform, instance)) == 1
    assert [requested(tick(name, platform, instance)) for name in (
        "pubg_tournament_discovery", "pubg_api_discovery", "pubg_tournament_download", "pubg_api_download")] == [0] * 4
    assert not any(path.startswith(f"/shards/steam/matches/{MATCH_ID}") for path, _ in api.seen)
    assert first_discovery(platform, MATCH_ID) == "landing"


def test_a_tick_over_128_players_is_bounded_and_the_next_ticks_cover_the_rest(api, platform, monkeypatch):
    instance, cursor, asked = dg.DagsterInstance.ephemeral(), None, []
    for _ in range(3):
        monkeypatch.setattr(http, "SHARED_LIMITERS", {})
        before = len(api.seen)
        result = tick("pubg_tournament_discovery", platform, instance, cursor)
        calls = [path for path, _ in api.seen[before:] if path.startswith("/shards/steam/players")]
        assert len(calls) <= requests_per_tick() == 5 and len(calls) == len(api.seen) - before
        asked += [account for path in calls for account in parse_qs(urlsplit(path).query)["filter[playerIds]"][0].split(",")]
        cursor = result.cursor
    assert set(asked) == set(TOURNAMENT_PLAYERS) and len(asked) == 3 * 5 * 10
    assert first_discovery(platform, MATCH_ID) == "tournament"


def discover_every_player(platform, instance):
    """The tournament discovery's ticks over all its players: the new match recorded, nothing downloaded."""
    cursor = None
    for _ in range(3):
        http.SHARED_LIMITERS.clear()
        cursor = tick("pubg_tournament_discovery", platform, instance, cursor).cursor
    assert first_discovery(platform, MATCH_ID) == "tournament"


def test_a_download_tick_past_its_time_leaves_the_match_to_the_next(api, platform, monkeypatch):
    instance = dg.DagsterInstance.ephemeral()
    discover_every_player(platform, instance)
    monkeypatch.setattr(sensors, "DOWNLOAD_SECONDS_PER_TICK", -1.0)
    assert requested(tick("pubg_tournament_download", platform, instance)) == 0
    assert not (platform.landing_dir("pubg") / "matches").exists()
    monkeypatch.setattr(sensors, "DOWNLOAD_SECONDS_PER_TICK", 30.0)
    result = tick("pubg_tournament_download", platform, instance)
    assert [request.partition_key for request in result.run_requests] == [MATCH_ID]
    assert (platform.landing_dir("pubg") / "telemetry" / f"{MATCH_ID}.raw.json.gz").is_file()


def test_a_match_the_api_fails_on_waits_and_is_downloaded_by_a_later_tick(api, platform, monkeypatch):
    instance = dg.DagsterInstance.ephemeral()
    discover_every_player(platform, instance)
    monkeypatch.setattr(api, "failing", True)
    failed = tick("pubg_tournament_download", platform, instance)
    assert requested(failed) == 0 and not (platform.landing_dir("pubg") / "telemetry").exists()
    monkeypatch.setattr(api, "failing", False)
    assert [r.partition_key for r in tick("pubg_tournament_download", platform, instance, failed.cursor).run_requests] == [
        MATCH_ID]
