"""Unreadable input is moved aside with its reason, never dropped."""

import json

from gamestats_assets.lib.intake.quarantine import Reject, quarantine_file, quarantine_records, quarantined


def test_a_corrupt_file_is_moved_with_its_reason(data_dir):
    landing = data_dir / "landing" / "demo" / "2026-01-01"
    landing.mkdir(parents=True)
    corrupt = landing / "events.jsonl"
    corrupt.write_text("{not json")

    moved = quarantine_file(data_dir / "quarantine", corrupt, "demo", "2026-01-01", "line 1: not JSON")

    assert not corrupt.exists() and moved.read_text() == "{not json"
    reason = json.loads(moved.with_name("events.jsonl.reason.json").read_text())
    assert reason["reason"] == "line 1: not JSON" and reason["origin"] == str(corrupt)
    assert quarantined(data_dir / "quarantine", "demo", "2026-01-01") == {"files": 1, "records": 0}


def test_rejected_records_are_kept_and_a_rerun_replaces_them(data_dir):
    rejects = [Reject("login.jsonl", 3, "missing #time", '{"#type": "track"}')]
    assert quarantine_records(data_dir / "quarantine", rejects * 2, "demo", "2026-01-02", "login") == 2
    assert quarantine_records(data_dir / "quarantine", rejects, "demo", "2026-01-02", "login") == 1
    assert quarantined(data_dir / "quarantine", "demo", "2026-01-02") == {"files": 0, "records": 1}
    assert quarantine_records(data_dir / "quarantine", [], "demo", "2026-01-02", "login") == 0
    assert quarantined(data_dir / "quarantine", "demo", "2026-01-02") == {"files": 0, "records": 0}
