import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from gamestats_assets.generator.llm import AnthropicProvider, LLMError, OpenAIProvider
from gamestats_assets.generator.taxonomy import read_taxonomy
from gamestats_assets.sources.taxonomy.rules import ProductInfo, RuleSet

from .conftest import TAXONOMIES


class _RecordedModel(BaseHTTPRequestHandler):
    """Replies with queued texts in the OpenAI or Anthropic response shape, recording each request."""

    replies: list[str] = []
    requests: list[tuple[str, dict, dict]] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append((self.path, dict(self.headers), body))
        text = type(self).replies.pop(0)
        if self.path.endswith("/chat/completions"):
            payload = {"id": "chatcmpl-1", "object": "chat.completion", "model": body["model"],
                       "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                    "finish_reason": "stop"}]}
        else:
            payload = {"id": "msg_1", "type": "message", "role": "assistant", "model": body["model"],
                       "content": [{"type": "text", "text": text}], "stop_reason": "end_turn"}
        encoded = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        self.wfile.write(encoded)

    def log_message(self, *args):
        pass


@pytest.fixture
def model_server():
    _RecordedModel.replies, _RecordedModel.requests = [], []
    server = HTTPServer(("127.0.0.1", 0), _RecordedModel)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1", _RecordedModel
    server.shutdown()
    server.server_close()


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
