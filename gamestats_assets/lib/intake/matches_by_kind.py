"""`MatchesByKind`, the arrival of a match-keyed domain: one dynamic partition per match, its files of several kinds
(`landing/<domain>/<kind>/`, under any name) keyed to their match by their content. It builds the discovery
(`discovery.keyed_files`), the landing asset (quarantining what holds no match), and one ETL step per kind, which
runs the kind's record (`keyed_files.MatchRun`: started, the domain's body given it, confirmed once every table of
the kind is written). Its files are retired a match at a time, every kind together (`retention.ByMatch`)."""

import functools
import inspect
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg

from gamestats_assets.lib.core.inputs import inside
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.erasure.delivered import redact_delivered
from gamestats_assets.lib.erasure.register import register_path
from gamestats_assets.lib.intake.arrival import Arrival
from gamestats_assets.lib.intake.discovery import (
    PartitionDiscovery,
    fingerprint_metadata,
    keyed_files,
    landing_files,
    landing_keys_path,
    refused_files,
)
from gamestats_assets.lib.intake.door import Door, Landed
from gamestats_assets.lib.intake.keyed_files import MatchRun
from gamestats_assets.lib.intake.landing import FILES, SYNTHETIC, landing_asset, record_sources
from gamestats_assets.lib.intake.quarantine import Reject, quarantine_records
from gamestats_assets.lib.intake.retention import ByMatch
from gamestats_assets.lib.lake.io_manager import DeltaLakeIOManager

KindBody = Callable[[dg.AssetExecutionContext, PlatformResource, DeltaLakeIOManager, MatchRun], Iterator[Any]]
"""A domain's ETL of one kind of its files over a run's matches: given the run of the kind (`MatchRun`: each match's
files, the matches kept from the lake), it notes the files it read (`MatchRun.parsed`) and yields its outputs."""


@dataclass(frozen=True, kw_only=True)
class MatchesByKind(Arrival):
    """A match-keyed domain's arrival, as it declares it: its landing asset's `name` and `description` (a
    docstring), its partitions, its `kinds` of files (the first tells a match: a file of another kind the discovery
    found no match for is keyed again once it did), the match of a landing file read from its content (`key`, None
    for no match), why a file of a kind keyed to no match is quarantined (`refusal`, None to keep it waiting), the
    count of matches holding files of each kind in the landing's metadata (`counted`: kind → its name), the folder
    whose `<match>.json` marks a synthetic match (`truth`), and the quarantine partition of files of no match
    (`unkeyed`)."""

    domain: str
    name: str
    description: str
    partitions_def: dg.DynamicPartitionsDefinition
    kinds: tuple[str, ...]
    key: Callable[[Path], str | None]
    refusal: Callable[[str, Path], str | None]
    counted: Mapping[str, str]
    truth: str
    unkeyed: str

    @functools.cached_property
    def discovery(self) -> PartitionDiscovery:
        return keyed_files(self.domain, self.partitions_def, dg.AssetKey([self.domain, "landing", self.name]),
                           self.kinds, self.key)

    def listed(self, folder: Path) -> list[Path]:
        """The files of a landing folder that landing takes (hidden, partial and refused entries aside)."""
        return landing_files(folder)

    def index(self, platform: PlatformResource) -> dict[str, list]:
        """`kind/file name` → [fingerprint, match] of every landing file, as the discovery last read them."""
        self.discovery.find(platform)
        path = landing_keys_path(platform.data_dir, self.domain)
        return json.loads(path.read_text()) if path.exists() else {}

    def files_by_key(self, platform: PlatformResource, kind: str) -> dict[str, list[Path]]:
        """Match → its landing files of `kind`. A file of a later kind indexed before its match's first-kind file
        landed is keyed again (`key`), so that it joins its match's run."""
        grouped: dict[str, list[Path]] = {}
        for entry, (_, key) in sorted(self.index(platform).items()):
            path = platform.landing_dir(self.domain) / entry
            if not entry.startswith(f"{kind}/"):
                continue
            if key is None and kind != self.kinds[0] and path.exists():
                key = self.key(path)
            if key is not None:
                grouped.setdefault(key, []).append(path)
        return grouped

    def land(self, platform: PlatformResource, parts: Sequence[str], content: bytes | str) -> Landed:
        """Land `content` at `parts` inside the domain's landing folder, through its door (`door.Door.land`)."""
        return Door.of(platform.data_dir, self.domain).land(parts, content)

    def quarantine_lines(self, platform: PlatformResource, path: Path, rejected: Iterable[Any], key: str,
                         kind: str) -> int:
        """Quarantine the lines of `path` its reader rejected (each with its `line`, `reason` and `raw` text), under
        match `key` and `kind`; how many."""
        return quarantine_records(platform.quarantine_dir, [Reject(path.name, r.line, r.reason, r.raw)
                                                            for r in rejected], self.domain, key, kind)

    @functools.cached_property
    def landing(self) -> dg.AssetsDefinition:
        """The asset `[domain, "landing", name]`: for each match of the run, its files of every kind keyed to it.
        Entries landing never reads (links, names that are not UTF-8: `refused_files`) and files keyed to no match
        that `refusal` gives a reason for are quarantined under `unkeyed`; a file naming a player deleted before it
        landed is written again without them (`erasure.delivered.redact_delivered`)."""

        @landing_asset(self.domain, self.name, partitions_def=self.partitions_def,
                       description=inspect.cleandoc(self.description))
        def _landing(context: dg.AssetExecutionContext, platform: PlatformResource) -> dg.MaterializeResult:
            root, unkeyed = platform.landing_dir(self.domain), 0
            for kind in self.kinds:
                for path, reason in refused_files(root / kind):
                    self.quarantine(platform, path, self.unkeyed, reason)
                    unkeyed += 1
            for entry, (_, key) in self.index(platform).items():
                path = root / entry
                if key is not None or not path.exists():
                    continue
                reason = self.refusal(entry.split("/")[0], path)
                if reason is not None:
                    self.quarantine(platform, path, self.unkeyed, reason)
                    unkeyed += 1
            redacted = sum(redact_delivered(Path(platform.data_dir), self.domain, register_path(platform.data_dir),
                                            root / kind) for kind in self.kinds)
            files = {kind: self.files_by_key(platform, kind) for kind in self.counted}
            keys = context.partition_keys
            sources = {key: SYNTHETIC if inside(root / self.truth, f"{key}.json").exists() else FILES for key in keys}
            return dg.MaterializeResult(metadata={
                **fingerprint_metadata(self.discovery, platform, keys), **record_sources(self.domain, sources),
                **{name: sum(1 for key in keys if files[kind].get(key)) for kind, name in self.counted.items()},
                "files_quarantined": unkeyed, "files_without_deleted_players": redacted,
            })

        return _landing

    def etl(self, kind: str, outs: Mapping[str, dg.AssetOut]) -> Callable[[KindBody], dg.AssetsDefinition]:
        """A decorator: the ETL step of `kind` (named and described by the decorated body) writing the tables
        `outs`, whose body is given the kind's run over the step's matches; the run is confirmed once every table
        of the kind was selected and written."""

        def build(body: KindBody) -> dg.AssetsDefinition:
            @dg.multi_asset(name=body.__name__, description=inspect.cleandoc(body.__doc__ or ""), outs=dict(outs),
                            partitions_def=self.partitions_def, backfill_policy=dg.BackfillPolicy.single_run(),
                            group_name=self.domain, deps=[self.landing], can_subset=True)
            def _etl(context: dg.AssetExecutionContext, platform: PlatformResource,
                     lake: dg.ResourceParam[DeltaLakeIOManager]):
                run = MatchRun.start(platform.data_dir, self.domain, kind, context.partition_keys,
                                     self.files_by_key(platform, kind))
                yield from body(context, platform, lake, run)
                if set(context.op_execution_context.selected_output_names) == set(outs):
                    run.confirm()

            return _etl

        return build

    @property
    def retention(self) -> ByMatch:
        return ByMatch(self.kinds)
