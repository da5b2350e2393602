"""The door every file takes into a domain's landing folder (`landing/<domain>/`), whoever brings it: a discovery
sensor fetching from an API, a source's client, an API door (an upload, an import, a logged line). One call, `land`,
owns what landing a file means:

- the landing path: the file's place given as parts inside the domain's folder, refused (`UnsafePath`) when a part
  would leave it (`core.inputs.inside`);
- the deleted-player rule: a file naming a player deleted at their request (the players the caller read of it) is
  refused (`NamesDeletedPlayer`), nothing landed, where no format lets it be written without them; a text file
  landed is written again without them by its landing run (`lib/erasure/delivered.py`);
- the forged-file checks' hand-off: the caller's `check` of the file, staged and complete, names a reason to refuse
  it, and the file is quarantined with that reason (`quarantine/<domain>/<partition>/`), never landed;
- the atomic write: the file is staged whole in the domain's hidden staging folder (`landing/<domain>/.door/`, which
  no discovery reads) and put in place by one link or rename, so that a reader finds it whole or not at all;
- the duplicate and conflict rules: the same bytes already in place are a duplicate (nothing written); other bytes
  in place are kept (`KEEP`, the default: the first delivery wins, even one landing meanwhile) or replaced
  (`REPLACE`, a source whose later answer is the better one).

Beside it, what a door that answers a user keeps: a file received in chunks (`receive`), the files landed found by
name (`found`) or by content whatever their name (`copy_of`, from the runs' records), and its own keyed notes
(`note`, `noted`: say which import landed which game)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import AsyncIterable, Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gamestats_assets.lib.core.inputs import inside
from gamestats_assets.lib.core.landing_records import RETIRED_ON, Content, digest, retired_path
from gamestats_assets.lib.core.state_files import state_path, write_state_file
from gamestats_assets.lib.erasure.register import deleted_ids, register_path
from gamestats_assets.lib.intake.quarantine import quarantine_file

STAGING = ".door"
"""The hidden folder of a domain's landing folder where the door stages files."""
KEEP, REPLACE = "keep", "replace"
"""What the door does with other bytes already at a file's place: keep them, or replace them."""
LANDED, DUPLICATE, KEPT, REPLACED, QUARANTINED = "landed", "duplicate", "kept", "replaced", "quarantined"


class NamesDeletedPlayer(ValueError):
    """A file naming a player deleted at their request, which the door does not land."""


class TooLarge(ValueError):
    """A file received past its bound (`Door.receive`), of which nothing is kept."""


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
        self.admit(parts, players)
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

    def admit(self, parts: Sequence[str], players: Iterable[str]) -> None:
        """`NamesDeletedPlayer` when one of `players` (read of the file of `parts`) was deleted at their request:
        the door's deleted-player rule, asked by a caller before it keeps anything of the file."""
        named = sorted(set(players))
        if named and deleted_ids(register_path(self.data_dir), self.domain, named):
            raise NamesDeletedPlayer(f"{'/'.join(parts)} names a player deleted at their request, whom no format "
                                     "lets this file be written without; nothing landed")

    async def receive(self, chunks: AsyncIterable[bytes], limit: int, *parts: str) -> Path:
        """The file of `chunks` received whole as a new `<uuid>.partial` in the hidden folder `parts` (say
        `.uploads`, which no discovery reads), for the caller to `land` or remove; `TooLarge` past `limit` bytes,
        nothing kept."""
        folder = self.place(*parts)
        folder.mkdir(parents=True, exist_ok=True)
        partial, size = folder / f"{uuid.uuid4().hex}.partial", 0
        try:
            with partial.open("wb") as handle:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge(f"a file is at most {limit} bytes")
                    handle.write(chunk)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return partial

    def found(self, pattern: str) -> Path | None:
        """The first file landed whose place matches the glob `pattern` (say `*/<id>.replay`), hidden folders (the
        door's, an API's) left out; None when none is."""
        return next((path for path in sorted(self.folder.glob(pattern))
                     if not any(part.startswith(".") for part in path.relative_to(self.folder).parts)), None)

    def copy_of(self, content: Content) -> str | None:
        """Where a file of `content` is held, whatever its name, as the runs' records know it by its digest: its path
        under the data folder when a run read it in landing and it is still there, `retired, its rows kept` when it
        was retired from landing; None when no run read such a file."""
        for record in sorted(state_path(self.data_dir, "parsed", self.domain).glob("*/*.json")):
            for name, stamp in json.loads(record.read_text()).get("files", {}).items():
                if content.matches(stamp[2]) and (self.folder / record.stem / name).is_file():
                    return str((self.folder / record.stem / name).relative_to(self.data_dir))
        for record in sorted(retired_path(self.data_dir, self.domain, "day").parent.glob("*.json")):
            files = json.loads(record.read_text())
            if any(content.matches(stamp[2]) for stamp in (files["files"] if RETIRED_ON in files else files).values()):
                return "retired, its rows kept"
        return None

    def note(self, kind: str, key: str, value: str) -> None:
        """Keep the door's note `value` of `key` among its notes of `kind` (`state/<kind>/<domain>/<key>`)."""
        write_state_file(state_path(self.data_dir, kind, self.domain, key), value)

    def noted(self, kind: str, key: str) -> str | None:
        """The door's note of `key` among its notes of `kind`, None when none is kept."""
        path = state_path(self.data_dir, kind, self.domain, key)
        return path.read_text() if path.exists() else None

    def forget(self, kind: str, key: str) -> None:
        """Drop the door's note of `key` among its notes of `kind`."""
        state_path(self.data_dir, kind, self.domain, key).unlink(missing_ok=True)

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
