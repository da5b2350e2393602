"""No input decides a path outside its folder: a dropped PUBG match object whose id climbs out of quarantine, and
match or replay ids the Riot, PUBG and ballchasing APIs answer with `../` or an absolute path, write nothing
outside the data folder; the bad id is refused with its reason and the good ones go on.

The APIs are local servers answering with the recorded samples of `fixtures/` (their ids replaced where the test
says so)."""

import gzip
import json
import shutil
from urllib.parse import urlsplit

import dagster as dg
import pytest

from gamestats_assets.definitions import defs
from gamestats_assets.defs.lol import domain as lol
from gamestats_assets.defs.pubg import domain as pubg
from gamestats_assets.defs.pubg.assets import landing_match_files
from gamestats_assets.defs.pubg.sensors import API_URL_ENV
from gamestats_assets.defs.rocket import domain as rocket
from gamestats_assets.lib.core.inputs import UnsafePath, inside
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.intake.quarantine import quarantine_records
from gamestats_assets.lib.publish.postgres import PostgresResource
from gamestats_assets.sources.ballchasing.client import TOKEN_ENV, URL_ENV
from gamestats_assets.sources.pubg.client import API_KEY_ENV as PUBG_KEY
from gamestats_assets_tests.conftest import FIXTURES
from gamestats_assets_tests.loopback import Quiet, serving

PUBG_MATCH = json.loads((FIXTURES / "pubg" / "pubg-python_match_response.json").read_text())
PUBG_ID = PUBG_MATCH["data"]["id"]
PUBG_PLAYER = next(i for i in PUBG_MATCH["included"] if i["type"] == "participant")["attributes"]["stats"]["playerId"]
RIOT_MATCH = (FIXTURES / "riot" / "match_v5_ranked.json").read_bytes()
RIOT_TIMELINE = (FIXTURES / "riot" / "match_v5_ranked_timeline.json").read_bytes()
RIOT_ID = "JP1_323466834"
PUUID = json.loads(RIOT_MATCH)["metadata"]["participants"][0]
GAME_DAY = "2021-08-16"
CLIMB = "../../../escape"
DEEPER = "../../../../escape"
DEEPEST = "../../../../../escape"


def outside(tmp_path, data_dir) -> list:
    """Every file the test's folder holds outside the data folder, and any file beside the test's folder (the
    test's folder is `<tmp>/<test>/`, its data folder `<tmp>/<test>/data/`)."""
    return sorted([p for p in tmp_path.rglob("*") if p.is_file() and data_dir not in p.parents]
                  + [p for p in tmp_path.parent.iterdir() if p.is_file() and not p.name.startswith(".")])


def platform_of() -> PlatformResource:
    return PlatformResource.from_settings(Settings.from_env())


class Recorded(Quiet):
    """One local server for the three APIs: `routes` maps a path to a body (bytes) or a JSON value; any
    `prefix*` route answers for every path that starts with the prefix."""

    routes: dict = {}

    def do_GET(self):
        path = urlsplit(self.path).path
        body = self.routes.get(path)
        if body is None:
            body = next((value for key, value in self.routes.items()
                         if key.endswith("*") and path.startswith(key[:-1])), None)
        if body is None:
            return self.answer(404, kind=None)
        self.answer(200, body if isinstance(body, bytes) else json.dumps(body).encode())


@pytest.fixture
def server():
    with serving(Recorded) as url:
        yield url


def test_the_path_helper_refuses_every_way_out(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "link").symlink_to(tmp_path)
    assert inside(root, "a", "b.json") == root.resolve() / "a" / "b.json"
    for parts in (("..", "x"), ("/etc/passwd",), ("a/../../x",), ("link", "x"), ("a\0b",)):
        with pytest.raises(UnsafePath):
            inside(root, *parts)
    with pytest.raises(UnsafePath):
        quarantine_records(root, [], "pubg", "../../../x", "telemetry")


def test_a_dropped_pubg_match_whose_id_climbs_out_is_quarantined_and_never_becomes_a_partition(
        platform_env, tmp_path):
    platform = platform_of()
    matches = platform.landing_dir("pubg") / "matches"
    matches.mkdir(parents=True)
    shutil.copy(FIXTURES / "pubg" / "pubg-python_match_response.json", matches / "good.json")
    (matches / "bad.json").write_text(json.dumps({**PUBG_MATCH, "data": {**PUBG_MATCH["data"], "id": CLIMB}}))
    instance = dg.DagsterInstance.ephemeral()

    result = pubg.sensor("pubg_landing_sensor")(dg.build_sensor_context(instance=instance,
                                                                         resources={"platform": platform}))

    assert [r.partition_key for r in result.run_requests] == [PUBG_ID]
    assert [k for r in result.dynamic_partitions_requests for k in r.partition_keys] == [PUBG_ID]
    instance.add_dynamic_partitions("pubg_match", [PUBG_ID])
    assert dg.materialize([landing_match_files], partition_key=PUBG_ID, instance=instance,
                          resources={"platform": platform}).success
    reason = json.loads((platform.quarantine_dir / "pubg" / "unkeyed" / "bad.json.reason.json").read_text())
    assert "not a PUBG match id" in reason["reason"] and "bad.json" in reason["reason"]
    assert outside(tmp_path, platform_env) == []


def test_ids_the_riot_api_answers_with_never_leave_the_landing_folder(server, platform_env, pg_url, tmp_path,
                                                                     monkeypatch):
    Recorded.routes = {
        f"/lol/match/v5/matches/by-puuid/{PUUID}/ids": [DEEPER + "_1", f"{tmp_path}/absolute_2", RIOT_ID],
        "/lol/match/v5/matches/*": RIOT_MATCH,
    }
    Recorded.routes.update({f"/lol/match/v5/matches/{RIOT_ID}/timeline": RIOT_TIMELINE})
    monkeypatch.setenv("GAMESTATS_RIOT_BASE_URL", server)
    monkeypatch.setenv("GAMESTATS_RIOT_API_KEY", "test-key")
    platform = platform_of()
    platform.roster_path("lol").parent.mkdir(parents=True)
    platform.roster_path("lol").write_text(f"player_id\nJP1/{PUUID}\n")
    context = dg.build_sensor_context(instance=dg.DagsterInstance.ephemeral(), definitions=defs,
                                      cursor=json.dumps({"checked_at": "2021-08-15T00:00:00+00:00"}),
                                      resources={"platform": platform, "postgres": PostgresResource(url=pg_url)})

    result = lol.sensor("lol_riot_discovery")(context)

    assert [r.partition_key for r in result.run_requests] == [GAME_DAY]
    assert sorted(p.name for p in (platform.landing_dir("lol") / GAME_DAY).iterdir()) == [
        f"{RIOT_ID}.json", f"{RIOT_ID}_league.json", f"{RIOT_ID}_timeline.json"]
    assert outside(tmp_path, platform_env) == []


def test_ids_the_pubg_api_answers_with_never_leave_the_landing_folder(server, platform_env, tmp_path, monkeypatch):
    document = json.loads(json.dumps(PUBG_MATCH))
    next(i for i in document["included"] if i["type"] == "asset")["attributes"]["URL"] = f"{server}/telemetry/x.json"
    Recorded.routes = {
        "/shards/steam/players": {"data": [{"type": "player", "id": PUBG_PLAYER, "relationships": {"matches": {
            "data": [{"type": "match", "id": DEEPER}, {"type": "match", "id": PUBG_ID}]}}}]},
        "/shards/steam/matches/*": document,
        "/telemetry*": gzip.compress(b"[]"),
    }
    monkeypatch.setenv(API_URL_ENV, server)
    monkeypatch.setenv(PUBG_KEY, "test-key")
    platform = platform_of()
    platform.roster_path("pubg").parent.mkdir(parents=True)
    platform.roster_path("pubg").write_text(f"player_id\n{PUBG_PLAYER}\n")

    instance = dg.DagsterInstance.ephemeral()
    for name in ("pubg_api_discovery", "pubg_api_download"):
        result = pubg.sensor(name)(dg.build_sensor_context(instance=instance, resources={"platform": platform}))

    assert [r.partition_key for r in result.run_requests] == [PUBG_ID]
    assert (platform.landing_dir("pubg") / "matches" / f"{PUBG_ID}.json").exists()
    assert outside(tmp_path, platform_env) == []


def test_replay_ids_ballchasing_answers_with_never_leave_the_landing_folder(server, platform_env, tmp_path,
                                                                           monkeypatch):
    good = "7e398e27-df86-479d-906b-e78660a04700"
    entries = [{"id": replay_id, "date": "2024-03-02T20:00:00Z"}
               for replay_id in (DEEPEST, "../sibling", str(tmp_path / "absolute"), good)]
    Recorded.routes = {"/replays": {"list": entries}, "/replays/*": {"id": good}}
    monkeypatch.setenv(URL_ENV, server)
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    platform = platform_of()
    platform.roster_path("rocket").parent.mkdir(parents=True)
    platform.roster_path("rocket").write_text("player_id\nsteam:76561198000000000\n")
    instance = dg.DagsterInstance.ephemeral()
    context = dg.build_sensor_context(instance=instance, definitions=defs,
                                      resources={"platform": platform, "postgres": PostgresResource()})

    tracked = rocket.sensor("rocket_newly_tracked_players")(context)
    discovered = rocket.sensor("rocket_ballchasing_discovery")(
        dg.build_sensor_context(instance=instance, cursor=json.dumps({"steam:76561198000000000": "2024-01-01T00:00:00+00:00"}),
                                resources={"platform": platform}))

    assert tracked.run_requests and discovered is not None
    day = platform.landing_dir("rocket") / "2024-03-02"
    assert sorted(p.name for p in day.rglob("*") if p.is_file()) == [f"{good}.json"]
    assert outside(tmp_path, platform_env) == []
