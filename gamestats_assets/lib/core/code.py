"""The digest of the code that computes the tables: what a kept result was computed by, so that a change of the
code computes it again."""

import functools
import hashlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
"""The `gamestats_assets` package."""


@functools.cache
def code_digest() -> str:
    """A digest of every Python source of the package, by path and content."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
