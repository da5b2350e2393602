"""Which file holds which uploaded Rocket League game, and the uploads that contend with one.

A replay's game is its body section (levels, keyframes, the network stream: `sections`), which a header edited to
another match id leaves as it was; each upload accepted leaves the door a note of its body's digest with its match id
(`Door.note`, kind `GAMES`), so that the same game uploaded again under another id is known as the game it is. A game
is held by its landing file or by an upload waiting to land; and a file the lake read, in landing still or retired
from it with its rows kept, is known to the door by its content whatever its name (`Door.copy_of`).

An upload of a held game whose bytes differ (another file of that match id, or the same game under another id) is
kept for the operator in `landing/rocket/.conflicts/` (a folder no run reads), landed there by the door beside a
record of what it contends with (`Conflict`), until the operator keeps one of the two (`routes/rocket/conflicts.py`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from gamestats_assets.lib.intake.door import Door
from gamestats_assets.sources.replays.sections import SECTION_HEAD

DOMAIN = "rocket"
GAMES = "games"
"""The kind of the door's notes of which match id an uploaded game (its body's digest) is held as."""
CONFLICTS = ".conflicts"
"""The hidden folder of the landing folder where contending uploads wait for the operator."""
RECORD = ".conflict"
"""The suffix of a conflict's record, beside its upload (`<conflict id>.replay`)."""


def body_digest(data: bytes) -> str:
    """The digest of a whole replay's body section (BLAKE2b, 128 bits): the game, whatever its header says."""
    start = SECTION_HEAD.size + SECTION_HEAD.unpack_from(data)[0] + SECTION_HEAD.size
    return hashlib.blake2b(memoryview(data)[start:], digest_size=16).hexdigest()


@dataclass(frozen=True)
class Conflict:
    """An upload kept for the operator: its id (`<match id>-<content digest>`), the match id its header gives, the
    match id of the game it contends with and where that one is held (a path under the data folder), why, when it
    came and from which account."""

    conflict_id: str
    match_id: str
    held_match_id: str
    held: str
    reason: str
    received_at: str
    uploaded_by: str


def conflicts_folder(data_dir: Path) -> Path:
    return Door.of(data_dir, DOMAIN).place(CONFLICTS)


def hold(door: Door, data: bytes, match_id: str, held_match_id: str, held: str, reason: str, uploaded_by: str,
         received_at: dt.datetime) -> Conflict:
    """Keep the upload `data` (a whole replay of `match_id`) for the operator as contending with the game
    `held_match_id` held at `held`: both landed by the door in `CONFLICTS` (the same file again is the same
    conflict)."""
    conflict = Conflict(f"{match_id}-{hashlib.blake2b(data, digest_size=16).hexdigest()[:16]}", match_id,
                        held_match_id, held, reason, received_at.isoformat(), uploaded_by)
    if door.land((CONFLICTS, f"{conflict.conflict_id}.replay"), data).outcome != "duplicate":
        door.land((CONFLICTS, f"{conflict.conflict_id}{RECORD}"), json.dumps(asdict(conflict)))
    return conflict


def conflicts(data_dir: Path) -> list[Conflict]:
    """The conflicts waiting for the operator, oldest first."""
    folder = conflicts_folder(data_dir)
    found = [Conflict(**json.loads(path.read_text())) for path in folder.glob(f"*{RECORD}")] if folder.is_dir() else []
    return sorted(found, key=lambda conflict: conflict.received_at)


def conflict_of(data_dir: Path, conflict_id: str) -> tuple[Conflict, Path] | None:
    """The conflict `conflict_id` and its upload's file, None when it is not waiting."""
    folder = conflicts_folder(data_dir)
    record, upload = folder / f"{conflict_id}{RECORD}", folder / f"{conflict_id}.replay"
    if not record.exists() or not upload.exists():
        return None
    return Conflict(**json.loads(record.read_text())), upload


def drop(data_dir: Path, conflict_id: str) -> None:
    """Forget the conflict `conflict_id`: its record and its upload's file."""
    folder = conflicts_folder(data_dir)
    for path in (folder / f"{conflict_id}.replay", folder / f"{conflict_id}{RECORD}"):
        path.unlink(missing_ok=True)
