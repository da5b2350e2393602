"""Loading one large partition over several PostgreSQL connections at once: one server process parses and
indexes on one core, so the partition is cut by ranges of an integer key column loaded side by side
(`load_concurrently`), then exchanged for the old partition (`publisher.exchange_partitions`)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import polars as pl
import psycopg

from gamestats_assets.lib.lake.rows import Bound, FrameStream, Rows, as_stream, restricted

RANGED_LOAD_MIN_ROWS = 1 << 19
"""Rows from which a partition is loaded in ranges: below it, the extra connections and DDL cost more than the
parallel load saves."""


@dataclass(frozen=True)
class RangeCuts:
    """How the run's large partitions are cut for loading: by `column` (an integer key column), each partition
    value of `cuts` at its ascending cut points, over connections opened by `connect`."""

    column: str
    cuts: dict[Any, list[int]]
    connect: Callable[[], AbstractContextManager[psycopg.Connection]]

    def bounds(self, value: Any) -> list[Bound]:
        """The ranges of partition `value`: consecutive ranges from the first cut's left to the last's right
        (a single unbounded range when it is not cut)."""
        cuts = self.cuts.get(value, [])
        return list(zip([None, *cuts], [*cuts, None]))


def quantile_cuts(scan: pl.LazyFrame, partition_column: str, column: str, ranges: int) -> dict[Any, list[int]]:
    """For each partition of `scan` holding at least `RANGED_LOAD_MIN_ROWS` rows, the values of `column`
    cutting it into `ranges` ranges of about equal rows (fewer when the column has few distinct values)."""
    if ranges < 2:
        return {}
    quantiles = [pl.col(column).quantile(i / ranges, "lower").alias(f"cut_{i}") for i in range(1, ranges)]
    partitions = (scan.group_by(partition_column).agg(pl.len().alias("rows"), pl.col(column).min().alias("low"),
                                                        *quantiles)
                  .filter(pl.col("rows") >= RANGED_LOAD_MIN_ROWS).collect())
    return {
        row[partition_column]: sorted({int(row[f"cut_{i}"]) for i in range(1, ranges)} - {row["low"]})
        for row in partitions.iter_rows(named=True)
    }


class LoadAbandoned(Exception):
    """Another range failed: this range's load stops and rolls back."""


class RangedLoad:
    """The shared state of one ranged load: whether it was abandoned, the barrier the loaded ranges wait at, and
    the errors."""

    def __init__(self, ranges: int) -> None:
        self.abandoned = threading.Event()
        self.all_loaded = threading.Barrier(ranges)
        self.errors: list[BaseException] = []

    def fail(self, error: BaseException) -> None:
        self.errors.append(error)
        self.abandoned.set()
        self.all_loaded.abort()

    def watched(self, rows: Rows) -> FrameStream:
        """`rows` as a stream that stops, raising `LoadAbandoned`, at the first batch after the load is
        abandoned."""
        stream = as_stream(rows)

        def batches():
            for batch in stream.batches():
                if self.abandoned.is_set():
                    raise LoadAbandoned
                yield batch

        return FrameStream(stream.schema, batches)

    def first_error(self) -> BaseException | None:
        """The error that made the load fail, rather than the others' reactions to it."""
        causes = [e for e in self.errors if not isinstance(e, LoadAbandoned | threading.BrokenBarrierError)]
        return (causes or self.errors or [None])[0]


def load_concurrently(
    rows: Rows,
    column: str,
    bounds: Sequence[Bound],
    connect: Callable[[], AbstractContextManager[psycopg.Connection]],
    load_range: Callable[[psycopg.Connection, int, FrameStream], int],
) -> list[int]:
    """Load `rows` cut by `column` into `bounds`, each range by `load_range(connection, range index, its
    rows)` in one transaction of its own connection, all at once; return each range's rows loaded.

    Every range commits only once all are loaded; the first error of a range rolls every range back and is
    raised. Each range reads its own range of the rows (`lake.rows.restricted`, which skips row groups by their
    statistics), so a slow connection holds back only its own reading.
    """
    load = RangedLoad(len(bounds))
    loaded = [0] * len(bounds)

    def run(part: int) -> None:
        try:
            with connect() as conn, conn.transaction():
                part_rows = load.watched(restricted(rows, column, bounds[part]))
                loaded[part] = load_range(conn, part, part_rows)
                load.all_loaded.wait()
        except BaseException as error:  # noqa: BLE001 - every failure abandons the load; raised below
            load.fail(error)

    threads = [threading.Thread(target=run, args=(i,), name=f"range-{i}", daemon=True) for i in range(len(bounds))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    error = load.first_error()
    if error is not None:
        raise error
    return loaded
