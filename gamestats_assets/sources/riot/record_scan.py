"""Timeline records → typed columns in one compiled pass over their JSON text, for the common shape.

A scan walks the JSON text of many lines at once (compiled by numba: no Python object per record or value).
Each line holds records: a list of them (a frame's events) or an object keyed by integers (a frame's
participant frames, keyed by participant id). Each record fills one row of a column per known field; a known
field holding an object of integer fields (a position, damage stats) fills a column per inner field.

A scan takes only what it reads exactly as DuckDB's typed JSON reader would (`timeline`'s other path):
known fields once each, named without escapes; integers without fraction or exponent in integer fields;
ASCII strings without escapes in text fields; JSON fields whose strings are ASCII without escapes and whose
numbers are integers, which it copies without whitespace as DuckDB writes JSON back. A field the layout does
not know is skipped, or, where the layout keeps unknown fields (events), stops the scan. Anything else it
does not take (a value of another type, an escape, a duplicate field or participant id, records too small for
their columns) stops it too; the caller then reads the lines with DuckDB, which keeps unknown fields and
refuses wrong types. The text is valid JSON already (msgspec checked it when cutting the lines
out of their documents); the scan still never reads past its end.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from numba import njit

INTEGER, TEXT, JSON_TEXT, OBJECT, INTEGER_LIST = range(5)
"""How a field's value is read; an `OBJECT` field's inner fields are integers."""
UNREADABLE, FULL = -1, -2
"""How a scan stops early: text it does not take; more records or list values than it has room for."""

QUOTE, BACKSLASH, COMMA, COLON, MINUS, DOT = 0x22, 0x5C, 0x2C, 0x3A, 0x2D, 0x2E
OPEN_OBJECT, CLOSE_OBJECT, OPEN_LIST, CLOSE_LIST = 0x7B, 0x7D, 0x5B, 0x5D
TRUE, FALSE = (np.frombuffer(word, dtype=np.uint8) for word in (b"true", b"false"))


@njit(cache=True, nogil=True, _nrt=False)
def is_whitespace(c):
    return c == 0x20 or c == 0x0A or c == 0x0D or c == 0x09


@njit(cache=True, nogil=True, _nrt=False)
def skip_whitespace(text, i):
    while i < text.shape[0] and is_whitespace(text[i]):
        i += 1
    return i


@njit(cache=True, nogil=True, _nrt=False)
def at(text, i, byte):
    return i < text.shape[0] and text[i] == byte


@njit(cache=True, nogil=True, _nrt=False, inline="always")
def plain_string_end(text, i):
    """The index of the closing quote of the string opened at `i`, or -1 when it holds an escape, a control
    character or a non-ASCII byte, or does not end."""
    i += 1
    while i < text.shape[0]:
        c = text[i]
        if c == QUOTE:
            return i
        if c == BACKSLASH or c < 0x20 or c >= 0x80:
            return -1
        i += 1
    return -1


@njit(cache=True, nogil=True, _nrt=False, inline="always")
def integer_at(text, i):
    """The integer written at `i` and the index after it; the index is -1 unless a plain integer of at most
    18 digits is there (no fraction, no exponent)."""
    negative = at(text, i, MINUS)
    if negative:
        i += 1
    start, value = i, 0
    while i < text.shape[0] and 0x30 <= text[i] <= 0x39:
        value = value * 10 + (text[i] - 0x30)
        i += 1
    if i == start or i - start > 18 or at(text, i, DOT) or at(text, i, 0x65) or at(text, i, 0x45):
        return 0, -1
    return (-value if negative else value), i


@njit(cache=True, nogil=True, _nrt=False)
def word_end(text, i, word):
    """The index after `word` when it is written at `i`, or -1."""
    if i + word.shape[0] > text.shape[0]:
        return -1
    for k in range(word.shape[0]):
        if text[i + k] != word[k]:
            return -1
    return i + word.shape[0]


@njit(cache=True, nogil=True, _nrt=False, inline="always")
def null_end(text, i):
    """The index after a `null` written at `i`, or -1."""
    if (i + 4 <= text.shape[0] and text[i] == 0x6E and text[i + 1] == 0x75 and text[i + 2] == 0x6C
            and text[i + 3] == 0x6C):
        return i + 4
    return -1


@njit(cache=True, nogil=True, _nrt=False)
def compacted_value_end(text, i, out, used):
    """Copies the JSON value at `i` to `out` from `used` on, without whitespace, as DuckDB writes JSON
    back (`-0` as `0`); the index after it and the bytes written. The index is -1 unless its strings are
    ASCII without escapes and its numbers integers (DuckDB would write those otherwise than they are written)."""
    depth = 0
    start = used
    while i < text.shape[0]:
        c = text[i]
        after = i + 1
        if c == QUOTE:
            after = plain_string_end(text, i) + 1
            if after <= 0:
                return -1, 0
        elif c == OPEN_OBJECT or c == OPEN_LIST:
            depth += 1
        elif c == CLOSE_OBJECT or c == CLOSE_LIST:
            depth -= 1
            if depth < 0:
                return -1, 0
        elif c == MINUS or 0x30 <= c <= 0x39:
            value, after = integer_at(text, i)
            if after < 0:
                return -1, 0
            if value == 0:
                i = after - 1
        elif is_whitespace(c):
            i += 1
            continue
        elif c != COMMA and c != COLON:
            after = max(word_end(text, i, TRUE), word_end(text, i, FALSE), null_end(text, i))
            if after < 0:
                return -1, 0
        if used + after - i > out.shape[0]:
            return -1, 0
        while i < after:
            out[used] = text[i]
            used += 1
            i += 1
        if depth == 0:
            return i, used - start
    return -1, 0


@njit(cache=True, nogil=True, _nrt=False)
def value_end(text, i):
    """The index after the (valid) JSON value at `i`, whatever it holds, or -1 when the text ends first."""
    depth = 0
    while i < text.shape[0]:
        c = text[i]
        if c == QUOTE:
            i += 1
            while i < text.shape[0] and text[i] != QUOTE:
                i += 2 if text[i] == BACKSLASH else 1
            i += 1
        elif c == OPEN_OBJECT or c == OPEN_LIST:
            depth += 1
            i += 1
        elif c == CLOSE_OBJECT or c == CLOSE_LIST:
            if depth == 0:
                return i
            depth -= 1
            i += 1
        elif depth == 0 and (c == COMMA or is_whitespace(c)):
            return i
        else:
            i += 1
        if depth == 0 and (c == QUOTE or c == CLOSE_OBJECT or c == CLOSE_LIST):
            return i if i <= text.shape[0] else -1
    return -1 if depth or i > text.shape[0] else i


@njit(cache=True, nogil=True, _nrt=False, inline="always")
def field_of(text, start, stop, block, names, first_named, next_named):
    """The index of the known field of `block` named by `text[start:stop]`, or -1: the fields of a block
    with a name's length and first byte are chained from `first_named` through `next_named`."""
    length = stop - start
    if length == 0 or length >= first_named.shape[1]:
        return -1
    field = first_named[block, length, text[start]]
    while field >= 0:
        k = 1
        while k < length and names[field, k] == text[start + k]:
            k += 1
        if k == length:
            return field
        field = next_named[field]
    return -1


@njit(cache=True, nogil=True, _nrt=False, inline="always")
def field_at(text, i, block, seen, layout):
    """The known field of `block` whose key is at `i` (-1 for an unknown one, -2 when the key is escaped,
    repeated or not followed by a colon) and the index of its value."""
    names, first_named, next_named = layout[0], layout[1], layout[2]
    close = plain_string_end(text, i) if at(text, i, QUOTE) else -1
    if close < 0:
        return -2, i
    field = field_of(text, i + 1, close, block, names, first_named, next_named)
    if field >= 0 and (seen >> np.uint64(field)) & np.uint64(1):
        return -2, i
    i = skip_whitespace(text, close + 1)
    if not at(text, i, COLON):
        return -2, i
    return field, skip_whitespace(text, i + 1)


@njit(cache=True, nogil=True, _nrt=False, inline="always")
def next_member(text, i, closing):
    """After a member of an object or list ends at `i`: the index of the next member, or of `closing` when it
    closes the object or list there; -1 otherwise."""
    i = skip_whitespace(text, i)
    if at(text, i, COMMA):
        return skip_whitespace(text, i + 1)
    return i if at(text, i, closing) else -1


@njit(cache=True, nogil=True, _nrt=False, inline="always")
def mark(bitmap, slot, row):
    """Sets bit `row` of row `slot` of `bitmap` (Arrow's bit order: least significant first)."""
    bitmap[slot, row >> 3] |= np.uint8(1 << (row & 7))


@njit(cache=True, nogil=True, _nrt=False)
def inner_object_end(text, i, block, row, layout, integers, present):
    """Reads the object of integer fields at `i` (the fields of `block`) into their columns; the index after
    it, or `UNREADABLE`."""
    slots, skip_unknown = layout[4], layout[5]
    if not at(text, i, OPEN_OBJECT):
        return UNREADABLE
    i = skip_whitespace(text, i + 1)
    seen = np.uint64(0)
    while not at(text, i, CLOSE_OBJECT):
        field, i = field_at(text, i, block, seen, layout)
        if field == -2 or (field == -1 and not skip_unknown):
            return UNREADABLE
        if field == -1:
            i = value_end(text, i)
        else:
            seen |= np.uint64(1) << np.uint64(field)
            after = null_end(text, i)
            if after >= 0:
                i = after
            else:
                integers[slots[field], row], i = integer_at(text, i)
                mark(present, slots[field], row)
        if i < 0:
            return UNREADABLE
        i = next_member(text, i, CLOSE_OBJECT)
        if i < 0:
            return UNREADABLE
    return i + 1


@njit(cache=True, nogil=True, _nrt=False)
def integer_list_end(text, i, values, used):
    """Reads the list of integers at `i` into `values` from `used` on; the index after it (`UNREADABLE`
    when it is not such a list, `FULL` when `values` has no room) and how many it holds."""
    if not at(text, i, OPEN_LIST):
        return UNREADABLE, 0
    i = skip_whitespace(text, i + 1)
    count = 0
    while not at(text, i, CLOSE_LIST):
        if used + count >= values.shape[0]:
            return FULL, 0
        values[used + count], i = integer_at(text, i)
        if i < 0:
            return UNREADABLE, 0
        count += 1
        i = next_member(text, i, CLOSE_LIST)
        if i < 0:
            return UNREADABLE, 0
    return i + 1, count


@njit(cache=True, nogil=True, _nrt=False, inline="always")
def write_view(views, view_bytes, shown, slot, row, source, buffer, start, length):
    """Row `row` of text column `slot` as an Arrow string view of `source[start:start + length]`, which is
    data buffer `buffer`: its length, then the value itself up to 12 bytes, else its first 4 bytes, the
    buffer and the offset (`view_bytes` are the bytes of `views`)."""
    views[slot, row, 0] = length
    for k in range(length if length <= 12 else 4):
        view_bytes[slot, row, 4 + k] = source[start + k]
    if length > 12:
        views[slot, row, 2] = buffer
        views[slot, row, 3] = start
    mark(shown, slot, row)


@njit(cache=True, nogil=True, _nrt=False)
def record_end(text, i, row, layout, columns):
    """Reads the record (an object of the fields of block 0) at `i` into row `row` of `columns`; the index
    after it, or `UNREADABLE` or `FULL`."""
    kinds, slots, skip_unknown = layout[3], layout[4], layout[5]
    integers, present, views, view_bytes, shown, list_length, list_values, located, used = columns[:9]
    compacted, compacted_used = columns[10], columns[11]
    if not at(text, i, OPEN_OBJECT):
        return UNREADABLE
    i = skip_whitespace(text, i + 1)
    seen = np.uint64(0)
    slot = 0
    while not at(text, i, CLOSE_OBJECT):
        field, i = field_at(text, i, 0, seen, layout)
        if field == -2 or (field == -1 and not skip_unknown):
            return UNREADABLE
        if field == -1:
            i = value_end(text, i)
            kind = -1
        else:
            seen |= np.uint64(1) << np.uint64(field)
            kind, slot = kinds[field], slots[field]
            after = null_end(text, i)
            if after >= 0:
                i = after
                kind = -1
        if kind == INTEGER:
            integers[slot, row], i = integer_at(text, i)
            mark(present, slot, row)
        elif kind == TEXT:
            close = plain_string_end(text, i) if at(text, i, QUOTE) else -1
            if close >= 0:
                write_view(views, view_bytes, shown, slot, row, text, 0, i + 1, close - i - 1)
            i = close + 1 if close >= 0 else UNREADABLE
        elif kind == JSON_TEXT:
            i, length = compacted_value_end(text, i, compacted, compacted_used[0])
            if i >= 0:
                write_view(views, view_bytes, shown, slot, row, compacted, 1, compacted_used[0], length)
                compacted_used[0] += length
        elif kind == OBJECT:
            mark(located, slot, row)
            i = inner_object_end(text, i, slot, row, layout, integers, present)
        elif kind == INTEGER_LIST:
            i, count = integer_list_end(text, i, list_values, used[0])
            list_length[row] = count
            used[0] += count
        if i < 0:
            return i if i == FULL else UNREADABLE
        i = next_member(text, i, CLOSE_OBJECT)
        if i < 0:
            return UNREADABLE
    return i + 1


@njit(cache=True, nogil=True, _nrt=False)
def scan(text, counts, keyed, layout, columns):
    """Reads `len(counts)` lines of records from `text` into `columns` and sets how many records each line
    holds: each line a JSON list of records or, when `keyed`, an object of records keyed by integers (the keys
    go to the last column; a key written twice in one object is not taken). Returns how many records were read,
    or `UNREADABLE` when the text is not in the shape the scan takes, or `FULL` when it holds more records
    or list values than `columns` has room for."""
    keys = columns[9]
    capacity = keys.shape[0]
    opening, closing = (OPEN_OBJECT, CLOSE_OBJECT) if keyed else (OPEN_LIST, CLOSE_LIST)
    row = 0
    i = 0
    for line in range(counts.shape[0]):
        i = skip_whitespace(text, i)
        if not at(text, i, opening):
            return UNREADABLE
        i = skip_whitespace(text, i + 1)
        while not at(text, i, closing):
            if row >= capacity:
                return FULL
            if keyed:
                close = plain_string_end(text, i) if at(text, i, QUOTE) else -1
                key, after = integer_at(text, i + 1)
                if close < 0 or after != close or close - i > 10 or text[i + 1] == MINUS:
                    return UNREADABLE
                for earlier in range(row - counts[line], row):
                    if keys[earlier] == key:
                        return UNREADABLE
                keys[row] = key
                i = skip_whitespace(text, close + 1)
                if not at(text, i, COLON):
                    return UNREADABLE
                i = skip_whitespace(text, i + 1)
            i = record_end(text, i, row, layout, columns)
            if i < 0:
                return i
            counts[line] += 1
            row += 1
            i = next_member(text, i, closing)
            if i < 0:
                return UNREADABLE
        i += 1
    return row if skip_whitespace(text, i) == text.shape[0] else UNREADABLE


@dataclass(frozen=True)
class Layout:
    """The known fields of a record (block 0) and of its object fields (blocks 1 on), and where each is kept:
    its kind, and its row in the columns of that kind (for an object field, its block)."""

    fields: dict[str, pa.DataType]
    json_fields: tuple[str, ...]
    skip_unknown: bool
    names: np.ndarray
    first_named: np.ndarray
    next_named: np.ndarray
    kinds: np.ndarray
    slots: np.ndarray
    integer_fields: list[tuple[str, ...]]
    text_fields: list[str]
    object_blocks: dict[str, int]

    @classmethod
    def of(cls, fields: dict[str, pa.DataType], json_fields: tuple[str, ...] = (), *, skip_unknown: bool) -> Layout:
        """The layout of records with `fields` (integers, strings, lists of integers, structs of integers) and
        `json_fields` kept as JSON text; `skip_unknown`: whether another field is skipped or stops the scan."""
        known: list[tuple[int, str]] = []
        inner_known: list[tuple[int, str, int]] = []
        integer_fields: list[tuple[str, ...]] = []
        text_fields: list[str] = []
        object_blocks: dict[str, int] = {}
        kinds, slots = [], []
        for name in [*fields, *json_fields]:
            data_type = fields.get(name)
            known.append((0, name))
            if name in json_fields or pa.types.is_string(data_type):
                kinds.append(JSON_TEXT if name in json_fields else TEXT)
                slots.append(len(text_fields))
                text_fields.append(name)
            elif pa.types.is_struct(data_type):
                object_blocks[name] = len(object_blocks) + 1
                kinds.append(OBJECT)
                slots.append(object_blocks[name])
                for inner in data_type:
                    if inner.type != pa.int64():
                        raise ValueError(f"{name}.{inner.name}: an object field's inner fields are integers")
                    inner_known.append((object_blocks[name], inner.name, len(integer_fields)))
                    integer_fields.append((name, inner.name))
            elif pa.types.is_list(data_type):
                kinds.append(INTEGER_LIST)
                slots.append(0)
            else:
                kinds.append(INTEGER)
                slots.append(len(integer_fields))
                integer_fields.append((name,))
        for block, name, slot in inner_known:
            known.append((block, name))
            kinds.append(INTEGER)
            slots.append(slot)
        if len(known) > 64:
            raise ValueError("a scan marks the fields a record has in 64 bits")
        encoded = [name.encode() for _, name in known]
        names = np.zeros((len(known), max(map(len, encoded))), dtype=np.uint8)
        first_named = np.full((len(object_blocks) + 1, names.shape[1] + 1, 256), -1, dtype=np.int64)
        next_named = np.full(len(known), -1, dtype=np.int64)
        for field, ((block, _), name) in enumerate(zip(known, encoded, strict=True)):
            names[field, :len(name)] = np.frombuffer(name, dtype=np.uint8)
            next_named[field] = first_named[block, len(name), name[0]]
            first_named[block, len(name), name[0]] = field
        return cls(fields, json_fields, skip_unknown, names, first_named, next_named,
                   np.array(kinds, dtype=np.int64), np.array(slots, dtype=np.int64), integer_fields, text_fields,
                   object_blocks)

    def arrays(self) -> tuple:
        return self.names, self.first_named, self.next_named, self.kinds, self.slots, self.skip_unknown

    def room(self, rows: int, text_bytes: int) -> tuple[np.ndarray, ...]:
        """Columns for `rows` records (and as many list values) of `text_bytes` of text, in the order `scan`
        takes them; which values are there (integers, texts, objects) in bitmaps. JSON fields are copied without
        whitespace to the second last."""
        views = np.zeros((len(self.text_fields), rows, 4), dtype=np.int32)
        bitmap_bytes = (rows + 7) // 8
        return (
            np.zeros((len(self.integer_fields), rows), dtype=np.int64),
            np.zeros((len(self.integer_fields), bitmap_bytes), dtype=np.uint8),
            views,
            views.view(np.uint8).reshape(len(self.text_fields), rows, 16),
            np.zeros((len(self.text_fields), bitmap_bytes), dtype=np.uint8),
            np.full(rows, -1, dtype=np.int32),
            np.empty(rows, dtype=np.int64),
            np.zeros((len(self.object_blocks) + 1, bitmap_bytes), dtype=np.uint8),
            np.zeros(1, dtype=np.int64),
            np.zeros(rows, dtype=np.int64),
            np.empty(text_bytes, dtype=np.uint8),
            np.zeros(1, dtype=np.int64),
        )


ROWS_PER_BYTE = 1 / 48
"""Rows set aside per byte of text at first (about twice what Riot's events need); a scan that runs out of
room is repeated with twice as much, up to `MOST_ROWS_PER_BYTE`."""
MOST_ROWS_PER_BYTE = 1 / 12
"""Rows set aside per byte of text at most: text of smaller records than that (empty objects) is left to DuckDB
rather than given room for columns many times its size."""
CHUNK_BYTES = 1 << 25
"""Text scanned at once: chunks are scanned side by side, and each one's string views point into its own text."""


def validity(bitmap: np.ndarray, rows: int) -> tuple[pa.Buffer, int]:
    """The Arrow validity buffer of the first `rows` bits of `bitmap`, and how many of them are unset (null):
    the bits after `rows` are never set."""
    used = bitmap[:(rows + 7) // 8]
    return pa.py_buffer(used), rows - int(np.bitwise_count(used).sum(dtype=np.int64))


def integer_column(values: np.ndarray, present: np.ndarray) -> pa.Array:
    bitmap, nulls = validity(present, values.size)
    return pa.Array.from_buffers(pa.int64(), values.size, [bitmap, pa.py_buffer(values)], nulls)


@dataclass(frozen=True)
class Scanned:
    """The records of some lines: one row each, in order; how many each line holds; their keys when keyed."""

    table: pa.Table
    counts: np.ndarray
    keys: np.ndarray


def scanned_chunk(lines: Sequence[bytes | memoryview], layout: Layout, keyed: bool) -> Scanned | None:
    """The records of `lines` (each a JSON list of records or, when `keyed`, an object of records keyed by
    integers) as an Arrow table of the layout's fields, read by one scan of the lines joined; None when the scan
    does not take them, or when they hold 2 GiB or more (a string view points into its text with 32 bits)."""
    text = b"\n".join(lines)
    if len(text) >= 2**31:
        return None
    data = np.frombuffer(text, dtype=np.uint8)
    most = int(len(text) * MOST_ROWS_PER_BYTE) + 64
    capacity = min(int(len(text) * ROWS_PER_BYTE) + 64, most)
    while True:
        columns, counts = layout.room(capacity, len(text)), np.zeros(len(lines), dtype=np.int64)
        rows = scan(data, counts, keyed, layout.arrays(), columns)
        if rows != FULL or capacity == most:
            break
        capacity = min(capacity * 2, most)
    if rows < 0:
        return None
    (integers, present, views, _, shown, list_length, list_values, located, used, keys, compacted,
     compacted_used) = columns
    inner: dict[str, dict[str, pa.Array]] = {}
    arrays: dict[str, pa.Array] = {}
    json_text = compacted[:compacted_used[0]].copy()
    for slot, path in enumerate(layout.integer_fields):
        column = integer_column(integers[slot, :rows], present[slot])
        if len(path) == 1:
            arrays[path[0]] = column
        else:
            inner.setdefault(path[0], {})[path[1]] = column
    for slot, name in enumerate(layout.text_fields):
        bitmap, nulls = validity(shown[slot], rows)
        arrays[name] = pa.Array.from_buffers(
            pa.string_view(), rows,
            [bitmap, pa.py_buffer(views[slot, :rows]), pa.py_buffer(text), pa.py_buffer(json_text)], nulls)
    for name, block in layout.object_blocks.items():
        arrays[name] = pa.StructArray.from_arrays(list(inner[name].values()), list(inner[name]),
                                                  mask=pa.array(~np.unpackbits(located[block], count=rows,
                                                                               bitorder="little").view(np.bool_)))
    for name, data_type in layout.fields.items():
        if pa.types.is_list(data_type):
            lengths = list_length[:rows]
            offsets = np.zeros(rows + 1, dtype=np.int32)
            np.cumsum(np.maximum(lengths, 0), out=offsets[1:])
            arrays[name] = pa.ListArray.from_arrays(pa.array(offsets), pa.array(list_values[:used[0]]),
                                                    mask=pa.array(lengths < 0))
    return Scanned(pa.table({name: arrays[name] for name in [*layout.fields, *layout.json_fields]}), counts,
                   keys[:rows])


class ChunkedScan:
    """Lines scanned as they come: each time `CHUNK_BYTES` of them have been added, they are handed to a worker
    thread and scanned there (the compiled scan releases the GIL) while the caller goes on."""

    def __init__(self, layout: Layout, keyed: bool, workers: Executor) -> None:
        self.layout, self.keyed, self.workers = layout, keyed, workers
        self.pending: list[bytes | memoryview] = []
        self.pending_bytes = 0
        self.chunks: list[Future[Scanned | None]] = []

    def extend(self, lines: Iterable[bytes | memoryview]) -> None:
        for line in lines:
            self.pending.append(line)
            self.pending_bytes += len(line)
            if self.pending_bytes >= CHUNK_BYTES:
                self._hand_over()

    def result(self) -> Scanned | None:
        """The records of every line added, in order; None when the scan does not take some of them."""
        if self.pending or not self.chunks:
            self._hand_over()
        parts = [chunk.result() for chunk in self.chunks]
        if any(part is None for part in parts):
            return None
        return Scanned(pa.concat_tables([part.table for part in parts]),
                       np.concatenate([part.counts for part in parts]), np.concatenate([part.keys for part in parts]))

    def _hand_over(self) -> None:
        self.chunks.append(self.workers.submit(scanned_chunk, self.pending, self.layout, self.keyed))
        self.pending, self.pending_bytes = [], 0

