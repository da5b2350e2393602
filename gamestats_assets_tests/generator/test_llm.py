import json

import pytest

from gamestats_assets.generator.llm import AnthropicProvider, LLMError, OpenAIProvider
from gamestats_assets.generator.taxonomy import read_taxonomy
from gamestats_assets.sources.taxonomy.rules import ProductInfo, RuleSet

from .conftest import TAXONOMIES


@pytest.fixture
def taxonomy():
    return read_taxonomy(TAXONOMIES / "saas_events.csv")


def test_openai_provider_retries_bad_json_then_caches(model_server, taxonomy, tmp_path, monkeypatch):
    base_url, model = model_server
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    from gamestats_assets.generator.analyzer import analyze

    expected = analyze(taxonomy, ProductInfo("saas", "web"))
    model.replies = ["not json at all", "```json\n" + json.dumps(expected.to_dict()) + "\n```"]
    provider = OpenAIProvider(base_url=base_url, cache_dir=tmp_path, min_interval_s=0.0)
    rules = provider.analyze(taxonomy, ProductInfo("saas", "web"))
    assert isinstance(rules, RuleSet) and rules == expected
    assert len(model.requests) == 2
    path, headers, body = model.requests[0]
    assert path == "/v1/chat/completions" and headers["Authorization"] == "Bearer test-key"
    assert body["messages"][0]["role"] == "user" and "task_create" in body["messages"][0]["content"]
    assert provider.analyze(taxonomy, ProductInfo("saas", "web")) == expected
    assert len(model.requests) == 2


def test_anthropic_provider_gives_up_after_three_tries(model_server, taxonomy, monkeypatch):
    base_url, model = model_server
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    model.replies = ["{}", "nope", '{"taxonomy": "x"}']
    provider = AnthropicProvider(base_url=base_url, min_interval_s=0.0)
    with pytest.raises(LLMError, match="3 tries"):
        provider.analyze(taxonomy, ProductInfo("saas", "web"))
    assert [path for path, _, _ in model.requests] == ["/v1/messages"] * 3
    assert {name.lower(): value for name, value in model.requests[0][1].items()}["x-api-key"] == "test-key"


def test_rate_limit_spaces_requests(model_server, taxonomy, monkeypatch):
    import time

    base_url, model = model_server
    monkeypatch.setenv("OPENAI_API_KEY", "k")
    model.replies = ["x", "y", "z"]
    provider = OpenAIProvider(base_url=base_url, min_interval_s=0.2)
    started = time.monotonic()
    with pytest.raises(LLMError):
        provider.analyze(taxonomy, ProductInfo())
    assert time.monotonic() - started >= 0.4


def test_missing_key_is_a_clear_error(taxonomy, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(LLMError, match="OPENAI_API_KEY"):
        OpenAIProvider(base_url="http://127.0.0.1:9").analyze(taxonomy, ProductInfo())
