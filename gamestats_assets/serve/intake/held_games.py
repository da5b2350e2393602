"""Which file holds which uploaded Rocket League game, and the uploads that contend with one.

A replay's game is its body section (levels, keyframes, the network stream: `sections`), which a header edited to
another match id leaves as it was; each upload landed records its body's digest with its match id
(`state/games/rocket/<digest>`), so that the same game uploaded again under another id is known as the game it is.
A game is held by its landing file or by an upload waiting to land; and a file the lake read, in landing still or
retired from it (a deleted player's, or one past the retention) with its rows kept, is known by its content digest,
whatever its name (`held_copy`), so that the same file uploaded again never lands a second time.

An upload of a held game whose bytes differ (another file of that match id, or the same game under another id) is
kept for the operator in `landing/rocket/.conflicts/` (a folder no run reads), beside a record of what it contends
with (`Conflict`), until the operator keeps one of the two (`routes/rocket/conflicts.py`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from gamestats_assets.lib.core.state_files import state_path, write_state_file
from gamestats_assets.lib.intake.file_rows import RETIRED_ON, digest, retired_path
from gamestats_assets.sources.replays.sections import SECTION_HEAD

DOMAIN = "rocket"
RECORD = ".conflict"
"""The suffix of a conflict's record, beside its upload (`<conflict id>.replay`)."""


def body_digest(data: bytes) -> str:
    """The digest of a whole replay's body section (BLAKE2b, 128 bits): the game, whatever its header says."""
    start = SECTION_HEAD.size + SECTION_HEAD.unpack_from(data)[0] + SECTION_HEAD.size
    return hashlib.blake2b(memoryview(data)[start:], digest_size=16).hexdigest()


def game_path(data_dir: Path, body: str) -> Path:
    """Where the match id the game of `body` is held as is recorded."""
    return state_path(data_dir, "games", DOMAIN, body)


def game_held_as(data_dir: Path, body: str) -> str | None:
    """The match id an upload of the game of `body` (`body_digest`) landed as, None when none did."""
    path = game_path(data_dir, body)
    return path.read_text() if path.exists() else None


def record_game(data_dir: Path, body: str, match_id: str) -> None:
    """Record that the game of `body` is held as `match_id`."""
    write_state_file(game_path(data_dir, body), match_id)


def held_copy(data_dir: Path, content: str) -> str | None:
    """Where a file of the content digest `content` (`file_rows.digest`) is held: its path under the data folder
    when a run read it in landing and it is still there, `retired, its rows kept` when it was retired from landing;
    None when no run read such a file. The runs' records say it (`state/parsed/rocket/<reader>/<day>.json`, and
    `state/retired/rocket/<day>.json`: name → size, modification time, digest)."""
    landing = data_dir / "landing" / DOMAIN
    for record in sorted(state_path(data_dir, "parsed", DOMAIN).glob("*/*.json")):
        for name, stamp in json.loads(record.read_text()).get("files", {}).items():
            if stamp[2] == content and (landing / record.stem / name).is_file():
                return str((landing / record.stem / name).relative_to(data_dir))
    for record in sorted(retired_path(data_dir, DOMAIN, "day").parent.glob("*.json")):
        files = json.loads(record.read_text())
        if any(stamp[2] == content for stamp in (files["files"] if RETIRED_ON in files else files).values()):
            return "retired, its rows kept"
    return None


def same_file(held: Path, upload: Path) -> bool:
    return held.read_bytes() == upload.read_bytes()


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
    return data_dir / "landing" / DOMAIN / ".conflicts"


def hold(data_dir: Path, upload: Path, match_id: str, held_match_id: str, held: str, reason: str,
         uploaded_by: str) -> Conflict:
    """Keep `upload` (a whole replay of `match_id`) for the operator as contending with the game `held_match_id`
    held at `held`: the conflict recorded (the same file again is the same conflict)."""
    folder = conflicts_folder(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    conflict = Conflict(f"{match_id}-{digest(upload)[:16]}", match_id, held_match_id, held, reason,
                        dt.datetime.now(dt.UTC).isoformat(), uploaded_by)
    kept = folder / f"{conflict.conflict_id}.replay"
    if not kept.exists():
        os.link(upload, kept)
        (folder / f"{conflict.conflict_id}{RECORD}").write_text(json.dumps(asdict(conflict)))
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
