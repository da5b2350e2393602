"""`DaysByFile`, the arrival of a day-keyed domain whose files (a game's match files, replays) are read file by file
into several ETL tables at once: its landing (`arrival.DayLanding`), and one step writing every ETL table of a day
from the day's fresh files, in batches (`etl_day.run_etl`), handing what the parse kept to the domain's checks. Its
files are retired one by one (`retention.FileByFile`)."""

import datetime as dt
import functools
import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl

from gamestats_assets.lib.core.partitions import days_of
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.intake.arrival import DayLanding
from gamestats_assets.lib.intake.etl_day import FILE_COUNTS, EtlDay, EtlTables, GameKeys, Parse, run_etl
from gamestats_assets.lib.intake.retention import FileByFile
from gamestats_assets.lib.lake.io_manager import DeltaLakeIOManager

Checks = Callable[[DeltaLakeIOManager, str, list[dt.date], Mapping[dt.date, Parse]], Iterable[dg.AssetCheckResult]]
"""A domain's checks of its ETL tables after a run: given the lake, the data folder, the run's days and each day's
parse as the run made it (what it kept of the rows it gave), their results."""


@dataclass(frozen=True, kw_only=True)
class DaysByFile(DayLanding):
    """A day-keyed domain's arrival read file by file, as it declares it. Beside its landing: the `version` its
    record of each day's files is kept under (a new one parses every file again); the ETL `tables` (name →
    description; keys `[domain, "etl", name]`), their step's description (`etl_description`, a docstring) and
    metadata; the files its reader parses of a day folder (`files`, by default those landing takes); its parse of a
    day (`parser`: the day and the platform → its batch parse); what it reads of the unchanged files' rows (`held`:
    table → columns and a filter); its games (`game_column`, each table keyed by game → the table whose unchanged
    rows give the games it keeps and the tables whose written rows give those it gets, `game_tables`; with
    `renew_replaced`, a game a replaced file held is renewed); whether the fresh files are parsed in batches
    (`batched`, sorted by `order`) and a batch's tables written side by side; where the run's file counts are
    recorded (`counts_on`: that table's materialization, with the rows replaced summed and the parse's
    `parse_counts`; by default every table's, with its own rows replaced); and its checks (`check_specs`, and
    `checks` of the run)."""

    version: str
    tables: Mapping[str, str | None]
    etl_description: str
    parser: Callable[[EtlDay, PlatformResource], Parse]
    etl_metadata: Mapping[str, Any] = field(default_factory=lambda: {"partition_column": "date"})
    files: Callable[[Path], list[Path]] | None = None
    held: Mapping[str, tuple[Sequence[str], pl.Expr | None]] = field(default_factory=dict)
    game_column: str = ""
    game_tables: Mapping[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    renew_replaced: bool = False
    batched: bool = False
    order: Callable[[Path], Any] | None = None
    side_by_side: bool = False
    counts_on: str | None = None
    parse_counts: tuple[str, ...] = ()
    check_specs: Sequence[dg.AssetCheckSpec] = ()
    checks: Checks | None = None

    def etl_tables(self, platform: PlatformResource, parser: Callable[[EtlDay], Parse]) -> EtlTables:
        """The declaration as the protocol runs it (`etl_day.EtlTables`), each day parsed by `parser`."""
        games = GameKeys(self.game_column, self.game_tables, self.renew_replaced) if self.game_tables else None
        return EtlTables(self.domain, self.name, self.version, {name: self.etl_key(name) for name in self.tables},
                         parser, files=self.files or self.listed, held=self.held, games=games, batched=self.batched,
                         order=self.order, side_by_side=self.side_by_side)

    def counts(self, run_counts: Mapping[str, float], rows_replaced: Mapping[str, int], name: str) -> dict[str, Any]:
        """The run's counts recorded on the table `name`'s materialization (`counts_on`)."""
        if self.counts_on is None:
            return {**{count: run_counts[count] for count in FILE_COUNTS}, "rows_replaced": rows_replaced[name]}
        if name != self.counts_on:
            return {}
        counts = {**{count: run_counts[count] for count in FILE_COUNTS}, "rows_replaced": sum(rows_replaced.values()),
                  **{count: run_counts.get(count, 0) for count in self.parse_counts}}
        return {count: round(value, 2) if isinstance(value, float) else value for count, value in counts.items()}

    @functools.cached_property
    def etl(self) -> dg.AssetsDefinition:
        """The step `etl_<name>` writing every ETL table of the run's days (`etl_day.run_etl`), then its checks."""

        @dg.multi_asset(
            name=f"etl_{self.name}",
            description=inspect.cleandoc(self.etl_description),
            outs={name: dg.AssetOut(key=self.etl_key(name), io_manager_key="lake", kinds={"delta"},
                                    group_name=self.domain, metadata=dict(self.etl_metadata), description=description)
                  for name, description in self.tables.items()},
            partitions_def=self.partitions_def,
            backfill_policy=dg.BackfillPolicy.single_run(),
            deps=[self.landing],
            check_specs=list(self.check_specs),
        )
        def _etl(context: dg.AssetExecutionContext, platform: PlatformResource,
                 lake: dg.ResourceParam[DeltaLakeIOManager]):
            parses: dict[dt.date, Parse] = {}

            def parser(day: EtlDay) -> Parse:
                parses[day.date] = self.parser(day, platform)
                return parses[day.date]

            days = days_of(context)
            run = run_etl(self.etl_tables(platform, parser), context, platform, lake, days)
            for name in self.tables:
                yield dg.MaterializeResult(asset_key=self.etl_key(name), metadata={
                    **self.counts(run.counts, run.rows_replaced, name),
                    **lake.days_row_count(self.etl_key(name), days)})
            if self.checks is not None:
                yield from self.checks(lake, platform.data_dir, days, parses)

        return _etl

    @property
    def retention(self) -> FileByFile:
        return FileByFile()
