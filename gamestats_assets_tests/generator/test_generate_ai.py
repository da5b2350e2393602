"""`gamestats generate --ai PROVIDER --model M`: the rules come from the model, asked in the provider's own request
shape at the address given, with the key from the provider's environment variable."""

import json
from collections import Counter
from dataclasses import replace

import pytest
from click.testing import CliRunner

from gamestats_assets.cli import main
from gamestats_assets.generator.analyzer import analyze
from gamestats_assets.generator.taxonomy import read_taxonomy
from gamestats_assets.sources.taxonomy.rules import ProductInfo

from .conftest import TAXONOMIES

KEYS = {"openai": ("OPENAI_API_KEY", "/v1/chat/completions"), "anthropic": ("ANTHROPIC_API_KEY", "/v1/messages")}


def _hours(folder) -> Counter:
    return Counter(json.loads(line)["#time"][11:13] for path in folder.glob("*.jsonl")
                   for line in path.read_text().splitlines())


@pytest.mark.parametrize("provider", sorted(KEYS))
def test_the_model_chosen_on_the_command_line_makes_the_rules(provider, model_server, tmp_path, monkeypatch):
    """The model answers with rules whose sessions all start at 03:00; the files follow them, where the offline
    rules spread the day over many hours."""
    base_url, model = model_server
    variable, path = KEYS[provider]
    monkeypatch.setenv(variable, "key-from-env")
    taxonomy = TAXONOMIES / "saas_events.csv"
    offline = analyze(read_taxonomy(taxonomy), ProductInfo("saas", "web"))
    night = replace(offline, hour_weights=tuple(1.0 if hour == 3 else 0.0 for hour in range(24)))
    model.replies = ["Here you are:\n```json\n" + json.dumps(night.to_dict()) + "\n```"]
    common = ["generate", "--taxonomy", str(taxonomy), "--users", "60", "--days", "2", "--start", "2024-03-01",
              "--industry", "saas", "--platform", "web"]
    result = CliRunner().invoke(main, [*common, "--out", str(tmp_path / "ai"), "--ai", provider,
                                       "--model", "test-model", "--ai-base-url", base_url])
    assert result.exit_code == 0, result.output
    (request_path, headers, body), = model.requests
    headers = {name.lower(): value for name, value in headers.items()}
    assert request_path == path and body["model"] == "test-model"
    assert "key-from-env" in (headers.get("authorization", "") + headers.get("x-api-key", ""))
    hours = _hours(tmp_path / "ai")
    assert sum(hours.values()) > 100 and set(hours) <= {"03", "04", "05"}, hours
    offline_run = CliRunner().invoke(main, [*common, "--out", str(tmp_path / "offline")])
    assert offline_run.exit_code == 0, offline_run.output
    assert len(_hours(tmp_path / "offline")) > 8


def test_a_missing_key_or_a_model_without_provider_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    common = ["generate", "--taxonomy", str(TAXONOMIES / "saas_events.csv"), "--start", "2024-03-01",
              "--out", str(tmp_path / "out")]
    missing = CliRunner().invoke(main, [*common, "--ai", "anthropic", "--ai-base-url", "http://127.0.0.1:9/v1"])
    assert missing.exit_code == 1 and "ANTHROPIC_API_KEY" in missing.output
    alone = CliRunner().invoke(main, [*common, "--model", "m"])
    assert alone.exit_code == 2 and "--model needs --ai" in alone.output
    assert not (tmp_path / "out").exists()
