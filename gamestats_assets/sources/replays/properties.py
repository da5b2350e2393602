"""The header properties of a raw `.replay` file (`Id`, `Date`, `MapName`, `PlayerStats`, `Goals`, ...), read
without its network stream, so a replay whose stream no parser can replay still gives its scoreboard."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

LONE_BYTE_VALUES = ("OnlinePlatform_Steam", "OnlinePlatform_PS4")
"""`ByteProperty` names written without a value in older files."""


class HeaderFormatError(ValueError):
    """Bytes that are not a replay header, with the reason."""


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def take(self, size: int) -> bytes:
        if size < 0 or self.at + size > len(self.data):
            raise HeaderFormatError(f"header ends before byte {self.at + size}")
        chunk = self.data[self.at:self.at + size]
        self.at += size
        return chunk

    def unpack(self, layout: str) -> Any:
        return struct.unpack(layout, self.take(struct.calcsize(layout)))[0]

    def text(self) -> str:
        length = self.unpack("<i")
        if length < 0:
            return self.take(-2 * length).decode("utf-16-le").rstrip("\x00")
        return self.take(length).decode("latin-1").rstrip("\x00")


def _value(reader: _Reader, kind: str, size: int) -> Any:
    """One property's value of type `kind`. A `ByteProperty` is an enum name and its value: `size` raw bytes
    under the name `None`, nothing for the names older files wrote alone (`LONE_BYTE_VALUES`), else a
    string. A string is an i32 length and its bytes with a terminating NUL, UTF-16 when the length is
    negative."""
    if kind == "IntProperty":
        return reader.unpack("<i")
    if kind == "FloatProperty":
        return reader.unpack("<f")
    if kind in ("StrProperty", "NameProperty"):
        return reader.text()
    if kind == "BoolProperty":
        return bool(reader.unpack("<B"))
    if kind == "QWordProperty":
        return reader.unpack("<Q")
    if kind == "ByteProperty":
        name = reader.text()
        if name == "None":
            return {"kind": name, "value": int.from_bytes(reader.take(size), "little")}
        return {"kind": name, "value": name} if name in LONE_BYTE_VALUES else {"kind": name, "value": reader.text()}
    if kind == "ArrayProperty":
        return [_properties(reader) for _ in range(reader.unpack("<i"))]
    if kind == "StructProperty":
        return {"name": reader.text(), "fields": _properties(reader)}
    raise HeaderFormatError(f"unknown header property type {kind!r}")


def _properties(reader: _Reader) -> dict[str, Any]:
    found: dict[str, Any] = {}
    while (key := reader.text()) != "None":
        kind = reader.text()
        size = reader.unpack("<I")
        reader.unpack("<I")
        found[key] = _value(reader, kind, size)
    return found


def read_properties(path: Path) -> dict[str, Any]:
    """The header properties of the replay at `path`; `HeaderFormatError` when they cannot be read."""
    with path.open("rb") as handle:
        head = handle.read(8)
        if len(head) < 8:
            raise HeaderFormatError("shorter than a replay header")
        size = struct.unpack("<I", head[:4])[0]
        reader = _Reader(handle.read(size))
    major, minor = reader.unpack("<I"), reader.unpack("<I")
    if major >= 868 and minor >= 18:
        reader.unpack("<I")
    if not reader.text().startswith("TAGame.Replay"):
        raise HeaderFormatError("no replay class name at the start of the header")
    return _properties(reader)
