"""Answering a repeated read without the endpoint: the bytes of each public answer kept under its URL and the
publish ids it was read at, and sent again while those ids are still the current ones.

`PublishClock` reads every table's publish id from `public.publish_log` over one asynchronous connection; a
request waits for a read that started after it arrived, so it never sees publish ids older than its own
arrival, and the requests arriving during one read share the next (one query per round trip, not per request).
`CachedAnswers` is the ASGI layer: a GET whose URL has an answer kept, read at the current publish ids, is
answered from it with a new `timestamp`; any other request goes to the app, and an answer the app marks with
its publish ids (`PUBLISHES_HEADER`, set by `envelope.enveloped`; removed before it is sent) is kept, when it
is a 200 to a request without a token; one the clock changes (`FRESH_UNTIL_HEADER`, its moment in seconds since
the epoch; removed too) is not sent past that moment. Answers are kept least recently used first, up to
`max_bytes` as Python holds them with their URLs (`reader.footprint`)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any

import psycopg

from gamestats_assets.lib.publish.postgres import libpq_url
from gamestats_assets.serve.core.reader import footprint

PUBLISHES_HEADER = b"x-gamestats-publishes"
FRESH_UNTIL_HEADER = b"x-gamestats-fresh-until"
MARKS = (PUBLISHES_HEADER, FRESH_UNTIL_HEADER)
TIMESTAMP = b'"timestamp":"'
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


class PublishClock:
    """The current publish id of every published table, read when asked (see the module)."""

    def __init__(self, url: str, role: str):
        self.url, self.role = libpq_url(url), role
        self._conn: psycopg.AsyncConnection | None = None
        self._next: asyncio.Future | None = None
        self._reading = False
        self._loop: asyncio.AbstractEventLoop | None = None

    async def current(self) -> dict[str, int]:
        """{table: publish id} as read by a query that started after this call."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (a test client's): nothing of the old one can be awaited
            self._loop, self._conn, self._next, self._reading = loop, None, None, False
        if self._next is None:
            self._next = loop.create_future()
        waiting = self._next
        if not self._reading:
            self._reading = True
            loop.create_task(self._read_while_asked())
        return await waiting

    async def _read_while_asked(self) -> None:
        try:
            while self._next is not None:
                answering, self._next = self._next, None
                try:
                    answering.set_result(await self._read())
                except Exception as error:  # the waiting requests go to the app, which answers the error
                    answering.set_exception(error)
                    await self.close()
        finally:
            self._reading = False

    async def _read(self) -> dict[str, int]:
        if self._conn is None or self._conn.closed:
            self._conn = await psycopg.AsyncConnection.connect(self.url, autocommit=True)
            await self._conn.execute(f"SET ROLE {self.role}")
        cursor = await self._conn.execute("SELECT table_name, publish_id FROM public.publish_log")
        return dict(await cursor.fetchall())

    async def close(self) -> None:
        if self._conn is not None and self._loop is asyncio.get_running_loop():
            await self._conn.close()
        self._conn = None


@dataclass(frozen=True)
class Kept:
    """An answer's bytes around its timestamp, its headers, the publish ids it was read at, and until when the
    clock leaves it unchanged (seconds since the epoch; None: always)."""

    before: bytes
    after: bytes
    headers: list[tuple[bytes, bytes]]
    publishes: tuple[tuple[str, int], ...]
    fresh_until: float | None = None
    route: Any = None
    """The route that answered it first: a request answered from it counts as that route's."""

    @property
    def size(self) -> int:
        return len(self.before) + len(self.after)


def kept_answer(body: bytes, headers: list[tuple[bytes, bytes]], publishes: tuple[tuple[str, int], ...],
                fresh_until: float | None = None) -> Kept | None:
    """`body` split around its envelope's timestamp (None when it has none)."""
    start = body.find(TIMESTAMP)
    if start < 0:
        return None
    start += len(TIMESTAMP)
    end = body.index(b'"', start)
    return Kept(body[:start], body[end:], [(k, v) for k, v in headers if k.lower() != b"content-length"], publishes,
                fresh_until)


def now_iso() -> bytes:
    return dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z").encode()


class CachedAnswers:
    """ASGI middleware answering repeated public reads from the answers kept (see the module)."""

    def __init__(self, app, clock: PublishClock, max_bytes: int = DEFAULT_MAX_BYTES):
        self.app, self.clock, self.max_bytes = app, clock, max_bytes
        self.kept: OrderedDict[tuple[str, bytes], Kept] = OrderedDict()
        self.bytes = 0
        self.hits = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET":
            return await self.app(scope, receive, send)
        url = (scope["path"], scope["query_string"])
        kept = self.kept.get(url)
        if kept is not None:
            try:
                current = await self.clock.current()
            except Exception:  # PostgreSQL unreachable: the app answers, and says why
                current = None
            if (current is not None and all(current.get(table, 0) == publish for table, publish in kept.publishes)
                    and (kept.fresh_until is None or time.time() < kept.fresh_until)):
                self.kept.move_to_end(url)
                self.hits += 1
                scope["route"] = kept.route
                return await self._send(kept, send)
        public = not any(name == b"authorization" for name, _ in scope["headers"])
        return await self.app(scope, receive, self._keeping(url, scope, send) if public else self._stripping(send))

    async def _send(self, kept: Kept, send) -> None:
        body = kept.before + now_iso() + kept.after
        await send({"type": "http.response.start", "status": 200,
                    "headers": [*kept.headers, (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    def _stripping(self, send):
        """`send` without the publish ids' and freshness headers."""
        async def stripped(message):
            if message["type"] == "http.response.start":
                message["headers"] = [(k, v) for k, v in message.get("headers", []) if k not in MARKS]
            await send(message)
        return stripped

    def _keeping(self, url: tuple[str, bytes], scope, send):
        """`send` that also keeps a 200 answer marked with its publish ids under `url`."""
        state: dict = {}

        async def keeping(message):
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                marked = [v for k, v in headers if k == PUBLISHES_HEADER]
                until = [float(v) for k, v in headers if k == FRESH_UNTIL_HEADER]
                message["headers"] = [(k, v) for k, v in headers if k not in MARKS]
                if marked and message["status"] == 200:
                    state.update(headers=message["headers"], body=[], fresh_until=until[0] if until else None,
                                 publishes=tuple(tuple(pair) for pair in json.loads(marked[0])))
            elif message["type"] == "http.response.body" and "body" in state:
                state["body"].append(message.get("body", b""))
                if not message.get("more_body"):
                    kept = kept_answer(b"".join(state.pop("body")), state["headers"], state["publishes"],
                                       state["fresh_until"])
                    self._keep(url, kept and replace(kept, route=scope.get("route")))
            await send(message)
        return keeping

    def _keep(self, url: tuple[str, bytes], kept: Kept | None) -> None:
        if kept is None or kept.size > self.max_bytes // 16:
            return
        old = self.kept.pop(url, None)
        self.bytes += footprint((url, kept)) - (footprint((url, old)) if old else 0)
        self.kept[url] = kept
        while self.bytes > self.max_bytes:
            dropped = self.kept.popitem(last=False)
            self.bytes -= footprint(dropped)
