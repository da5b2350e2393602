"""Rows as the lake writes and reads them (`Rows`): a frame, a lazy query run batch by batch, or a stream of
frames (`FrameStream`) read as it is asked for, possibly restricted to some values of a column (`Condition`)."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
import pyarrow as pa

WRITE_BATCH_ROWS = 100_000

Bound = tuple[Any, Any]
"""A range of a column's values: `low <= value < high`, None for no bound on that side."""

Condition = Bound | frozenset
"""Which values of a column to keep: a range (`Bound`), or a set of values."""


@dataclass(frozen=True)
class FrameStream:
    """Rows too many to hold at once: their `schema`, and `batches()`, which starts a new pass over the rows
    in frames of that schema each time it is called (a write may need a second pass, see `RestartStream`).

    `where(column, condition)`, when the source can, is the same rows restricted to the values of a column that
    meet a `Condition`, read without decoding the rest (a lake table skips the files of other partitions and the
    row groups whose statistics show no such value)."""

    schema: pl.Schema
    batches: Callable[[], Iterable[pl.DataFrame]]
    where: Callable[[str, Condition], FrameStream] | None = None


Rows = pl.DataFrame | pl.LazyFrame | FrameStream
"""What the lake writes: a frame; a lazy query, run batch by batch and never collected whole; or a stream."""


class RestartStream(Exception):
    """Raised by a stream when rows it gave must be taken back (it learned later in the pass that they do not
    belong): the write is abandoned before its commit and done again from a new pass."""


def as_stream(rows: Rows) -> FrameStream:
    """`rows` as a stream of frames of at most `WRITE_BATCH_ROWS` rows."""
    if isinstance(rows, pl.DataFrame):
        return FrameStream(rows.schema, lambda: chunk_slices(rows, WRITE_BATCH_ROWS))
    if isinstance(rows, pl.LazyFrame):
        return FrameStream(rows.collect_schema(), lambda: rows.collect_batches(chunk_size=WRITE_BATCH_ROWS),
                           lambda column, condition: as_stream(rows.filter(meets(column, condition))))
    return rows


def chunk_slices(frame: pl.DataFrame, rows: int) -> Iterator[pl.DataFrame]:
    """`frame` in slices of at most `rows` rows, each ending where a chunk of one of its columns ends if it comes
    first: a slice within one chunk of every column converts to Arrow without a copy, a slice across a chunk
    boundary is copied whole (frames read from Arrow or DuckDB come in chunks of their record batches). Chunks
    shorter than an eighth of `rows` are crossed, so that many small ones do not make as many small slices."""
    ends = sorted({end for column in frame.get_columns() for end in itertools.accumulate(column.chunk_lengths())})
    start = 0
    while start < frame.height:
        end = min(start + rows, frame.height)
        chunk_end = ends[bisect.bisect_right(ends, start)]
        if start + rows // 8 <= chunk_end < end:
            end = chunk_end
        yield frame.slice(start, end - start)
        start = end


def schema_of(rows: Rows) -> pl.Schema:
    """The columns of `rows` and their types."""
    return rows.schema if isinstance(rows, FrameStream) else rows.collect_schema()


def mapped(rows: Rows, change: Callable[[Any], Any]) -> Rows:
    """`change` (a select, a filter) applied to `rows`: at once to a frame or a lazy query, batch by batch to a
    stream (and to its restrictions)."""
    if isinstance(rows, FrameStream):
        where = rows.where
        return FrameStream(change(pl.DataFrame(schema=rows.schema)).schema, lambda: map(change, rows.batches()),
                           None if where is None else lambda column, condition: mapped(where(column, condition), change))
    return change(rows)


def chained(parts: Sequence[Rows]) -> Rows:
    """`parts` one after the other: frames or lazy queries concatenated (their columns' types relaxed to fit),
    streams read in turn."""
    if len(parts) == 1:
        return parts[0]
    if any(isinstance(part, FrameStream) for part in parts):
        streams = [as_stream(part) for part in parts]
        return FrameStream(streams[0].schema, lambda: itertools.chain.from_iterable(s.batches() for s in streams))
    return pl.concat(parts, how="vertical_relaxed")


def meets(column: str, condition: Condition) -> pl.Expr:
    """Whether `column`'s value meets `condition`."""
    if isinstance(condition, frozenset):
        return pl.col(column).is_in(list(condition))
    low, high = condition
    kept = pl.lit(True)
    if low is not None:
        kept &= pl.col(column) >= low
    if high is not None:
        kept &= pl.col(column) < high
    return kept


def may_meet(condition: Condition, smallest: Any, largest: Any) -> bool:
    """Whether some value between `smallest` and `largest` (both included) may meet `condition`."""
    if isinstance(condition, frozenset):
        return any(smallest <= value <= largest for value in condition)
    low, high = condition
    return (low is None or largest >= low) and (high is None or smallest < high)


def restricted(rows: Rows, column: str, condition: Condition) -> Rows:
    """The rows of `rows` whose `column` meets `condition`: through the stream's `where` when it has one,
    else filtered (a lazy scan then skips files and row groups by their statistics; a stream is read whole)."""
    if isinstance(rows, FrameStream) and rows.where is not None:
        return rows.where(column, condition)
    return mapped(rows, lambda frame: frame.filter(meets(column, condition)))


def arrow_stream(rows: Rows) -> pa.RecordBatchReader:
    """`rows` as a stream of Arrow batches, each converted as the reader takes it: a table is written without
    a second whole copy of its rows in memory. Text travels as Arrow string views (no copy) unless a column is
    categorical, whose view-typed dictionaries the Parquet writer does not take."""
    stream = as_stream(rows)
    categorical = any(holds_categories(dtype) for dtype in stream.schema.values())
    level = pl.CompatLevel.oldest() if categorical else pl.CompatLevel.newest()
    schema = pl.DataFrame(schema=stream.schema).to_arrow(compat_level=level).schema
    batches = (batch if batch.schema == schema else batch.cast(schema)
               for frame in stream.batches() for batch in frame.to_arrow(compat_level=level).to_batches())
    return pa.RecordBatchReader.from_batches(schema, batches)


def holds_categories(dtype: pl.DataType) -> bool:
    """Whether `dtype` is or contains a categorical or enum type."""
    if isinstance(dtype, (pl.Categorical, pl.Enum)):
        return True
    if isinstance(dtype, (pl.List, pl.Array)):
        return holds_categories(dtype.inner)
    if isinstance(dtype, pl.Struct):
        return any(holds_categories(field.dtype) for field in dtype.fields)
    return False
