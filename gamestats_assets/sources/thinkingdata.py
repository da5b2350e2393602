"""ThinkingData JSONL, the line format the emitters write, and the one reader every domain reads it with
(`read_files` whole, `stream_files` batch by batch). A line is one JSON object: root keys start with `#`
(`#type`, `#account_id`/`#distinct_id`, `#time`, `#event_name`, `#ip`, `#uuid`), the rest sits in
`properties`."""

from __future__ import annotations

import gzip
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import duckdb
import polars as pl
import pyarrow as pa

from gamestats_assets.lib.core import duckdb_text
from gamestats_assets.lib.core.nul import ESCAPED_NUL, NUL_REASON
from gamestats_assets.lib.intake.quarantine import Reject
from gamestats_assets.lib.lake.delta import RestartStream

RECORD_TYPES = ("track", "user_set", "user_setOnce", "user_add", "user_unset", "user_append", "user_del")
ROOT_COLUMNS = ("#type", "#account_id", "#distinct_id", "#time", "#event_name", "#ip", "#uuid")
ID_COLUMNS = ("#account_id", "#distinct_id", "#uuid", "#ip", "#event_name")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
POLARS_TIME_FORMAT = "%Y-%m-%d %H:%M:%S%.3f"
DUCKDB_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S.%g", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S")
"""`#time` as read: seconds, with or without the milliseconds (or microseconds)."""
MAX_ID_CHARS = 256
"""The longest id (account, device, event, IP) accepted; longer is a broken or hostile line."""
MAX_TEXT_CHARS = 65_536
"""The longest text value accepted in any other column."""
BINARY_SAMPLE_BYTES = 64 << 10
GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"
NUL = b"\x00"
BLOCK_BYTES = 16 << 20
STREAM_BATCH_ROWS = 1 << 16
"""Rows parsed, checked and given at a time by a stream (`stream_files`): a file's text columns are never all in
memory."""
WHOLE_BATCH_ROWS = 1 << 18
"""Rows parsed and checked at a time by a read that keeps every row anyway (`read_files`): fewer, larger batches
cost less per row, but a batch's text columns are held while it is checked, so a larger batch raises the peak
memory of a large day (`bench/l2m_pipeline.py` measures it)."""
MARKS = ("_key", "_content")
"""The columns a checked row carries for the removal of repeats: the hashes of its record key and of its content."""
MAX_LINE_BYTES = 16 << 20
"""The longest line the parse takes whole; a longer one is rejected (its texts could not be kept anyway)."""

PRESET_PROPERTIES: dict[str, pl.DataType] = {
    **{name: pl.Utf8() for name in ("#os", "#os_version", "#device_model", "#manufacturer", "#app_version",
                                    "#network_type", "#carrier", "#country", "#country_code", "#province", "#city",
                                    "#lib", "#lib_version", "#browser", "#browser_version", "#device_id",
                                    "#system_language", "#bundle_id")},
    "#zone_offset": pl.Float64(),
    "#screen_width": pl.Int64(),
    "#screen_height": pl.Int64(),
}
"""ThinkingData's preset properties (inside `properties`, names starting with `#`) and their types."""

TEXT_PARSERS: dict[type[pl.DataType], tuple[Callable[[pl.Expr, pl.DataType], pl.Expr], str]] = {
    pl.String: (lambda text, dtype: text, "a text"),
    **{integer: (lambda text, dtype: text.str.to_integer(strict=False).cast(dtype, strict=False), "an integer")
       for integer in (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64)},
    **{real: (lambda text, dtype: text.cast(dtype, strict=False), "a number") for real in (pl.Float32, pl.Float64)},
    pl.Boolean: (lambda text, dtype: text.replace_strict({"true": True, "false": False}, default=None,
                                                          return_dtype=pl.Boolean), "true or false"),
}
"""How a property's JSON value, read as text, becomes each type a `LineSchema` may give it, and what the
reject says it expected: numbers written as JSON strings are taken, a value of another kind is not."""



def _kind(dtype: pl.DataType | type[pl.DataType]) -> type[pl.DataType]:
    """The class of a polars type, given as a class or an instance."""
    return dtype if isinstance(dtype, type) else type(dtype)


Rule = tuple[pl.Expr, str | pl.Expr]
"""A validation rule over the parsed rows: (true when the row is bad, reason text or expression)."""


@dataclass(frozen=True)
class Identity:
    """Who a record is about: the account id and the device (distinct) id, and the client's IP."""

    account_id: str
    distinct_id: str
    ip: str = ""


def format_time(moment: datetime) -> str:
    """`#time` text for a moment: `yyyy-MM-dd HH:mm:ss.SSS`."""
    return moment.strftime(TIME_FORMAT)[:-3]


def track_record(
    identity: Identity, event_name: str, moment: datetime, properties: Mapping[str, Any], uuid: str
) -> dict[str, Any]:
    """A `track` record for one event, with the root keys first and the event's properties nested."""
    return {
        "#type": "track",
        "#account_id": identity.account_id,
        "#distinct_id": identity.distinct_id,
        "#time": format_time(moment),
        "#event_name": event_name,
        "#ip": identity.ip,
        "#uuid": uuid,
        "properties": dict(properties),
    }


def user_set_record(identity: Identity, moment: datetime, properties: Mapping[str, Any], uuid: str) -> dict[str, Any]:
    """A `user_set` record that overwrites the given user properties."""
    return {
        "#type": "user_set",
        "#account_id": identity.account_id,
        "#distinct_id": identity.distinct_id,
        "#time": format_time(moment),
        "#uuid": uuid,
        "properties": dict(properties),
    }


def encode_record(record: Mapping[str, Any]) -> str:
    """One JSONL line (without the newline) for a record, compact and UTF-8 friendly."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class LineSchema:
    """What a domain takes from ThinkingData lines.

    - `properties`: the typed properties, flattened into columns of the same names (text, integer, float
      and boolean properties; a value that is not of its type rejects its line);
    - `event_name`: when set, only track lines of that event belong to the source (others are rejected);
    - `record_types`: the `#type` values the source accepts;
    - `required`: columns (root keys or properties) that must hold a non-empty value;
    - `rules`: the domain's own checks, over the flattened columns (`_time` is the typed `#time`);
    - `raw_properties`: also keep the `properties` object as delivered, as JSON text in `properties`
      (so properties the schema does not name are kept too);
    - `keep_roots`: the root keys kept as columns (all are read and checked; the others are dropped
      after the checks, which keeps large sources small).
    """

    properties: Mapping[str, pl.DataType]
    event_name: str | None = None
    record_types: tuple[str, ...] = RECORD_TYPES
    required: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    raw_properties: bool = False
    keep_roots: tuple[str, ...] = ROOT_COLUMNS

    def __post_init__(self) -> None:
        nested = [name for name, dtype in self.properties.items() if _kind(dtype) not in TEXT_PARSERS]
        if nested:
            raise ValueError(f"properties {nested} are not text, integer, float or boolean")

    @property
    def read_roots(self) -> tuple[str, ...]:
        """The root keys read: those kept, those the rules and the deduplication need, and `#distinct_id`
        only when it is kept or may stand in for a missing `#account_id`."""
        needed = {*self.keep_roots, "#type", "#time", "#event_name", "#uuid", "#account_id"}
        if "#account_id" not in self.required:
            needed.add("#distinct_id")
        return tuple(root for root in ROOT_COLUMNS if root in needed)

    def json_columns(self) -> dict[str, str]:
        """The columns the JSON parse reads and their DuckDB types: every value as text, so that a value of the
        wrong type is found line by line rather than failing its file (`properties` a struct of texts, or
        the object as JSON with `raw_properties`)."""
        columns = {root: "VARCHAR" for root in self.read_roots}
        if self.raw_properties:
            columns["properties"] = "JSON"
        elif self.properties:
            fields = ", ".join(f"{_quoted(name)} VARCHAR" for name in self.properties)
            columns["properties"] = f"STRUCT({fields})"
        return columns

    def content_columns(self) -> list[str]:
        """The kept columns that make a record's content, which tells a repeated delivery from a conflict: all
        but `_file` and `_record` (with `raw_properties`, the typed properties are read from the
        `properties` text and add nothing to it)."""
        typed = set(self.properties) if self.raw_properties else set()
        return [name for name in self.empty().columns if name not in ("_file", "_record", *typed)]

    def empty(self) -> pl.DataFrame:
        """The columns `read_files` returns, with no rows."""
        roots = {root: pl.Datetime("ms") if root == "#time" else pl.Utf8() for root in ROOT_COLUMNS
                 if root in self.keep_roots}
        raw = {"properties": pl.Utf8()} if self.raw_properties else {}
        return pl.DataFrame(schema={"_file": pl.Categorical, "_record": pl.Int64, **roots, **raw,
                                    **self.properties})


@dataclass
class ReadStats:
    """Counts of one read: files, non-blank lines, rejected lines, repeated deliveries of a record
    (counted once) and lines rejected as conflicting records under one `#uuid`."""

    files: int = 0
    lines: int = 0
    rejected: int = 0
    duplicates: int = 0
    conflicts: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"files": self.files, "lines": self.lines, "rejected": self.rejected,
                "duplicates": self.duplicates, "conflicts": self.conflicts}


class ReadResult(NamedTuple):
    """The good rows, the rejected lines, the counts, and the files that are not text (to quarantine)."""

    frame: pl.DataFrame
    rejects: list[Reject]
    stats: ReadStats
    unreadable: list[tuple[Path, str]]


def read_files(paths: Iterable[Path], schema: LineSchema, day: date | None = None) -> ReadResult:
    """Every line of `paths` (one source's files of a partition) read with `schema` (the properties a
    domain takes, typed) by one streaming parse of DuckDB's JSON reader; with `day`, a line whose `#time`
    falls on another day is rejected. Rows keep file order and carry `_file` and `_record` (the 1-based
    number of the line among the file's non-blank lines); `#time` is typed (milliseconds), the other root
    keys are text.
    - a line that cannot be read or breaks a rule is a `Reject` with its file, line number, reason and raw
      text, never dropped silently and never the reason to drop its file;
    - a file that is not text (binary, or mostly not UTF-8) is returned as unreadable, to be quarantined
      whole; gzip content is read whatever the file is called; a UTF-8 BOM is skipped;
    - the same record delivered twice (the same `#uuid`, or the same content without one) counts once;
      different records under one `#uuid` are a conflict, and all of them are rejected;
    - NUL characters, absurdly long texts and empty ids are rejected."""
    return _whole(stream_files(paths, schema, day, WHOLE_BATCH_ROWS, whole=True))


def read_bytes(data: bytes, schema: LineSchema, name: str = "<memory>", day: date | None = None) -> ReadResult:
    """`read_files` over lines held in memory (generated lines, a test's lines)."""
    return _whole(RecordStream({name: data}, schema, day, [], WHOLE_BATCH_ROWS, whole=True))


def stream_files(paths: Iterable[Path], schema: LineSchema, day: date | None = None,
                 batch_rows: int = STREAM_BATCH_ROWS, whole: bool = False) -> RecordStream:
    """`read_files` as a `RecordStream`: the same rows, rejects and counts, batch by batch (of about
    `batch_rows` lines), for a partition too large to hold whole. Which files are not text is known at once
    (`unreadable`)."""
    sources: dict[str, Path | bytes] = {}
    unreadable = []
    for path in sorted(paths):
        data, problem = _content(path)
        if problem is not None:
            unreadable.append((path, problem))
        else:
            sources[path.name] = data if data is not None else path
    return RecordStream(sources, schema, day, unreadable, batch_rows, whole)


class RecordStream:
    """The good rows of one source's files, batch by batch, for a consumer that writes them as they come.

    Each iteration is one pass over the files in order: every batch of lines is parsed, typed and checked,
    and its good rows (the columns of `schema.empty()`) are given at once, less the repeated deliveries of
    records already given. After a complete pass, `rejects` and `stats` are that pass's. A record found
    conflicting (another record under its `#uuid`) after a version of it was given cannot be taken back: the
    pass reads on to find every conflict, then raises `RestartStream`, and the next pass rejects them all
    from the start (the lake's writer abandons the first pass's rows and writes the second's).

    A `whole` stream, for a read that holds every row anyway, holds the pass's checked rows and gives them at its
    end as one frame, repeats removed at once: its pass is never read again."""

    def __init__(self, sources: Mapping[str, Path | bytes], schema: LineSchema, day: date | None,
                 unreadable: list[tuple[Path, str]], batch_rows: int = STREAM_BATCH_ROWS, whole: bool = False) -> None:
        self.sources, self.schema, self.day, self.unreadable = sources, schema, day, unreadable
        self.batch_rows, self.whole = batch_rows, whole
        self.rejects: list[Reject] = []
        self.stats = ReadStats(files=len(sources))
        self._conflicting = pl.Series("_key", [], pl.UInt64)

    def __iter__(self) -> Iterator[pl.DataFrame]:
        records = _Deduplication(self._conflicting)
        rejects, lines, held = [], 0, []
        with duckdb_text.connect() as connection:
            for name, source in self.sources.items():
                failing: list[tuple[int, str]] = []
                for parsed, unparsed in _file_batches(connection, name, source, self.schema, self.batch_rows):
                    good, bad = _checked(parsed, name, self.schema, self.day)
                    lines += good.height + len(bad) + len(unparsed)
                    failing += bad
                    rejects += unparsed
                    if self.whole:
                        held.append((good.drop(MARKS), good.select(MARKS)))
                        continue
                    given = records.admit(good)
                    if given.height and not records.restart:
                        yield given.drop(MARKS)
                if failing:
                    located = _locate(source, {record for record, _ in failing})
                    rejects += [Reject(name, located[record][0], reason, located[record][1])
                                for record, reason in failing]
        if held:
            rows, marks = (pl.concat(part, how="vertical_relaxed", rechunk=False) for part in zip(*held))
            del held
            yield records.admit(rows.hstack(marks), remember=False).drop(MARKS)
        if records.restart:
            self._conflicting = records.conflicting
            raise RestartStream("records conflicting with rows already given: read again without them")
        by_file = {name: sorted((r for r in rejects if r.source == name), key=lambda r: r.line)
                   for name in self.sources}
        conflicts = records.conflicts()
        for name in sorted({file for file, _, _ in conflicts}):
            mine = {record: reason for file, record, reason in conflicts if file == name}
            located = _locate(self.sources[name], set(mine))
            by_file[name] += [Reject(name, located[r][0], reason, located[r][1]) for r, reason in sorted(mine.items())]
        self.rejects = [reject for name in self.sources for reject in by_file[name]]
        self.stats = ReadStats(files=len(self.sources), lines=lines, rejected=len(self.rejects),
                               duplicates=records.duplicates, conflicts=len(conflicts))


def _whole(stream: RecordStream) -> ReadResult:
    """Every row of `stream` in one frame, with its rejects, counts and unreadable files."""
    try:
        frames = list(stream)
    except RestartStream:
        frames = list(stream)
    return ReadResult(pl.concat([stream.schema.empty(), *frames], how="vertical_relaxed"), stream.rejects,
                      stream.stats, stream.unreadable)


def _content(path: Path) -> tuple[bytes | None, str | None]:
    """(bytes to read instead of the file, or None to read the file itself; why it is not text, or None)."""
    with path.open("rb") as handle:
        head = handle.read(BINARY_SAMPLE_BYTES)
    data = None
    if head[:2] == GZIP_MAGIC:
        try:
            data = gzip.decompress(path.read_bytes())
        except (OSError, EOFError) as error:
            return None, f"a broken gzip file: {error}"
        head = data[:BINARY_SAMPLE_BYTES]
    if head.startswith(UTF8_BOM):
        data = (data if data is not None else path.read_bytes())[len(UTF8_BOM):]
        head = head[len(UTF8_BOM):]
    problem = _not_text(head)
    return data, problem


def _not_text(head: bytes) -> str | None:
    """Why a file whose first bytes are `head` is not line-oriented text, or None: NUL bytes, or most of
    its lines not UTF-8. A few undecodable lines are the lines' problem, not the file's."""
    if b"\x00" in head:
        return f"not text: a NUL byte at offset {head.index(NUL)}"
    lines = [line for line in head.split(b"\n")[:-1] if line.strip()] or [head]
    undecodable = 0
    for line in lines:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            undecodable += 1
    if undecodable * 2 > len(lines):
        return f"not UTF-8 text: {undecodable} of the first {len(lines)} lines cannot be decoded"
    return None


def _file_batches(connection: duckdb.DuckDBPyConnection, name: str, source: Path | bytes,
                  schema: LineSchema, batch_rows: int) -> Iterator[tuple[pl.DataFrame, list[Reject]]]:
    """One file's non-blank lines parsed, batch by batch in file order (`_record` numbered), each with the
    rejects of its lines that cannot be read. The file is parsed in one streaming pass; when a line is not a
    JSON object, the lines after those already given take the slow path, which finds the bad ones."""
    given = 0
    try:
        for batch in _parsed_batches(connection, source, schema, batch_rows):
            given += batch.height
            yield batch, []
    except duckdb.Error:
        yield from _parse_by_blocks(connection, name, source, schema, after=given)


def _checked(parsed: pl.DataFrame, name: str, schema: LineSchema,
             day: date | None) -> tuple[pl.DataFrame, list[tuple[int, str]]]:
    """Parsed rows typed and checked: (the good rows' kept columns with the hash of their content (`_content`)
    and of their record key (`_key`: their `#type`, `#event_name` and `#uuid`, or their content when they have no
    `#uuid`), the (record, reason) of each rejected row). Which rows break a rule is found first; the
    reasons are written only for those, so a batch without a bad line never builds them."""
    frame = _flatten(parsed.lazy(), schema).collect()
    rules = _rules(frame.schema, schema, day, _Suspects.of(frame, schema))
    rows = frame.lazy().with_columns(_bad=pl.any_horizontal([bad.fill_null(False) for bad, _ in rules])).collect()
    failing: list[tuple[int, str]] = []
    if rows["_bad"].any():
        reason = pl.coalesce([pl.when(bad).then(pl.lit(text) if isinstance(text, str) else text) for bad, text in rules])
        failing = list(rows.filter("_bad").select("_record", reason.alias("_reason")).iter_rows())
        rows = rows.filter(~pl.col("_bad"))
    good = (rows.lazy()
            .with_columns(pl.col("_time").cast(pl.Datetime("ms")).alias("#time"), _file=pl.lit(name, pl.Categorical),
                          _key=pl.struct("#type", "#event_name", "#uuid").hash(), _anonymous=pl.col("#uuid").is_null())
            .select(*schema.empty().columns, "_key", "_anonymous")
            .with_columns(_content=pl.struct(schema.content_columns()).hash())
            .with_columns(_key=pl.when(pl.col("_anonymous")).then(pl.col("_content")).otherwise(pl.col("_key")))
            .select(*schema.empty().columns, *MARKS)
            .collect())
    return good, failing


def _parsed_batches(connection: duckdb.DuckDBPyConnection, source: Path | bytes,
                    schema: LineSchema, batch_rows: int) -> Iterable[pl.DataFrame]:
    """The non-blank lines of `source` in file order, in batches of about `batch_rows` numbered from 1
    (`_record`)."""
    first, pending, rows = 1, [], 0
    for batch in _parse(connection, source, schema).to_arrow_reader(batch_rows):
        pending.append(batch)
        rows += batch.num_rows
        if rows >= batch_rows:
            yield _numbered(pending, first)
            first, pending, rows = first + rows, [], 0
    if pending:
        yield _numbered(pending, first)


def _numbered(batches: list[pa.RecordBatch], first: int) -> pl.DataFrame:
    """`batches` as one frame, its rows numbered from `first` (`_record`)."""
    frame = pl.from_arrow(pa.Table.from_batches(batches))
    return frame.with_row_index("_record", offset=first).with_columns(pl.col("_record").cast(pl.Int64))


def _parse(connection: duckdb.DuckDBPyConnection, source: Path | bytes, schema: LineSchema) -> duckdb.DuckDBPyRelation:
    """The non-blank lines of `source` in file order: the schema's `json_columns` as text, and `#time` also
    parsed into `_time` (null when it is not a `#time`); with `raw_properties`, the object's JSON text and
    its properties as texts (`_typed`). Reading it raises `duckdb.Error` when a line is not a JSON object."""
    lines = connection.read_json(str(source) if isinstance(source, Path) else io.BytesIO(source),
                                 columns=schema.json_columns(), format="newline_delimited", records="true",
                                 maximum_object_size=MAX_LINE_BYTES)
    formats = ", ".join(f"'{time_format}'" for time_format in DUCKDB_TIME_FORMATS)
    columns = "*"
    derived = [f'try_strptime("#time", [{formats}]) AS _time']
    if schema.raw_properties:
        columns += " REPLACE (CAST(properties AS VARCHAR) AS properties)"
        if schema.properties:
            texts = json.dumps({name: "VARCHAR" for name in schema.properties}).replace("'", "''")
            derived.append(f"json_transform(properties, '{texts}') AS _typed")
    return lines.project(", ".join([columns, *derived]))


def _stream(source: Path | bytes) -> BinaryIO:
    return source.open("rb") if isinstance(source, Path) else io.BytesIO(source)


def _numbered_lines(source: Path | bytes) -> Iterable[list[tuple[int, int, bytes]]]:
    """Blocks of (line number, record number, raw line) over the non-blank lines of `source`."""
    line_no = record = 0
    with _stream(source) as handle:
        while block := handle.read(BLOCK_BYTES) + handle.readline():
            numbered = []
            for raw in block.split(b"\n")[:-1] if block.endswith(b"\n") else block.split(b"\n"):
                line_no += 1
                if raw.strip():
                    record += 1
                    numbered.append((line_no, record, raw.rstrip(b"\r")))
            if numbered:
                yield numbered


def _parse_by_blocks(connection: duckdb.DuckDBPyConnection, name: str, source: Path | bytes, schema: LineSchema,
                     after: int = 0) -> Iterator[tuple[pl.DataFrame, list[Reject]]]:
    """The slow path for a file with lines that are not JSON objects, from the record after `after` on: parse
    block by block, bisecting failing blocks down to the single lines that cannot be read; each block's
    parsed lines with the rejects of the lines that cannot be read."""
    empty = _parse(connection, b"", schema).pl().with_columns(_record=pl.lit(None, pl.Int64))

    def parse(lines: list[tuple[int, int, bytes]], frames: list[pl.DataFrame], rejects: list[Reject]) -> None:
        try:
            frame = _parse(connection, b"\n".join(raw for _, _, raw in lines), schema).pl()
            frames.append(frame.with_columns(_record=pl.Series([r for _, r, _ in lines], dtype=pl.Int64)))
            return
        except duckdb.Error as error:
            if len(lines) == 1:
                line, _, raw = lines[0]
                reason = "cannot be read: " + _parse_error(error)
                rejects.append(Reject(name, line, reason, raw.decode("utf-8", "replace")))
                return
        half = len(lines) // 2
        parse(lines[:half], frames, rejects)
        parse(lines[half:], frames, rejects)

    for block in _numbered_lines(source):
        block = [numbered for numbered in block if numbered[1] > after]
        if block:
            frames, rejects = [], []
            parse(block, frames, rejects)
            yield pl.concat([empty, *frames], how="vertical_relaxed"), rejects


def _parse_error(error: duckdb.Error) -> str:
    """DuckDB's reason a single line cannot be read, without where DuckDB read it from: the name of the buffer the line
    was handed over in (`DUCKDB_INTERNAL_OBJECTSTORE://...`) and its line number there mean nothing to the reader of a
    reject, which carries the line's own number."""
    reason = str(error).strip().splitlines()[0].split(": ", 1)[-1]
    return re.sub(r',? in line \d+', "", re.sub(r' in file "[^"]*"', "", reason)).replace(", at byte", " at byte")


def _flatten(frame: pl.LazyFrame, schema: LineSchema) -> pl.LazyFrame:
    """Properties as their own typed columns (with `raw_properties` the JSON text stays in `properties`);
    a property's text that is not of its type is kept in `_text:<name>` for the rule that rejects it."""
    if not schema.properties:
        return frame
    frame = frame.unnest("_typed" if schema.raw_properties else "properties")
    typed = {name: dtype for name, dtype in schema.properties.items() if _kind(dtype) is not pl.String}
    return frame.with_columns(
        *(pl.col(name).alias(f"_text:{name}") for name in typed),
        *(TEXT_PARSERS[_kind(dtype)][0](pl.col(name), dtype).alias(name) for name, dtype in typed.items()),
    )


def _checked_texts(columns: pl.Schema, schema: LineSchema) -> list[str]:
    """The text columns of `columns` (the flattened parse) that are kept, whose values the text rules check."""
    kept = set(schema.empty().columns)
    return [name for name, dtype in columns.items() if dtype == pl.Utf8 and name in kept and not name.startswith("_")]


def _longest_allowed(name: str) -> int:
    """The most characters a value of column `name` may hold."""
    return MAX_ID_CHARS if name in ID_COLUMNS else MAX_TEXT_CHARS


@dataclass(frozen=True)
class _Suspects:
    """Which of the costlier rules a batch may break, found by cheaper tests that every breaking row passes: a rule
    no row can break is left out of the batch's checks.

    - `too_long`: the text columns holding a value of more bytes than the column allows characters (a character
      takes at least a byte; a value's byte length costs nothing to read, its characters are counted one by one);
    - `escaped_nul`: whether some `properties` text holds `\\u0000` at all (`ESCAPED_NUL` is a regular
      expression, over ten times slower than looking for those six characters)."""

    too_long: frozenset[str]
    escaped_nul: bool

    @classmethod
    def of(cls, frame: pl.DataFrame, schema: LineSchema) -> _Suspects:
        """The suspects of `frame`, the flattened parse of a batch."""
        texts = _checked_texts(frame.schema, schema)
        tests = [pl.col(texts).str.len_bytes().max()] if texts else []
        if schema.raw_properties:
            tests.append(pl.col("properties").str.contains("\\u0000", literal=True).any().alias("_escaped_nul"))
        found = frame.select(tests).row(0, named=True) if tests else {}
        return cls(frozenset(name for name in texts if (found[name] or 0) > _longest_allowed(name)),
                   bool(found.get("_escaped_nul")))


def _rules(columns: pl.Schema, schema: LineSchema, day: date | None, suspects: _Suspects) -> list[Rule]:
    """Every rule a row of `columns` (the flattened parse, `_time` the typed `#time`) must keep, each with
    the reason a row breaking it is rejected for: the line format's, then the schema's. The costlier rules no
    row of the batch can break (see its `suspects`) are left out."""
    texts = _checked_texts(columns, schema)
    present = lambda name: pl.col(name).is_not_null() & (pl.col(name) != "")  # noqa: E731
    checks: list[Rule] = [
        (~pl.col("#type").is_in(schema.record_types).fill_null(False),
         pl.format("'#type' is {}, expected one of {}", pl.col("#type").fill_null("missing"),
                   pl.lit(", ".join(schema.record_types)))),
        (pl.col("_time").is_null(),
         pl.format("'#time' is {}, expected 'yyyy-MM-dd HH:mm:ss.SSS'", pl.col("#time").fill_null("missing"))),
        ((pl.col("#type") == "track") & ~present("#event_name"), "a track record needs a non-empty '#event_name'"),
    ]
    if "#distinct_id" in columns:
        checks.insert(1, (~(present("#account_id") | present("#distinct_id")),
                          "needs a non-empty '#account_id' or '#distinct_id'"))
    if schema.event_name is not None:
        checks.append((pl.col("#event_name").ne_missing(schema.event_name), f"#event_name is not {schema.event_name}"))
    if day is not None:
        checks.append((pl.col("_time").dt.date() != day, f"#time not on partition day {day}"))
    checks += [(pl.col(f"_text:{name}").is_not_null() & pl.col(name).is_null(),
                pl.format(f"{name} is {{}}, expected {TEXT_PARSERS[_kind(dtype)][1]}", pl.col(f"_text:{name}")))
               for name, dtype in schema.properties.items() if f"_text:{name}" in columns]
    checks += [(pl.col(name).str.contains("\x00", literal=True).fill_null(False),
                f"{name} {NUL_REASON}") for name in texts]
    if suspects.escaped_nul:
        checks.append((pl.col("properties").str.contains(ESCAPED_NUL).fill_null(False),
                       f"properties {NUL_REASON}"))
    checks += [(pl.col(name).str.len_chars().fill_null(0) > _longest_allowed(name),
                f"{name} is longer than {_longest_allowed(name)} characters")
               for name in texts if name in suspects.too_long]
    checks += [(~present(name) if columns.get(name) == pl.Utf8 else pl.col(name).is_null(), f"missing {name}")
               for name in schema.required]
    return checks + list(schema.rules)


def _quoted(name: str) -> str:
    """`name` as a DuckDB identifier."""
    return '"' + name.replace('"', '""') + '"'


def _locate(source: Path | bytes, records: set[int]) -> dict[int, tuple[int, str]]:
    """Line number and raw text of each of `records` (record numbers among non-blank lines)."""
    found: dict[int, tuple[int, str]] = {}
    for block in _numbered_lines(source):
        for line, record, raw in block:
            if record in records:
                found[record] = (line, raw.decode("utf-8", "replace"))
        if len(found) == len(records):
            break
    return found


class _Deduplication:
    """Which rows of a pass are given, batch by batch: each record once.

    A record's key is its `#type`, `#event_name` and `#uuid`, or its whole content when it has no
    `#uuid`. Rows of one key with the same content are one record delivered more than once: the first is
    given, the others dropped (`duplicates`). Rows of one key with different contents are a conflict: none can
    be trusted, all are rejected (`conflicts`); when a version was already given, `restart` is set, and
    `conflicting` holds every conflicting key of the pass for the next. The keys of a batch are hashed in
    the read, so a batch without repeats costs one lookup of its keys."""

    def __init__(self, known_conflicts: pl.Series) -> None:
        self.conflicting = known_conflicts
        self.given = pl.DataFrame(schema={"_key": pl.UInt64, "_content": pl.UInt64})
        self.rejected = pl.DataFrame(schema={"_file": pl.String, "_record": pl.Int64, "_key": pl.UInt64,
                                             "_content": pl.UInt64})
        self.duplicates = 0
        self.restart = False

    def admit(self, batch: pl.DataFrame, remember: bool = True) -> pl.DataFrame:
        """The rows of `batch` to give: records not seen before in the pass and not conflicting. Only the rows
        whose key is repeated (in the batch, or given before) are compared; with `remember` false (the pass's
        last batch) the keys given are not kept for later batches."""
        known = pl.col("_key").is_in(self.conflicting.implode())
        if self.conflicting.len() and batch.select(known.any()).item():
            self._reject(batch.filter(known))
            batch = batch.filter(~known)
        given_before = self.given.join(batch.select("_key"), on="_key", how="semi")
        if given_before.height or batch["_key"].n_unique() < batch.height:
            repeated = batch["_key"].is_duplicated() | batch["_key"].is_in(given_before["_key"].implode())
            batch = self._without_repeats(batch, repeated, given_before)
        if remember:
            self.given = pl.concat([self.given, batch.select("_key", "_content")])
        return batch

    def _without_repeats(self, batch: pl.DataFrame, repeated: pl.Series, given_before: pl.DataFrame) -> pl.DataFrame:
        """`batch` less the rows of its `repeated` keys that are not given: later deliveries of a record (counted
        in `duplicates`) and every version of a conflicting one (rejected)."""
        versions = (batch.with_row_index("_row").filter(repeated)
                    .join(given_before, on="_key", how="left", suffix="_given", maintain_order="left")
                    .with_columns(_given=pl.col("_content_given").is_not_null(),
                                  _reference=pl.coalesce("_content_given", pl.col("_content").first().over("_key"))))
        conflicting = versions.filter(pl.col("_content") != pl.col("_reference")).select("_key").unique()
        clashing = pl.col("_key").is_in(conflicting["_key"].implode())
        self._reject(versions.filter(clashing))
        self.restart |= versions.select((clashing & pl.col("_given")).any()).item()
        self.conflicting = pl.concat([self.conflicting, conflicting["_key"]])
        kept = versions.filter(~clashing)
        first = ~pl.col("_given") & pl.col("_key").is_first_distinct()
        self.duplicates += kept.height - kept.select(first.sum()).item()
        dropped = pl.concat([versions.filter(clashing)["_row"], kept.filter(~first)["_row"]])
        return batch.with_row_index("_row").filter(~pl.col("_row").is_in(dropped.implode())).drop("_row")

    def _reject(self, rows: pl.DataFrame) -> None:
        self.rejected = pl.concat([self.rejected, rows.select(pl.col("_file").cast(pl.String), "_record", "_key",
                                                             "_content")])

    def conflicts(self) -> list[tuple[str, int, str]]:
        """(file, record, reason) of every row of a conflicting record."""
        versions = self.rejected.group_by("_key").agg(pl.col("_content").n_unique().alias("versions"))
        return [(file, record, f"conflict: {count} different records share one #uuid")
                for file, record, count in self.rejected.join(versions, on="_key")
                .select("_file", "_record", "versions").iter_rows()]
