"""The compiled scan of timeline records against DuckDB's typed reader: the same rows wherever the scan takes
the text, and DuckDB's reading wherever it does not."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl
import pytest

from gamestats_assets.sources.riot import record_scan, timeline
from gamestats_assets.sources.riot.parse import UNREADABLE, parse_timelines

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "riot"
SAMPLES = ["match_v5_ranked_timeline.json", "ESPORTSTMNT01_2693492_timeline.json"]


def sample_batch(name: str) -> timeline.Batch:
    data = (FIXTURES / name).read_bytes()
    document = timeline.DECODER.decode(data)
    batch = timeline.Batch()
    batch.add("EUW1_1", (document.info or document).frames, b"\n" in data)
    return batch


def chunk_scan(lines: list[bytes], layout: record_scan.Layout, keyed: bool = False) -> record_scan.Scanned | None:
    """The lines scanned in chunks on worker threads, as `timeline.TimelineReader` scans them."""
    with ThreadPoolExecutor(max_workers=2) as workers:
        scan = record_scan.ChunkedScan(layout, keyed, workers)
        scan.extend(lines)
        return scan.result()


def scanned_events(lines: list[bytes]) -> tuple[pl.DataFrame, list[int]] | None:
    scanned = chunk_scan(lines, timeline.event_layout())
    return None if scanned is None else (pl.from_arrow(scanned.table), scanned.counts.tolist())


def duckdb_events(lines: list[bytes]) -> tuple[pl.DataFrame, list[int]]:
    """DuckDB's reading of the lines, with the fields no event has (which its second pass leaves out) as
    nulls; lines on one line each, as a batch hands them over."""
    events, counts = timeline.duckdb_event_structs(list(map(timeline.one_line, lines)))
    absent = [pl.lit(None, dtype).alias(name) for name, dtype in timeline.EVENT_DTYPES.items()
              if name not in events.columns]
    return events.with_columns(absent).select(list(timeline.EVENT_DTYPES)), counts.tolist()


def scanned_frames(lines: list[bytes]) -> tuple[pl.DataFrame, list[int], list[int]] | None:
    scanned = chunk_scan(lines, timeline.frame_layout(), keyed=True)
    if scanned is None:
        return None
    return pl.from_arrow(scanned.table), scanned.keys.tolist(), scanned.counts.tolist()


def duckdb_frames(lines: list[bytes]) -> tuple[pl.DataFrame, list[int], list[int]]:
    table, participants, counts = timeline.duckdb_participant_frame_rows(list(map(timeline.one_line, lines)))
    return pl.from_arrow(table), participants.to_list(), counts.tolist()


def assert_same(scanned: tuple | None, read: tuple) -> None:
    assert scanned is not None, "the scan refused text it should take"
    assert scanned[0].schema == read[0].schema
    assert scanned[0].equals(read[0], null_equal=True)
    assert scanned[1:] == read[1:]


@pytest.mark.parametrize("name", SAMPLES)
def test_the_real_samples_are_scanned_as_duckdb_reads_them(name):
    batch = sample_batch(name)
    assert_same(scanned_events(batch.event_lists), duckdb_events(batch.event_lists))
    assert_same(scanned_frames(batch.participant_frames), duckdb_frames(batch.participant_frames))


ACCEPTED_EVENT_LISTS = {
    "whitespace everywhere": b'[ {\n "type" : "A" ,\t"timestamp":\r 7 , "position" : { "y" : -3 , "x" : 0 } } ]',
    "nulls in every kind of field": b'[{"type":null,"timestamp":null,"position":null,"assistingParticipantIds":null,'
                                    b'"victimDamageDealt":null}]',
    "empty values": b'[{"type":"","position":{},"assistingParticipantIds":[],"victimDamageDealt":[]},{}]',
    "text of 12 and 13 bytes": b'[{"type":"ABCDEFGHIJKL","name":"ABCDEFGHIJKLM","wardType":"x"}]',
    "damage lists written loosely": b'[{"type":"CHAMPION_KILL","victimDamageReceived":[ {"basic" : false, "name":'
                                    b' "Lee Sin", "physicalDamage" : 120, "spellSlot":-1, "x": null, "t": true} ]}]',
    "minus zero": b'[{"type":"A","timestamp":-0,"victimDamageDealt":[{"trueDamage":-0,"x":-10}],'
                  b'"victimDamageReceived":-0}]',
    "no events at all": b"[]",
    "every list of a batch": b'[{"type":"A"}]\n[]\n[{"type":"B","assistingParticipantIds":[1, 2,3]}]',
}


@pytest.mark.parametrize("text", ACCEPTED_EVENT_LISTS.values(), ids=ACCEPTED_EVENT_LISTS)
def test_events_in_the_common_shape_are_scanned_as_duckdb_reads_them(text):
    lines = text.split(b"\n") if text.startswith(b"[{") else [text]
    assert_same(scanned_events(lines), duckdb_events(lines))


REFUSED_EVENT_LISTS = {
    "an unknown field": b'[{"type":"A","novel":1}]',
    "an escape in a text": b'[{"type":"A\\u0042"}]',
    "an escaped field name": b'[{"typ\\u0065":"A"}]',
    "non-ASCII text": '[{"type":"A","name":"Ré"}]'.encode(),
    "a fraction in an integer field": b'[{"type":"A","timestamp":1.5}]',
    "an exponent in an integer field": b'[{"type":"A","timestamp":1e3}]',
    "a text in an integer field": b'[{"type":"A","timestamp":"7"}]',
    "a number in a text field": b'[{"type":7}]',
    "a field twice": b'[{"type":"A","type":"B"}]',
    "an integer of 19 digits": b'[{"type":"A","timestamp":1234567890123456789}]',
    "a fraction in a damage list": b'[{"type":"A","victimDamageDealt":[{"d":0.5}]}]',
    "an escape in a damage list": b'[{"type":"A","victimDamageDealt":[{"n":"\\"q\\""}]}]',
    "a position with a third axis": b'[{"type":"A","position":{"x":1,"y":2,"z":3}}]',
    "an event that is not an object": b'[{"type":"A"},5]',
    "a list that is not a list": b'{"type":"A"}',
}


def assert_parsed_as_duckdb_reads(member: str, text: bytes, duckdb_rows) -> pl.DataFrame | None:
    """A timeline whose one frame holds `text` as `member` is parsed as DuckDB reads `text`: rejected when
    `duckdb_rows` refuses it, else with as many rows; the parsed table of `member` then."""
    document = (b'{"metadata":{"matchId":"EUW1_1"},"info":{"gameId":1,"frames":[{"' + member.encode() + b'":'
                + text + b"}]}}")
    parsed = parse_timelines([("EUW1_1_timeline.json", document)])
    try:
        read = duckdb_rows([text])
    except UNREADABLE:
        assert [reject.file for reject in parsed.rejects] == ["EUW1_1_timeline.json"]
        return None
    table = parsed.events if member == "events" else parsed.frames
    assert not parsed.rejects and table.height == len(read[0]) == read[-1].sum()
    return table


@pytest.mark.parametrize("text", REFUSED_EVENT_LISTS.values(), ids=REFUSED_EVENT_LISTS)
def test_events_outside_the_common_shape_are_left_to_duckdb(text):
    assert scanned_events([text]) is None
    events = assert_parsed_as_duckdb_reads("events", text, timeline.duckdb_event_structs)
    if events is not None:
        assert events["type"].to_list() == timeline.duckdb_event_structs([text])[0]["type"].to_list()


def test_a_batch_with_more_events_than_its_first_room_is_scanned_whole():
    lines = [b"[" + b",".join([b'{"type":"A"}'] * 500) + b"]"] * 3
    scanned = scanned_events(lines)
    assert scanned is not None and scanned[1] == [500, 500, 500] and scanned[0]["type"].eq("A").all()
    assert_same(scanned, duckdb_events(lines))


def test_text_of_records_too_small_for_their_columns_is_left_to_duckdb():
    assert scanned_events([b"[" + b",".join([b"{}"] * 2000) + b"]"]) is None


def test_chunks_scanned_side_by_side_give_the_rows_in_order(monkeypatch):
    batch = sample_batch(SAMPLES[0])
    whole = scanned_events(batch.event_lists)
    monkeypatch.setattr(record_scan, "CHUNK_BYTES", 4096)
    assert_same(scanned_events(batch.event_lists), whole)
    frames = duckdb_frames(batch.participant_frames)
    assert_same(scanned_frames(batch.participant_frames), frames)


def participant_frame(**fields) -> dict:
    return {"participantId": 1, "level": 2, "position": {"x": 5, "y": 6}, "damageStats": {"totalDamageDone": 9},
            **fields}


def test_fields_a_participant_frame_does_not_keep_are_skipped_whatever_they_hold():
    frames = {"1": participant_frame(abilityHaste=3, notes=["a\\\"]}", {"deep": [1, {"x": "}"}]}], ratio=0.5),
              "2": participant_frame(championStats={"armor": 4, "armorPen": 1.5, "label": "\u00e9"}, position=None)}
    lines = [json.dumps(frames).encode(), b"{}", json.dumps({"10": participant_frame()}, indent=2).encode()]
    scanned = scanned_frames(lines)
    assert_same(scanned, duckdb_frames(lines))
    assert scanned[1] == [1, 2, 10] and scanned[2] == [2, 0, 1]


REFUSED_PARTICIPANT_FRAMES = {
    "a key that is not a participant id": b'{"one":{"level":1}}',
    "a negative key": b'{"-1":{"level":1}}',
    "a key written twice": b'{"1":{"level":1},"2":{"level":2},"1":{"level":3}}',
    "a fraction in a kept field": b'{"1":{"level":1.5}}',
    "a text in a kept inner field": b'{"1":{"damageStats":{"totalDamageDone":"9"}}}',
    "a participant frame that is not an object": b'{"1":[1]}',
}


@pytest.mark.parametrize("text", REFUSED_PARTICIPANT_FRAMES.values(), ids=REFUSED_PARTICIPANT_FRAMES)
def test_participant_frames_outside_the_common_shape_are_left_to_duckdb(text):
    assert scanned_frames([text]) is None
    frames = assert_parsed_as_duckdb_reads("participantFrames", text, timeline.duckdb_participant_frame_rows)
    if frames is not None:
        _, participants, _ = timeline.duckdb_participant_frame_rows([text])
        assert frames["participant_id"].to_list() == participants.to_list()
