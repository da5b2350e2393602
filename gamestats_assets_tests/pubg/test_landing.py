"""Telemetry joins its match by content, not by file name, on the real match objects and real telemetry
excerpts of fixtures/pubg (see SOURCES.md there), saved under the names users and the CDN give them."""

import gzip
import json
import shutil

import dagster as dg
import msgspec
import pytest

from gamestats_assets.defs.pubg import assets as pubg
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.intake.quarantine import partition_folder
from gamestats_assets.sources.pubg.match import match_identity
from gamestats_assets.sources.pubg.telemetry import api_match_id, read_telemetry, telemetry_head
from gamestats_assets_tests.pubg.conftest import FIXTURES

REAL_MATCH = FIXTURES / "pubg-python_match_response.json"
REAL_ID = "f80126f4-9520-4c66-9198-57820d04bf00"
CDN_NAME = "62a09051-d277-11e9-a33c-0a586469e71b-telemetry.json"
"""The last part of the real match object's telemetry URL: the name the CDN serves its telemetry under."""
EXCERPT_MATCH = "db8f8222-4300-4683-9483-db85602ff756"
"""The match the excerpts come from, as part0's LogMatchDefinition.MatchId names it."""
START, MIDGAME, LATEGAME = (FIXTURES / name for name in (
    "part0_start.jsonl", "part1_midgame_offset9000000.jsonl", "part2_lategame_offset18600000.jsonl"))


@pytest.fixture
def platform(tmp_path) -> PlatformResource:
    platform = PlatformResource(data_dir=str(tmp_path), start_date="2026-01-01", anchor_date="2026-01-01")
    (platform.landing_dir("pubg") / "matches").mkdir(parents=True)
    (platform.landing_dir("pubg") / "telemetry").mkdir()
    shutil.copy(REAL_MATCH, platform.landing_dir("pubg") / "matches" / "saved from the API.json")
    return platform


def drop(platform: PlatformResource, source, name: str, gzipped: bool = False):
    path = platform.landing_dir("pubg") / "telemetry" / name
    data = source.read_bytes() if hasattr(source, "read_bytes") else source
    path.write_bytes(gzip.compress(data) if gzipped else data)
    return path


def excerpt_match_object(platform: PlatformResource) -> None:
    """The real match object as the excerpts' match (its id replaced): a known match for their content."""
    document = json.loads(REAL_MATCH.read_text())
    document["data"]["id"] = EXCERPT_MATCH
    (platform.landing_dir("pubg") / "matches" / "excerpt match.json").write_bytes(msgspec.json.encode(document))


def test_the_match_object_names_its_telemetry_on_the_cdn():
    identity = match_identity(REAL_MATCH)
    assert (identity.match_id, identity.telemetry_name) == (REAL_ID, CDN_NAME)


def test_the_real_telemetry_names_its_match_in_log_match_definition():
    assert api_match_id("match.bro.official.pc-2018-04.steam.squad-fpp.eu.2019.10.23.00." + EXCERPT_MATCH) == EXCERPT_MATCH
    assert telemetry_head(START).match_id == EXCERPT_MATCH
    assert telemetry_head(LATEGAME).match_id is None and telemetry_head(LATEGAME).is_telemetry
    assert not telemetry_head(REAL_MATCH).is_telemetry


@pytest.mark.parametrize(("name", "gzipped"), [(CDN_NAME, False), (CDN_NAME + ".gz", True),
                                               (CDN_NAME.removesuffix(".json") + ".jsonl", False)])
def test_telemetry_under_the_cdn_name_joins_its_match(platform, name, gzipped):
    path = drop(platform, LATEGAME, name, gzipped)
    assert pubg.landing_key(path) == REAL_ID
    assert pubg.telemetry_match(path)[1] == "its name is the match object's telemetry URL"
    assert pubg.LANDING.find(platform).keys() == {REAL_ID}
    assert pubg.ARRIVAL.files_by_key(platform, pubg.TELEMETRY) == {REAL_ID: [path]}


def test_telemetry_named_after_its_match_joins_it(platform):
    assert pubg.landing_key(drop(platform, MIDGAME, f"{REAL_ID}-telemetry.json")) == REAL_ID
    assert pubg.landing_key(drop(platform, MIDGAME, f"{REAL_ID}.jsonl.gz", gzipped=True)) == REAL_ID


def test_the_match_its_events_name_wins_over_the_file_name(platform):
    misnamed = drop(platform, START, f"{REAL_ID}.jsonl")
    found, reason = pubg.telemetry_match(misnamed)
    assert found is None and reason == (f"its events belong to match {EXCERPT_MATCH}, whose match object is not "
                                        "in landing/pubg/matches/")
    excerpt_match_object(platform)
    assert pubg.landing_key(misnamed) == EXCERPT_MATCH
    assert read_telemetry(misnamed)["positions"].height == 0 and read_telemetry(misnamed).match_id == EXCERPT_MATCH


def test_common_match_id_names_the_match_where_it_is_filled(platform):
    """The real late-game events with `common.matchId` filled, as older telemetry versions did."""
    events = [json.loads(line) for line in LATEGAME.read_text().splitlines()]
    for event in events:
        event["common"]["matchId"] = f"match.bro.official.2018-09.steam.squad.eu.2018.09.26.00.{REAL_ID}"
    path = drop(platform, msgspec.json.encode(events), "telemetry.json")
    assert telemetry_head(path).match_id == REAL_ID
    assert pubg.telemetry_match(path) == (REAL_ID, "its events name the match")


def test_telemetry_that_arrived_before_its_match_object_joins_it_when_it_lands(platform):
    early = drop(platform, START, "early.jsonl")
    assert pubg.LANDING.find(platform) == {REAL_ID: pubg.LANDING.find(platform)[REAL_ID]}
    excerpt_match_object(platform)
    assert pubg.ARRIVAL.files_by_key(platform, pubg.TELEMETRY) == {EXCERPT_MATCH: [early]}


def test_telemetry_of_no_known_match_is_quarantined_with_the_reason(platform):
    joined = drop(platform, LATEGAME, CDN_NAME)
    orphan = drop(platform, MIDGAME, "download (1).json")
    foreign = drop(platform, START, "another match.jsonl")
    not_telemetry = drop(platform, REAL_MATCH, "match object in the wrong folder.json")
    broken = drop(platform, b"\x1f\x8b\x08\x00broken", "broken.json.gz")
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("pubg_match", [REAL_ID])
    result = dg.materialize([pubg.landing_match_files], partition_key=REAL_ID, instance=instance,
                            resources={"platform": platform})
    assert result.success and joined.exists()
    metadata = result.asset_materializations_for_node("pubg__landing__match_files")[0].metadata
    assert metadata["files_quarantined"].value == 4 and metadata["matches_with_telemetry"].value == 1
    folder = partition_folder(platform.quarantine_dir, "pubg", pubg.UNKEYED)
    reasons = {json.loads(p.read_text())["file"]: json.loads(p.read_text())["reason"] for p in folder.glob("*.reason.json")}
    assert reasons.keys() == {orphan.name, foreign.name, not_telemetry.name, broken.name}
    assert reasons[orphan.name].startswith("no known match claims it")
    assert reasons[foreign.name].startswith(f"its events belong to match {EXCERPT_MATCH}")
    assert reasons[not_telemetry.name].startswith("not PUBG telemetry")
    assert reasons[broken.name].startswith("no content could be read")
    assert all("drop it again once its match object is in landing/pubg/matches/" in r for r in reasons.values())
