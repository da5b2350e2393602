"""The timeline reader: frames' event lists and participant frames read by DuckDB in chunks, on worker threads,
give the rows one read of the whole batch gives; text in any JSON layout is read by its values; a timeline
whose events or participant frames are not in the match-v5 shape is rejected alone."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl
import pytest

from gamestats_assets.sources.riot import timeline
from gamestats_assets.sources.riot.parse import parse_timelines

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "riot"
SAMPLES = {"JP1_323466834": "match_v5_ranked_timeline.json",
           "ESPORTSTMNT01_2693492": "ESPORTSTMNT01_2693492_timeline.json"}


def read(documents: dict[str, bytes]) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """The events and participant frames of the documents (match id → JSON) read as one batch, and in how many
    chunks their event lists were read."""
    with ThreadPoolExecutor(max_workers=2) as workers:
        reader = timeline.TimelineReader(workers)
        for match_id, data in documents.items():
            document = timeline.DECODER.decode(data)
            reader.add(match_id, (document.info or document).frames, b"\n" in data)
        events, frames = reader.tables()
        return events, frames, len(reader.event_lists.chunks)


def test_a_batch_read_in_many_chunks_gives_the_rows_of_one_read(monkeypatch):
    documents = {match_id: (FIXTURES / name).read_bytes() for match_id, name in SAMPLES.items()}
    novel = json.loads(documents["JP1_323466834"])
    novel["info"]["frames"][30]["events"][0]["laterField"] = {"a": [1, "x"]}
    documents["EUW1_1"] = json.dumps(novel).encode()
    events, frames, chunks = read(documents)
    assert chunks == 1 and events["extra"].drop_nulls().to_list() == ['{"laterField":{"a":[1,"x"]}}']
    monkeypatch.setattr(timeline, "CHUNK_BYTES", 4096)
    chunked_events, chunked_frames, chunks = read(documents)
    assert chunks > 50
    assert chunked_events.schema == events.schema and chunked_events.equals(events, null_equal=True)
    assert chunked_frames.schema == frames.schema and chunked_frames.equals(frames, null_equal=True)
    numbered = events.group_by("match_id").agg(ok=(pl.col("event_index") == pl.int_range(pl.len())).all())
    assert numbered.height == 3 and numbered["ok"].all()


def timeline_of(member: str, text: bytes) -> bytes:
    """A timeline whose one frame holds `text` as `member` (`events` or `participantFrames`)."""
    return (b'{"metadata":{"matchId":"EUW1_1"},"info":{"gameId":1,"frames":[{"' + member.encode() + b'":'
            + text + b"}]}}")


def test_events_are_read_by_their_values_whatever_their_layout():
    text = ('[ {\n "type" : "A\\u0042" ,\t"timestamp":\r 7 , "position" : { "y" : -3 , "x" : 0 } } ,'
            '{"type":null,"timestamp":null,"position":null,"assistingParticipantIds":[],"victimDamageDealt":null},'
            '{"type":"CHAMPION_KILL","name":"R\u00e9","victimDamageReceived":[ {"basic" : false, "name":'
            ' "Lee Sin", "physicalDamage" : 120, "spellSlot":-1, "x": null} ]}]').encode()
    parsed = parse_timelines([("EUW1_1_timeline.json", timeline_of("events", text))])
    assert not parsed.rejects
    assert parsed.events.select("type", "timestamp", "position_x", "position_y", "assisting_participant_ids",
                                "name", "victim_damage_received", "extra").rows() == [
        ("AB", 7, 0, -3, None, None, None, None),
        (None, None, None, None, [], None, None, None),
        ("CHAMPION_KILL", None, None, None, None, "R\u00e9",
         '[{"basic":false,"name":"Lee Sin","physicalDamage":120,"spellSlot":-1,"x":null}]', None),
    ]


def participant_frame(**fields) -> dict:
    return {"participantId": 1, "level": 2, "position": {"x": 5, "y": 6}, "damageStats": {"totalDamageDone": 9},
            **fields}


def test_fields_a_participant_frame_does_not_keep_are_skipped_whatever_they_hold():
    first = {"1": participant_frame(abilityHaste=3, notes=["a\\\"]}", {"deep": [1, {"x": "}"}]}], ratio=0.5),
             "2": participant_frame(championStats={"armor": 4, "armorPen": 1.5, "label": "\u00e9"}, position=None)}
    documents = {"EUW1_1": {"frames": [{"participantFrames": first}, {"participantFrames": {}}]},
                 "EUW1_2": {"frames": [{"participantFrames": {"10": participant_frame()}}]}}
    _, frames, _ = read({match_id: json.dumps(document, indent=2 if match_id == "EUW1_2" else None).encode()
                         for match_id, document in documents.items()})
    assert frames.select("match_id", "frame_index", "participant_id", "level", "position_x", "armor",
                         "total_damage_done").rows() == [
        ("EUW1_1", 0, 1, 2, 5, None, 9), ("EUW1_1", 0, 2, 2, None, 4, 9), ("EUW1_2", 0, 10, 2, 5, None, 9)]


REFUSED = {
    "an event field written twice": ("events", b'[{"type":"A","type":"B"}]'),
    "an event that is not an object": ("events", b'[{"type":"A"},5]'),
    "events that are not a list": ("events", b'{"type":"A"}'),
    "an object in an integer field": ("events", b'[{"type":"A","timestamp":{"a":1}}]'),
    "a key that is not a participant id": ("participantFrames", b'{"one":{"level":1}}'),
    "a participant frame that is not an object": ("participantFrames", b'{"1":[1]}'),
    "a text in a kept field": ("participantFrames", b'{"1":{"level":"x"}}'),
}


@pytest.mark.parametrize(("member", "text"), REFUSED.values(), ids=REFUSED)
def test_a_timeline_outside_the_match_v5_shape_is_rejected_alone(member, text):
    good = (FIXTURES / SAMPLES["JP1_323466834"]).read_bytes()
    parsed = parse_timelines([("good.json", good), ("EUW1_1_timeline.json", timeline_of(member, text))])
    assert [reject.file for reject in parsed.rejects] == ["EUW1_1_timeline.json"]
    assert "not in the match-v5 shape" in parsed.rejects[0].reason
    assert parsed.events["match_id"].unique().to_list() == ["JP1_323466834"] and parsed.events.height == 1280
