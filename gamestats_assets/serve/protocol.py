"""The HTTP/1.1 protocol `gamestats serve` runs under uvicorn: uvicorn's httptools protocol with a bound on the
request line and headers, which httptools itself would gather in memory without end.

The bytes fed to the parser while a request's headers are incomplete are counted; past `max_header_bytes()` the
connection is answered 431 and closed, before any app sees the request. A request whose headers complete within a
read is never refused, and a read that ends a request counts for none, so the bound holds to within one read
(uvicorn reads at most 64 KiB at a time)."""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from gamestats_assets.serve.settings import max_header_bytes


class BoundedHeaders(HttpToolsProtocol):
    """`HttpToolsProtocol` answering 431 to a request line and headers longer than `max_header_bytes()`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_header_bytes = max_header_bytes()
        self.header_bytes = 0
        self.in_headers = True
        self.completed = False

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
        self.in_headers = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self.in_headers, self.header_bytes, self.completed = True, 0, True

    def refuse_headers(self) -> None:
        message = f"the request line and headers take more than {self.max_header_bytes} bytes".encode()
        self.transport.write(b"".join([
            STATUS_LINE[431], b"content-type: text/plain; charset=utf-8\r\n",
            b"content-length: " + str(len(message)).encode() + b"\r\n", b"connection: close\r\n\r\n", message]))
        self.transport.close()
