"""The one reader of ThinkingData files (`read_files` whole, `stream_files` batch by batch): one streaming parse of
DuckDB's JSON reader types and checks the lines (`schema.LineSchema.projections`), the domain's own rules run on the
good rows, and repeated deliveries are given once (`repeats.Deduplication`)."""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO, NamedTuple

import duckdb
import polars as pl
import pyarrow as pa

from gamestats_assets.lib.core import duckdb_text
from gamestats_assets.lib.core.inputs import UnreadableInput, read_content
from gamestats_assets.lib.intake.quarantine import Reject
from gamestats_assets.lib.lake.rows import RestartStream
from gamestats_assets.sources.thinkingdata.repeats import Deduplication, owned
from gamestats_assets.sources.thinkingdata.schema import MARKS, REASON, LineSchema

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
MAX_LINE_BYTES = 16 << 20
"""The longest line the parse takes whole; a longer one is rejected (its texts could not be kept anyway)."""


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


@dataclass
class FileRead:
    """What a read made of one file beside its rows: its counts (`files` 1; a repeated delivery counts in the file
    of the copy dropped, a conflict in the file of each rejected version), its rejected lines in the read's order,
    and the record key (`_key`) of each of its lines that passed the checks: the files whose keys meet are those
    whose rows a read decides together (repeats and conflicts)."""

    stats: ReadStats
    rejects: list[Reject]
    keys: pl.Series


class ReadResult(NamedTuple):
    """The good rows, the rejected lines, the counts, the files that are not text (to quarantine), and what the read
    made of each file it read (`FileRead`, by file name)."""

    frame: pl.DataFrame
    rejects: list[Reject]
    stats: ReadStats
    unreadable: list[tuple[Path, str]]
    files: Mapping[str, FileRead] = {}


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
    records already given. After a complete pass, `rejects`, `stats` and `files` (each file's `FileRead`) are that
pass's. A record found
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
        self.files: dict[str, FileRead] = {}
        self._conflicting = pl.Series("_key", [], pl.UInt64)

    def _connection(self) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """The thread's held connection for a `whole` stream, read to its end before anything else runs; a
        connection of its own, closed at its end, for a stream given batch by batch, whose consumer may read
        another meanwhile (a connection's new query ends its pending one)."""
        return nullcontext(duckdb_text.held()) if self.whole else duckdb_text.connect()

    def __iter__(self) -> Iterator[pl.DataFrame]:
        records = Deduplication(self._conflicting)
        rejects, held = [], []
        lines = dict.fromkeys(self.sources, 0)
        keys: dict[str, list[pl.Series]] = {name: [] for name in self.sources}
        with self._connection() as connection:
            for name, source in self.sources.items():
                failing: list[tuple[int, str]] = []
                for parsed, unparsed in _file_batches(connection, name, source, self.schema, self.day, self.batch_rows):
                    good, bad = _checked(parsed, name, self.schema)
                    lines[name] += good.height + len(bad) + len(unparsed)
                    keys[name].append(owned(good.select("_key")).get_column("_key"))
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
        self.stats = ReadStats(files=len(self.sources), lines=sum(lines.values()), rejected=len(self.rejects),
                               duplicates=records.duplicates, conflicts=len(conflicts))
        conflicted = Counter(file for file, _, _ in conflicts)
        self.files = {name: FileRead(ReadStats(files=1, lines=lines[name], rejected=len(by_file[name]),
                                               duplicates=records.duplicates_of[name], conflicts=conflicted[name]),
                                     by_file[name], pl.concat([pl.Series("_key", [], pl.UInt64), *keys[name]]))
                      for name in self.sources}


def _whole(stream: RecordStream) -> ReadResult:
    """Every row of `stream` in one frame, with its rejects, counts and unreadable files."""
    try:
        frames = list(stream)
    except RestartStream:
        frames = list(stream)
    return ReadResult(pl.concat([stream.schema.empty(), *frames], how="vertical_relaxed"), stream.rejects,
                      stream.stats, stream.unreadable, stream.files)


def _content(path: Path) -> tuple[bytes | None, str | None]:
    """(bytes to read instead of the file, or None to read the file itself; why it is not text, or None)."""
    with path.open("rb") as handle:
        head = handle.read(BINARY_SAMPLE_BYTES)
    data = None
    if head[:2] == GZIP_MAGIC:
        try:
            data = read_content(path)
        except UnreadableInput as error:
            return None, str(error)
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
                  schema: LineSchema, day: date | None, batch_rows: int) -> Iterator[tuple[pl.DataFrame, list[Reject]]]:
    """One file's non-blank lines parsed, batch by batch in file order (`_record` numbered), each with the
    rejects of its lines that cannot be read. The file is parsed in one streaming pass; when a line is not a
    JSON object, the lines after those already given take the slow path, which finds the bad ones (met after the
    first batches, DuckDB's error reaches the Arrow reader as an `OSError`)."""
    given = 0
    try:
        for batch in _parsed_batches(connection, source, schema, day, batch_rows):
            given += batch.height
            yield batch, []
    except (duckdb.Error, OSError):
        yield from _parse_by_blocks(connection, name, source, schema, day, after=given)


def _checked(parsed: pl.DataFrame, name: str, schema: LineSchema) -> tuple[pl.DataFrame, list[tuple[int, str]]]:
    """Parsed rows split by the rules: (the good rows' kept columns with the hashes of their content (`_content`)
    and record key (`_key`: of their `#type`, `#event_name` and `#uuid`, or their content when they have no
    `#uuid`), the (record, reason) of each rejected row). The line format's rules were checked by the parse
    (`REASON`); the domain's own run here, on the rows that keep those, and write reasons only for the rows that
    break one."""
    failing: list[tuple[int, str]] = []
    if parsed.get_column(REASON).null_count() < parsed.height:
        failing = list(parsed.filter(pl.col(REASON).is_not_null()).select("_record", REASON).iter_rows())
        parsed = parsed.filter(pl.col(REASON).is_null())
    if schema.rules:
        flagged = parsed.with_columns(_bad=pl.any_horizontal([bad.fill_null(False) for bad, _ in schema.rules]))
        if flagged.get_column("_bad").any():
            reason = pl.coalesce([pl.when(bad).then(pl.lit(text) if isinstance(text, str) else text)
                                  for bad, text in schema.rules])
            failing += flagged.filter("_bad").select("_record", reason).iter_rows()
            parsed = parsed.filter(~flagged.get_column("_bad"))
    good = parsed.select(pl.lit(name, pl.Categorical).alias("_file"), *schema.empty().columns[1:],
                         pl.col("_key").fill_null(pl.col("_content")), "_content")
    return good, failing


def _parsed_batches(connection: duckdb.DuckDBPyConnection, source: Path | bytes,
                    schema: LineSchema, day: date | None, batch_rows: int) -> Iterable[pl.DataFrame]:
    """The non-blank lines of `source` in file order, in batches of about `batch_rows` numbered from 1
    (`_record`)."""
    first, pending, rows = 1, [], 0
    for batch in _parse(connection, source, schema, day).to_arrow_reader(batch_rows):
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


def _parse(connection: duckdb.DuckDBPyConnection, source: Path | bytes, schema: LineSchema,
           day: date | None) -> duckdb.DuckDBPyRelation:
    """The non-blank lines of `source` in file order, typed and checked by `schema` (`LineSchema.projections`):
    the kept columns, `REASON` and `MARKS`. Reading it raises `duckdb.Error` when a line is not a JSON object."""
    lines = _read(connection, source, schema)
    for projection in schema.projections(day):
        lines = lines.project(projection)
    return lines


def _read(connection: duckdb.DuckDBPyConnection, source: Path | bytes, schema: LineSchema) -> duckdb.DuckDBPyRelation:
    """The non-blank lines of `source` as DuckDB's JSON reader reads them into `schema.json_columns()`, unchecked.
    Reading it raises `duckdb.Error` when a line is not a JSON object."""
    return connection.read_json(str(source) if isinstance(source, Path) else io.BytesIO(source),
                                columns=schema.json_columns(), format="newline_delimited", records="true",
                                maximum_object_size=MAX_LINE_BYTES)


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
                     day: date | None, after: int = 0) -> Iterator[tuple[pl.DataFrame, list[Reject]]]:
    """The slow path for a file with lines that are not JSON objects, from the record after `after` on: block by
    block, each block's parsed lines (in file order) with the rejects of the lines that cannot be read. A block that
    fails whole is screened at once for the lines that are not one JSON object each (`_suspects`), each of those
    read alone for DuckDB's reason, and the rest parsed together, bisected down to single lines only when a line
    the screen let through still fails them: a file whose every tenth line is broken costs about a parse per
    broken line, not a dozen."""
    empty = _parse(connection, b"", schema, day).pl().with_columns(_record=pl.lit(None, pl.Int64))

    def parsed(lines: list[tuple[int, int, bytes]]) -> pl.DataFrame:
        frame = _parse(connection, b"\n".join(raw for _, _, raw in lines), schema, day).pl()
        return frame.with_columns(_record=pl.Series([r for _, r, _ in lines], dtype=pl.Int64))

    def alone(numbered: tuple[int, int, bytes], frames: list[pl.DataFrame], rejects: list[Reject]) -> None:
        line, _, raw = numbered
        try:
            _read(connection, raw, schema).fetchall()
            frames.append(parsed([numbered]))
        except duckdb.Error as error:
            rejects.append(Reject(name, line, "cannot be read: " + _parse_error(error), raw.decode("utf-8", "replace")))

    def bisected(lines: list[tuple[int, int, bytes]], frames: list[pl.DataFrame], rejects: list[Reject]) -> None:
        if len(lines) == 1:
            alone(lines[0], frames, rejects)
            return
        try:
            frames.append(parsed(lines))
        except duckdb.Error:
            half = len(lines) // 2
            bisected(lines[:half], frames, rejects)
            bisected(lines[half:], frames, rejects)

    for block in _numbered_lines(source):
        block = [numbered for numbered in block if numbered[1] > after]
        if not block:
            continue
        frames, rejects = [], []
        try:
            frames.append(parsed(block))
        except duckdb.Error:
            suspects = _suspects(connection, [raw for _, _, raw in block])
            for index in sorted(suspects):
                alone(block[index], frames, rejects)
            rest = [numbered for index, numbered in enumerate(block) if index not in suspects]
            if rest:
                bisected(rest, frames, rejects)
        block_frame = pl.concat([empty, *frames], how="vertical_relaxed").sort("_record", maintain_order=True)
        yield block_frame, sorted(rejects, key=lambda reject: reject.line)


def _suspects(connection: duckdb.DuckDBPyConnection, lines: list[bytes]) -> set[int]:
    """The indexes of `lines` that are not one JSON object each, found in one pass: not UTF-8, longer than
    `MAX_LINE_BYTES`, not valid JSON, or JSON of another type (the lines a parse of them fails on, nearly always)."""
    texts = []
    suspects = set()
    for index, raw in enumerate(lines):
        try:
            texts.append(raw.decode("utf-8") if len(raw) <= MAX_LINE_BYTES else None)
        except UnicodeDecodeError:
            texts.append(None)
        if texts[-1] is None:
            suspects.add(index)
    objects = connection.from_arrow(pa.table({"raw": pa.array(texts, pa.string())})).project(
        "coalesce(CASE WHEN json_valid(raw) THEN json_type(raw) = 'OBJECT' ELSE false END, false) AS object"
    ).pl().get_column("object")
    return suspects | set(objects.not_().arg_true().to_list())


def _parse_error(error: duckdb.Error) -> str:
    """DuckDB's reason a single line cannot be read, without where DuckDB read it from: the name of the buffer the line
    was handed over in (`DUCKDB_INTERNAL_OBJECTSTORE://...`) and its line number there mean nothing to the reader of a
    reject, which carries the line's own number."""
    reason = str(error).strip().splitlines()[0].split(": ", 1)[-1]
    return re.sub(r',? in line \d+', "", re.sub(r' in file "[^"]*"', "", reason)).replace(", at byte", " at byte")


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


