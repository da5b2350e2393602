"""`DaysByTable`, the arrival of a day-keyed domain whose day folder holds files of several log types, each read into
its own ETL table: its landing (`arrival.DayLanding`), and one ETL asset per table, each reading its files of a day
whole ahead of its write (`etl_day.run_etl` with `ahead`: a day whose parse names a failure refuses the run before
any day is written), only the rows of its files parsed, removed or quarantined replaced, a day retired whole kept as
the lake holds it. Its days are retired whole (`retention.WholeDays`, its `aside` files going with their day)."""

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl

from gamestats_assets.lib.core.partitions import days_of
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.intake.arrival import DayLanding
from gamestats_assets.lib.intake.etl_day import EtlDay, EtlTables, Parse, run_etl
from gamestats_assets.lib.intake.retention import WholeDays
from gamestats_assets.lib.lake.io_manager import DeltaLakeIOManager

TableParse = Callable[[EtlDay, str, PlatformResource, pl.LazyFrame], Parse]
"""A domain's parse of a table's day: given the day, the table's name, the platform and the rows the lake holds of
the table's day, the day read whole (a parse that may name a `failure`)."""


@dataclass(frozen=True, kw_only=True)
class DaysByTable(DayLanding):
    """A day-keyed domain's arrival read table by table, as it declares it. Beside its landing: its ETL `tables`
    (name → description; keys `[domain, "etl", name]`) and their metadata; the `version` each table's record of a
    day's files is kept under (name → version, asked at each run: a new one parses every file again); each table's
    files of a day folder (`table_files`: the folder and the table's name → its files); and its parse of a table's
    day (`parser`), read whole ahead of the write."""

    tables: Mapping[str, str]
    version: Callable[[str], str]
    table_files: Callable[[Path, str], list[Path]]
    parser: TableParse
    etl_metadata: Mapping[str, Any] = field(default_factory=lambda: {"partition_column": "date"})

    def etl_tables(self, name: str, platform: PlatformResource, lake: DeltaLakeIOManager) -> EtlTables:
        """The table `name` as the protocol runs it (`etl_day.EtlTables`): its day read whole ahead, a day retired
        whole kept."""
        key = self.etl_key(name)
        return EtlTables(self.domain, name, self.version(name), {name: key},
                         lambda day: self.parser(day, name, platform, lake.day_rows(key, day.date)),
                         files=lambda folder: self.table_files(folder, name), ahead=True, whole_days=True)

    def etl_asset(self, name: str) -> dg.AssetsDefinition:
        """`[domain, "etl", name]`: the table's parse over each day's files of the table (`etl_day.run_etl`); its
        metadata: the run's file counts, the rows replaced, the days retired whole kept and the days' rows."""

        @dg.asset(key=self.etl_key(name), group_name=self.domain, kinds={"delta"}, io_manager_key="lake",
                  partitions_def=self.partitions_def, backfill_policy=dg.BackfillPolicy.single_run(),
                  metadata=dict(self.etl_metadata), deps=[self.landing], description=self.tables[name])
        def _etl(context: dg.AssetExecutionContext, platform: PlatformResource,
                 lake: dg.ResourceParam[DeltaLakeIOManager]) -> dg.MaterializeResult:
            run = run_etl(self.etl_tables(name, platform, lake), context, platform, lake)
            return dg.MaterializeResult(metadata={
                **run.counts, "rows_replaced": run.rows_replaced[name], **run.kept_metadata,
                **lake.days_row_count(context.asset_key, days_of(context))})

        return _etl

    @functools.cached_property
    def etl(self) -> dict[str, dg.AssetsDefinition]:
        """Each ETL table's asset, by name (`etl_asset`)."""
        return {name: self.etl_asset(name) for name in self.tables}

    @property
    def retention(self) -> WholeDays:
        return WholeDays(self.aside)
