"""Reading PUBG files as delivered: `*.json` or gzip-compressed, detected by content, not by name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from gamestats_assets.lib.core.inputs import UTF8_BOM, UnreadableInput, read_content
from gamestats_assets.lib.core.nul import NUL_REASON, holds_nul


class PubgFormatError(ValueError):
    """A file that is not a PUBG match object or telemetry; the message says why."""


@dataclass(frozen=True)
class RejectedLine:
    """One line of a JSONL telemetry file that is not a JSON object."""

    line: int
    reason: str
    raw: str


def read_bytes(path: Path) -> bytes:
    """The file's content, gunzipped when it starts with the gzip magic (within `GAMESTATS_MAX_DECOMPRESSED_BYTES`),
    without a UTF-8 BOM; `PubgFormatError` when the gzip is broken or too large, or when it holds a NUL character,
    which no table could be published with."""
    try:
        data = read_content(path)
    except UnreadableInput as error:
        raise PubgFormatError(str(error)) from None
    if holds_nul(data):
        raise PubgFormatError(f"{path}: the file {NUL_REASON}")
    return data.removeprefix(UTF8_BOM)


def read_document(path: Path) -> Any:
    """The single JSON document in `path` (plain or gzip)."""
    try:
        return msgspec.json.decode(read_bytes(path))
    except msgspec.DecodeError as error:
        raise PubgFormatError(f"{path}: not a JSON document ({error})") from error
    except RecursionError:
        raise PubgFormatError(f"{path}: JSON nested too deep to read") from None


def read_records(path: Path) -> tuple[list[bytes], list[RejectedLine]]:
    """The records of a file holding either one JSON array or one JSON value a line (JSONL), each as its
    raw JSON text, undecoded.

    An array must be valid JSON as a whole (`PubgFormatError` otherwise); in JSONL each line that is not
    JSON is returned as a `RejectedLine` with its number, and the readable ones are kept.
    """
    data = read_bytes(path)
    if data.lstrip()[:1] == b"[":
        try:
            return [bytes(raw) for raw in msgspec.json.decode(data, type=list[msgspec.Raw])], []
        except msgspec.DecodeError as error:
            raise PubgFormatError(f"{path}: not a JSON array ({error})") from error
        except RecursionError:
            raise PubgFormatError(f"{path}: JSON nested too deep to read") from None
    records, rejected = [], []
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(bytes(msgspec.json.decode(line, type=msgspec.Raw)))
        except msgspec.DecodeError as error:
            rejected.append(RejectedLine(number, f"not JSON: {error}", line.decode("utf-8", "replace")))
        except RecursionError:
            rejected.append(RejectedLine(number, "JSON nested too deep to read", line[:1000].decode("utf-8", "replace")))
    if not records and rejected:
        raise PubgFormatError(f"{path}: no line is JSON (first error: {rejected[0].reason})")
    return records, rejected
