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



@dataclass(frozen=True)
class Reject:
    """One record that could not be read: where it was, why, and its raw text."""

    source: str
    line: int
    reason: str
    raw: str


def partition_folder(root: Path, domain: str, partition: str) -> Path:
    """``<root>/<domain>/<partition>``: where a partition's quarantined input waits (``root`` is the data
    folder's ``quarantine/``)."""
    return Path(root) / domain / partition


def quarantine_file(root: Path, path: Path, domain: str, partition: str, reason: str) -> Path:
    """Move ``path`` into quarantine with ``reason`` recorded beside it; return its new path."""
    folder = partition_folder(root, domain, partition)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    shutil.move(str(path), target)
    record = {"file": path.name, "origin": str(path), "reason": reason,
              "quarantined_at": dt.datetime.now(dt.UTC).isoformat()}
    target.with_name(target.name + ".reason.json").write_text(json.dumps(record, indent=2))
    return target


def quarantine_records(
    root: Path, rejects: Iterable[Reject], domain: str, partition: str, source: str
) -> int:
    """Write the partition's rejected records of ``source`` (replacing an earlier run's); return how many."""
    rows = [json.dumps(asdict(r)) for r in rejects]
    target = partition_folder(root, domain, partition) / f"{source}.rejects.jsonl"
    if not rows:
        target.unlink(missing_ok=True)
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(rows) + "\n")
    return len(rows)


def quarantined(root: Path, domain: str, partition: str) -> dict[str, int]:
    """What a partition has in quarantine: whole files and single records."""
    folder = partition_folder(root, domain, partition)
    if not folder.exists():
        return {"files": 0, "records": 0}
    files = sum(1 for p in folder.glob("*.reason.json"))
    records = sum(sum(1 for _ in p.open()) for p in folder.glob("*.rejects.jsonl"))
    return {"files": files, "records": records}


def rejected_records(root: Path, domain: str, partition: str, source: str) -> int:
    """How many records of ``source`` the partition rejected."""
    path = partition_folder(root, domain, partition) / f"{source}.rejects.jsonl"
    return sum(1 for _ in path.open()) if path.exists() else 0
