"""`player_backfill_status` tells per match what was extracted for a tracked player, on the real match
object of fixtures/pubg and cases built from it and from the real telemetry excerpts: no telemetry, a
telemetry cut short, a truncated gzip download, and a telemetry read whole."""

import gzip
import json

import dagster as dg
import msgspec
import polars as pl

from gamestats_assets.definitions import location_resources
from gamestats_assets.defs.pubg import assets as pubg
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets_tests.pubg.conftest import FIXTURES

REAL_MATCH = FIXTURES / "pubg-python_match_response.json"
REAL_ID = "f80126f4-9520-4c66-9198-57820d04bf00"
CUT_SHORT, TRUNCATED, WHOLE = (f"{first}-0000-4000-8000-000000000000" for first in ("a0000000", "f9000000", "fa000000"))
"""The matches made of the real one (PUBG match ids are UUIDs), in the order of their ids around it."""
LATEGAME = FIXTURES / "part2_lategame_offset18600000.jsonl"
MATCH_END = {"characters": [], "gameResultOnFinished": {}, "common": {"isGame": 99}, "_D": "2019-10-23T00:40:00.000Z",
             "_T": "LogMatchEnd"}


def land_match(landing, match_id: str, telemetry: bytes | None, telemetry_name: str | None = None) -> None:
    """The real match object as match `match_id` and, when given, its telemetry under `telemetry_name`."""
    document = json.loads(REAL_MATCH.read_text())
    document["data"]["id"] = match_id
    (landing / "matches" / f"{match_id}.json").write_bytes(msgspec.json.encode(document))
    if telemetry is not None:
        (landing / "telemetry" / (telemetry_name or f"{match_id}.jsonl")).write_bytes(telemetry)


def test_each_match_says_what_was_extracted_for_a_tracked_player(platform_env):
    resources = location_resources(Settings.from_env())
    platform = resources["platform"]
    landing = platform.landing_dir("pubg")
    (landing / "matches").mkdir(parents=True)
    (landing / "telemetry").mkdir()
    tracked = json.loads(REAL_MATCH.read_text())["included"][0]["attributes"]["stats"]["playerId"]
    platform.roster_path("pubg").parent.mkdir(parents=True)
    platform.roster_path("pubg").write_text(f"player_id\n{tracked}\n")

    excerpt = LATEGAME.read_bytes()
    whole = excerpt + msgspec.json.encode(MATCH_END) + b"\n"
    land_match(landing, REAL_ID, None)
    land_match(landing, CUT_SHORT, excerpt)
    land_match(landing, TRUNCATED, gzip.compress(whole)[:-40], f"{TRUNCATED}.json.gz")
    land_match(landing, WHOLE, whole)

    keys = sorted(pubg.LANDING.find(platform))
    assert keys == sorted([REAL_ID, CUT_SHORT, TRUNCATED, WHOLE])
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("pubg_match", keys)
    selection = [pubg.landing_match_files.key, *pubg.etl_match_objects.keys, *pubg.etl_telemetry.keys,
                 *(key for asset in pubg.TRACKED_TABLES for key in asset.keys)]
    for key in keys:
        assert dg.materialize(pubg.ASSETS, selection=selection, partition_key=key, instance=instance,
                              resources=resources).success

    lake = platform.data_dir + "/lake/pubg"
    status = pl.read_delta(f"{lake}/cons/player_backfill_status").sort("match_id")
    assert status.select("match_id", "player_id", "status").rows() == [
        (CUT_SHORT, tracked, "failed"), (REAL_ID, tracked, "no_telemetry"),
        (TRUNCATED, tracked, "failed"), (WHOLE, tracked, "extracted")]
    reasons = dict(status.select("match_id", "reason").iter_rows())
    assert reasons[REAL_ID] == "no telemetry file of the match in landing/pubg/telemetry/"
    assert reasons[CUT_SHORT].startswith(f"telemetry {CUT_SHORT}.jsonl has no LogMatchEnd: cut short")
    assert reasons[TRUNCATED].startswith("telemetry quarantined:") and "gzip" in reasons[TRUNCATED]
    assert reasons[WHOLE] is None

    files = pl.read_delta(f"{lake}/etl/telemetry_files").sort("match_id")
    assert files.select("match_id", "status", "complete").rows() == [
        (CUT_SHORT, "parsed", False), (REAL_ID, "missing", False), (TRUNCATED, "failed", False),
        (WHOLE, "parsed", True)]
    assert files.filter(pl.col("match_id") == WHOLE)["events"][0] == len(excerpt.splitlines()) + 1
