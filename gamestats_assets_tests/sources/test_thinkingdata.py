import json
from datetime import datetime

import pytest

from gamestats_assets.sources.thinkingdata import (
    Identity,
    ThinkingDataFormatError,
    encode_record,
    lines_frame,
    parse_line,
    parse_lines,
    read_records,
    track_record,
    user_set_record,
)
from gamestats_assets_tests.conftest import FIXTURES

SAMPLES = FIXTURES / "thinkingdata"


def test_official_samples_parse_unchanged():
    records = read_records(SAMPLES / "samples_from_official_docs.jsonl")
    assert [r["#type"] for r in records] == ["track", "user_set"]
    assert records[0]["#event_name"] == "test"
    assert records[0]["properties"] == {"argString": "abc", "argNum": 123, "argBool": True}


def test_real_game_log_record_parses():
    example = json.loads((SAMPLES / "real_game_log_item_thinkingdata_example.json").read_text())
    record = parse_line(json.dumps(example["after_thinkingdata_track"]), 1)
    assert record["#event_name"] == "t_log_item"
    assert record["properties"]["item_id"] == 10203101


def test_built_lines_round_trip_with_millisecond_time():
    identity = Identity("acc1", "dev1", "1.2.3.4")
    moment = datetime(2024, 1, 2, 3, 4, 5, 678000)
    track = encode_record(track_record(identity, "login", moment, {"#os": "iOS", "n": 1}, "u-1"))
    profile = encode_record(user_set_record(identity, moment, {"level": 3}, "u-2"))
    records = list(parse_lines([track, profile]))
    assert records[0]["#time"] == "2024-01-02 03:04:05.678"
    assert records[0]["properties"]["#os"] == "iOS"
    frame = lines_frame([track, profile])
    assert frame["#time"].dt.millisecond().to_list() == [678, 678]
    assert frame["level"].to_list() == [None, 3]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("{not json", "not valid JSON"),
        ('{"#type":"track","#account_id":"a","#time":"2024-01-01 00:00:00.000"}', "#event_name"),
        ('{"#type":"nope","#account_id":"a","#time":"2024-01-01 00:00:00.000"}', "'#type'"),
        ('{"#type":"user_set","#time":"2024-01-01 00:00:00.000"}', "#account_id"),
        ('{"#type":"user_set","#account_id":"a","#time":"2024/01/01"}', "'#time'"),
        ('{"#type":"user_set","#account_id":"a","#time":"2024-01-01 00:00:00.000","level":1}', "unknown root keys"),
    ],
)
def test_malformed_lines_name_line_and_problem(line, problem):
    good = '{"#type":"user_set","#account_id":"a","#time":"2024-01-01 00:00:00.000","properties":{}}'
    with pytest.raises(ThinkingDataFormatError, match=rf"line 2: .*{problem}"):
        list(parse_lines([good, line]))
