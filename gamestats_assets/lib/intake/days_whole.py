"""`DaysWhole`, the arrival of a day-keyed domain whose days are read whole (event logs whose records a file shares
with the others of its day): its landing, one synthetic file a day kept while what it was made from is unchanged,
and the run of its ETL table, every day of a run streamed in one write (`etl_day.write_days_whole`): the rows of a
day's unchanged files from the lake, its fresh files parsed on the way, a day retired whole kept as the lake holds
it. Its days are retired whole (`retention.WholeDays`)."""

import datetime as dt
import functools
import inspect
import itertools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import dagster as dg
import polars as pl

from gamestats_assets.lib.core.partitions import daily_partitions
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.state_files import state_path, write_state_file
from gamestats_assets.lib.intake.arrival import Arrival
from gamestats_assets.lib.intake.discovery import (
    PartitionDiscovery,
    day_folder,
    day_folders,
    files_fingerprint,
    fingerprint_metadata,
    refused_files,
)
from gamestats_assets.lib.intake.etl_day import EtlDay, EtlTables, write_days_whole
from gamestats_assets.lib.intake.landing import ensure_day, landing_asset, record_sources
from gamestats_assets.lib.intake.retention import WholeDays
from gamestats_assets.lib.intake.retired_days import RetiredDay, kept_metadata, quarantine_late_files
from gamestats_assets.lib.intake.synthetic import resource_key
from gamestats_assets.lib.lake.io_manager import RUN_ROWS, DeltaLakeIOManager
from gamestats_assets.lib.lake.rows import FrameStream


class StreamedDay(Protocol):
    """A day of a run as the domain opens it to be streamed: whether the lake holds it as it is (`in_lake`, its rows
    `lake_rows`), its rows' schema and its batches, what it read of its files (`record_read`, given nothing when no
    file is read), its file counts (`metadata`), the files it quarantined whole (`unreadable`, `refused`) and what it
    records beside the day's record (`recording`)."""

    in_lake: bool
    lake_rows: pl.LazyFrame
    row_schema: pl.Schema
    metadata: Mapping[str, int]
    unreadable: list[Path]
    refused: list[Path]

    def batches(self): ...

    def record_read(self, read: Mapping[str, Any]) -> Any: ...

    def recording(self) -> None: ...


@dataclass(frozen=True, kw_only=True)
class DaysWhole(Arrival):
    """A day-keyed domain's arrival read a day whole, as it declares it: its landing asset's `name`, `description` (a
    docstring) and inputs (`ins`, handed to its synthetic source by name); the name patterns of the files its reader
    reads (`reads`: the other files are quarantined with the reason `refusal`); the synthetic day, one file named
    `synthetic_prefix` + `synthetic_name(day)`, written by `write_synthetic(source, inputs, day, path)` again only
    when the digest of what it is made from (`synthetic_digest(source, inputs, day)`) or the file changed, and
    removed (every file `synthetic_glob` finds) once a file is delivered; the name its reader's record is kept under
    (`reader`) and its partitions."""

    domain: str
    name: str
    description: str
    ins: Mapping[str, dg.AssetIn]
    reads: tuple[str, ...]
    refusal: str
    synthetic_prefix: str
    synthetic_glob: str
    synthetic_name: Callable[[dt.date], str]
    synthetic_digest: Callable[[Any, Mapping[str, Any], dt.date], str]
    write_synthetic: Callable[[Any, Mapping[str, Any], dt.date, Path], None]
    reader: str
    partitions_def: dg.TimeWindowPartitionsDefinition = field(default=daily_partitions)

    def listed(self, folder: Path) -> list[Path]:
        """The files of a day folder its reader reads, sorted."""
        return sorted({path for pattern in self.reads for path in folder.glob(pattern) if path.is_file()})

    def unclaimed(self, folder: Path) -> list[Path]:
        """The files of a day folder its reader does not read (hidden files aside)."""
        if not folder.is_dir():
            return []
        claimed = set(self.listed(folder))
        return sorted(path for path in folder.iterdir() if path not in claimed and not path.name.startswith("."))

    def folder(self, platform: PlatformResource, key: str) -> Path:
        """The landing folder of the day `key`."""
        return day_folder(platform, self.domain, key)

    def stamp(self, platform: PlatformResource, key: str) -> Path:
        """`<data_dir>/state/synthetic/<domain>/<day>.json`: the digest a day's synthetic file was written from, and
        the file's fingerprint once written."""
        return state_path(platform.data_dir, "synthetic", self.domain, f"{key}.json")

    @functools.cached_property
    def discovery(self) -> PartitionDiscovery:
        return day_folders(self.domain, self.partitions_def, dg.AssetKey([self.domain, "landing", self.name]))

    def synthetic_day(self, platform: PlatformResource, source: Any, inputs: Mapping[str, Any], folder: Path,
                      day: dt.date) -> bool:
        """Write the day's synthetic file unless it is there as it was written from the same digest; whether it
        was written."""
        path = folder / f"{self.synthetic_prefix}{self.synthetic_name(day)}"
        stamp = self.stamp(platform, day.isoformat())
        digest = self.synthetic_digest(source, inputs, day)

        def stamp_text() -> str:
            return json.dumps({"inputs": digest, "file": files_fingerprint([path])}, sort_keys=True)

        if path.exists() and stamp.exists() and stamp.read_text() == stamp_text():
            return False
        stamp.unlink(missing_ok=True)
        self.write_synthetic(source, inputs, day, path)
        write_state_file(stamp, stamp_text())
        return True

    @functools.cached_property
    def landing(self) -> dg.AssetsDefinition:
        """The asset `[domain, "landing", name]`: each day of the run holds its files, delivered or synthetic,
        never both (`landing.ensure_day`); entries landing never reads (`refused_files`), the files landed in a day
        retired whole and those its reader does not read are quarantined."""

        @landing_asset(self.domain, self.name, partitions_def=self.partitions_def, ins=dict(self.ins),
                       description=inspect.cleandoc(self.description),
                       required_resource_keys={"platform", resource_key(self.domain)})
        def _landing(context: dg.AssetExecutionContext, **inputs: Any) -> dg.MaterializeResult:
            platform: PlatformResource = context.resources.platform
            source = getattr(context.resources, resource_key(self.domain))
            generated, files, sources = [], [], {}
            for key in context.partition_keys:
                folder = self.folder(platform, key)
                for path, reason in refused_files(folder, recursive=True):
                    self.quarantine(platform, path, key, reason)
                quarantine_late_files(platform, self.domain, folder)
                for path in self.unclaimed(folder):
                    self.quarantine(platform, path, key, self.refusal)
                synthetic_files = sorted(folder.glob(self.synthetic_glob))
                delivered = [path for path in self.listed(folder) if not path.name.startswith(self.synthetic_prefix)]
                if delivered:
                    for stale in synthetic_files:
                        stale.unlink()
                day = dt.date.fromisoformat(key)

                def generate(folder: Path = folder, day: dt.date = day, key: str = key) -> None:
                    if self.synthetic_day(platform, source, inputs, folder, day):
                        generated.append(key)

                sources[key] = ensure_day(folder, delivered, generate, platform, self.domain, lambda folder: [])
                files += self.listed(folder)
            return dg.MaterializeResult(metadata={
                **fingerprint_metadata(self.discovery, platform, context.partition_keys),
                **record_sources(self.domain, sources), "days_generated": len(generated), "files": len(files),
                "bytes": sum(path.stat().st_size for path in files),
            })

        return _landing

    def write_days(self, context: dg.AssetExecutionContext, platform: PlatformResource, lake: DeltaLakeIOManager,
                   version: str, open_day: Callable[[EtlDay], StreamedDay],
                   keep_day: Callable[[RetiredDay], StreamedDay]) -> dict[str, Any]:
        """The run of the ETL table `context.asset_key` over the run's days, its reader's record kept under
        `version`: each day opened by the domain (`open_day`), or, retired whole, kept (`keep_day`); every day's
        batches streamed in one write, or nothing written when the lake holds every day as it is. Its metadata:
        the write's, the days' file counts, the files quarantined whole and the days kept."""
        etl = EtlTables(self.domain, self.reader, version, {self.reader: context.asset_key}, files=self.listed,
                        whole_days=True)
        kept: list[RetiredDay] = []

        def keep(retired: RetiredDay) -> StreamedDay:
            kept.append(retired)
            return keep_day(retired)

        def write(days: list[StreamedDay]) -> dict:
            if all(day.in_lake for day in days):
                for day in days:
                    day.record_read({})
                rows = sum(day.lake_rows.select(pl.len()).collect().item() for day in days)
                return {"dagster/row_count" if len(days) == 1 else RUN_ROWS: rows,
                        "lake_write": "none: no file new, changed or removed since the last run"}
            stream = FrameStream(days[0].row_schema,
                                 lambda: itertools.chain.from_iterable(day.batches() for day in days))
            return lake.write_assets(context, {context.asset_key: stream})[context.asset_key]

        dates = [dt.date.fromisoformat(key) for key in context.partition_keys]
        days, written = write_days_whole(etl, platform, lake, dates, open_day, keep, write)
        counts = {name: sum(day.metadata[name] for day in days) for name in days[0].metadata}
        return {**written, **counts, "files_quarantined": sum(len(day.unreadable) for day in days),
                **kept_metadata(kept)}

    @property
    def retention(self) -> WholeDays:
        return WholeDays()
