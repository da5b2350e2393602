"""The two sections of a raw `.replay` file and their checksums: whether the bytes are a whole replay.

A replay is its header section (the properties: `Id`, `Date`, `PlayerStats`, ...) and its body section (levels,
keyframes, the network stream, the class tables), each written as a little-endian u32 size and u32 CRC followed
by that many bytes, the body's end the file's end. The game's CRC is a CRC-32 of polynomial `0x04C11DB7`
processed most significant bit first (not reflected, unlike zlib's), its register started at `~0xEFCBF201` and
the result inverted. Reflecting every byte and the register makes it zlib's reflected CRC-32 of the same
polynomial, so `zlib.crc32` computes it at C speed.
"""

from __future__ import annotations

import struct
import zlib

SECTION_HEAD = struct.Struct("<II")
"""A section's size and CRC."""
REGISTER_START = ~0xEFCBF201 & 0xFFFFFFFF
_REFLECTED_BYTES = bytes(int(f"{value:08b}"[::-1], 2) for value in range(256))


class DamagedReplay(ValueError):
    """Bytes that start as a replay but are not a whole one: a section cut short, garbled, or trailing bytes."""


def _reflected(value: int) -> int:
    return int(f"{value:032b}"[::-1], 2)


def replay_crc(data: bytes) -> int:
    """The game's CRC of `data` (the module's docstring says which)."""
    return _reflected(zlib.crc32(data.translate(_REFLECTED_BYTES), ~_reflected(REGISTER_START) & 0xFFFFFFFF))


def _section(data: bytes, at: int, name: str) -> int:
    """Check the section starting at byte `at` of `data`; the byte after its end."""
    if at + SECTION_HEAD.size > len(data):
        raise DamagedReplay(f"the file ends before the {name} section starts (at byte {at})")
    size, crc = SECTION_HEAD.unpack_from(data, at)
    start = at + SECTION_HEAD.size
    if start + size > len(data):
        raise DamagedReplay(f"the {name} section is cut short: {len(data) - start} of its {size} bytes are there")
    if replay_crc(data[start:start + size]) != crc:
        raise DamagedReplay(f"the {name} section is damaged: its bytes do not match its CRC")
    return start + size


def check_sections(data: bytes) -> None:
    """`DamagedReplay` with the reason unless `data` is a whole replay: both sections there, each matching its
    CRC, nothing after the body."""
    end = _section(data, _section(data, 0, "header"), "body")
    if end != len(data):
        raise DamagedReplay(f"{len(data) - end} bytes follow the body section, which ends the replay")
