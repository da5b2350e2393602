"""The HTTP/1.1 protocol `gamestats serve` runs under uvicorn: uvicorn's httptools protocol with a bound on the
request line and headers, which httptools itself would gather in memory without end, and on the connections a
worker holds open.

The bytes fed to the parser while a request's headers are incomplete are counted; past `max_header_bytes()` the
connection is answered 431 and closed, before any app sees the request. A request whose headers complete within a
read is never refused, and a read that ends a request counts for none, so the bound holds to within one read
(uvicorn reads at most 64 KiB at a time).

A connection is idle while no request is in progress on it: from when it is made, or its last answer sent, until
the head of its next request is in. An idle connection is closed after `idle_seconds`, and the connections of a
worker are bounded in all and per client address (`Connections`): a new one past a bound takes the place of the
oldest idle one, so that connections opened and left idle by anyone never keep a client who sends a request
out."""

from __future__ import annotations

import ipaddress
import json
from asyncio import TimerHandle

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from gamestats_assets.serve.core.settings import ConnectionSettings, max_header_bytes


class Connections:
    """The connections a worker holds, oldest first, in all and by client address: at most `most` in all and
    `per_address` from one address (but from a trusted proxy's, bounded in all only). A connection past a bound
    closes the oldest idle one of its address (or of all), and is refused, closed at once, when none is idle."""

    def __init__(self, settings: ConnectionSettings):
        self.most, self.per_address, self.idle_seconds = settings.most, settings.per_address, settings.idle_seconds
        self.proxies = [ipaddress.ip_network(proxy, strict=False) for proxy in settings.trusted_proxies]
        self.held: dict[BoundedHeaders, str] = {}
        self.by_address: dict[str, dict[BoundedHeaders, None]] = {}

    def admit(self, connection: BoundedHeaders, address: str) -> bool:
        """Whether `connection`, from `address`, may stay (an idle one closed to make room if need be)."""
        mine = self.by_address.get(address, {})
        if len(mine) >= self.per_address and not self._trusted(address) and not self._close_idle(mine):
            return False
        if len(self.held) >= self.most and not self._close_idle(self.held):
            return False
        self.held[connection] = address
        self.by_address.setdefault(address, {})[connection] = None
        return True

    def left(self, connection: BoundedHeaders) -> None:
        address = self.held.pop(connection, None)
        mine = self.by_address.get(address, {})
        mine.pop(connection, None)
        if not mine:
            self.by_address.pop(address, None)

    def _trusted(self, address: str) -> bool:
        try:
            return any(ipaddress.ip_address(address) in proxy for proxy in self.proxies)
        except ValueError:
            return False

    def _close_idle(self, among) -> bool:
        oldest = next((connection for connection in among if connection.idle), None)
        if oldest is None:
            return False
        self.left(oldest)
        oldest.transport.close()
        return True


class BoundedHeaders(HttpToolsProtocol):
    """`HttpToolsProtocol` answering 431 to a request line and headers longer than `max_header_bytes()`, closing a
    connection idle for `idle_seconds`, and holding the worker's connections within `Connections`' bounds."""

    connections_held: Connections | None = None
    """The worker's connections, made by its first one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_header_bytes = max_header_bytes()
        self.header_bytes = 0
        self.in_headers = True
        self.completed = False
        self.idle = True
        self.idle_timer: TimerHandle | None = None

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        if BoundedHeaders.connections_held is None:
            BoundedHeaders.connections_held = Connections(ConnectionSettings())
        if not BoundedHeaders.connections_held.admit(self, self.client[0] if self.client else ""):
            transport.close()
            return
        self.wait_while_idle()

    def connection_lost(self, exc: Exception | None) -> None:
        BoundedHeaders.connections_held.left(self)
        self.stop_idle_timer()
        super().connection_lost(exc)

    def wait_while_idle(self) -> None:
        self.idle = True
        self.stop_idle_timer()
        self.idle_timer = self.loop.call_later(BoundedHeaders.connections_held.idle_seconds, self.close_when_idle)

    def stop_idle_timer(self) -> None:
        if self.idle_timer is not None:
            self.idle_timer.cancel()
            self.idle_timer = None

    def close_when_idle(self) -> None:
        if self.idle and not self.transport.is_closing():
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self.transport.is_closing():
            return
        self.completed = False
        super().data_received(data)
        if self.in_headers and not self.completed:
            self.header_bytes += len(data)
            if self.header_bytes > self.max_header_bytes and not self.transport.is_closing():
                self.refuse_headers()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.in_headers, self.header_bytes = True, 0

    def on_headers_complete(self) -> None:
        self.in_headers, self.idle = False, False
        self.stop_idle_timer()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.pipeline and not self.transport.is_closing():
            self.wait_while_idle()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self.in_headers, self.header_bytes, self.completed = True, 0, True

    def refuse_headers(self) -> None:
        message = json.dumps({"detail": f"the request line and headers take more than {self.max_header_bytes} "
                                        "bytes"}).encode()
        self.transport.write(b"".join([
            STATUS_LINE[431], b"content-type: application/json\r\n",
            b"content-length: " + str(len(message)).encode() + b"\r\n", b"connection: close\r\n\r\n", message]))
        self.transport.close()
