"""`gamestats generate --send URL --app-id ID`: every generated event reaches a ThinkingData receiver once, in
batches, through failed requests and through a rerun after the receiver went down."""

import json
import re
from collections import Counter

from click.testing import CliRunner

from gamestats_assets.cli import main

from .conftest import TAXONOMIES


def _command(out, url, *extra):
    return ["generate", "--taxonomy", str(TAXONOMIES / "saas_events.csv"), "--users", "40", "--days", "2",
            "--start", "2024-03-01", "--industry", "saas", "--platform", "web", "--out", str(out),
            "--send", url, "--app-id", "app-1", "--batch-size", "40", *extra]


def _written(out) -> Counter:
    """Each written line's `#uuid`, counted."""
    return Counter(json.loads(line)["#uuid"] for path in sorted(out.glob("*.jsonl"))
                   for line in path.read_text().splitlines())


def test_every_event_arrives_once_through_failed_requests(receiver, tmp_path):
    url, taken = receiver
    taken.reset(drop={2}, fail={4, 5})
    result = CliRunner().invoke(main, _command(tmp_path / "out", url, "--send-retries", "2"))
    assert result.exit_code == 0, result.output
    written = _written(tmp_path / "out")
    assert sum(written.values()) > 200 and max(written.values()) == 1
    assert Counter(event["#uuid"] for event in taken.events) == written
    batches = sum(-(-len(path.read_text().splitlines()) // 40) for path in (tmp_path / "out").glob("*.jsonl"))
    assert taken.accepted == batches and taken.requests == batches + 3
    assert sum(int(n) for n in re.findall(r"(\d+) retries", result.output)) == 3


def test_a_rerun_after_the_receiver_went_down_sends_only_the_rest(receiver, tmp_path):
    url, taken = receiver
    taken.reset(down_after=3)
    failed = CliRunner().invoke(main, _command(tmp_path / "out", url, "--send-retries", "1"))
    assert failed.exit_code == 1 and "did not take a batch in 2 tries" in failed.output
    assert len(taken.events) == 3 * 40
    recorded = json.loads((tmp_path / "out" / ".thinkingdata-sent.json").read_text())
    assert sum(entry["lines"] for entry in recorded["files"].values()) == 3 * 40
    taken.reset()
    rerun = CliRunner().invoke(main, _command(tmp_path / "out", url))
    assert rerun.exit_code == 0, rerun.output
    assert "sent before" in rerun.output
    assert Counter(event["#uuid"] for event in taken.events) == _written(tmp_path / "out")
    again = CliRunner().invoke(main, _command(tmp_path / "out", url))
    assert again.exit_code == 0 and Counter(event["#uuid"] for event in taken.events) == _written(tmp_path / "out")


def test_a_refused_batch_stops_at_once(receiver, tmp_path):
    url, taken = receiver
    taken.app_id = "another-app"
    try:
        result = CliRunner().invoke(main, _command(tmp_path / "out", url))
    finally:
        taken.app_id = "app-1"
    assert result.exit_code == 1 and "refused a batch" in result.output and "APP ID doesn't exist" in result.output
    assert taken.requests == 1 and taken.events == []


def test_a_send_without_its_app_id_or_address_is_refused(tmp_path):
    alone = CliRunner().invoke(main, _command(tmp_path / "out", "http://127.0.0.1:9")[:-4])
    assert alone.exit_code == 2 and "--send URL and --app-id ID go together" in alone.output
    schemeless = CliRunner().invoke(main, _command(tmp_path / "out", "receiver.example.com"))
    assert schemeless.exit_code == 2 and "http:// or https://" in schemeless.output
    assert not (tmp_path / "out").exists()
