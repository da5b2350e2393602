"""An arrival strategy: how a domain's files get from its landing folder into its ETL tables. A domain declares its
formats (which files of a landing folder its readers read), its parse and its keys in one object, a strategy; the
strategy builds from that one declaration the landing asset and its discovery, the ETL asset and the hand-off to its
checks, and names the retention of its files (`retention.py`).

- `DaysByFile` (`days_by_file.py`): day-keyed files read file by file, a day's fresh files parsed in batches into
  several ETL tables at once (`etl_day.run_etl`); retired file by file.
- `DaysByTable` (`days_by_table.py`): day-keyed files of several log types, one ETL asset per table, each table's
  files of a day read whole ahead of its write (`etl_day.run_etl`, `ahead`); retired a day at a time.
- `DaysWhole` (`days_whole.py`): day-keyed files read a day whole, one synthetic file a day, every day of a run
  streamed in one write (`etl_day.write_days_whole`); retired a day at a time.
- `MatchesByKind` (`matches_by_kind.py`): one partition per match, its files of several kinds keyed to it by their
  content, an ETL step per kind (`keyed_files.MatchRun`); retired a match at a time.

Every strategy runs the ETL record's sequence through `etl_day.py` or `keyed_files.py`, never the domain."""

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg

from gamestats_assets.lib.core.partitions import daily_partitions
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.intake.discovery import PartitionDiscovery, day_folder, landing_files, visible_files
from gamestats_assets.lib.intake.landing import build_day_landing
from gamestats_assets.lib.intake.quarantine import quarantine_file
from gamestats_assets.lib.intake.retention import Retention


class Arrival:
    """A strategy, holding a domain's declaration: its `discovery` (the partitions its landing holds, for its
    landing sensor), its `landing` asset and its `retention`."""

    domain: str

    @property
    def discovery(self) -> PartitionDiscovery:
        raise NotImplementedError

    @property
    def landing(self) -> dg.AssetsDefinition:
        raise NotImplementedError

    @property
    def retention(self) -> Retention:
        raise NotImplementedError

    def quarantine(self, platform: PlatformResource, path: Path, key: str, reason: str) -> Path:
        """Quarantine the file `path` of partition `key` with `reason` (`quarantine.quarantine_file`)."""
        return quarantine_file(platform.quarantine_dir, path, self.domain, key, reason)


@dataclass(frozen=True, kw_only=True)
class DayLanding(Arrival):
    """The landing of a day-keyed domain, `landing/<domain>/<day>/`, as it declares it: the landing asset's `name`
    (which the day's reader is recorded under too) and `description`; the arguments of its synthetic emitter for a
    day (`emitter_arguments`); whether its files lie at any depth of the day folder (`nested`) or in it; the names
    its readers read (`reads`, by default every file's: the other files are quarantined with the reason `refusal`,
    but those named `aside`, and are not counted), or the entries no reader reads, when the domain lists them itself
    (`unclaimed`, quarantined with the reason `refusal`); its partitions and how often its landing sensor looks."""

    domain: str
    name: str
    description: str
    emitter_arguments: Callable[[PlatformResource, dt.date], dict[str, Any]]
    nested: bool = False
    reads: Callable[[str], bool] | None = None
    refusal: str = ""
    aside: tuple[str, ...] = ()
    unclaimed: Callable[[Path], list[Path]] | None = None
    partitions_def: dg.TimeWindowPartitionsDefinition = field(default=daily_partitions)
    poll_seconds: int = 30

    def listed(self, folder: Path) -> list[Path]:
        """The files of a day folder that landing takes (hidden, partial and refused entries aside)."""
        return visible_files(folder, recursive=True) if self.nested else landing_files(folder)

    def folder(self, platform: PlatformResource, key: str) -> Path:
        """The landing folder of the day `key`."""
        return day_folder(platform, self.domain, key)

    def etl_key(self, name: str) -> dg.AssetKey:
        """The key of the ETL table `name`, `[domain, "etl", name]`."""
        return dg.AssetKey([self.domain, "etl", name])

    def unread(self, folder: Path) -> Iterable[tuple[Path, str]]:
        """The files of `folder` no reader reads, each with the reason it is quarantined."""
        if self.unclaimed is not None:
            return [(path, self.refusal) for path in self.unclaimed(folder)]
        if self.reads is None:
            return []
        return [(path, self.refusal) for path in landing_files(
            folder, lambda name: not self.reads(name) and name not in self.aside)]

    @functools.cached_property
    def _landing(self) -> tuple[PartitionDiscovery, dg.AssetsDefinition]:
        return build_day_landing(self.domain, self.name, self.description, emitter_arguments=self.emitter_arguments,
                                 list_files=self.listed, unread=self.unread, counted=self.reads,
                                 partitions_def=self.partitions_def, poll_seconds=self.poll_seconds)

    @property
    def discovery(self) -> PartitionDiscovery:
        return self._landing[0]

    @property
    def landing(self) -> dg.AssetsDefinition:
        """The asset `[domain, "landing", name]` (`landing.build_day_landing`)."""
        return self._landing[1]
