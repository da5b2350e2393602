"""Putting a generated folder in place whole: readers see the previous folder or the complete new one."""

from __future__ import annotations

import shutil
from pathlib import Path


def swap_in(staged: Path, folder: Path) -> None:
    """Put the complete `staged` folder at `folder` by renames; an existing `folder` is renamed aside
    first, put back if the new one cannot be renamed in, and deleted once the new one is in place."""
    if not folder.exists():
        staged.rename(folder)
        return
    replaced = staged.with_name(f"{staged.name}.replaced")
    folder.rename(replaced)
    try:
        staged.rename(folder)
    except OSError:
        replaced.rename(folder)
        raise
    shutil.rmtree(replaced)
