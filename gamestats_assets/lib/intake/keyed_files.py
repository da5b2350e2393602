"""What the lake holds of a match-keyed domain's landing files (`landing/<domain>/<kind>/`, a folder per kind of
file a match has: its match object, its telemetry; one partition per match), so that the retention can retire a
match's files and a later run of the match keeps its rows.

Each ETL step that reads one kind of a match's files runs them as a `MatchRun`, which records, once the matches' rows
are written (`MatchRun.confirm`), the files it read by their fingerprint and the match's day:
`<data_dir>/state/parsed/<domain>/<kind>/<match>.json`. A match whose
day is past the retention and whose every kind was read from the files landing still holds is retired whole: its
files recorded in `<data_dir>/state/retired/<domain>/<match>.json`, then removed. A run of a retired match with no
file of a kind in landing takes that kind's rows of the match from the lake as they are (`kept_from_lake`); a file
of the match delivered again is read as any new file."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gamestats_assets.lib.core.inputs import UnsafePath, inside
from gamestats_assets.lib.core.state_files import state_path, write_state_file
from gamestats_assets.lib.intake.discovery import files_fingerprint


def parsed_path(data_dir: str | Path, domain: str, kind: str, key: str) -> Path:
    """Where what the lake holds of a match's files of `kind` is recorded."""
    return inside(state_path(data_dir, "parsed", domain, kind), f"{key}.json")


def retired_path(data_dir: str | Path, domain: str, key: str) -> Path:
    """Where the files retired of a match are recorded."""
    return inside(state_path(data_dir, "retired", domain), f"{key}.json")


def _write(path: Path, content: dict) -> None:
    write_state_file(path, json.dumps(content, sort_keys=True))


def record_parsed(data_dir: str | Path, domain: str, kind: str, key: str, paths: Iterable[Path],
                  day: str | None = None) -> None:
    """Record that the lake holds the rows of match `key` read from `paths` (its files of `kind`), of `day` when
    this kind tells the match's day."""
    landing = Path(data_dir) / "landing" / domain
    files = {path.relative_to(landing).as_posix(): files_fingerprint([path]) for path in paths}
    _write(parsed_path(data_dir, domain, kind, key), {"files": files, "day": day})


def is_retired(data_dir: str | Path, domain: str, key: str) -> bool:
    """Whether files of match `key` were retired (its rows kept in the lake)."""
    try:
        return retired_path(data_dir, domain, key).exists()
    except UnsafePath:
        return False


def kept_from_lake(data_dir: str | Path, domain: str, keys: Sequence[str], found: Iterable[str]) -> list[str]:
    """The matches among `keys` that have no file of a kind in landing (`found`: those that do) and were retired:
    a run takes their rows of that kind from the lake as they are."""
    present = set(found)
    return [key for key in keys if key not in present and is_retired(data_dir, domain, key)]


@dataclass
class MatchRun:
    """A run over matches of one kind of their files (`kind`, of `domain`), as Kedro's incremental dataset keeps it:
    the files of each match of the run (`files`), the matches whose rows of this kind are taken from the lake as they
    are (`kept`: retired, no file of the kind in landing), the files the run read (`read`), and, once every table of
    the kind is written, what the lake holds of them recorded (`confirm`), so that the retention may retire them."""

    data_dir: str | Path
    domain: str
    kind: str
    files: dict[str, list[Path]]
    kept: list[str]
    read: dict[str, tuple[list[Path], str | None]] = field(default_factory=dict)

    @classmethod
    def start(cls, data_dir: str | Path, domain: str, kind: str, keys: Sequence[str],
              files: dict[str, list[Path]]) -> MatchRun:
        """The run of `keys`, their files of `kind` being `files` (match → paths)."""
        return cls(data_dir, domain, kind, files, kept_from_lake(data_dir, domain, keys, files))

    def parsed(self, key: str, paths: Sequence[Path], day: str | None = None) -> None:
        """Note that the rows of match `key` were read from `paths`, of `day` when this kind tells the match's day."""
        self.read[key] = (list(paths), day)

    def confirm(self) -> None:
        """Once the rows of the matches read are written: what the lake holds of their files recorded."""
        for key, (paths, day) in self.read.items():
            record_parsed(self.data_dir, self.domain, self.kind, key, paths, day)


def retire_matches(data_dir: str | Path, domain: str, kinds: Sequence[str], last_day: str) -> int:
    """Retire the files of every match of `domain` whose day (recorded by the first of `kinds`) is `last_day` or
    earlier and whose files of every kind the lake holds as landing has them: how many files were removed."""
    data_dir, landing = Path(data_dir), Path(data_dir) / "landing" / domain
    removed = 0
    for record in sorted(state_path(data_dir, "parsed", domain, kinds[0]).glob("*.json")):
        key = record.stem
        day = json.loads(record.read_text()).get("day")
        if day is None or day > last_day:
            continue
        files: dict[str, str] = {}
        for kind in kinds:
            path = parsed_path(data_dir, domain, kind, key)
            if not path.exists():
                break
            files |= json.loads(path.read_text())["files"]
        else:
            paths = [landing / entry for entry in files]
            if not files or not all(path.is_file() and files_fingerprint([path]) == files[path.relative_to(
                    landing).as_posix()] for path in paths):
                continue
            held = json.loads(retired_path(data_dir, domain, key).read_text()) if is_retired(data_dir, domain, key) \
                else {}
            _write(retired_path(data_dir, domain, key), {**held, **files})
            for path in paths:
                path.unlink()
            removed += len(paths)
    return removed
