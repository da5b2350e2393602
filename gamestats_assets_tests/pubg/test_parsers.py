"""The match and telemetry parsers on the real samples, compared with counts taken directly from the JSON."""

import collections
import gzip
import json
import shutil

import polars as pl
import pytest

from gamestats_assets.sources.pubg.files import PubgFormatError
from gamestats_assets.sources.pubg.match import read_match
from gamestats_assets.sources.pubg.telemetry import EVENT_TABLES, TABLE_BY_TYPE, parse_events, read_telemetry
from gamestats_assets_tests.pubg.conftest import MATCH_FILES, TELEMETRY_FILES


@pytest.mark.parametrize("path", MATCH_FILES, ids=lambda p: p.name)
def test_match_object_counts_agree_with_the_json(path):
    document = json.loads(path.read_text())
    kinds = collections.Counter(item["type"] for item in document["included"])
    parsed = read_match(path)

    assert parsed.match_id == document["data"]["id"]
    assert parsed.participants.height == kinds["participant"]
    assert parsed.rosters.height == kinds["roster"]
    assert parsed.match["participants"][0] == kinds["participant"]
    assert parsed.match["map_name"][0] == document["data"]["attributes"]["mapName"]
    asset = next(i for i in document["included"] if i["type"] == "asset")
    assert parsed.match["telemetry_url"][0] == asset["attributes"]["URL"]
    kills = sum(i["attributes"]["stats"]["kills"] for i in document["included"] if i["type"] == "participant")
    assert parsed.participants["kills"].sum() == kills
    members = sum(len(i["relationships"]["participants"]["data"]) for i in document["included"] if i["type"] == "roster")
    assert parsed.rosters["participants"].sum() == members
    assert parsed.participants["roster_id"].null_count() == 0
    assert parsed.rosters.filter(pl.col("won"))["rank"].to_list() == [1] * parsed.rosters["won"].sum()


def test_match_object_read_from_gzip_under_any_name(tmp_path):
    source = MATCH_FILES[0]
    target = tmp_path / "downloaded-whatever.json.gz"
    target.write_bytes(gzip.compress(source.read_bytes()))
    assert read_match(target).match_id == json.loads(source.read_text())["data"]["id"]


def test_a_file_that_is_not_a_match_is_refused_with_its_reason(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"data": {"type": "player", "id": "account.1"}}')
    with pytest.raises(PubgFormatError, match="no JSON:API match"):
        read_match(path)
    path.write_text("{not json")
    with pytest.raises(PubgFormatError, match="not a JSON document"):
        read_match(path)


def test_a_file_holding_a_nul_character_is_refused_with_its_reason(tmp_path):
    match = json.loads(MATCH_FILES[0].read_text())
    player = next(item for item in match["included"] if item["type"] == "participant")
    player["attributes"]["stats"]["name"] = "shr\u0000oud"
    (tmp_path / "match.json").write_text(json.dumps(match))
    lines = TELEMETRY_FILES[0].read_text().splitlines()
    (tmp_path / "telemetry.jsonl.gz").write_bytes(gzip.compress("\n".join([*lines[:5], json.dumps(
        {"_T": "LogPlayerLogin", "_D": "2026-01-01T00:00:00Z", "accountId": "account.\u0000"}), *lines[5:]]).encode()))
    with pytest.raises(PubgFormatError, match="NUL character"):
        read_match(tmp_path / "match.json")
    with pytest.raises(PubgFormatError, match="NUL character"):
        read_telemetry(tmp_path / "telemetry.jsonl.gz")


@pytest.mark.parametrize("path", TELEMETRY_FILES, ids=lambda p: p.name)
def test_telemetry_counts_agree_with_the_json(path):
    events = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    by_type = collections.Counter(e["_T"] for e in events)
    parsed = read_telemetry(path)

    assert dict(zip(parsed.event_counts["event_type"], parsed.event_counts["events"])) == dict(by_type)
    for table in EVENT_TABLES:
        assert parsed[table.name].height == sum(by_type[t] for t in table.types), table.name
    unparsed = sum(n for t, n in by_type.items() if t not in TABLE_BY_TYPE)
    assert parsed.other_events.height == unparsed
    typed_rows = sum(frame.height for frame in parsed.tables.values())
    assert typed_rows + parsed.other_events.height == len(events)
    all_indices = pl.concat([f.select("event_index") for f in [*parsed.tables.values(), parsed.other_events]])
    assert sorted(all_indices["event_index"].to_list()) == list(range(len(events)))


def test_telemetry_late_game_damage_and_knock_fields(fixtures):
    path = fixtures / "part2_lategame_offset18600000.jsonl"
    events = [json.loads(line) for line in path.read_text().splitlines()]
    groggy = next(e for e in events if e["_T"] == "LogPlayerMakeGroggy")
    damage = [e for e in events if e["_T"] == "LogPlayerTakeDamage"]
    parsed = read_telemetry(path)

    knock = parsed["knocks"].row(0, named=True)
    assert knock["attacker_account_id"] == groggy["attacker"]["accountId"]
    assert knock["victim_account_id"] == groggy["victim"]["accountId"]
    assert knock["damage_causer_name"] == groggy["damageCauserName"]
    assert knock["victim_x"] == pytest.approx(groggy["victim"]["location"]["x"])
    assert parsed["damage"]["damage"].sum() == pytest.approx(sum(e["damage"] for e in damage))


def test_telemetry_as_a_gzip_array_equals_the_jsonl(tmp_path):
    source = TELEMETRY_FILES[-1]
    events = [json.loads(line) for line in source.read_text().splitlines()]
    target = tmp_path / "match-1.json.gz"
    target.write_bytes(gzip.compress(json.dumps(events).encode()))
    as_array, as_lines = read_telemetry(target), read_telemetry(source, match_id="match-1")
    assert as_array.match_id == "match-1"
    for name in as_lines.tables:
        assert as_array[name].equals(as_lines[name]), name


CHARACTER = {"name": "a", "teamId": 1, "health": 50.0, "location": {"x": 1.0, "y": 2.0, "z": 3.0},
             "accountId": "account.a", "isInBlueZone": False, "isInRedZone": False}
VICTIM = {**CHARACTER, "name": "b", "teamId": 2, "accountId": "account.b"}


def test_both_kill_formats_become_one_frame_and_t_may_sit_anywhere():
    old = {"_T": "LogPlayerKill", "_D": "2019-01-01T00:00:10.000Z", "attackId": 1, "killer": CHARACTER,
           "victim": VICTIM, "damageCauserName": "WeapAK47_C", "damageTypeCategory": "Damage_Gun",
           "damageReason": "HeadShot", "distance": 1200.0, "dBNOId": -1}
    v2 = {"attackId": 2, "dBNOId": 7, "victim": VICTIM, "dBNOMaker": CHARACTER, "finisher": CHARACTER,
          "killer": CHARACTER, "killerDamageInfo": {"damageReason": "TorsoShot", "damageTypeCategory": "Damage_Gun",
          "damageCauserName": "WeapHK416_C", "distance": 800.0}, "isSuicide": False,
          "_D": "2019-01-01T00:00:20.000Z", "_T": "LogPlayerKillV2"}
    zone = {"_T": "LogPlayerKillV2", "_D": "2019-01-01T00:00:30.000Z", "victim": VICTIM, "killer": None,
            "killerDamageInfo": {"damageCauserName": "BattleRoyaleModeController_Def_C",
                                 "damageTypeCategory": "Damage_BlueZone"}}
    start = {"_D": "2019-01-01T00:00:00.000Z", "mapName": "Baltic_Main", "_T": "LogMatchStart", "characters": []}
    unknown = {"_T": "LogSomethingNew", "_D": "2019-01-01T00:00:40.000Z", "payload": [1, 2]}
    untyped = {"_D": "2019-01-01T00:00:41.000Z", "note": "no type"}
    parsed = parse_events([start, old, v2, zone, unknown, untyped], "m1")

    kills = parsed["kills"]
    assert kills["kill_format"].to_list() == ["LogPlayerKill", "LogPlayerKillV2", "LogPlayerKillV2"]
    assert kills["damage_causer_name"].to_list() == ["WeapAK47_C", "WeapHK416_C", "BattleRoyaleModeController_Def_C"]
    assert kills["killer_account_id"].to_list() == ["account.a", "account.a", None]
    assert kills["elapsed_s"].to_list() == [10.0, 20.0, 30.0]
    assert kills["finisher_account_id"].to_list() == [None, "account.a", None]
    assert parsed.other_events["event_type"].to_list() == ["LogSomethingNew", None]
    assert json.loads(parsed.other_events["raw"][0]) == unknown
    assert parsed.other_events["reason"].to_list() == [None, None]


def test_jsonl_lines_that_are_not_json_are_returned_not_dropped(tmp_path):
    source = TELEMETRY_FILES[0]
    target = tmp_path / "m.jsonl"
    shutil.copy(source, target)
    with target.open("a") as handle:
        handle.write("{broken\n")
    parsed = read_telemetry(target)
    assert len(parsed.rejected) == 1 and parsed.rejected[0].line == len(source.read_text().splitlines()) + 1


def test_a_file_without_events_is_refused(tmp_path):
    path = tmp_path / "m.json"
    path.write_text('[{"a": 1}]')
    with pytest.raises(PubgFormatError, match="not telemetry"):
        read_telemetry(path)


def test_an_event_whose_fields_are_not_as_documented_is_kept_raw_with_the_reason():
    hit = {"_T": "LogPlayerTakeDamage", "_D": "2019-01-01T00:00:10.000Z", "attackId": 1, "attacker": CHARACTER,
           "victim": VICTIM, "damage": 12.5, "damageCauserName": "WeapAK47_C"}
    odd = {**hit, "_D": "2019-01-01T00:00:11.000Z", "attackId": 2, "damage": "lots"}
    parsed = parse_events([hit, odd, {**hit, "attackId": 3}], "m1")

    assert parsed["damage"]["attack_id"].to_list() == [1, 3]
    assert parsed["damage"]["event_index"].to_list() == [0, 2]
    [row] = parsed.other_events.to_dicts()
    assert (row["event_index"], row["event_type"]) == (1, "LogPlayerTakeDamage")
    assert row["reason"].startswith("fields not as documented") and json.loads(row["raw"]) == odd
    assert dict(zip(parsed.event_counts["event_type"], parsed.event_counts["events"])) == {"LogPlayerTakeDamage": 3}
