"""A webhook receiver on loopback that keeps every alert posted to it, as an operator's alert manager would get
them."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """The alerts posted to `url`, in the order they came."""

    def __init__(self, server: ThreadingHTTPServer):
        self.server, self.alerts = server, []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/alerts"

    def named(self, name: str, status: str = "firing") -> list[dict]:
        return [alert for alert in self.alerts if alert["alert"] == name and alert["status"] == status]

    def wait_for(self, name: str, status: str = "firing", seconds: float = 60) -> dict:
        """The first alert `name` in state `status`, waited for up to `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = self.named(name, status)
            if found:
                return found[0]
            time.sleep(0.2)
        raise AssertionError(f"no {status} alert {name!r} within {seconds} s; received {self.alerts}")


@contextlib.contextmanager
def receiving() -> Iterator[Receiver]:
    """A receiver on a free loopback port until the block ends."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    receiver = Receiver(server)
    receiver.alerts = received
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
