"""ThinkingData JSONL: the line format written by the emitters and read by the parsers.

A line is one JSON object. Root keys start with ``#``: ``#type``, ``#account_id`` and/or ``#distinct_id``,
``#time`` (``yyyy-MM-dd HH:mm:ss.SSS``, milliseconds optional on input), ``#event_name`` for track events,
``#ip``, ``#uuid``. Everything else sits in ``properties``, including preset properties such as ``#os``,
``#device_model``, ``#app_version``, ``#country`` and ``#network_type``.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

RECORD_TYPES = (
    "track",
    "user_set",
    "user_setOnce",
    "user_add",
    "user_unset",
    "user_append",
    "user_del",
)
ROOT_KEYS = ("#type", "#account_id", "#distinct_id", "#time", "#event_name", "#ip", "#uuid", "properties")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
POLARS_TIME_FORMAT = "%Y-%m-%d %H:%M:%S%.3f"
_TIME_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{3})?$")


class ThinkingDataFormatError(ValueError):
    """A line that is not a valid ThinkingData record; the message names the line and the problem."""


@dataclass(frozen=True)
class Identity:
    """Who a record is about: the account id and the device (distinct) id, and the client's IP."""

    account_id: str
    distinct_id: str
    ip: str = ""


def format_time(moment: datetime) -> str:
    """``#time`` text for a moment: ``yyyy-MM-dd HH:mm:ss.SSS``."""
    return moment.strftime(TIME_FORMAT)[:-3]


def track_record(
    identity: Identity,
    event_name: str,
    moment: datetime,
    properties: Mapping[str, Any],
    uuid: str,
) -> dict[str, Any]:
    """A ``track`` record for one event, with the root keys first and the event's properties nested."""
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


def user_set_record(
    identity: Identity, moment: datetime, properties: Mapping[str, Any], uuid: str
) -> dict[str, Any]:
    """A ``user_set`` record that overwrites the given user properties."""
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


def validate_record(record: Any, line_number: int) -> dict[str, Any]:
    """The record itself if it follows the ThinkingData rules; otherwise ThinkingDataFormatError."""

    def fail(problem: str) -> ThinkingDataFormatError:
        return ThinkingDataFormatError(f"line {line_number}: {problem}")

    if not isinstance(record, dict):
        raise fail(f"expected a JSON object, got {type(record).__name__}")
    record_type = record.get("#type")
    if record_type not in RECORD_TYPES:
        raise fail(f"'#type' is {record_type!r}, expected one of {', '.join(RECORD_TYPES)}")
    unknown = [key for key in record if key not in ROOT_KEYS]
    if unknown:
        raise fail(f"unknown root keys {unknown} (only {', '.join(ROOT_KEYS)} may sit at the root)")
    if not record.get("#account_id") and not record.get("#distinct_id"):
        raise fail("needs a non-empty '#account_id' or '#distinct_id'")
    for key in ("#account_id", "#distinct_id", "#ip", "#uuid", "#event_name"):
        if key in record and not isinstance(record[key], str):
            raise fail(f"'{key}' must be a string, got {type(record[key]).__name__}")
    moment = record.get("#time")
    if not isinstance(moment, str) or not _TIME_PATTERN.match(moment):
        raise fail(f"'#time' is {moment!r}, expected 'yyyy-MM-dd HH:mm:ss.SSS'")
    try:
        datetime.strptime(moment[:19], "%Y-%m-%d %H:%M:%S")
    except ValueError as error:
        raise fail(f"'#time' {moment!r} is not a real moment: {error}") from error
    if record_type == "track" and not record.get("#event_name"):
        raise fail("a track record needs a non-empty '#event_name'")
    properties = record.get("properties", {})
    if not isinstance(properties, dict):
        raise fail(f"'properties' must be an object, got {type(properties).__name__}")
    return record


def parse_line(text: str, line_number: int) -> dict[str, Any]:
    """The validated record on one line of a ThinkingData file."""
    try:
        record = json.loads(text)
    except json.JSONDecodeError as error:
        raise ThinkingDataFormatError(f"line {line_number}: not valid JSON ({error.msg} at column {error.colno})") from error
    return validate_record(record, line_number)


def parse_lines(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Validated records of a ThinkingData JSONL stream; blank lines are skipped, numbering starts at 1."""
    for line_number, text in enumerate(lines, start=1):
        if text.strip():
            yield parse_line(text, line_number)


def read_records(path: str | Path) -> list[dict[str, Any]]:
    """All validated records of one ThinkingData JSONL file; errors name the file and line."""
    path = Path(path)
    with path.open(encoding="utf-8") as handle:
        try:
            return list(parse_lines(handle))
        except ThinkingDataFormatError as error:
            raise ThinkingDataFormatError(f"{path}: {error}") from error


def records_frame(records: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """One row per record: the root keys as columns (``#time`` parsed) and every property as its own column.

    Property columns are named as in the records (presets keep their ``#``); a property missing from a
    record is null in that row.
    """
    rows = []
    for record in records:
        row = {key: record.get(key) for key in ROOT_KEYS if key != "properties"}
        row.update(record.get("properties", {}))
        rows.append(row)
    frame = pl.DataFrame(rows, infer_schema_length=None)
    return frame.with_columns(
        pl.col("#time").str.to_datetime(POLARS_TIME_FORMAT, strict=False)
        .fill_null(pl.col("#time").str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False))
        .alias("#time")
    )


def lines_frame(lines: Iterable[str]) -> pl.DataFrame:
    """ThinkingData lines as one frame, read column-wise (fast), shaped like records_frame."""
    payload = "\n".join(line for line in lines if line.strip()).encode("utf-8")
    if not payload:
        return pl.DataFrame(schema={"#type": pl.String, "#time": pl.Datetime("ms")})
    frame = pl.read_ndjson(io.BytesIO(payload), infer_schema_length=None)
    if "properties" in frame.columns:
        frame = frame.unnest("properties")
    return frame.with_columns(pl.col("#time").str.to_datetime(POLARS_TIME_FORMAT, time_unit="ms"))


def read_frame(paths: Iterable[str | Path]) -> pl.DataFrame:
    """The lines of several generated ThinkingData files as one frame (see lines_frame), in file order."""
    lines: list[str] = []
    for path in paths:
        lines.extend(Path(path).read_text(encoding="utf-8").splitlines())
    return lines_frame(lines)
