"""Quarantine: where input that cannot be read goes, with the reason, instead of being dropped.

A whole file is moved to `quarantine/<domain>/<partition>/` beside a `<name>.reason.json`; single bad
records of an otherwise good file are appended to `quarantine/<domain>/<partition>/<source>.rejects.jsonl`
with their line number and reason. Checks count what a partition quarantined.
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import shutil
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from gamestats_assets.lib.core.inputs import inside


@dataclass(frozen=True)
class Reject:
    """One record that could not be read: where it was, why, and its raw text."""

    source: str
    line: int
    reason: str
    raw: str


def partition_folder(root: Path, domain: str, partition: str) -> Path:
    """`<root>/<domain>/<partition>`: where a partition's quarantined input waits (`root` is the data
    folder's `quarantine/`); `UnsafePath` when the partition key would lead outside it."""
    return inside(root, domain, partition)


def quarantine_file(root: Path, path: Path, domain: str, partition: str, reason: str) -> Path:
    """Move `path` into quarantine with `reason` recorded beside it; return its new path.

    A file quarantined earlier under the same name is kept: the newcomer takes the first free name
    `<stem>.<n><suffix>` (`recharge.2.jsonl`), and the record of its reason names where it came from.
    """
    folder = partition_folder(root, domain, partition)
    folder.mkdir(parents=True, exist_ok=True)
    target = reserve_name(folder, path.name)
    shutil.move(str(path), target)
    record = {"file": path.name, "quarantined_as": target.name, "origin": str(path), "reason": reason,
              "quarantined_at": dt.datetime.now(dt.UTC).isoformat()}
    target.with_name(target.name + ".reason.json").write_text(json.dumps(record, indent=2))
    return target


RESERVED_SUFFIXES = (".reason.json", ".rejects.jsonl", ".read.json")


def reserve_name(folder: Path, name: str) -> Path:
    """A path in `folder` for a file called `name` that no quarantined file, reason, rejects or read
    counts file holds; created empty (exclusively, so two runs quarantining the same name never share it)."""
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
    root: Path, rejects: Iterable[Reject], domain: str, partition: str, source: str
) -> int:
    """Write the partition's rejected records of `source` (replacing an earlier run's); return how many."""
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


def record_read(root: Path, domain: str, partition: str, source: str, counts: dict[str, int]) -> None:
    """Keep what reading `source` for a partition counted (lines, rejected, duplicates ...) beside its
    quarantine, so checks measure rejects against lines read, and a rerun replaces them."""
    folder = partition_folder(root, domain, partition)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{source}.read.json").write_text(json.dumps(counts, sort_keys=True))


def read_counts(root: Path, domain: str, partition: str, source: str) -> dict[str, int]:
    """What `record_read` kept for a partition's `source`; empty when it was never read."""
    path = partition_folder(root, domain, partition) / f"{source}.read.json"
    return json.loads(path.read_text()) if path.exists() else {}


def rejected_share(counts: dict[str, int]) -> float:
    """The share of the lines read that were rejected (0 when nothing was read)."""
    lines = counts.get("lines", 0)
    return counts.get("rejected", 0) / lines if lines else 0.0


def over_reject_limit(root: Path, domain: str, max_share: float) -> set[str]:
    """The partitions of `domain` where some source rejected more than `max_share` of its lines: they
    are not published, and snapshots built over all partitions leave them out."""
    folder = Path(root) / domain
    return {path.parent.name for path in folder.glob("*/*.read.json")
            if rejected_share(json.loads(path.read_text())) > max_share} if folder.is_dir() else set()


def last_quarantined(root: Path, domain: str, name: str) -> dict | None:
    """The record (`quarantine_file`'s `.reason.json`: file, quarantined_as, reason, quarantined_at) of the file
    called `name` that was quarantined last under any partition of `domain`; None when it never was."""
    stem, suffix = glob.escape(Path(name).stem), glob.escape(Path(name).suffix)
    folder = Path(root) / domain
    candidates = {*folder.glob(f"*/{glob.escape(name)}.reason.json"), *folder.glob(f"*/{stem}.*{suffix}.reason.json")}
    records = [record for path in candidates if (record := json.loads(path.read_text())).get("file") == name]
    return max(records, key=lambda record: record["quarantined_at"], default=None)
