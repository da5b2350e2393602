"""Real replays with their header edited and their sections' CRCs written anew: whole files (`check_sections` takes
them) whose header claims another game than their network stream sends, as a forger would make them."""

from __future__ import annotations

import struct

from gamestats_assets.sources.replays.sections import SECTION_HEAD, replay_crc


def with_section_crcs(data: bytearray) -> bytes:
    """`data` (a replay whose bytes were changed) with each section's CRC written anew, so it is whole again."""
    at = 0
    while at < len(data):
        size, _ = SECTION_HEAD.unpack_from(data, at)
        start = at + SECTION_HEAD.size
        SECTION_HEAD.pack_into(data, at, size, replay_crc(bytes(data[start:start + size])))
        at = start + size
    return bytes(data)


def _text(value: str) -> bytes:
    return struct.pack("<i", len(value) + 1) + value.encode() + b"\x00"


def _value_at(data: bytes | bytearray, name: str, kind: str, nth: int) -> int:
    """Where the value of the `nth` header property `name` of type `kind` starts (after its 8-byte size)."""
    key, at = _text(name) + _text(kind), SECTION_HEAD.size
    for _ in range(nth + 1):
        at = data.index(key, at) + len(key)
    return at + 8


def with_int(data: bytes, name: str, value: int, nth: int = 0) -> bytearray:
    """`data` with the `nth` integer property `name` of its header (`Team0Score`, a player's `Goals`) set to
    `value`."""
    changed = bytearray(data)
    struct.pack_into("<i", changed, _value_at(changed, name, "IntProperty", nth), value)
    return changed


def with_text(data: bytes | bytearray, name: str, value: str, nth: int = 0) -> bytearray:
    """`data` with the `nth` text property `name` of its header (`Id`, a player's `Name`) set to `value`, of the
    same length as the one it replaces."""
    changed = bytearray(data)
    at = _value_at(changed, name, "StrProperty", nth)
    length = struct.unpack_from("<i", changed, at)[0] - 1
    if len(value) != length:
        raise ValueError(f"{name} holds {length} characters, not {len(value)}")
    changed[at + 4:at + 4 + length] = value.encode()
    return changed


def with_qword(data: bytes | bytearray, name: str, value: int, nth: int = 0) -> bytearray:
    """`data` with the `nth` 64-bit property `name` of its header (a player's `OnlineID`) set to `value`."""
    changed = bytearray(data)
    struct.pack_into("<Q", changed, _value_at(changed, name, "QWordProperty", nth), value)
    return changed
