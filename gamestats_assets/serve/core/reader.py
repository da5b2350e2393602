"""Reading the published tables: a pool of connections under the read-only role, and answers cached under the
publish ids of the tables they read.

An answer is computed between two reads of `public.publish_log`; a publish commits its rows and its log row in
one transaction, so equal publish ids before and after mean no publish of those tables happened in between:
the answer holds the rows of one publish, never a mix, and is cached under those ids. A later publish changes
the ids, so a cached answer is never older than the last publish, and never recomputed while nothing changed.
An answer computed from the clock as well (a round's status) says until when it holds (`Until`), and is not
found again after that. The answers kept take at most a given number of bytes (`AnswerCache`), whatever the
sequence of requests: a client asking for ever new URLs only makes the least recently used answers go.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field, is_dataclass
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool
from pydantic import BaseModel

from gamestats_assets.lib.publish.postgres import libpq_url

READER_ROLE = "gamestats_reader"
CACHE_BYTES = 64 * 1024 * 1024
ATTEMPTS = 5


class PublishRace(RuntimeError):
    """Publishes kept changing the tables while an answer was computed."""


@dataclass(frozen=True)
class Until:
    """What a `compute` returns when its data also depends on the clock: `data`, which holds until `moment`
    (None: for as long as the publishes hold)."""

    data: Any
    moment: dt.datetime | None


@dataclass(frozen=True)
class Answer:
    """An endpoint's rows and, for each table read, when it was last published (None: never)."""

    data: Any
    published_at: dict[str, dt.datetime | None]
    publish_ids: dict[str, int] = field(default_factory=dict)
    """The publish id of each table read, for an answer that depends on the publishes alone (else empty)."""
    fresh_until: dt.datetime | None = None
    """When the clock changes the answer (None: never)."""
    _encoded: dict[str | None, bytes] = field(default_factory=dict, compare=False, repr=False)
    _kept: list = field(default_factory=list, compare=False, repr=False)
    """The cache and key it is kept under, told of each encoding made (`AnswerCache.grew`)."""

    def holds(self) -> bool:
        """False once the clock has changed the answer."""
        return self.fresh_until is None or dt.datetime.now(dt.UTC) < self.fresh_until

    def encoded(self, part: str | None, encode: Callable[[Any], bytes]) -> bytes:
        """`encode(data)` (or of its field `part`), computed once per answer: a cached answer is encoded once."""
        found = self._encoded.get(part)
        if found is None:
            found = self._encoded[part] = encode(self.data if part is None else getattr(self.data, part))
            for cache, key in self._kept:
                cache.grew(key, self, sys.getsizeof(found))
        return found


def footprint(value: Any) -> int:
    """The bytes `value` takes in memory: `sys.getsizeof` of it and of every object it holds (a container's keys
    and items, a model's or a dataclass's fields), each counted once; any other object by its own size alone."""
    seen: set[int] = set()
    total, waiting = 0, [value]
    while waiting:
        item = waiting.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        total += sys.getsizeof(item)
        if isinstance(item, dict):
            waiting += item.keys()
            waiting += item.values()
        elif isinstance(item, (list, tuple, set, frozenset)):
            waiting += item
        elif isinstance(item, BaseModel):
            waiting += (item.__dict__, item.__pydantic_fields_set__, item.__pydantic_extra__,
                        item.__pydantic_private__)
        elif is_dataclass(item) and not isinstance(item, type):
            waiting.append(item.__dict__)
    return total


class AnswerCache:
    """A thread-safe map of answers holding at most `max_bytes`, least recently used evicted first: an answer is
    measured when it is kept (`footprint` of its data) and as its encodings are made, and one larger than a
    sixteenth of the bound is not kept. Keys carry publish ids, so an answer of an earlier publish is never found
    again and ages out."""

    def __init__(self, max_bytes: int = CACHE_BYTES):
        self.max_bytes = max_bytes
        self._answers: OrderedDict[Hashable, Answer] = OrderedDict()
        self._sizes: dict[Hashable, int] = {}
        self._lock = threading.Lock()
        self.bytes = 0
        self.hits = 0

    def get(self, key: Hashable) -> Answer | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
                self.hits += 1
            return answer

    def put(self, key: Hashable, answer: Answer) -> None:
        size = footprint(answer.data) + sum(map(sys.getsizeof, answer._encoded.values()))
        if size > self.max_bytes // 16:
            return
        with self._lock:
            self._drop(key)
            self._answers[key], self._sizes[key] = answer, size
            self.bytes += size
            answer._kept.append((self, key))
            self._evict()

    def grew(self, key: Hashable, answer: Answer, added: int) -> None:
        """Count `added` bytes more for `answer`, kept under `key` (unless it went meanwhile)."""
        with self._lock:
            if self._answers.get(key) is answer:
                self._sizes[key] += added
                self.bytes += added
                self._evict()

    def _drop(self, key: Hashable) -> None:
        if self._answers.pop(key, None) is not None:
            self.bytes -= self._sizes.pop(key)

    def _evict(self) -> None:
        while self.bytes > self.max_bytes and self._answers:
            self._drop(next(iter(self._answers)))


def configure(conn: psycopg.Connection) -> None:
    """A pooled connection reads as `READER_ROLE` only, in read-only transactions, without JIT compilation: an
    answer's queries are index lookups whose plans over a table's daily partitions are costed high enough to be
    compiled, and compiling them takes far longer than running them."""
    conn.execute(f"SET ROLE {READER_ROLE}")
    conn.execute("SET default_transaction_read_only = on")
    conn.execute("SET jit = off")


class Reader:
    """The API's way to the published tables (`read`), over a pool of at most `size` connections, its answers
    cached in at most `cache_bytes`."""

    def __init__(self, url: str, size: int = 8, cache_bytes: int = CACHE_BYTES):
        self.pool = ConnectionPool(libpq_url(url), min_size=1, max_size=size, open=False, configure=configure,
                                   kwargs={"autocommit": True, "row_factory": dict_row})
        self.cache = AnswerCache(cache_bytes)

    def open(self) -> None:
        self.pool.open(wait=True, timeout=30)

    def close(self) -> None:
        self.pool.close()

    def read(self, tables: Sequence[str], key: Hashable, compute: Callable[[psycopg.Connection], Any]) -> Answer:
        """`compute(conn)` over `tables` as of one publish of each, cached under `key` and their publish ids."""
        with self.pool.connection() as conn:
            for _ in range(ATTEMPTS):
                before = publishes(conn, tables)
                cache_key = (key, tuple(sorted((t, p[0]) for t, p in before.items())))
                cached = self.cache.get(cache_key)
                if cached is not None and cached.holds():
                    return cached
                data = compute(conn)
                until = data.moment if isinstance(data, Until) else None
                data = data.data if isinstance(data, Until) else data
                if publishes(conn, tables) == before:
                    answer = Answer(data, {t: p[1] for t, p in before.items()}, {t: p[0] for t, p in before.items()},
                                    until)
                    self.cache.put(cache_key, answer)
                    return answer
        raise PublishRace(f"{', '.join(tables)} changed during each of {ATTEMPTS} attempts; try again")

    def uncached(self, compute: Callable[[psycopg.Connection], Any]) -> Answer:
        """`compute(conn)` as it is now, for tables the platform writes rather than publishes (rosters)."""
        with self.pool.connection() as conn:
            return Answer(compute(conn), {})


def publishes(conn: psycopg.Connection, tables: Sequence[str]) -> dict[str, tuple[int, dt.datetime | None]]:
    """{table: (publish id, published at)} of `tables` (0 and None for a table never published)."""
    found = {row["table_name"]: (row["publish_id"], row["published_at"]) for row in conn.execute(
        "SELECT table_name, publish_id, published_at FROM public.publish_log WHERE table_name = ANY(%s)",
        (list(tables),))}
    return {table: found.get(table, (0, None)) for table in tables}
