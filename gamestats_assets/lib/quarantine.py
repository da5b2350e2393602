"""Quarantine: where input that cannot be read goes, with the reason, instead of being dropped.

A whole file is moved to ``quarantine/<domain>/<partition>/`` beside a ``<name>.reason.json``; single bad
records of an otherwise good file are appended to ``quarantine/<domain>/<partition>/<source>.rejects.jsonl``
with their line number and reason. Checks count what a partition quarantined.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from gamestats_assets.lib.settings import Settings


@dataclass(frozen=True)
class Reject:
    """One record that could not be read: where it was, why, and its raw text."""

    source: str
    line: int
    reason: str
    raw: str


def partition_folder(domain: str, partition: str, settings: Settings | None = None) -> Path:
    return (settings or Settings.from_env()).quarantine_dir / domain / partition


def quarantine_file(path: Path, domain: str, partition: str, reason: str, settings: Settings | None = None) -> Path:
    """Move ``path`` into quarantine with ``reason`` recorded beside it; return its new path.

    A file quarantined earlier under the same name is kept: the newcomer takes the first free name
    ``<stem>.<n><suffix>`` (``recharge.2.jsonl``), and the record of its reason names where it came from.
    """
    folder = partition_folder(domain, partition, settings)
    folder.mkdir(parents=True, exist_ok=True)
    target = reserve_name(folder, path.name)
    shutil.move(str(path), target)
    record = {"file": path.name, "quarantined_as": target.name, "origin": str(path), "reason": reason,
              "quarantined_at": dt.datetime.now(dt.UTC).isoformat()}
    target.with_name(target.name + ".reason.json").write_text(json.dumps(record, indent=2))
    return target


RESERVED_SUFFIXES = (".reason.json", ".rejects.jsonl")


def reserve_name(folder: Path, name: str) -> Path:
    """A path in ``folder`` for a file called ``name`` that no quarantined file, reason or rejects file
    holds; created empty (exclusively, so two runs quarantining the same name never share it)."""
    stem, suffix = Path(name).stem, Path(name).suffix
    number = 0
    while True:
        number += 1
        candidate = folder / (name if number == 1 else f"{stem}.{number}{suffix}")
        if candidate.name.endswith(RESERVED_SUFFIXES) or Path(f"{candidate}.reason.json").exists():
            continue
        try:
            candidate.open("x").close()
        except FileExistsError:
            continue
        return candidate


def quarantine_records(
    rejects: Iterable[Reject], domain: str, partition: str, source: str, settings: Settings | None = None
) -> int:
    """Write the partition's rejected records of ``source`` (replacing an earlier run's); return how many."""
    rows = [json.dumps(asdict(r)) for r in rejects]
    target = partition_folder(domain, partition, settings) / f"{source}.rejects.jsonl"
    if not rows:
        target.unlink(missing_ok=True)
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(rows) + "\n")
    return len(rows)


def quarantined(domain: str, partition: str, settings: Settings | None = None) -> dict[str, int]:
    """What a partition has in quarantine: whole files and single records."""
    folder = partition_folder(domain, partition, settings)
    if not folder.exists():
        return {"files": 0, "records": 0}
    files = sum(1 for p in folder.glob("*.reason.json"))
    records = sum(sum(1 for _ in p.open()) for p in folder.glob("*.rejects.jsonl"))
    return {"files": files, "records": records}


def rejected_records(domain: str, partition: str, source: str, settings: Settings | None = None) -> int:
    """How many records of ``source`` the partition rejected."""
    path = partition_folder(domain, partition, settings) / f"{source}.rejects.jsonl"
    return sum(1 for _ in path.open()) if path.exists() else 0
