"""The live ballchasing client and sensors against a local server answering with the recorded responses."""

import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import dagster as dg
import pytest
from dagster._core.definitions.events import AssetKeyPartitionKey

from gamestats_assets.definitions import location_resources
from gamestats_assets.defs.rocket import domain
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.intake.http import MissingApiKey
from gamestats_assets.lib.intake.tracking import PLAYER_TAG
from gamestats_assets.lib.publish.postgres import PostgresResource
from gamestats_assets.sources.ballchasing.client import (
    TOKEN_ENV,
    URL_ENV,
    ballchasing_client,
    land_player_replays,
    played_day,
)
from gamestats_assets.sources.ballchasing.replay_json import parse_replay_json
from gamestats_assets_tests.lib.test_sensors import spans
from gamestats_assets_tests.loopback import Quiet, serving
from gamestats_assets_tests.rocket.conftest import BALLCHASING

PLAYER = "9152ab3ef0bd44b59de47ca639ca7010"
ENTRIES = 3
TOKEN = "test-token-123"


class _Ballchasing(Quiet):
    """`GET /replays` (two pages: the recorded page's first entries played after `replay-date-after`, as
    ballchasing filters them, then an empty one) and `GET /replays/{id}` (the recorded replay under the
    requested id); every request is recorded."""

    page = json.loads((BALLCHASING / "replay-list.json").read_text())
    replay = json.loads((BALLCHASING / "replay.json").read_text())
    seen: list[tuple[str, dict, str | None]] = []

    def do_GET(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        self.seen.append((url.path, query, self.headers.get("Authorization")))
        if url.path == "/replays" and "page" not in query:
            after = dt.datetime.fromisoformat(query.get("replay-date-after", ["0001-01-01T00:00:00Z"])[0])
            entries = [e for e in self.page["list"][:ENTRIES] if dt.datetime.fromisoformat(e["date"]) > after]
            body = {**self.page, "list": entries,
                    "next": f"http://{self.headers['Host']}/replays?page=2"}
        elif url.path == "/replays":
            body = {"count": ENTRIES, "list": []}
        else:
            body = {**self.replay, "id": url.path.rsplit("/", 1)[-1]}
        self.answer(200, json.dumps(body).encode())


@pytest.fixture
def server():
    _Ballchasing.seen = []
    with serving(_Ballchasing) as url:
        yield url


def test_a_players_replays_are_listed_page_by_page_fetched_and_landed(server, tmp_path, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    client = ballchasing_client(server, limits=())
    landed = land_player_replays(client, tmp_path, PLAYER)
    entries = _Ballchasing.page["list"][:ENTRIES]
    assert sorted(landed) == sorted({played_day(e).isoformat() for e in entries})
    files = [path for paths in landed.values() for path in paths]
    assert sorted(p.stem for p in files) == sorted(e["id"] for e in entries)
    for path in files:
        assert parse_replay_json(json.loads(path.read_text())).ballchasing_id == path.stem
    listing = [query for path, query, _ in _Ballchasing.seen if path == "/replays"]
    assert listing[0]["player-id"] == [f"epic:{PLAYER}"] and listing[1]["page"] == ["2"]
    assert {auth for _, _, auth in _Ballchasing.seen} == {TOKEN}
    assert land_player_replays(client, tmp_path, PLAYER) == {}


def test_without_a_token_nothing_is_requested(server, tmp_path, monkeypatch):
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    with pytest.raises(MissingApiKey, match=TOKEN_ENV):
        land_player_replays(ballchasing_client(server, limits=()), tmp_path, PLAYER)
    assert _Ballchasing.seen == []


def sensor(name):
    return domain.sensor(name)


def test_the_discovery_sensor_lands_tracked_players_new_replays_and_runs_their_days(server, platform_env, monkeypatch):
    monkeypatch.setenv(URL_ENV, server)
    platform = PlatformResource.from_settings(Settings.from_env())
    platform.roster_path("rocket").parent.mkdir(parents=True)
    platform.roster_path("rocket").write_text(f"player_id\n{PLAYER}\n")
    discovery = sensor("rocket_ballchasing_discovery")
    instance = dg.DagsterInstance.ephemeral()
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    skipped = discovery(dg.build_sensor_context(instance=instance, resources={"platform": platform}))
    assert TOKEN_ENV in skipped.skip_message
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    first = discovery(dg.build_sensor_context(instance=instance, resources={"platform": platform}))
    assert not first.run_requests and PLAYER in json.loads(first.cursor)
    looked = json.dumps({PLAYER: "2025-01-01T00:00:00+00:00"})
    result = discovery(dg.build_sensor_context(instance=instance, resources={"platform": platform}, cursor=looked))
    days = {played_day(e).isoformat() for e in _Ballchasing.page["list"][:ENTRIES]}
    ranges = spans(result.run_requests)
    assert all(first in days and last in days for first, last in ranges)
    assert {day for day in days if any(first <= day <= last for first, last in ranges)} == days
    for day in days:
        assert list((platform.landing_dir("rocket") / day / "ballchasing").glob("*.json"))
    assert PLAYER in json.loads(result.cursor)


def test_a_newly_tracked_player_gets_one_backfill_over_their_history(server, platform_env, pg_url, monkeypatch):
    monkeypatch.setenv(URL_ENV, server)
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    settings = Settings.from_env()
    resources = {**location_resources(settings), "postgres": PostgresResource(url=pg_url)}
    platform = resources["platform"]
    platform.roster_path("rocket").parent.mkdir(parents=True)
    platform.roster_path("rocket").write_text(f"player_id\n{PLAYER}\n")
    tracked = sensor("rocket_newly_tracked_players")
    definitions = dg.Definitions.merge(domain.defs, dg.Definitions(resources=resources))
    context = dg.build_sensor_context(instance=dg.DagsterInstance.ephemeral(), resources=resources,
                                      definitions=definitions)
    [request] = tracked(context).run_requests
    assert request.requires_backfill_daemon() and request.tags[PLAYER_TAG] == PLAYER
    days = {played_day(e).isoformat() for e in _Ballchasing.page["list"][:ENTRIES]}
    assert set(request.asset_graph_subset.iterate_asset_partitions()) == {
        AssetKeyPartitionKey(key, day) for key in domain.wiring.keys["daily"] for day in days}
