"""Publishing a daily table computed by key (`ByKey`, a game's `match_id`) by key: of each day, only the keys
whose rows the lake wrote again since the day was last published.

The lake records a token per key of the day (`lib/refresh/generations.py`); `PUBLISHED_KEYS` records, in the publish's
own transaction, the tokens of the keys each day published (a `DoneRecord`, `lib/refresh/done.py`). A day is then
published by deleting the rows of the keys whose token changed or that are gone and copying the lake's rows of the
changed ones. A day with no record on either side is published whole (its partition exchanged, `publisher.exchange_partitions`). A failed publish changes neither
the table nor the record; a publish repeated after a lost commit sends its keys again, never a row twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl
import psycopg
from psycopg import sql

from gamestats_assets.lib.refresh.done import DoneRecord, Pending
from gamestats_assets.lib.refresh.generations import Generations
from gamestats_assets.lib.publish import publisher

PUBLISHED_KEYS = "public.published_keys"
"""The tokens of the keys each day of a table published by key holds in PostgreSQL (`sql/172`)."""


@dataclass(frozen=True)
class KeyedPublish:
    """What a publish by key did: rows copied, keys whose rows were published (every key of a day published
    whole), keys whose rows were deleted for good, keys left as they were, and days published whole."""

    rows: int = 0
    keys_published: int = 0
    keys_removed: int = 0
    keys_kept: int = 0
    days_whole: int = 0

    def metadata(self) -> dict[str, int]:
        return {"keys_published": self.keys_published, "keys_removed": self.keys_removed,
                "keys_kept": self.keys_kept, "days_whole": self.days_whole}


def published_tokens(conn: psycopg.Connection, table: str, day: dt.date) -> Generations:
    """The tokens of the keys of `day` that `table` was last published with (none when never published by key)."""
    return Generations({token: frozenset(keys) for token, keys in conn.execute(
        f"SELECT token, array_agg(key) FROM {PUBLISHED_KEYS} WHERE table_name = %s AND day = %s GROUP BY token",
        (table, day)).fetchall()})


def record_tokens(conn: psycopg.Connection, table: str, day: dt.date, tokens: Mapping[str, str],
                  replaced: Sequence[str] | None) -> None:
    """Record `tokens` as `table`'s published tokens of `day`, in place of those of the keys `replaced` (of every key
    of the day when None)."""
    if replaced is None:
        conn.execute(f"DELETE FROM {PUBLISHED_KEYS} WHERE table_name = %s AND day = %s", (table, day))
    else:
        conn.execute(f"DELETE FROM {PUBLISHED_KEYS} WHERE table_name = %s AND day = %s AND key = ANY(%s)",
                     (table, day, list(replaced)))
    with conn.cursor().copy(f"COPY {PUBLISHED_KEYS} (table_name, day, key, token) FROM STDIN") as copy:
        for key, token in tokens.items():
            copy.write_row((table, day, key, token))


def publish_by_key(conn: psycopg.Connection, table: str, partition_column: str, key_column: str,
                   days: Sequence[dt.date], lake_tokens: Callable[[dt.date], Generations | None],
                   day_rows: Callable[[dt.date], pl.LazyFrame],
                   publish_whole: Callable[[Sequence[dt.date]], int]) -> KeyedPublish:
    """Publish `days` of `table` by key, in one transaction: `lake_tokens(day)` are the lake's tokens of the day's
    keys (None when unrecorded), `day_rows(day)` the lake's rows of a day, and `publish_whole(days)` replaces the
    days published whole by the lake's rows (returning the rows written)."""
    done = KeyedPublish()
    record = published_record(conn, table, lake_tokens)
    with conn.transaction():
        whole: dict[dt.date, Pending] = {}
        for day in days:
            pending = record.stale(day)
            if pending.whole:
                whole[day] = pending
                continue
            again, gone = pending.again, pending.gone
            rows = replace_keys(conn, table, partition_column, key_column, day, day_rows(day), again, gone)
            record.commit(day)
            done = KeyedPublish(done.rows + rows, done.keys_published + len(again), done.keys_removed + len(gone),
                                done.keys_kept + len(pending.current) - len(again), done.days_whole)
        if whole:
            rows = publish_whole(list(whole))
            for day in whole:
                record.commit(day)
            done = KeyedPublish(done.rows + rows, done.keys_published + sum(len(p.current) for p in whole.values()),
                                done.keys_removed, done.keys_kept, done.days_whole + len(whole))
    return done


def published_record(conn: psycopg.Connection, table: str,
                     lake_tokens: Callable[[dt.date], Generations | None]) -> DoneRecord:
    """The record of the tokens `table` was last published with (`PUBLISHED_KEYS`, `lib/refresh/done.py`), of the
    lake's tokens `lake_tokens`: a day published whole records every key's token, a day published by key those of
    the keys it replaced."""

    def write(day: dt.date, pending: Pending) -> None:
        if pending.whole:
            record_tokens(conn, table, day, pending.current.by_key(), None)
        else:
            record_tokens(conn, table, day, pending.current.tokens_of(pending.again), [*pending.again, *pending.gone])

    return DoneRecord(lambda day: [lake_tokens(day)], lambda day: published_tokens(conn, table, day) or None, write)


def replace_keys(conn: psycopg.Connection, table: str, partition_column: str, key_column: str, day: dt.date,
                 rows: pl.LazyFrame, again: Sequence[str], gone: Sequence[str]) -> int:
    """Delete `table`'s rows of `day` of the keys `again` and `gone`, and copy the lake's `rows` of `again`; return
    the rows copied."""
    if not again and not gone:
        return 0
    conn.execute(sql.SQL("DELETE FROM {} WHERE {} = %s AND {} = ANY(%s)").format(
        publisher.qualified(table), sql.Identifier(partition_column), sql.Identifier(key_column)),
        (day, [*again, *gone]))
    if not again:
        return 0
    fresh = rows.filter(pl.col(key_column).is_in(list(again))).collect()
    return publisher.copy_rows(conn, table, publisher.aligned(conn, table, fresh))
