"""Services outside the machine played on loopback in the tests: a handler answering recorded bytes, quietly, on a
free port for a block's life."""

from __future__ import annotations

import os
import random
import socket
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Quiet(BaseHTTPRequestHandler):
    """A request handler that logs nothing and answers through `answer`."""

    def answer(self, status: int, body: bytes = b"", kind: str | None = "application/json",
               headers: Iterable[tuple[str, str]] = ()) -> None:
        """`status` with `body`, its `Content-Type` (none when `kind` is None), `headers` and its length."""
        self.send_response(status)
        if kind:
            self.send_header("Content-Type", kind)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass

BELOW_EPHEMERAL = (20000, 32000)
"""The ports `free_port` draws from: below Linux's ephemeral range (32768 and up), from which every outgoing
connection of the suite's other workers takes its own port, so a port found free stays free until a server binds it."""


def free_port() -> int:
    """A loopback port no socket holds, for a server started by a test that must name its port before it listens."""
    draw = random.Random(f"{os.getpid()}-{os.urandom(8).hex()}")
    while True:
        port = draw.randrange(*BELOW_EPHEMERAL)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """`handler` served on a free loopback port while the block runs: its base URL, `http://127.0.0.1:<port>`."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
