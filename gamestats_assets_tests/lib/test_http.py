"""The live-API client against a local HTTP server: answers, rate limits, retries and clear errors."""

import gzip
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pyrate_limiter import Limiter

from gamestats_assets.lib.intake.http import ApiClient, ApiError, EndpointLimit, MissingApiKey


class _Scripted(BaseHTTPRequestHandler):
    """Answers each path from a queue of (status, headers, body); records every request."""

    script: dict[str, list[tuple[int, dict, bytes]]] = {}
    seen: list[tuple[str, float, dict]] = []

    def do_GET(self):
        type(self).seen.append((self.path, time.monotonic(), dict(self.headers)))
        queue = type(self).script[self.path.split("?")[0]]
        status, headers, body = queue.pop(0) if len(queue) > 1 else queue[0]
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Scripted.script, _Scripted.seen = {}, []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Scripted)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}", _Scripted
    httpd.shutdown()
    httpd.server_close()


def client(base_url, **kwargs):
    return ApiClient("test-api", base_url, "T_API_KEY", key_format="Bearer {key}", max_backoff_s=2, **kwargs)


OK = (200, {"Content-Type": "application/json"}, json.dumps({"ok": True}).encode())


def test_a_200_answer_carries_the_key_in_the_header(server, monkeypatch):
    base_url, handler = server
    monkeypatch.setenv("T_API_KEY", "secret-key")
    handler.script["/things"] = [OK]
    assert client(base_url).get_json("/things", {"page": 2}) == {"ok": True}
    path, _, headers = handler.seen[0]
    assert path == "/things?page=2" and headers["Authorization"] == "Bearer secret-key"


def test_429_waits_for_retry_after_then_succeeds(server, monkeypatch):
    base_url, handler = server
    monkeypatch.setenv("T_API_KEY", "k")
    handler.script["/limited"] = [(429, {"Retry-After": "1"}, b""), OK]
    assert client(base_url).get_json("/limited") == {"ok": True}
    (_, first, _), (_, second, _) = handler.seen
    assert second - first >= 0.95


def test_5xx_is_retried_with_backoff_and_gives_up_naming_the_endpoint(server, monkeypatch):
    base_url, handler = server
    monkeypatch.setenv("T_API_KEY", "k")
    handler.script["/flaky"] = [(503, {}, b""), OK]
    assert client(base_url).get_json("/flaky") == {"ok": True}
    handler.script["/down"] = [(500, {}, b"")]
    with pytest.raises(ApiError, match="test-api GET /down: HTTP 500"):
        client(base_url, max_attempts=2).get_json("/down")
    assert sum(1 for path, _, _ in handler.seen if path == "/down") == 2


@pytest.mark.parametrize(("status", "words"), [(401, "check T_API_KEY"), (403, "check T_API_KEY"), (404, "no such")])
def test_refusals_are_clear_errors_without_the_key(server, monkeypatch, status, words):
    base_url, handler = server
    monkeypatch.setenv("T_API_KEY", "secret-key")
    handler.script["/refused"] = [(status, {}, b"nope")]
    with pytest.raises(ApiError, match=f"/refused: HTTP {status}") as raised:
        client(base_url).get_json("/refused")
    assert words in str(raised.value) and "secret-key" not in str(raised.value)
    assert len(handler.seen) == 1


def test_a_missing_key_names_the_variable(server, monkeypatch):
    base_url, _ = server
    monkeypatch.delenv("T_API_KEY", raising=False)
    with pytest.raises(MissingApiKey, match="set T_API_KEY"):
        client(base_url).get_json("/things")


def test_endpoint_limits_space_the_requests_they_match(server, monkeypatch):
    base_url, handler = server
    monkeypatch.setenv("T_API_KEY", "k")
    handler.script["/slow/x"] = [OK]
    handler.script["/fast"] = [OK]
    api = client(base_url, limits=[EndpointLimit("/slow", ((2, 1.0),))])
    for _ in range(3):
        api.get_json("/slow/x")
    for _ in range(3):
        api.get_json("/fast")
    slow = [moment for path, moment, _ in handler.seen if path == "/slow/x"]
    fast = [moment for path, moment, _ in handler.seen if path == "/fast"]
    assert slow[2] - slow[0] >= 0.9
    assert fast[2] - fast[0] < 0.9


def test_clients_of_one_limit_group_share_their_limits(server, monkeypatch):
    """Which requests had to wait for their limiter is seen at the limiter (a full bucket refuses at once): a wait
    timed on a loaded machine would be a guess."""
    base_url, handler = server
    monkeypatch.setenv("T_API_KEY", "k")
    handler.script["/grouped"] = [OK]
    handler.script["/apart"] = [OK]
    waited = []
    acquire = Limiter.try_acquire

    def watched(limiter, name, *args, blocking=True, **kwargs):
        if acquire(limiter, name, *args, blocking=False, **kwargs):
            waited.append(False)
            return True
        waited.append(True)
        return acquire(limiter, name, *args, blocking=blocking, **kwargs)

    monkeypatch.setattr(Limiter, "try_acquire", watched)
    limits = [EndpointLimit("", ((2, 1.0),))]
    first, second = (client(base_url, limits=limits, limit_group=base_url) for _ in range(2))
    for api in (first, second, first):
        api.get_json("/grouped")
    assert waited == [False, False, True], "the third request of the group waits for the two before it"
    grouped = [moment for path, moment, _ in handler.seen if path == "/grouped"]
    assert grouped[2] - grouped[0] >= 0.9
    waited.clear()
    for _ in range(2):
        client(base_url, limits=limits, limit_group=f"{base_url} apart").get_json("/apart")
        client(base_url, limits=limits).get_json("/apart")
    assert waited == [False] * 4, "clients of another group, or of none, do not wait for the group's requests"


def test_a_gzip_file_is_unpacked(server, monkeypatch):
    base_url, handler = server
    monkeypatch.setenv("T_API_KEY", "k")
    handler.script["/telemetry.json"] = [(200, {"Content-Type": "application/octet-stream"}, gzip.compress(b"[1, 2]"))]
    assert client(base_url).get_bytes(f"{base_url}/telemetry.json") == b"[1, 2]"
