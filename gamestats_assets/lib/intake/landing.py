"""Landing: where a domain's source files arrive, and what happens when a partition has none (`ensure_day`).

`GAMESTATS_SOURCE=files` (the default) never invents data; `GAMESTATS_SOURCE=synthetic` (`gamestats demo`)
fills an empty day from the domain's emitter. Each partition's source is recorded (`record_sources`), so
every published row can be told real from synthetic."""

import datetime as dt
import json
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import dagster as dg

from gamestats_assets.lib.core.landing_records import retired
from gamestats_assets.lib.core.partitions import daily_partitions, days_of
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.state_files import state_path, write_state_file
from gamestats_assets.lib.erasure.delivered import redact_delivered
from gamestats_assets.lib.erasure.register import register_path
from gamestats_assets.lib.intake.discovery import (
    FINGERPRINTS_METADATA,
    PartitionDiscovery,
    day_folder,
    day_folders,
    landing_files,
    refused_files,
    stamps_fingerprint,
)
from gamestats_assets.lib.intake.quarantine import quarantine_file
from gamestats_assets.lib.intake.retired_days import quarantine_late_files
from gamestats_assets.lib.intake.synthetic import DaySource, resource_key
from gamestats_assets.lib.publish.postgres import PostgresResource

SYNTHETIC, FILES = "synthetic", "files"


def landing_asset(domain: str, name: str, *, partitions_def: dg.PartitionsDefinition | None = daily_partitions,
                  **kwargs: Any):
    """`dg.asset` for `[domain, "landing", name]`: the source files of a partition as they were delivered
    (kind `file`; a range of keys in one run). Day-keyed domains keep them in `landing/<domain>/<day>/`,
    match-keyed ones in `landing/<domain>/<kind>/` with the key inside the file. It returns a
    `MaterializeResult`; the ETL assets that read the files depend on it."""
    return dg.asset(
        key=[domain, "landing", name],
        group_name=domain,
        kinds={"file"},
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run() if partitions_def else None,
        **kwargs,
    )


def delivered_marker(platform: PlatformResource, domain: str, key: str) -> Path:
    """The file that records that partition `key` of `domain` once had delivered (real) files."""
    return state_path(platform.data_dir, "delivered", domain, key)


def synthetic_manifest(platform: PlatformResource, domain: str, key: str) -> Path:
    """The files the emitter wrote for partition `key`: path relative to its folder → [size, mtime in ns]."""
    return state_path(platform.data_dir, "generated", domain, f"{key}.json")


def stamp(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def give_way_to_delivered(folder: Path, files: list[Path], manifest: Path) -> list[Path]:
    """The files of `folder` once real files dropped into a generated day have replaced the synthetic ones:
    as soon as any file is not one the emitter wrote (a new name, or a generated file written over), the
    generated files still there are removed, with their manifest."""
    if not manifest.exists():
        return files
    generated = json.loads(manifest.read_text())
    if all(generated.get(path.relative_to(folder).as_posix()) == stamp(path) for path in files):
        return files
    for name, written in generated.items():
        path = folder / name
        if path.exists() and stamp(path) == written:
            path.unlink()
    for parent in sorted({(folder / name).parent for name in generated}, key=lambda p: len(p.parts), reverse=True):
        if parent != folder and parent.is_dir() and not any(parent.iterdir()):
            shutil.rmtree(parent)
    manifest.unlink()
    return [path for path in files if path.exists()]


def ensure_day(folder: Path, files: Iterable[Path], generate: Callable[[], None], platform: PlatformResource,
               domain: str, list_files: Callable[[Path], list[Path]]) -> str:
    """Make sure `folder` holds the day's source files, never real and synthetic ones together; return the
    day's source (`synthetic` or `files`).

    A generated day stays generated until real files are dropped in; then they replace the generated ones.
    Delivered files are kept as they are, and the day is remembered as delivered. A day that was delivered
    once is never generated: without its files it fails, naming where they may have gone. Otherwise a
    synthetic source generates the day (its files, as `list_files` lists them, recorded in
    `<data_dir>/state/generated/<domain>/<day>.json`), and a files-only source raises, naming the folder.
    Delivered days are remembered in `<data_dir>/state/delivered/<domain>/<day>`. A day whose files were all
    retired (`landing_records.retire`, or the day whole, `retired_days`) keeps its source and its rows, its folder empty
    or gone.
    """
    manifest = synthetic_manifest(platform, domain, folder.name)
    files = give_way_to_delivered(folder, list(files), manifest)
    marker = delivered_marker(platform, domain, folder.name)
    if files and manifest.exists():
        return SYNTHETIC
    if files:
        write_state_file(marker, b"")
        return FILES
    if retired(platform.data_dir, domain, folder.name):
        return SYNTHETIC if manifest.exists() else FILES
    if marker.exists():
        raise dg.Failure(
            description=f"{folder} had delivered files and holds none now: a delivered day is never replaced "
            f"by synthetic data. Put the files back (see {platform.quarantine_dir / domain / folder.name} for "
            f"files that were quarantined), or delete {marker} to let the day be generated."
        )
    if not platform.generates:
        raise dg.Failure(
            description=f"No source files in {folder} (GAMESTATS_SOURCE={platform.source}): deliver the day's "
            "files there; only `gamestats demo` or GAMESTATS_SOURCE=synthetic, without a live API key, "
            "generates them."
        )
    folder.mkdir(parents=True, exist_ok=True)
    generate()
    write_state_file(manifest, json.dumps({path.relative_to(folder).as_posix(): stamp(path)
                                           for path in list_files(folder)}, sort_keys=True))
    return SYNTHETIC


def file_sources(platform: PlatformResource, domain: str, key: str, files: Iterable[Path],
                 generated: Callable[[Path], bool] | None = None) -> dict[str, list[Path]]:
    """The files of partition `key` of `domain` by source: `synthetic` (the emitter wrote them, as the day's
    manifest records them, or as `generated` tells by name) and `files` (delivered)."""
    manifest = synthetic_manifest(platform, domain, key)
    written = json.loads(manifest.read_text()) if manifest.exists() else {}
    folder = day_folder(platform, domain, key)

    def is_generated(path: Path) -> bool:
        if generated is not None:
            return generated(path)
        recorded = written.get(path.relative_to(folder).as_posix()) if written else None
        return recorded is not None and recorded == stamp(path)

    found: dict[str, list[Path]] = {SYNTHETIC: [], FILES: []}
    for path in files:
        found[SYNTHETIC if is_generated(path) else FILES].append(path)
    return found


def record_sources(domain: str, sources: dict[str, str]) -> dict[str, Any]:
    """Record each partition's source in PostgreSQL `public.partition_sources`; the landing asset's metadata
    (`source`: one value, or `mixed` for a run over partitions of both)."""
    if sources:
        with PostgresResource().connection() as conn, conn.transaction():
            conn.cursor().executemany(
                "INSERT INTO public.partition_sources (domain, partition_key, source) VALUES (%s, %s, %s) "
                "ON CONFLICT (domain, partition_key) DO UPDATE SET source = EXCLUDED.source, recorded_at = now()",
                [(domain, key, source) for key, source in sources.items()])
    kinds = set(sources.values())
    return {"source": kinds.pop() if len(kinds) == 1 else "mixed" if kinds else "none",
            "partitions_synthetic": sum(1 for source in sources.values() if source == SYNTHETIC)}


def build_day_landing(
    domain: str, name: str, description: str, *,
    emitter_arguments: Callable[[PlatformResource, dt.date], dict[str, Any]],
    list_files: Callable[[Path], list[Path]] = landing_files,
    unread: Callable[[Path], Iterable[tuple[Path, str]]] = lambda folder: (),
    counted: Callable[[str], bool] | None = None,
    partitions_def: dg.TimeWindowPartitionsDefinition = daily_partitions, poll_seconds: int = 30,
) -> tuple[PartitionDiscovery, dg.AssetsDefinition]:
    """The landing of a day-keyed domain, `landing/<domain>/<day>/`: its discovery, and the asset
    `[domain, "landing", name]` that makes sure each day of a run holds its files (`ensure_day`; the domain's
    synthetic source, `<domain>_synthetic`, fills an empty day that may be generated:
    `emit_day(landing_dir, day, seed=..., **emitter_arguments(platform, day))`), quarantines the entries landing
    never reads (`refused_files`: links, names that are not UTF-8), the files landed in a day retired whole
    (`retired_days.quarantine_late_files`) and the files no reader takes (`unread(folder)`: path and reason), writes
    again without them the files naming a player deleted before they landed (`erasure.delivered.redact_delivered`), and
    records the days' sources, the files the readers will read (those of `list_files` whose name `counted` takes, by
    default all) and the fingerprint the discovery then finds of each day, over the days of `partitions_def`, its
    landing sensor looking every `poll_seconds`. A delivered day is listed once after its quarantines (again only
    when they or the emitter changed it), and each file's `lstat` taken once."""
    discovery = day_folders(domain, partitions_def, dg.AssetKey([domain, "landing", name]), list_files=list_files,
                            poll_seconds=poll_seconds)

    @landing_asset(domain, name, partitions_def=partitions_def, description=description,
                   required_resource_keys={"platform", resource_key(domain)})
    def _landing(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        platform: PlatformResource = context.resources.platform
        source: DaySource = getattr(context.resources, resource_key(domain))
        sources, fingerprints, quarantined, redacted, sizes = {}, {}, 0, 0, []
        for day in days_of(context):
            key = day.isoformat()
            folder = day_folder(platform, domain, key)

            def generate(day: dt.date = day) -> None:
                source.emit_day(platform.landing_dir(domain), day, seed=platform.seed,
                                **emitter_arguments(platform, day))

            for path, reason in refused_files(folder, recursive=True):
                quarantine_file(platform.quarantine_dir, path, domain, key, reason)
                quarantined += 1
            quarantined += quarantine_late_files(platform, domain, folder)
            files, generated = list_files(folder), synthetic_manifest(platform, domain, key).exists()
            sources[key] = ensure_day(folder, files, generate, platform, domain, list_files)
            unreadable = list(unread(folder))
            for path, reason in unreadable:
                quarantine_file(platform.quarantine_dir, path, domain, key, reason)
                quarantined += 1
            redacted += redact_delivered(Path(platform.data_dir), domain, register_path(platform.data_dir), folder)
            if unreadable or generated or sources[key] == SYNTHETIC:
                files = list_files(folder)
            stamped = [(path, path.lstat()) for path in files]
            sizes += [stat.st_size for path, stat in stamped if counted is None or counted(path.name)]
            stamped += [(path, path.lstat()) for path, _ in refused_files(folder, recursive=True)]
            fingerprints[key] = stamps_fingerprint(stamped) if stamped else None
        return dg.MaterializeResult(metadata={
            FINGERPRINTS_METADATA: dg.MetadataValue.json(fingerprints), **record_sources(domain, sources),
            "files": len(sizes), "bytes": sum(sizes), "files_quarantined": quarantined,
            "files_without_deleted_players": redacted,
        })

    return discovery, _landing
