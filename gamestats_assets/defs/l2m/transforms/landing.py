"""Reading one day of L2M landing files: ThinkingData JSONL into typed, flat polars frames plus rejects.

The landing contract: ``<landing>/l2m/<YYYY-MM-DD>/<event_name>*.jsonl`` holds the day's track events of
that name (``user_profile*.jsonl`` the user_set lines). Root keys ``#account_id`` (the user), ``#time``
(``yyyy-MM-dd HH:mm:ss[.SSS]``), ``#event_name``, ``#ip``, ``#uuid``; the rest sits in ``properties``.

Nothing is dropped silently: a line that is not valid JSON of the expected types, lacks a required field,
names another event, or whose time falls outside the partition day becomes a ``Reject`` (file, line,
reason, raw text) for the asset to quarantine, and a file of the day folder that no source reads is listed
by ``unclaimed_files``.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import polars as pl

from gamestats_assets.generator.emitters.l2m import TRUTH_FILE
from gamestats_assets.lib.quarantine import Reject

TIME_FORMAT = "%Y-%m-%d %H:%M:%S%.f"
ROOT_COLUMNS = {"#account_id": "user_id", "#ip": "ip", "#uuid": "event_uuid"}
BLOCK_BYTES = 16 << 20

_I64, _F64, _STR = pl.Int64(), pl.Float64(), pl.Utf8()
_ECONOMY_ITEM = {"server_id": _I64, "level": _I64, "item_id": _I64, "quantity": _I64, "reason_id": _I64}
_ECONOMY_MONEY = {"server_id": _I64, "level": _I64, "money_type": _STR, "amount": _I64, "reason_id": _I64}

EVENT_PROPERTIES: dict[str, dict[str, pl.DataType]] = {
    "login": {"server_id": _I64, "level": _I64, "device_id": _STR, "#os": _STR, "#device_model": _STR},
    "logout": {"server_id": _I64, "level": _I64, "device_id": _STR, "online_seconds": _I64},
    "recharge": {"server_id": _I64, "level": _I64, "amount": _F64, "currency": _STR, "payment_method": _STR,
                 "country_code": _STR},
    "item_gain": _ECONOMY_ITEM,
    "item_spend": _ECONOMY_ITEM,
    "money_gain": _ECONOMY_MONEY,
    "money_spend": _ECONOMY_MONEY,
    "clan_change": {"server_id": _I64, "level": _I64, "action": _STR, "clan_id": _I64, "clan_name": _STR,
                    "clan_role": _STR},
}
PROFILE_STEM = "user_profile"
PROFILE_PROPERTIES: dict[str, pl.DataType] = {"country_code": _STR, "register_date": _STR, "server_id": _I64}


Rule = tuple[pl.Expr, str | pl.Expr]
"""A validation rule over the flattened rows: (true when the row is bad, reason text or expression)."""


class Parsed(NamedTuple):
    """The good rows of a source and the records that could not be read."""

    frame: pl.DataFrame
    rejects: list[Reject]


def _schema(properties: Mapping[str, pl.DataType], roots: Sequence[str]) -> dict[str, pl.DataType]:
    return {**{r: _STR for r in roots}, "properties": pl.Struct(dict(properties))}


def _parse_block(lines: list[tuple[int, bytes]], schema: dict, source: str) -> tuple[list[pl.DataFrame], list[Reject]]:
    """Parse ``(line number, raw)`` pairs, isolating the unreadable lines by bisection."""
    try:
        frame = pl.read_ndjson(b"\n".join(raw for _, raw in lines), schema=schema)
        return [frame.with_columns(_line=pl.Series([n for n, _ in lines], dtype=pl.Int64))], []
    except pl.exceptions.PolarsError as error:
        if len(lines) == 1:
            line, raw = lines[0]
            reason = str(error).strip().splitlines()[0]
            return [], [Reject(source=source, line=line, reason=reason, raw=raw.decode("utf-8", "replace"))]
    half = len(lines) // 2
    left, left_rejects = _parse_block(lines[:half], schema, source)
    right, right_rejects = _parse_block(lines[half:], schema, source)
    return left + right, left_rejects + right_rejects


def _read_file_by_lines(path: Path, schema: dict) -> Parsed:
    """Slow path for a file with bad lines: parse it block by block, bisecting the blocks that fail."""
    frames, rejects, line_no = [], [], 0
    with path.open("rb") as handle:
        while block := handle.read(BLOCK_BYTES) + handle.readline():
            lines = block.split(b"\n")
            if lines[-1] == b"":
                lines.pop()
            numbered = [(line_no + i + 1, raw) for i, raw in enumerate(lines) if raw.strip()]
            line_no += len(lines)
            if numbered:
                good, bad = _parse_block(numbered, schema, path.name)
                frames += good
                rejects += bad
    empty = pl.DataFrame(schema=schema).with_columns(_line=pl.lit(None, pl.Int64))
    return Parsed(pl.concat([empty, *frames], how="vertical_relaxed"), rejects)


def _locate(path: Path, rows: pl.DataFrame) -> dict[int, tuple[int, str]]:
    """Line number and raw text of the rejected ``rows`` (by ``_line`` or ``_record``), keyed the same."""
    by_record = "_record" in rows.columns
    wanted = set(rows["_record" if by_record else "_line"].to_list())
    found, record = {}, -1
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            record += 1
            key = record if by_record else number
            if key in wanted:
                found[key] = (number, raw.rstrip(b"\r\n").decode("utf-8", "replace"))
                if len(found) == len(wanted):
                    break
    return found


def _flagged(rows: pl.LazyFrame, day: dt.date, required: Sequence[str], event_name: str | None,
             rules: Sequence[Rule]) -> pl.LazyFrame:
    """Flatten rows, type ``#time`` and give ``_reason`` to rows of another event, missing a required field,
    outside ``day`` or breaking one of ``rules`` (null for good rows)."""
    flat = (rows.unnest("properties")
            .rename(ROOT_COLUMNS, strict=False)
            .with_columns(event_time=pl.col("#time").str.to_datetime(TIME_FORMAT, time_unit="ms", strict=False)))
    checks = [(pl.col(c).is_null(), f"missing {c}") for c in required]
    checks += [(pl.col("event_time").is_null(), "#time not yyyy-MM-dd HH:mm:ss.SSS"),
               (pl.col("event_time").dt.date() != day, f"#time not on partition day {day}")]
    if event_name is not None:
        checks.insert(0, (pl.col("#event_name").ne_missing(event_name), f"#event_name is not {event_name}"))
    checks += rules
    reason = pl.coalesce([pl.when(bad).then(pl.lit(text) if isinstance(text, str) else text) for bad, text in checks])
    return flat.with_columns(_reason=reason).drop("#time", "#event_name", strict=False)


def _read_file(path: Path, schema: dict, flag: Callable[[pl.LazyFrame], pl.LazyFrame]) -> Parsed:
    """Read and validate one JSONL file: one streaming scan with an explicit schema, or the slow path when a
    line cannot be parsed. Returns the good rows and the rejects (with line numbers and raw text).

    Rows are positioned by ``_record`` (0-based index among non-blank lines) after the scan, by ``_line``
    after the slow path; ``_locate`` turns either into line numbers for the few rejected rows.
    """
    try:
        frame = flag(pl.scan_ndjson(path, schema=schema, row_index_name="_record")).collect(engine="streaming")
        parse_rejects = []
    except pl.exceptions.PolarsError:
        slow = _read_file_by_lines(path, schema)
        frame, parse_rejects = flag(slow.frame.lazy()).collect(), slow.rejects
    position = "_record" if "_record" in frame.columns else "_line"
    bad = frame.filter(pl.col("_reason").is_not_null()).select(position, "_reason")
    rejects = list(parse_rejects)
    if bad.height:
        located = _locate(path, bad)
        rejects += [Reject(source=path.name, line=located[key][0], reason=why, raw=located[key][1])
                    for key, why in bad.iter_rows()]
    return Parsed(frame.filter(pl.col("_reason").is_null()).drop("_reason", position), rejects)


def source_pattern(stem: str) -> str:
    """The file names a source reads in a day folder: ``<stem>*.jsonl`` (case-sensitive)."""
    return f"{stem}*.jsonl"


def unclaimed_files(day_dir: Path) -> list[Path]:
    """Every entry of ``day_dir`` that no ETL source reads, sorted: names matching no ``source_pattern`` of a
    known stem (the events of ``EVENT_PROPERTIES`` and ``PROFILE_STEM``), except the emitter's truth file
    ``TRUTH_FILE``. Empty when the folder does not exist."""
    folder = Path(day_dir)
    if not folder.is_dir():
        return []
    patterns = [source_pattern(stem) for stem in (*EVENT_PROPERTIES, PROFILE_STEM)]
    return sorted(path for path in folder.iterdir()
                  if path.name != TRUTH_FILE and not any(fnmatch.fnmatchcase(path.name, p) for p in patterns))


def read_source(
    day_dir: Path, stem: str, day: dt.date, properties: Mapping[str, pl.DataType], *,
    required: Sequence[str], roots: Sequence[str] = ("#account_id", "#time", "#event_name"),
    rules: Sequence[Rule] = (),
) -> Parsed:
    """Rows of every ``<stem>*.jsonl`` in ``day_dir``: root columns renamed (``user_id``, ``ip``,
    ``event_uuid``), properties flattened, ``event_time`` typed; only rows of ``day``."""
    schema = _schema(properties, roots)
    event_name = stem if "#event_name" in roots else None

    def flag(rows: pl.LazyFrame) -> pl.LazyFrame:
        return _flagged(rows, day, required, event_name, rules)

    empty = flag(pl.LazyFrame(schema=schema)).drop("_reason").collect()
    frames, rejects = [empty], []
    for path in sorted(Path(day_dir).glob(source_pattern(stem))):
        parsed = _read_file(path, schema, flag)
        frames.append(parsed.frame)
        rejects += parsed.rejects
    return Parsed(pl.concat(frames, how="vertical_relaxed"), rejects)


def read_events(day_dir: Path, event_name: str, day: dt.date, *, roots: Sequence[str] = (),
                required: Sequence[str] = ("user_id", "server_id", "level"), rules: Sequence[Rule] = ()) -> Parsed:
    """Track events ``event_name`` of ``day`` (schema from ``EVENT_PROPERTIES``), with the extra root
    keys ``roots`` (``#ip``, ``#uuid``) when the table needs them."""
    return read_source(day_dir, event_name, day, EVENT_PROPERTIES[event_name], required=required,
                       roots=("#account_id", "#time", "#event_name", *roots), rules=rules)


def read_profiles(day_dir: Path, day: dt.date) -> Parsed:
    """user_set lines of ``day``, ``register_date`` typed. A line carries only the properties that changed,
    so any property may be null; a present ``register_date`` must be ``yyyy-MM-dd``."""
    register_date = pl.col("register_date")
    parsed = read_source(
        day_dir, PROFILE_STEM, day, PROFILE_PROPERTIES, required=("user_id",), roots=("#account_id", "#time"),
        rules=[(register_date.is_not_null() & register_date.str.to_date("%Y-%m-%d", strict=False).is_null(),
                "register_date not yyyy-MM-dd")],
    )
    return Parsed(parsed.frame.with_columns(pl.col("register_date").str.to_date("%Y-%m-%d")), parsed.rejects)
