"""The live Riot client and the lol sensors against a local server that serves the recorded match-v5 answers,
and the Data Dragon client against one that serves recorded Data Dragon files.

The match and timeline are the real recorded responses of JP1_323466834; the account and match-id list
answers (not among the recordings) are written here in the documented account-v1 and match-v5 shapes.
"""

import datetime as dt
import json
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from gamestats_assets.definitions import defs
from gamestats_assets.defs.lol import domain, sensors
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.intake.http import ApiError
from gamestats_assets.lib.publish.postgres import PostgresResource
from gamestats_assets.sources.riot import ddragon
from gamestats_assets.sources.riot.client import DataDragonClient, RiotClient, land_player_games, region_of
from gamestats_assets.sources.riot.parse import parse_folder
from gamestats_assets_tests.loopback import Quiet, serving

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "riot"
MATCH_ID = "JP1_323466834"
PUUID = json.loads((FIXTURES / "match_v5_ranked.json").read_text())["metadata"]["participants"][0]
GAME_DAY = "2021-08-16"


class RecordedRiot(Quiet):
    """Answers like asia.api.riotgames.com for one player and one game; counts requests; wants the key."""

    requests: list[str] = []

    def do_GET(self):
        type(self).requests.append(self.path)
        if self.headers.get("X-Riot-Token") != "test-key":
            return self.answer(403, b'{"status": {"message": "Forbidden", "status_code": 403}}')
        path = self.path.split("?")[0]
        routes = {
            "/riot/account/v1/accounts/by-riot-id/Faker%20Jr/JP1": json.dumps(
                {"puuid": PUUID, "gameName": "Faker Jr", "tagLine": "JP1"}).encode(),
            f"/lol/match/v5/matches/by-puuid/{PUUID}/ids": json.dumps(
                [MATCH_ID] if "start=0" in self.path else []).encode(),
            f"/lol/match/v5/matches/{MATCH_ID}": (FIXTURES / "match_v5_ranked.json").read_bytes(),
            f"/lol/match/v5/matches/{MATCH_ID}/timeline": (FIXTURES / "match_v5_ranked_timeline.json").read_bytes(),
            f"/lol/league/v4/entries/by-puuid/{PUUID}": b"[]",
        }
        if path not in routes:
            return self.answer(404, b'{"status": {"message": "Data not found", "status_code": 404}}')
        self.answer(200, routes[path])


@pytest.fixture
def riot(monkeypatch):
    RecordedRiot.requests = []
    with serving(RecordedRiot) as url:
        monkeypatch.setenv("GAMESTATS_RIOT_BASE_URL", url)
        monkeypatch.setenv("GAMESTATS_RIOT_API_KEY", "test-key")
        yield url


def test_riot_id_to_landing_files_that_parse(riot, tmp_path):
    client = RiotClient(region_of("JP1"), base_url=riot)
    days = land_player_games(client, "Faker Jr#JP1", tmp_path, dt.datetime(2021, 8, 1, tzinfo=dt.UTC))
    assert days == [dt.date(2021, 8, 16)]
    folder = tmp_path / GAME_DAY
    assert sorted(p.name for p in folder.iterdir()) == [f"{MATCH_ID}.json", f"{MATCH_ID}_league.json",
                                                        f"{MATCH_ID}_timeline.json"]
    league = [r for r in RecordedRiot.requests if r.startswith("/lol/league/v4/entries/by-puuid/")]
    assert len(league) == 10 and json.loads((folder / f"{MATCH_ID}_league.json").read_bytes()) == [], \
        "each player's entries asked for on the platform's host; unranked (or unanswered) players add none"
    matches, timelines = parse_folder(folder)
    assert matches.matches["match_id"].to_list() == [MATCH_ID] and timelines.events.height == 1280
    again = land_player_games(client, "Faker Jr#JP1", tmp_path, dt.datetime(2021, 8, 1, tzinfo=dt.UTC))
    assert again == [] and sum("/matches/JP1" in r for r in RecordedRiot.requests) == 2


def test_a_refused_key_names_the_variable(riot, monkeypatch, tmp_path):
    monkeypatch.setenv("GAMESTATS_RIOT_API_KEY", "wrong")
    with pytest.raises(ApiError, match="HTTP 403, the API refused the key: check GAMESTATS_RIOT_API_KEY"):
        RiotClient("asia", base_url=riot).puuid("Faker Jr#JP1")


def tick(sensor, platform, pg_url, cursor=None):
    resources = {"platform": platform, "postgres": PostgresResource(url=pg_url)}
    context = dg.build_sensor_context(instance=dg.DagsterInstance.ephemeral(), cursor=cursor, resources=resources,
                                      definitions=defs)
    return sensor(context)


def sensor_named(name):
    return domain.sensor(name)


def test_discovery_lands_the_tracked_summoners_games_and_runs_their_days(riot, platform_env, pg_url, monkeypatch):
    platform = PlatformResource.from_settings(Settings.from_env())
    platform.roster_path("lol").parent.mkdir(parents=True)
    platform.roster_path("lol").write_text("player_id\nJP1/Faker Jr#JP1\n")
    cursor = json.dumps({"checked_at": "2021-08-15T00:00:00+00:00"})
    result = tick(sensor_named("lol_riot_discovery"), platform, pg_url, cursor)
    assert [r.partition_key for r in result.run_requests] == [GAME_DAY]
    assert (platform.landing_dir("lol") / GAME_DAY / f"{MATCH_ID}_timeline.json").exists()
    monkeypatch.delenv("GAMESTATS_RIOT_API_KEY")
    skipped = tick(sensor_named("lol_riot_discovery"), platform, pg_url, cursor)
    assert "GAMESTATS_RIOT_API_KEY is not set" in skipped.skip_message


def test_a_newly_tracked_summoner_is_backfilled(riot, platform_env, pg_url, monkeypatch):
    monkeypatch.setattr(sensors, "BACKFILL_DAYS", (dt.date.today() - dt.date(2021, 8, 10)).days)
    platform = PlatformResource.from_settings(Settings.from_env())
    platform.roster_path("lol").parent.mkdir(parents=True)
    platform.roster_path("lol").write_text("player_id\nJP1/Faker Jr#JP1\n")
    result = tick(sensor_named("lol_newly_tracked_players"), platform, pg_url)
    [request] = result.run_requests
    partitions = {key.partition_key for key in request.asset_graph_subset.iterate_asset_partitions()}
    assert partitions == {GAME_DAY}
    assert json.loads(result.cursor) == ["JP1/Faker Jr#JP1"]


class RecordedDataDragon(Quiet):
    """Answers like ddragon.leagueoflegends.com: the released versions (a list, newest first, in the documented
    shape) and the recorded English item.json, champion.json, runesReforged.json and summoner.json of 14.10.1."""

    requests: list[str] = []
    ROUTES = {
        "/api/versions.json": json.dumps(["14.11.1", "14.10.1", "14.9.1", "11.16.1"]).encode(),
        "/cdn/14.10.1/data/en_US/item.json": FIXTURES / "ddragon" / "14.10.1_item.json",
        "/cdn/14.10.1/data/en_US/champion.json": FIXTURES / "ddragon" / "14.10.1_champion.json",
        "/cdn/14.10.1/data/en_US/runesReforged.json": FIXTURES / "ddragon" / "14.10.1_runesReforged.json",
        "/cdn/14.10.1/data/en_US/summoner.json": FIXTURES / "ddragon" / "14.10.1_summoner.json",
    }

    def do_GET(self):
        type(self).requests.append(self.path)
        body = self.ROUTES.get(self.path)
        if body is None:
            return self.answer(404, b"{}")
        self.answer(200, body if isinstance(body, bytes) else body.read_bytes())


@pytest.fixture
def data_dragon():
    RecordedDataDragon.requests = []
    with serving(RecordedDataDragon) as url:
        yield DataDragonClient(base_url=url)


def reference_before(patch: str, folder: Path) -> Path:
    """A copy of the shipped Data Dragon reference holding only the patches before `patch`."""
    folder.mkdir()
    for name in (ddragon.ITEMS_FILE, ddragon.CHAMPIONS_FILE, ddragon.RUNES_FILE, ddragon.SPELLS_FILE):
        table = pl.read_parquet(ddragon.REFERENCE_DIR / name)
        table.filter(pl.col("patch").map_elements(lambda p: ddragon.patch_key(p) < ddragon.patch_key(patch),
                                                  return_dtype=pl.Boolean)).write_parquet(folder / name)
    return folder


def test_a_game_of_a_newer_patch_adds_its_data_dragon_files(riot, data_dragon, tmp_path, monkeypatch):
    """The recorded game, as if played on 14.10, lands against a reference that stops before it: the client
    fetches 14.10.1's four files and the reference names 14.10's items, champions, runes and spells; a game of a
    known patch fetches nothing."""
    reference = reference_before("14.10", tmp_path / "reference")
    recorded = (FIXTURES / "match_v5_ranked.json").read_bytes()
    monkeypatch.setattr(RiotClient, "match", lambda self, match_id: recorded.replace(
        b'"gameVersion": "11.16.390.1945"', b'"gameVersion": "14.10.584.7470"'))
    client = RiotClient(region_of("JP1"), base_url=riot)
    days = land_player_games(client, "Faker Jr#JP1", tmp_path / "landing", dt.datetime(2021, 8, 1, tzinfo=dt.UTC),
                             data_dragon=data_dragon, reference_dir=reference)
    assert days == [dt.date(2021, 8, 16)]
    assert RecordedDataDragon.requests == ["/api/versions.json", *[f"/cdn/14.10.1/data/en_US/{name}.json"
                                                                   for name in ddragon.DOCUMENT_NAMES]]
    assert all(ddragon.shipped_patches(table)[-1] == "14.10" for table in ddragon.tables(reference))
    spells = ddragon.spells_by_patch(["14.10"], reference)
    assert spells.filter(spell_id=12).select("spell_name", "reference_patch").row(0) == ("Teleport", "14.10")
    assert ddragon.runes_by_patch(["14.10"], reference).filter(perk_id=8010)["perk_name"].to_list() == ["Conqueror"]
    kraken = ddragon.items("14.10", reference).filter(item_id=6672).row(0, named=True)
    assert (kraken["item_name"], kraken["tier"]) == ("Kraken Slayer", "legendary")
    assert data_dragon.add_newer_patch("14.10", reference) is None and data_dragon.add_newer_patch("12.6",
                                                                                                  reference) is None
    assert len(RecordedDataDragon.requests) == 1 + len(ddragon.DOCUMENT_NAMES)
