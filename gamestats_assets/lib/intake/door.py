"""The door every file takes into a domain's landing folder (`landing/<domain>/`), whoever brings it: a discovery
sensor fetching from an API, a source's client, an API door (an upload, an import, a logged line). One call, `land`,
owns what landing a file means:

- the landing path: the file's place given as parts inside the domain's folder, refused (`UnsafePath`) when a part
  would leave it (`core.inputs.inside`);
- the deleted-player rule: a file naming a player deleted at their request (the players the caller read of it) is
  refused (`NamesDeletedPlayer`), nothing landed, where no format lets it be written without them; a text file
  landed is written again without them by its landing run (`intake_erasure.redact_delivered`);
- the forged-file checks' hand-off: the caller's `check` of the file, staged and complete, names a reason to refuse
  it, and the file is quarantined with that reason (`quarantine/<domain>/<partition>/`), never landed;
- the atomic write: the file is staged whole in the domain's hidden staging folder (`landing/<domain>/.door/`, which
  no discovery reads) and put in place by one link or rename, so that a reader finds it whole or not at all;
- the duplicate and conflict rules: the same bytes already in place are a duplicate (nothing written); other bytes
  in place are kept (`KEEP`, the default: the first delivery wins, even one landing meanwhile) or replaced
  (`REPLACE`, a source whose later answer is the better one)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gamestats_assets.lib.core.erasure import deleted_ids, register_path
from gamestats_assets.lib.core.inputs import inside
from gamestats_assets.lib.intake.file_rows import digest
from gamestats_assets.lib.intake.quarantine import quarantine_file

STAGING = ".door"
"""The hidden folder of a domain's landing folder where the door stages files."""
KEEP, REPLACE = "keep", "replace"
"""What the door does with other bytes already at a file's place: keep them, or replace them."""
LANDED, DUPLICATE, KEPT, REPLACED, QUARANTINED = "landed", "duplicate", "kept", "replaced", "quarantined"


class NamesDeletedPlayer(ValueError):
    """A file naming a player deleted at their request, which the door does not land."""


@dataclass(frozen=True)
class Landed:
    """What became of a file given to the door: its place (`path`) and the `outcome`: `landed` (written), `duplicate`
    (the same bytes were there: nothing written), `kept` (other bytes were there and stay: this file dropped),
    `replaced` (other bytes were there: this file took their place) or `quarantined` (its check refused it, for
    `reason`; `path` is then where quarantine keeps it)."""

    path: Path
    outcome: str
    reason: str | None = None

    @property
    def in_place(self) -> bool:
        """Whether landing now holds this very file at its place."""
        return self.outcome in (LANDED, DUPLICATE, REPLACED)


@dataclass(frozen=True)
class Door:
    """The door of one domain's landing folder (`folder`, `<data_dir>/landing/<domain>/`), of the data folder
    `data_dir`, which holds `quarantine/` and the deleted-player register."""

    folder: Path
    domain: str
    data_dir: Path

    @classmethod
    def of(cls, data_dir: str | Path, domain: str) -> Door:
        """The door of `domain`'s landing folder in the data folder `data_dir`."""
        return cls(Path(data_dir) / "landing" / domain, domain, Path(data_dir))

    @classmethod
    def of_folder(cls, landing_dir: Path) -> Door:
        """The door of the domain whose landing folder is `landing_dir` (`<data_dir>/landing/<domain>`, as a source's
        client is handed it)."""
        return cls(Path(landing_dir), Path(landing_dir).name, Path(landing_dir).parent.parent)

    def place(self, *parts: str) -> Path:
        """Where a file of `parts` (inside the domain's folder) lands; `UnsafePath` when it would leave it."""
        return inside(self.folder, *parts)

    def land(self, parts: Sequence[str], content: bytes | str | Path, *, conflict: str = KEEP,
             players: Iterable[str] = (), check: Callable[[Path], str | None] | None = None,
             partition: str | None = None) -> Landed:
        """Land `content` at `parts` inside the domain's folder (`place`, say `("2024-03-01", "ballchasing",
        "<id>.json")`) and say what became of it (`Landed`). `content` is the file's bytes or text, or a complete
        file received elsewhere on the same disk (an upload), which is moved in (its path is gone afterwards).
        `players` are the players the caller read the file to name: one deleted at their request raises
        `NamesDeletedPlayer`, nothing landed. `check` (given the staged file) names a reason to refuse it, and the
        file is quarantined under `partition` (default the first part) instead. Other bytes already at the place
        are kept (`KEEP`) or replaced (`REPLACE`); the same bytes are a duplicate, nothing written."""
        target = self.place(*parts)
        named = sorted(set(players))
        if named and deleted_ids(register_path(self.data_dir), self.domain, named):
            raise NamesDeletedPlayer(f"{'/'.join(parts)} names a player deleted at their request, whom no format "
                                     "lets this file be written without; nothing landed")
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = inside(self.folder, STAGING, uuid.uuid4().hex)
        staging.mkdir(parents=True)
        staged = staging / target.name
        try:
            if isinstance(content, Path):
                os.replace(content, staged)
            else:
                staged.write_bytes(content.encode() if isinstance(content, str) else content)
            reason = check(staged) if check is not None else None
            if reason is not None:
                held = quarantine_file(self.data_dir / "quarantine", staged, self.domain,
                                       partition or parts[0], reason)
                return Landed(held, QUARANTINED, reason)
            return self._put(staged, target, conflict)
        finally:
            staged.unlink(missing_ok=True)
            staging.rmdir()

    def _put(self, staged: Path, target: Path, conflict: str) -> Landed:
        """Put the staged file at `target` by the duplicate and conflict rules."""
        if target.exists():
            if digest(target) == digest(staged):
                return Landed(target, DUPLICATE)
            if conflict != REPLACE:
                return Landed(target, KEPT)
            os.replace(staged, target)
            return Landed(target, REPLACED)
        try:
            os.link(staged, target)
        except FileExistsError:
            return self._put(staged, target, conflict)
        return Landed(target, LANDED)
