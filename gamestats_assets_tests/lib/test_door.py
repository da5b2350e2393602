"""The door every file takes into landing (`Door.land`): the place inside the domain's folder or refused, the write
whole or not at all, a duplicate left alone, a conflict kept or replaced as asked, a file naming a deleted player
refused, and a file its check refuses quarantined with the reason, never landed."""

import asyncio
import hashlib
import json

import pytest

from gamestats_assets.lib.core.inputs import UnsafePath
from gamestats_assets.lib.core.landing_records import Content, digest
from gamestats_assets.lib.erasure.register import enter, register_path
from gamestats_assets.lib.intake.door import (
    DUPLICATE,
    KEPT,
    LANDED,
    QUARANTINED,
    REPLACE,
    REPLACED,
    Door,
    NamesDeletedPlayer,
    TooLarge,
)

DAY = "2024-03-01"


def staging_left(door):
    return [path for path in (door.folder / ".door").rglob("*")] if (door.folder / ".door").exists() else []


def test_a_file_lands_whole_once_and_a_duplicate_writes_nothing(tmp_path):
    door = Door.of(tmp_path, "d")
    first = door.land((DAY, "a.json"), b'{"a": 1}')
    assert first.outcome == LANDED and first.path == (tmp_path / "landing" / "d" / DAY / "a.json").resolve()
    stamp = first.path.stat().st_mtime_ns
    again = door.land((DAY, "a.json"), '{"a": 1}')
    assert again.outcome == DUPLICATE and again.in_place and first.path.stat().st_mtime_ns == stamp
    assert staging_left(door) == []


def test_other_bytes_at_the_place_are_kept_unless_the_caller_replaces_them(tmp_path):
    door = Door.of(tmp_path, "d")
    door.land((DAY, "a.json"), b"first")
    kept = door.land((DAY, "a.json"), b"second")
    assert kept.outcome == KEPT and not kept.in_place and kept.path.read_bytes() == b"first"
    replaced = door.land((DAY, "a.json"), b"second", conflict=REPLACE)
    assert replaced.outcome == REPLACED and replaced.path.read_bytes() == b"second"


def test_a_received_file_is_moved_in(tmp_path):
    received = tmp_path / "upload.partial"
    received.write_bytes(b"replay")
    landed = Door.of(tmp_path, "d").land((DAY, "m.replay"), received)
    assert landed.outcome == LANDED and landed.path.read_bytes() == b"replay" and not received.exists()


@pytest.mark.parametrize("parts", [("..", "other", "a.json"), (DAY, "..", "..", "..", "a.json"), ("/etc", "a"),
                                   (DAY, "a\0.json")])
def test_a_place_outside_the_domains_folder_is_refused(tmp_path, parts):
    with pytest.raises(UnsafePath):
        Door.of(tmp_path, "d").land(parts, b"x")
    assert not any(path.is_file() for path in tmp_path.rglob("*"))


def test_a_file_naming_a_deleted_player_is_refused(tmp_path):
    door = Door.of(tmp_path, "d")
    enter(register_path(tmp_path), "d", "p2")
    with pytest.raises(NamesDeletedPlayer):
        door.land((DAY, "a.json"), b"x", players=["p1", "p2"])
    assert not (door.folder / DAY / "a.json").exists()
    assert Door.of(tmp_path, "other").land((DAY, "a.json"), b"x", players=["p2"]).outcome == LANDED
    assert door.land((DAY, "a.json"), b"x", players=["p1"]).outcome == LANDED


def test_a_file_its_check_refuses_is_quarantined_with_the_reason(tmp_path):
    door = Door.of(tmp_path, "d")
    refused = door.land((DAY, "m.replay"), b"forged", check=lambda path: "its header contradicts its stream")
    assert refused.outcome == QUARANTINED and refused.reason == "its header contradicts its stream"
    assert refused.path == tmp_path / "quarantine" / "d" / DAY / "m.replay" and refused.path.read_bytes() == b"forged"
    reason = json.loads(refused.path.with_name("m.replay.reason.json").read_text())
    assert reason["reason"] == "its header contradicts its stream"
    assert not (tmp_path / "landing" / "d" / DAY / "m.replay").exists() and staging_left(door) == []


async def chunks_of(*parts: bytes):
    for part in parts:
        yield part


def test_a_file_received_in_chunks_is_kept_whole_or_not_at_all(tmp_path):
    door = Door.of(tmp_path, "d")
    received = asyncio.run(door.receive(chunks_of(b"ab", b"cd"), 4, ".uploads"))
    assert received.parent == door.place(".uploads") and received.read_bytes() == b"abcd"
    with pytest.raises(TooLarge):
        asyncio.run(door.receive(chunks_of(b"ab", b"cde"), 4, ".uploads"))
    assert list(door.place(".uploads").iterdir()) == [received]


def test_the_door_finds_files_by_name_and_by_content_and_keeps_its_notes(tmp_path):
    door = Door.of(tmp_path, "d")
    door.land((".uploads", "m.replay"), b"waiting")
    assert door.found("*/m.replay") is None
    landed = door.land((DAY, "m.replay"), b"game").path
    assert door.found("*/m.replay") == landed and door.copy_of(Content(landed)) is None
    record = tmp_path / "state" / "parsed" / "d" / "reader" / f"{DAY}.json"
    record.parent.mkdir(parents=True)
    record.write_text(json.dumps({"files": {"m.replay": [4, 0, digest(landed)]}}))
    assert door.copy_of(Content(landed)) == door.copy_of(Content(b"game")) == f"landing/d/{DAY}/m.replay"
    retired = tmp_path / "state" / "retired" / "d" / "2024-02-01.json"
    retired.parent.mkdir(parents=True)
    earlier = hashlib.blake2b(b"old", digest_size=16).hexdigest()
    retired.write_text(json.dumps({"old.replay": [3, 0, earlier]}))
    assert door.copy_of(Content(b"old")) == "retired, its rows kept", "a record kept with the earlier digest"
    assert door.copy_of(Content(b"new")) is None
    assert door.noted("games", "body") is None
    door.note("games", "body", "m")
    assert door.noted("games", "body") == "m"
    door.forget("games", "body")
    assert door.noted("games", "body") is None
    enter(register_path(tmp_path), "d", "p2")
    door.admit((DAY, "n.replay"), ["p1"])
    with pytest.raises(NamesDeletedPlayer):
        door.admit((DAY, "n.replay"), ["p1", "p2"])
