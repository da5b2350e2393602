"""Encoding polars frames for PostgreSQL's `COPY`: binary from Arrow where every column allows it, CSV otherwise.

Binary `COPY` spares the server parsing text and is encoded straight from Arrow buffers by `pgpq`; a table with
a column type that has no Arrow mapping (`numeric`, `uuid`, arrays) travels as CSV. Either way the next batch
is encoded while the server ingests the current one."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pgpq
import pgpq.encoders
import pgpq.schema
import polars as pl

from gamestats_assets.lib.lake.rows import FrameStream, Rows

COPY_BATCH_ROWS = 1 << 16
"""Rows of a frame or a lazy query encoded at a time (a stream comes in its own batches)."""

BINARY_TYPES: dict[str, pl.DataType] = {
    "int2": pl.Int16(),
    "int4": pl.Int32(),
    "int8": pl.Int64(),
    "float4": pl.Float32(),
    "float8": pl.Float64(),
    "bool": pl.Boolean(),
    "text": pl.String(),
    "varchar": pl.String(),
    "json": pl.String(),
    "jsonb": pl.String(),
    "date": pl.Date(),
    "timestamp": pl.Datetime("us"),
    "timestamptz": pl.Datetime("us"),
}
"""PostgreSQL column types (`udt_name`) whose binary form pgpq writes from the given polars type.
`timestamptz` shares `timestamp`'s wire format (microseconds since 2000-01-01, UTC)."""


@dataclass(frozen=True)
class CopyPayload:
    """What `COPY ... FROM STDIN` reads: its format and the encoded chunks."""

    format: str
    chunks: Iterable[bytes | memoryview]


def encode(rows: Rows, column_types: dict[str, str]) -> CopyPayload:
    """`rows` encoded for `COPY` into columns of `column_types` ({column: udt_name}), batch by batch (a
    lazy query or a stream is never collected whole).

    Binary when every column's type is in `BINARY_TYPES` and the first batch's values cast to it without
    loss (a later batch whose values do not raises the cast's error); CSV otherwise, leaving type errors to
    the server, as any text `COPY` would.
    """
    if isinstance(rows, FrameStream):
        schema, batches = rows.schema, iter(rows.batches())
    elif isinstance(rows, pl.LazyFrame):
        schema, batches = rows.collect_schema(), iter(rows.collect_batches(chunk_size=COPY_BATCH_ROWS))
    else:
        schema, batches = rows.schema, rows.iter_slices(COPY_BATCH_ROWS)
    first = next(batches, None)
    casts = binary_casts(schema, column_types)
    if casts is not None and first is not None:
        try:
            first.select(casts)
        except pl.exceptions.PolarsError:
            casts = None
    every_batch = itertools.chain([] if first is None else [first], batches)
    if casts is None:
        return CopyPayload("csv", pipelined(every_batch, csv_bytes))
    return CopyPayload("binary", binary_chunks(every_batch, casts, pl.DataFrame(schema=schema).select(casts).schema,
                                               column_types))


def binary_casts(schema: pl.Schema, column_types: dict[str, str]) -> list[pl.Expr] | None:
    """Each column cast to its column's binary type (strictly, so a value that does not fit fails), or None if
    some column's type has no binary form here."""
    if any(column_types.get(name) not in BINARY_TYPES for name in schema):
        return None
    casts = []
    for name, dtype in schema.items():
        column = pl.col(name)
        if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
            column = column.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        casts.append(column.cast(BINARY_TYPES[column_types[name]], strict=True))
    return casts


def binary_chunks(batches: Iterable[pl.DataFrame], casts: list[pl.Expr], schema: pl.Schema,
                  column_types: dict[str, str]) -> Iterator[bytes]:
    """PostgreSQL's binary `COPY` stream of `batches` cast by `casts` to `schema`: header, one chunk per
    batch, trailer."""
    arrow_schema = pl.DataFrame(schema=schema).to_arrow().schema
    encoders = {
        field.name: pgpq.encoders.LargeStringEncoderBuilder.new_with_output(field, pgpq.schema.Jsonb())
        for field in arrow_schema
        if column_types[field.name] == "jsonb"
    }
    encoder = (
        pgpq.ArrowToPostgresBinaryEncoder.new_with_encoders(
            arrow_schema,
            {**{f.name: pgpq.ArrowToPostgresBinaryEncoder.infer_encoder(f) for f in arrow_schema}, **encoders},
        )
        if encoders
        else pgpq.ArrowToPostgresBinaryEncoder(arrow_schema)
    )
    yield encoder.write_header()

    def encode_batch(batch: pl.DataFrame) -> bytes:
        typed = batch.select(casts).to_arrow()
        return b"".join(encoder.write_batch(record_batch) for record_batch in typed.to_batches())

    yield from pipelined(batches, encode_batch)
    yield encoder.finish()


def csv_bytes(batch: pl.DataFrame) -> memoryview:
    buffer = io.BytesIO()
    batch.write_csv(buffer, include_header=False)
    return buffer.getbuffer()


def pipelined(batches: Iterable[pl.DataFrame], encode_batch: Callable[[pl.DataFrame], bytes | memoryview]):
    """`encode_batch` of each batch in order; the next is encoded in a thread while this one is sent."""
    with ThreadPoolExecutor(max_workers=1) as encoder:
        pending = None
        for batch in batches:
            upcoming = encoder.submit(encode_batch, batch)
            if pending is not None:
                yield pending.result()
            pending = upcoming
        if pending is not None:
            yield pending.result()
