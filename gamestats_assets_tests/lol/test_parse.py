"""The match-v5 parser on the real samples: counts compared with counts taken directly from the JSON."""

from __future__ import annotations

import collections
import gzip
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pytest

from gamestats_assets.sources.riot import timeline
from gamestats_assets.sources.riot.parse import parse_folder, parse_matches, parse_timelines

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "riot"
GAMES = {
    "JP1_323466834": ("match_v5_ranked.json", "match_v5_ranked_timeline.json"),
    "ESPORTSTMNT01_2693492": ("ESPORTSTMNT01_2693492.json", "ESPORTSTMNT01_2693492_timeline.json"),
}


def info_of(name: str) -> dict:
    document = json.loads((FIXTURES / name).read_text())
    return document.get("info", document)


@pytest.fixture(scope="module")
def parsed():
    return parse_folder(FIXTURES)


@pytest.mark.parametrize("match_id", GAMES)
def test_events_by_type_match_the_json(parsed, match_id):
    _, timelines = parsed
    frames = info_of(GAMES[match_id][1])["frames"]
    expected = collections.Counter(event["type"] for frame in frames for event in frame["events"])
    events = timelines.events.filter(match_id=match_id)
    assert dict(events.group_by("type").len().iter_rows()) == dict(expected)
    assert events["event_index"].to_list() == list(range(sum(expected.values())))


@pytest.mark.parametrize("match_id", GAMES)
def test_participant_frames_match_the_json(parsed, match_id):
    _, timelines = parsed
    frames = info_of(GAMES[match_id][1])["frames"]
    rows = timelines.frames.filter(match_id=match_id)
    assert rows.height == sum(len(frame["participantFrames"]) for frame in frames)
    assert rows["frame_index"].n_unique() == len(frames)
    last = frames[-1]["participantFrames"]["7"]
    row = rows.filter(frame_index=len(frames) - 1, participant_id=7).row(0, named=True)
    assert (row["total_gold"], row["xp"], row["position_x"]) == (last["totalGold"], last["xp"], last["position"]["x"])
    assert row["total_damage_done_to_champions"] == last["damageStats"]["totalDamageDoneToChampions"]


@pytest.mark.parametrize("match_id", GAMES)
def test_participants_match_the_json(parsed, match_id):
    matches, _ = parsed
    info = info_of(GAMES[match_id][0])
    rows = matches.participants.filter(match_id=match_id).sort("participant_id")
    assert rows.height == len(info["participants"])
    assert rows["champion_id"].to_list() == [p["championId"] for p in info["participants"]]
    assert rows["kills"].sum() == sum(p["kills"] for p in info["participants"])
    assert rows["win"].to_list() == [p["win"] for p in info["participants"]]


def test_match_ids_and_durations(parsed):
    matches, timelines = parsed
    rows = {r["match_id"]: r for r in matches.matches.iter_rows(named=True)}
    assert set(rows) == set(GAMES) == set(timelines.events["match_id"].unique())
    ranked, esports = rows["JP1_323466834"], rows["ESPORTSTMNT01_2693492"]
    assert (ranked["duration_unit"], ranked["game_duration_s"]) == ("ms", 1965.64)
    assert (esports["duration_unit"], esports["game_duration_s"]) == ("s", 1648.0)
    assert ranked["has_metadata"] and not esports["has_metadata"]
    assert ranked["patch"] == "11.16" and esports["winning_team_id"] == 200
    assert not matches.rejects and not timelines.rejects


def test_typed_fields_of_events(parsed):
    _, timelines = parsed
    events = timelines.events.filter(match_id="JP1_323466834")
    undo = events.filter(type="ITEM_UNDO").row(0, named=True)
    assert undo["before_id"] is not None and undo["gold_gain"] is not None
    monster = events.filter(type="ELITE_MONSTER_KILL")
    assert monster["monster_type"].null_count() == 0 and monster["killer_team_id"].null_count() == 0
    kill = events.filter(type="CHAMPION_KILL").row(0, named=True)
    assert json.loads(kill["victim_damage_received"])[0]["participantId"] >= 1
    assert events.filter(type="SKILL_LEVEL_UP")["skill_slot"].is_between(1, 4).all()


def test_gzip_and_unknown_event_types_and_fields_are_kept(tmp_path):
    document = json.loads((FIXTURES / "match_v5_ranked_timeline.json").read_text())
    document["info"]["frames"][3]["events"].append(
        {"type": "FEAT_OF_STRENGTH_X", "timestamp": 180500, "participantId": 4, "newField": {"a": 1}})
    document["info"]["frames"][4]["events"][0]["laterField"] = [1, "x"]
    (tmp_path / "JP1_323466834_timeline.json.gz").write_bytes(gzip.compress(json.dumps(document).encode()))
    shutil.copy(FIXTURES / "match_v5_ranked.json", tmp_path / "JP1_323466834.json")
    _, timelines = parse_folder(tmp_path)
    unknown = timelines.events.filter(type="FEAT_OF_STRENGTH_X").row(0, named=True)
    assert unknown["participant_id"] == 4 and json.loads(unknown["extra"]) == {"newField": {"a": 1}}
    assert [json.loads(e) for e in timelines.events["extra"].drop_nulls()] == [{"newField": {"a": 1}},
                                                                              {"laterField": [1, "x"]}]
    assert timelines.events.height == 1280 + 1
    with_damage = sum("victimDamageDealt" in e for f in document["info"]["frames"] for e in f["events"])
    assert timelines.events["victim_damage_dealt"].is_not_null().sum() == with_damage


def test_info_only_timeline_takes_its_platform_from_the_match_or_the_file_name():
    data = (FIXTURES / "ESPORTSTMNT01_2693492_timeline.json").read_bytes()
    from_match = parse_timelines([("t.json", data)], {2693492: "ESPORTSTMNT01"})
    from_name = parse_timelines([("ESPORTSTMNT01_2693492_timeline.json", data)])
    nowhere = parse_timelines([("t.json", data)])
    assert from_match.events["match_id"].unique().to_list() == ["ESPORTSTMNT01_2693492"]
    assert from_name.events["match_id"].unique().to_list() == ["ESPORTSTMNT01_2693492"]
    assert nowhere.events.height == 0 and "no match id" in nowhere.rejects[0].reason


def test_bad_files_are_rejected_with_a_reason():
    match = (FIXTURES / "match_v5_ranked.json").read_bytes()
    parsed = parse_matches([("broken.json", b"{not json"), ("a.json", match), ("b.json", match),
                            ("timeline.json", (FIXTURES / "match_v5_ranked_timeline.json").read_bytes())])
    reasons = {r.file: r.reason for r in parsed.rejects}
    assert parsed.matches.height == 1
    assert "not a match-v5 MatchDto" in reasons["broken.json"]
    assert "duplicate of a.json" in reasons["b.json"]
    assert "a timeline" in reasons["timeline.json"]


def test_a_file_holding_a_nul_character_is_rejected_and_an_escaped_backslash_is_not():
    match, timeline_document = (json.loads((FIXTURES / name).read_text()) for name in GAMES["JP1_323466834"])
    named_nul, named_backslash = json.loads(json.dumps(match)), json.loads(json.dumps(match))
    named_nul["info"]["participants"][0]["riotIdGameName"] = "Fa\u0000ker"
    named_backslash["info"]["participants"][0]["riotIdGameName"] = "Fa\\u0000ker"
    named_backslash["metadata"]["matchId"] = "JP1_1"
    timeline_nul = json.loads(json.dumps(timeline_document))
    timeline_nul["info"]["frames"][2]["events"][0]["novel"] = "\u0000"
    matches = parse_matches([("nul.json", json.dumps(named_nul).encode()),
                             ("raw_nul.json", json.dumps(match).encode().replace(b'"info"', b'"info"\x00', 1)),
                             ("backslash.json", json.dumps(named_backslash).encode())])
    timelines = parse_timelines([("nul_timeline.json", json.dumps(timeline_nul).encode())])
    assert sorted(r.file for r in matches.rejects) == ["nul.json", "raw_nul.json"]
    assert all("NUL character" in r.reason for r in [*matches.rejects, *timelines.rejects])
    assert [r.file for r in timelines.rejects] == ["nul_timeline.json"] and timelines.events.height == 0
    assert matches.participants.filter(match_id="JP1_1")["riot_id_game_name"][0] == "Fa\\u0000ker"


def test_hidden_files_of_a_folder_are_not_read(tmp_path):
    shutil.copy(FIXTURES / "match_v5_ranked.json", tmp_path / "JP1_323466834.json")
    shutil.copy(FIXTURES / "match_v5_ranked.json", tmp_path / ".JP1_323466834.json")
    shutil.copy(FIXTURES / "match_v5_ranked_timeline.json", tmp_path / ".JP1_323466834_timeline.json")
    matches, timelines = parse_folder(tmp_path)
    assert matches.matches.height == 1 and timelines.events.height == 0
    assert matches.rejects == timelines.rejects == []


def test_unknown_fields_are_found_beside_colons_in_strings_and_null_fields():
    frames = [{"events": [{"type": "A:B", "timestamp": 1, "name": "x:y:z", "position": {"x": 1, "y": 2}}]},
              {"events": []},
              {"events": [{"type": "C", "timestamp": 2, "killerId": None, "novel": 5}]}]
    document = {"metadata": {"matchId": "EUW1_1"}, "info": {"gameId": 1, "frames": frames}}
    events = parse_timelines([("EUW1_1_timeline.json", json.dumps(document).encode())]).events
    assert events.select("type", "name", "position_x", "killer_id", "extra", "frame_index").rows() == [
        ("A:B", "x:y:z", 1, None, None, 0), ("C", None, None, None, '{"novel":5}', 2)]
    only_known = parse_timelines([("EUW1_1_timeline.json", json.dumps({**document, "info": {
        "gameId": 1, "frames": frames[:1]}}).encode())]).events
    assert only_known.select("type", "name", "position_y", "extra").rows() == [("A:B", "x:y:z", 2, None)]


def test_an_unknown_field_is_found_beside_an_escaped_colon():
    document = (b'{"metadata":{"matchId":"EUW1_2"},"info":{"gameId":2,"frames":[{"events":'
                b'[{"type":"A","name":"x\\u003ay","novel":1}]}]}}')
    events = parse_timelines([("EUW1_2_timeline.json", document)]).events
    assert events.select("name", "extra").rows() == [("x:y", '{"novel":1}')]


def test_a_timeline_whose_events_or_participant_frames_are_malformed_is_rejected_alone():
    document = json.loads((FIXTURES / "match_v5_ranked_timeline.json").read_text())
    bad_event, bad_frame = json.loads(json.dumps(document)), json.loads(json.dumps(document))
    for bad, match_id in ((bad_event, "EUW1_7"), (bad_frame, "EUW1_8")):
        bad["metadata"]["matchId"] = match_id
    bad_event["info"]["frames"][2]["events"][0]["timestamp"] = "not a number"
    bad_frame["info"]["frames"][5]["participantFrames"]["3"]["totalGold"] = {"gold": 1}
    parsed = parse_timelines([("good.json", json.dumps(document).encode()),
                              ("bad_event.json", json.dumps(bad_event).encode()),
                              ("bad_frame.json", json.dumps(bad_frame).encode())])
    assert sorted(r.file for r in parsed.rejects) == ["bad_event.json", "bad_frame.json"]
    assert all("not in the match-v5 shape" in r.reason for r in parsed.rejects)
    assert parsed.events["match_id"].unique().to_list() == ["JP1_323466834"] and parsed.events.height == 1280
    assert parsed.frames["match_id"].unique().to_list() == ["JP1_323466834"]


def test_the_timeline_reader_hands_text_over_as_string_views():
    with timeline.connect() as connection:
        exported = connection.sql("SELECT 'ITEM_PURCHASED' AS type").to_arrow_table()
    assert exported.schema.field("type").type == pa.string_view()
