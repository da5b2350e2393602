"""`gamestats serve` run as a user runs it, for the tests that probe it from outside: its own process (uvicorn, its
HTTP protocol, its workers), clients from chosen loopback addresses, and raw sockets for what no HTTP client sends."""

from __future__ import annotations

import contextlib
import os
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from gamestats_assets_tests.loopback import free_port

WATCHER = "127.0.0.9"
"""The loopback address that asks whether the server is up, so that no test address's budget is spent on it."""


@dataclass
class Running:
    """A running `gamestats serve`: its base URL, port and process, and once stopped what it printed."""

    base: str
    port: int
    process: subprocess.Popen
    output: str = ""

    def client(self, address: str = "127.0.0.1", **options) -> httpx.Client:
        """An HTTP client connecting from loopback `address` (any of 127.0.0.0/8)."""
        return httpx.Client(base_url=self.base, transport=httpx.HTTPTransport(local_address=address),
                            timeout=60, **options)

    def raw(self, timeout: float = 60) -> socket.socket:
        """A TCP connection to the server."""
        return socket.create_connection(("127.0.0.1", self.port), timeout=timeout)

    def peak_memory_bytes(self) -> int:
        """The most memory the server process has held (`VmHWM`), one worker serving in that process."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmHWM")


@contextlib.contextmanager
def serving(env: dict[str, str], *arguments: str, open_files: int | None = None) -> Iterator[Running]:
    """`gamestats serve` on a free port with `env` over the process's environment (and at most `open_files` open
    files when given), until the block ends; what it printed is in the failure of a test that ends with it."""
    port = free_port()

    def limited() -> None:
        if open_files is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))

    process = subprocess.Popen([str(Path(sys.executable).parent / "gamestats"), "serve", "--port", str(port),
                                *arguments], env={**os.environ, **env}, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, preexec_fn=limited)
    running = Running(f"http://127.0.0.1:{port}", port, process)
    deadline = time.monotonic() + 120
    with running.client(WATCHER) as watcher:
        while True:
            try:
                if watcher.get("/docs", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"gamestats serve did not start: {process.communicate()[0]}")
    try:
        yield running
    finally:
        process.terminate()
        running.output = process.communicate(timeout=60)[0]


def response_head(connection: socket.socket) -> bytes:
    """What the server answered on `connection` up to the end of its headers (or until it closed)."""
    received = b""
    while b"\r\n\r\n" not in received:
        try:
            chunk = connection.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        received += chunk
    return received


def landed_upload(data_dir: Path, match_id: str, seconds: float = 120) -> Path:
    """The landing file of the upload of `match_id` once the server has parsed it and moved it out of `.uploads`
    into its day's folder."""
    landing = data_dir / "landing" / "rocket"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [path for path in landing.glob(f"*/{match_id}.replay") if not path.parent.name.startswith(".")]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"the upload of {match_id} did not land under {landing} within {seconds} s")
