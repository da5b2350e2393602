"""The records of a domain's landing files that more than a day's parse reads: a landing file's name and content
digest as the records carry them, the files retired from a day's landing folder with their rows kept (by the
retention setting, or as a deleted player's file no format lets us rewrite: `retire`), and where the files parsed
ahead of their run are kept. Intake reads them to plan a day; a player's erasure retires their files."""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import blake3

from gamestats_assets.lib.core.state_files import state_path, write_state_file


DIGEST_PREFIX = "blake3:"
"""How a content digest begins (`digest`); a record's digest without it is the BLAKE2b (128 bits) of the content,
as records written before were kept."""


def digest(path: Path) -> str:
    """The content digest of a file as the records carry it: `DIGEST_PREFIX` and its BLAKE3 (128 bits)."""
    return Content(path).digest


class Content:
    """The content of a file, on disk (`Path`) or held (`bytes`), matched against the digests records carry, of
    either form (`DIGEST_PREFIX`): each digest of it is taken once, and the earlier form only when a record holds
    it."""

    def __init__(self, source: Path | bytes) -> None:
        self.source = source

    @functools.cached_property
    def digest(self) -> str:
        """Its digest as records are now written (`digest`)."""
        return DIGEST_PREFIX + self._hashed(blake3.blake3).hexdigest(length=16)

    @functools.cached_property
    def _earlier(self) -> str:
        return self._hashed(lambda: hashlib.blake2b(digest_size=16)).hexdigest()

    def _hashed(self, new: Callable[[], Any]) -> Any:
        """The hash object `new` makes, fed the content (a file read in blocks)."""
        if isinstance(self.source, bytes):
            hashed = new()
            hashed.update(self.source)
            return hashed
        with self.source.open("rb") as handle:
            return hashlib.file_digest(handle, new)

    def matches(self, recorded: str | None) -> bool:
        """Whether `recorded`, a record's digest of either form, is this content's; a file recorded while its run
        wrote has none (None), which matches no content."""
        if recorded is None:
            return False
        return recorded == (self.digest if recorded.startswith(DIGEST_PREFIX) else self._earlier)


def file_name(folder: Path, path: Path) -> str:
    """A landing file's name as its rows carry it: its path inside the day folder, `/`-separated."""
    text, prefix = str(path), f"{folder}{os.sep}"
    if text.startswith(prefix) and os.sep not in text[len(prefix):]:
        return text[len(prefix):]
    return path.relative_to(folder).as_posix()


def ahead_path(data_dir: str | Path, domain: str) -> Path:
    """Where the files of `domain` parsed ahead of their run (an upload, parsed as it is received) are kept."""
    return state_path(data_dir, "ahead", domain)


def retired_path(data_dir: str | Path, domain: str, day: str) -> Path:
    """Where the files retired from a day's landing folder are recorded."""
    return state_path(data_dir, "retired", domain, f"{day}.json")


RETIRED_ON = "retired_on"
"""The key that marks the record of a day retired whole (`retired_days`): the date it was retired, its files under
`files`."""


def retired(data_dir: str | Path, domain: str, day: str) -> dict[str, list]:
    """The files retired from a day's landing folder: name → size, modification time, content digest (of a day retired
    whole, its record's `files`)."""
    path = retired_path(data_dir, domain, day)
    record = json.loads(path.read_text()) if path.exists() else {}
    return record["files"] if RETIRED_ON in record else record


def retire(data_dir: str | Path, domain: str, day: str, folder: Path, paths: Iterable[Path]) -> int:
    """Remove `paths` from the day's landing `folder` while the lake keeps their rows: each recorded as retired
    first, so that no run takes their rows out. Returns how many were removed."""
    record = retired_path(data_dir, domain, day)
    held = retired(data_dir, domain, day)
    paths = [path for path in paths if path.is_file()]
    for path in paths:
        stat = path.stat()
        held[file_name(folder, path)] = [stat.st_size, stat.st_mtime_ns, digest(path)]
    if not paths:
        return 0
    write_state_file(record, json.dumps(held, sort_keys=True))
    for path in paths:
        path.unlink()
    return len(paths)
