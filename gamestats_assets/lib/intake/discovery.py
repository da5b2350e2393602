"""Discovery: which partitions the landing folders hold (`PartitionDiscovery`), and a fingerprint of each one's
files, claimed by a sensor before it requests a run (`holding_claims`), so one delivery gets one run; the folder
of a landing day (`day_folder`) and the files a source may read in it (`visible_files`, `landing_files`)."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import threading
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from gamestats_assets.lib.core.allocation import bulk_allocation
from gamestats_assets.lib.core.inputs import entry_refusal
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.state_files import state_path, write_state_file

Fingerprints = dict[str, str]
"""Partition key → fingerprint of the landing files that make up the partition."""


@dataclass(frozen=True)
class PartitionDiscovery:
    """How a domain's partitions are found in landing: `find(platform)` gives every key present with the
    fingerprint of its files (`find(platform, keys)`: of those `keys` at least, looking no further where it can),
    `domain` names the landing folder it looks in, and `landing_key` the asset
    that processes them (it records the fingerprints it saw, see `fingerprint_metadata`); its landing sensor
    looks every `poll_seconds`."""

    domain: str
    partitions_def: dg.PartitionsDefinition
    find: Callable[[PlatformResource], Fingerprints]
    landing_key: dg.AssetKey
    poll_seconds: int = 30


FINGERPRINTS_METADATA = "landing_fingerprints"


def fingerprint_metadata(discovery: PartitionDiscovery, platform: PlatformResource, keys: Iterable[str]) -> dict:
    """Materialization metadata of a landing asset: the fingerprints of the files of `keys` it processed,
    so the landing sensor never reruns a partition for files the run itself wrote (synthetic days)."""
    keys = list(keys)
    found = discovery.find(platform, keys)
    return {FINGERPRINTS_METADATA: dg.MetadataValue.json({key: found.get(key) for key in keys})}


def processed_fingerprint(instance: dg.DagsterInstance, landing_key: dg.AssetKey, key: str) -> str | None:
    """The fingerprint the latest materialization of `landing_key` for partition `key` recorded."""
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=landing_key, asset_partitions=[key]), limit=1, ascending=False).records
    materialization = records[0].asset_materialization if records else None
    recorded = materialization.metadata.get(FINGERPRINTS_METADATA) if materialization else None
    return recorded.value.get(key) if recorded is not None else None


def files_fingerprint(paths: Iterable[Path]) -> str:
    """A digest of the files' names, sizes and modification times: it changes when any file is added,
    removed, replaced or rewritten."""
    return stamps_fingerprint((path, path.lstat()) for path in paths)


def stamps_fingerprint(stamps: Iterable[tuple[Path, os.stat_result]]) -> str:
    """`files_fingerprint` of files whose `lstat` was taken already (path and its `lstat`)."""
    digest = hashlib.sha1()
    for path, stat in sorted(stamps, key=lambda stamp: stamp[0].parts):
        digest.update(os.fsencode(path.name) + f"\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def day_folder(platform: PlatformResource, domain: str, key: str) -> Path:
    """`landing/<domain>/<key>/`, the landing folder of the day `key` (`YYYY-MM-DD`; any other key is refused
    with a `ValueError`, so no key names a folder outside the domain's landing)."""
    return platform.landing_dir(domain) / dt.date.fromisoformat(key).isoformat()


def visible_files(folder: Path, recursive: bool = False) -> list[Path]:
    """The files of a day folder (with `recursive`, of its subfolders too), sorted; hidden entries (a partial
    delivery, a file being written) and everything under a hidden folder left out."""
    if not folder.is_dir():
        return []
    entries = folder.rglob("*") if recursive else folder.iterdir()
    return sorted(p for p in entries if p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def _entries(folder: Path) -> list[os.DirEntry]:
    """The entries of `folder` but the hidden ones, sorted by name; none when it is no folder."""
    try:
        with os.scandir(folder) as entries:
            return sorted((entry for entry in entries if not entry.name.startswith(".")), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return []


@bulk_allocation()
def landing_files(folder: Path, named: Callable[[str], bool] | None = None) -> list[Path]:
    """The files of `folder` a source may read: regular files (not links) whose names are UTF-8 and do not
    start with a dot; the others are `refused_files`. With `named`, only those whose name it takes. One listing
    of the folder, no call per file."""
    return [folder / entry.name for entry in _entries(folder)
            if (named is None or named(entry.name)) and entry.is_file(follow_symlinks=False)
            and entry_refusal(entry) is None]


def refused_files(folder: Path, recursive: bool = False) -> list[tuple[Path, str]]:
    """The entries of `folder` (and of its subfolders when `recursive`) that landing never reads, with the
    reason (`entry_refusal`): symbolic links and names that are not UTF-8, the outermost only (what is under a refused
    folder goes with it); hidden ones aside."""
    refused, folders = [], [folder]
    while folders:
        for entry in _entries(folders.pop()):
            reason = entry_refusal(entry)
            if reason is not None:
                refused.append((Path(entry.path), reason))
            elif recursive and entry.is_dir(follow_symlinks=False):
                folders.append(Path(entry.path))
    return sorted(refused)


def day_folders(
    domain: str, partitions_def: dg.TimeWindowPartitionsDefinition, landing_key: dg.AssetKey,
    list_files: Callable[[Path], list[Path]] = landing_files, poll_seconds: int = 30,
) -> PartitionDiscovery:
    """Discovery of a day-keyed domain: every `landing/<domain>/<YYYY-MM-DD>/` folder holding files (as
    `list_files` lists them: by default the folder's own files), for days the partitions definition has,
    looked at every `poll_seconds`; given keys, only their folders."""

    def find(platform: PlatformResource, keys: Iterable[str] | None = None) -> Fingerprints:
        root = platform.landing_dir(domain)
        found = {}
        if keys is not None:
            folders = [root / key for key in sorted(keys)]
        else:
            folders = sorted(root.iterdir()) if root.is_dir() else []
        for folder in folders:
            try:
                dt.date.fromisoformat(folder.name)
            except ValueError:
                continue
            files = list_files(folder) + [path for path, _ in refused_files(folder, recursive=True)]
            if files and partitions_def.has_partition_key(folder.name):
                found[folder.name] = files_fingerprint(files)
        return found

    return PartitionDiscovery(domain, partitions_def, find, landing_key, poll_seconds)


def keyed_files(
    domain: str,
    partitions_def: dg.DynamicPartitionsDefinition,
    landing_key: dg.AssetKey,
    kinds: Iterable[str],
    key_of: Callable[[Path], str | None],
) -> PartitionDiscovery:
    """Discovery of a match-keyed domain: the files of `landing/<domain>/<kind>/` for each of `kinds`,
    grouped by the key `key_of(path)` reads from the file (None: not a file of this source; the landing
    asset quarantines it). Keys read before are remembered by file fingerprint in
    `<data_dir>/state/landing_keys/<domain>.json`, so an unchanged file is never read twice."""
    kinds = tuple(kinds)

    def find(platform: PlatformResource, keys: Iterable[str] | None = None) -> Fingerprints:
        index_path = landing_keys_path(platform.data_dir, domain)
        index = json.loads(index_path.read_text()) if index_path.exists() else {}
        fresh, grouped = {}, {}
        for kind in kinds:
            for path in landing_files(platform.landing_dir(domain) / kind):
                stamp = files_fingerprint([path])
                entry = f"{kind}/{path.name}"
                key = index[entry][1] if entry in index and index[entry][0] == stamp else key_of(path)
                fresh[entry] = [stamp, key]
                if key is not None:
                    grouped.setdefault(key, []).append((entry, stamp))
        if fresh != index:
            write_state_file(index_path, json.dumps(fresh, sort_keys=True))
        return {key: hashlib.sha1(repr(sorted(files)).encode()).hexdigest() for key, files in grouped.items()}

    return PartitionDiscovery(domain, partitions_def, find, landing_key)


def landing_keys_path(data_dir: str | Path, domain: str) -> Path:
    """`<data_dir>/state/landing_keys/<domain>.json`: `kind/file name` → [fingerprint, key] of every landing file of a
    match-keyed domain, as its discovery last read them (`keyed_files`)."""
    return state_path(data_dir, "landing_keys", f"{domain}.json")


def changed_keys(found: Fingerprints, seen: Fingerprints) -> list[str]:
    """The keys of `found` that are new or whose fingerprint differs from `seen`, sorted."""
    return sorted(key for key, fingerprint in found.items() if seen.get(key) != fingerprint)


def requested_path(platform: PlatformResource, domain: str) -> Path:
    """`<data_dir>/state/requested/<domain>.json`: key → fingerprint of the files a sensor requested a run for."""
    return state_path(platform.data_dir, "requested", f"{domain}.json")


LANDING_HELD = "another sensor is landing files it will run; looking again next tick"


class ClaimsHeld(Exception):
    """Another sensor holds a domain's claims: it is landing files it will claim (`holding_claims`)."""

    def __init__(self) -> None:
        super().__init__(LANDING_HELD)


_held = threading.local()
"""The claims this thread holds, by path: a sensor holding its domain's claims reads them again without a second
lock (`requested_keys` while it lands)."""


@contextmanager
def _requested(platform: PlatformResource, domain: str, *, wait: bool = True) -> Iterator[dict[str, str]]:
    """The requested fingerprints of `domain`, held under an exclusive file lock and written back on exit:
    sensors evaluated at once, in threads or processes, see each other's claims. Without `wait`, raises
    `ClaimsHeld` when another holds them. A thread that holds them already gets the same ones again."""
    path = requested_path(platform, domain)
    held = getattr(_held, "claims", {})
    if path in held:
        yield held[path]
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.with_suffix(".lock").open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ClaimsHeld() from None
        requested = json.loads(path.read_text()) if path.exists() else {}
        before = dict(requested)
        _held.claims = {**held, path: requested}
        try:
            yield requested
        finally:
            _held.claims = held
        if requested != before:
            write_state_file(path, json.dumps(requested, sort_keys=True))


def requested_keys(platform: PlatformResource, domain: str) -> set[str]:
    """Every key some sensor already requested a run for."""
    with _requested(platform, domain) as requested:
        return set(requested)


def _claim(instance: dg.DagsterInstance, discovery: PartitionDiscovery, keys: Iterable[str], found: Fingerprints,
           requested: dict[str, str]) -> list[str]:
    claimed = [key for key in keys if key in found and requested.get(key) != found[key]
               and processed_fingerprint(instance, discovery.landing_key, key) != found[key]]
    requested.update({key: found[key] for key in claimed})
    return claimed


@contextmanager
def holding_claims(instance: dg.DagsterInstance, platform: PlatformResource,
                   discovery: PartitionDiscovery) -> Iterator[Callable[[Iterable[str]], list[str]]]:
    """Holds the domain's claims, or raises `ClaimsHeld` at once while another sensor does, and gives the
    `claim` of keys: those whose files, as landing holds them then, no run has processed and no sensor has
    requested yet, recorded as requested by the caller (the others are left to the run that has them). A sensor
    that lands files and claims them within it runs what it landed, whichever sensor looks meanwhile."""
    with _requested(platform, discovery.domain, wait=False) as requested:
        yield lambda keys: _claim(instance, discovery, keys, discovery.find(platform), requested)


def land_and_claim(instance: dg.DagsterInstance, platform: PlatformResource, discovery: PartitionDiscovery,
                   land: Callable[[], Iterable[str]]) -> list[str]:
    """Calls `land` (which lands files and gives their keys) and claims those keys, `holding_claims`
    throughout: what a tracked player's backfill lands is its own to run."""
    with holding_claims(instance, platform, discovery) as claim:
        return claim(land())


def claim_changed(instance: dg.DagsterInstance, platform: PlatformResource, discovery: PartitionDiscovery,
                  seen: Fingerprints, left: Collection[str] = ()) -> tuple[list[str], Fingerprints] | None:
    """The claim (`holding_claims`) of the keys whose files are new or changed since `seen` (`changed_keys`),
    except the keys `left` for a later look, with the fingerprints found; None, at once, while another sensor
    holds the claims (it is landing files it will claim): the caller looks again on its next tick."""
    try:
        with _requested(platform, discovery.domain, wait=False) as requested:
            found = discovery.find(platform)
            changed = [key for key in changed_keys(found, seen) if key not in left]
            return _claim(instance, discovery, changed, found, requested), found
    except ClaimsHeld:
        return None
