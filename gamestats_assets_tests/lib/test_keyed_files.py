"""A match-keyed domain's run of one kind of its files (`MatchRun`): what it read is recorded only once it confirms,
a match whose every kind was recorded is retired whole past the retention, and a later run of a retired match takes
its rows from the lake while a file of it delivered again is read as any new file."""

import json

from gamestats_assets.lib.intake.keyed_files import MatchRun, parsed_path, retire_matches

DOMAIN = "d"
KINDS = ("matches", "telemetry")


def land(data_dir, kind, name, text="{}"):
    path = data_dir / "landing" / DOMAIN / kind / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def run_kind(data_dir, kind, files, day=None):
    run = MatchRun.start(data_dir, DOMAIN, kind, sorted(files), files)
    for key, paths in run.files.items():
        if key not in run.kept:
            run.parsed(key, paths, day)
    return run


def test_a_run_records_what_it_read_only_once_it_confirms(tmp_path):
    files = {"m1": [land(tmp_path, "matches", "m1.json")]}
    run = run_kind(tmp_path, "matches", files, "2024-01-01")
    assert not parsed_path(tmp_path, DOMAIN, "matches", "m1").exists()
    run.confirm()
    record = json.loads(parsed_path(tmp_path, DOMAIN, "matches", "m1").read_text())
    assert record["day"] == "2024-01-01" and list(record["files"]) == ["matches/m1.json"]


def test_a_retired_match_is_taken_from_the_lake_until_a_file_of_it_lands_again(tmp_path):
    match, telemetry = land(tmp_path, "matches", "m1.json"), land(tmp_path, "telemetry", "m1-telemetry.json")
    run_kind(tmp_path, "matches", {"m1": [match]}, "2024-01-01").confirm()
    assert retire_matches(tmp_path, DOMAIN, KINDS, "2024-02-01") == 0, "the telemetry was never read"
    run_kind(tmp_path, "telemetry", {"m1": [telemetry]}).confirm()
    assert retire_matches(tmp_path, DOMAIN, KINDS, "2023-12-31") == 0, "the match's day is within the retention"
    assert retire_matches(tmp_path, DOMAIN, KINDS, "2024-02-01") == 2
    assert not match.exists() and not telemetry.exists()
    assert MatchRun.start(tmp_path, DOMAIN, "matches", ["m1", "m2"], {}).kept == ["m1"]
    again = land(tmp_path, "matches", "m1.json")
    assert MatchRun.start(tmp_path, DOMAIN, "matches", ["m1"], {"m1": [again]}).kept == []
