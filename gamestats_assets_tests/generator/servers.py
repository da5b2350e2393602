"""Local HTTP servers the generator's tests talk to: a model answering in each provider's real response shape."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer


class RecordedModel(BaseHTTPRequestHandler):
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


def serve(handler):
    """`handler` served on 127.0.0.1 in a thread: (server, its base URL)."""
    server = HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def served(handler):
    """`handler` on 127.0.0.1 for the length of a test: yields its base URL."""
    server, url = serve(handler)
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()
