"""Local HTTP servers the generator's tests talk to: a model answering in each provider's real response shape, and a
ThinkingData receiver."""

import gzip
import json

from gamestats_assets_tests.loopback import Quiet


class RecordedModel(Quiet):
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
        self.answer(200, json.dumps(payload).encode())


class Receiver(Quiet):
    """A ThinkingData receiver: takes gzipped JSON arrays at `/sync_server` for APP ID `app_id` and answers
    `{"code": 0}`, keeping every event; `down_after` accepted batches on it answers 503 until reset, and the
    requests numbered in `drop` (from 1) or `fail` are cut off or answered 500 before they are read as taken."""

    app_id = "app-1"
    events: list[dict] = []
    requests = 0
    accepted = 0
    down_after: int | None = None
    drop: set[int] = set()
    fail: set[int] = set()

    @classmethod
    def reset(cls, down_after=None, drop=(), fail=()):
        cls.down_after, cls.drop, cls.fail = down_after, set(drop), set(fail)

    def do_POST(self):
        cls = type(self)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        cls.requests += 1
        if cls.requests in cls.drop:
            self.close_connection = True
            return
        if cls.requests in cls.fail or (cls.down_after is not None and cls.accepted >= cls.down_after):
            return self._answer(503 if cls.requests not in cls.fail else 500, {"code": -9})
        if self.path != "/sync_server" or self.headers.get("compress") != "gzip":
            return self._answer(404, {"code": -1, "msg": "not a batch"})
        if self.headers.get("appid") != cls.app_id:
            return self._answer(200, {"code": -2, "msg": "APP ID doesn't exist"})
        cls.events.extend(json.loads(gzip.decompress(body)))
        cls.accepted += 1
        self._answer(200, {"code": 0})

    def _answer(self, status, payload):
        self.answer(status, json.dumps(payload).encode())
