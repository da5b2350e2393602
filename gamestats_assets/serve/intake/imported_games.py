"""Which ballchasing replay an import by id landed for which Rocket League game: `state/imports/rocket/<match id>`
holds the landing file (a path under the data folder), so that the game's status answers `processing` until its day
is published, and `failed` with the reason when the run quarantines the file."""

from __future__ import annotations

from pathlib import Path

from gamestats_assets.lib.core.state_files import state_path, write_state_file

DOMAIN = "rocket"


def import_path(data_dir: Path, match_id: str) -> Path:
    return state_path(data_dir, "imports", DOMAIN, match_id)


def record_import(data_dir: Path, match_id: str, landed: Path) -> None:
    """Record that the import of the game `match_id` landed at `landed` (under `data_dir`)."""
    write_state_file(import_path(data_dir, match_id), str(landed.relative_to(data_dir)))


def imported(data_dir: Path, match_id: str) -> Path | None:
    """The landing file an import of `match_id` wrote (whether it is still there or not), None when no import did."""
    record = import_path(data_dir, match_id)
    return data_dir / record.read_text() if record.exists() else None
