"""The records under `<data_dir>/state/`: where each lies (`state_path`, never outside the folder, whatever a name
holds) and how one is written (`write_state_file`, whole or not at all)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from gamestats_assets.lib.core.inputs import inside

STATE_FOLDER = "state"
"""The folder of `<data_dir>` that holds every record of what the runs did."""


def state_path(data_dir: str | Path, *parts: str) -> Path:
    """`<data_dir>/state/<parts...>`, resolved; refused with `UnsafePath` when a part would lead outside the state
    folder (`..`, an absolute path, a link out) or holds a NUL character."""
    return inside(Path(data_dir) / STATE_FOLDER, *parts)


def write_state_file(path: Path, content: bytes | str) -> None:
    """Write `content` (text as UTF-8) as the record at `path`, whole or not at all: into a temporary file beside it,
    then put in its place (`os.replace`), so that a reader, or a run that fails or is killed midway, finds the
    previous record or the new one, never part of one. The temporary file is removed when the write fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        temporary.write_bytes(content.encode() if isinstance(content, str) else content)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
