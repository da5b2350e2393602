"""A file quarantined under a name already in quarantine never replaces the one there."""

import json

from gamestats_assets.lib.intake.quarantine import Reject, quarantine_file, quarantine_records, quarantined

DAY = "2026-01-01"
Q = "quarantine"


def deliver(data_dir, name, content):
    landing = data_dir / "landing" / "demo" / DAY
    landing.mkdir(parents=True, exist_ok=True)
    path = landing / name
    path.write_bytes(content)
    return path


def test_a_second_file_with_the_same_name_keeps_the_first(data_dir):
    first = quarantine_file(data_dir / Q, deliver(data_dir, "recharge.jsonl", b"first"), "demo", DAY, "first reason")
    second = quarantine_file(data_dir / Q, deliver(data_dir, "recharge.jsonl", b"second"), "demo", DAY, "second reason")
    third = quarantine_file(data_dir / Q, deliver(data_dir, "recharge.jsonl", b"third"), "demo", DAY, "third reason")

    assert len({first, second, third}) == 3
    assert [p.read_bytes() for p in (first, second, third)] == [b"first", b"second", b"third"]
    assert second.name == "recharge.2.jsonl"
    reasons = [json.loads(p.with_name(p.name + ".reason.json").read_text()) for p in (first, second, third)]
    assert [r["reason"] for r in reasons] == ["first reason", "second reason", "third reason"]
    assert {r["file"] for r in reasons} == {"recharge.jsonl"}
    assert quarantined(data_dir / Q, "demo", DAY) == {"files": 3, "records": 0}


def test_a_file_named_like_a_rejects_file_never_mixes_with_the_rejected_records(data_dir):
    quarantine_records(data_dir / Q, [Reject("login.jsonl", 3, "missing #time", "{}")], "demo", DAY, "events")
    moved = quarantine_file(data_dir / Q, deliver(data_dir, "events.rejects.jsonl", b"whole\nfile\n"), "demo", DAY, "unclaimed")

    assert moved.name != "events.rejects.jsonl" and moved.read_bytes() == b"whole\nfile\n"
    assert quarantined(data_dir / Q, "demo", DAY) == {"files": 1, "records": 1}
