"""Input that decides where things go or how much is read: paths joined from ids, file names and links, and
the content of files, gunzipped within a bound.

- `inside(root, *parts)`: a path joined under `root`, resolved and refused (`UnsafePath`) outside it; every
  path or folder made from an id, a file name or a partition key goes through it.
- `checked_id(value, pattern, what)`: an id from a file or an API, refused unless it has its source's format.
- `entry_refusal(entry)`: why a landing entry is never read (a symbolic link, a name that is not UTF-8), or None.
- `read_content(path)` / `gunzip(data, origin)` / `gunzip_chunks(chunks, origin, limit)`: a file's bytes, gunzipped when they are gzip, refused
  (`UnreadableInput`, naming the file) when the gzip is broken or expands beyond
  `GAMESTATS_MAX_DECOMPRESSED_BYTES` (default 2 GiB a file); decompression streams, so memory stays within it.
- `read_head(path, size)`: the first bytes of a file's content, gunzipped as they stream, to tell what it holds.
"""

from __future__ import annotations

import os
import re
import zlib
from pathlib import Path

from gamestats_assets.lib.core.settings import env_count

UUID = re.compile(r"[0-9a-fA-F]{8}(-?)[0-9a-fA-F]{4}\1[0-9a-fA-F]{4}\1[0-9a-fA-F]{4}\1[0-9a-fA-F]{12}")
"""A UUID, with or without its hyphens (match ids, replay ids)."""
GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"
MAX_DECOMPRESSED_ENV = "GAMESTATS_MAX_DECOMPRESSED_BYTES"
DEFAULT_MAX_DECOMPRESSED = 2 * 1024**3
CHUNK = 1 << 20


class UnsafePath(ValueError):
    """A path that input would place outside its folder, or an id that does not have its source's format."""


class UnreadableInput(ValueError):
    """A file (or an answer) whose content cannot be read: a broken gzip, or one expanding beyond the limit."""


def inside(root: Path | str, *parts: str) -> Path:
    """`root / parts...`, resolved (links and `..` followed), refused with `UnsafePath` unless it is `root` itself
    or under it; a part holding a NUL character is refused too."""
    base = Path(root).resolve()
    if any("\0" in str(part) for part in parts):
        raise UnsafePath(f"a path part holds a NUL character: {parts!r}")
    joined = base.joinpath(*parts).resolve()
    if joined != base and base not in joined.parents:
        raise UnsafePath(f"{'/'.join(map(str, parts))!r} leads outside {base}")
    return joined


def checked_id(value: object, pattern: re.Pattern[str], what: str) -> str:
    """`value` as a string when the whole of it matches `pattern`; `UnsafePath` naming `what` otherwise (an id
    is shown cut to 80 characters)."""
    text = str(value)
    if not pattern.fullmatch(text):
        raise UnsafePath(f"not a {what}: {text[:80]!r}{'...' if len(text) > 80 else ''}")
    return text


def entry_refusal(entry: os.DirEntry) -> str | None:
    """Why an entry of a landing folder's listing (`os.scandir`) is never read, or None, told from the listing
    alone: a symbolic link (its target is never read nor copied), or a name that is not UTF-8 (as copied from an
    old share)."""
    if entry.is_symlink():
        return "a symbolic link: landing reads only regular files, never what a link points to"
    try:
        entry.name.encode("utf-8")
    except UnicodeEncodeError:
        return "its name is not UTF-8: rename it in UTF-8 and deliver it again"
    return None


def max_decompressed_bytes() -> int:
    """`GAMESTATS_MAX_DECOMPRESSED_BYTES`: the most bytes one gzip file or answer may expand to (default 2 GiB)."""
    return env_count(MAX_DECOMPRESSED_ENV, DEFAULT_MAX_DECOMPRESSED, "bytes")


def gunzip_chunks(chunks, origin: str, limit: int) -> bytes:
    """The gzip members of the byte `chunks`, decompressed as they come within `limit` bytes (`UnreadableInput`
    naming `origin` beyond, or when the stream is broken)."""
    out, stream, started = bytearray(), zlib.decompressobj(16 + zlib.MAX_WBITS), False
    for chunk in chunks:
        pending = chunk
        while pending:
            started = True
            try:
                out += stream.decompress(pending, limit + 1 - len(out))
            except zlib.error as error:
                raise UnreadableInput(f"{origin}: a broken gzip stream ({error})") from None
            if len(out) > limit:
                raise UnreadableInput(f"{origin}: expands beyond {limit} bytes ({MAX_DECOMPRESSED_ENV}); "
                                      "split it into smaller files or raise the setting")
            if stream.eof:
                pending = stream.unused_data
                stream = zlib.decompressobj(16 + zlib.MAX_WBITS)
                started = False
            else:
                pending = stream.unconsumed_tail
    if started:
        raise UnreadableInput(f"{origin}: a truncated gzip stream (it ends before its last member does)")
    return bytes(out)


def gunzip(data: bytes, origin: str, limit: int | None = None) -> bytes:
    """`data` gunzipped when it starts with the gzip magic (as it is otherwise), within `limit` bytes (default
    `max_decompressed_bytes()`); `UnreadableInput` naming `origin` when broken or too large."""
    if data[:2] != GZIP_MAGIC:
        return data
    limit = max_decompressed_bytes() if limit is None else limit
    return gunzip_chunks((data[start:start + CHUNK] for start in range(0, len(data), CHUNK)), origin, limit)


def read_content(path: Path, limit: int | None = None) -> bytes:
    """The content of the file at `path`, gunzipped as it streams when it starts with the gzip magic, within
    `limit` bytes (default `max_decompressed_bytes()`); `UnreadableInput` naming the file otherwise."""
    with Path(path).open("rb") as handle:
        if handle.read(2) != GZIP_MAGIC:
            handle.seek(0)
            return handle.read()
        handle.seek(0)
        limit = max_decompressed_bytes() if limit is None else limit
        return gunzip_chunks(iter(lambda: handle.read(CHUNK), b""), str(path), limit)


def read_head(path: Path, size: int) -> bytes:
    """About `size` bytes of the file's content from its start (at least `size` when it holds as much),
    gunzipped as it streams when it starts with the gzip magic (a truncated or damaged gzip gives what it
    holds up to the damage), without a UTF-8 BOM."""
    with Path(path).open("rb") as raw:
        if raw.read(2) != GZIP_MAGIC:
            raw.seek(0)
            return raw.read(size).removeprefix(UTF8_BOM)
        raw.seek(0)
        stream, head = zlib.decompressobj(16 + zlib.MAX_WBITS), bytearray()
        while len(head) < size and not stream.eof and (chunk := raw.read(1 << 16)):
            try:
                head += stream.decompress(chunk)
            except zlib.error:
                break
    return bytes(head).removeprefix(UTF8_BOM)
