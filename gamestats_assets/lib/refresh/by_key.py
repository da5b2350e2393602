"""The strategy `ByKey`: daily tables computed by key (a game's `match_id`). One step computes a domain's such tables,
in declaration order, and each computes only the keys whose rows changed in its inputs since it last ran.

For each day of the run, a table reads the tokens of its inputs' keys (`lib/refresh/generations.py`), computes the keys
whose tokens changed from the inputs' rows of those keys alone, replaces their rows and those of keys gone from its
inputs in the lake (by the day and the key, `DeltaLakeIOManager.replace_files`) and records the tokens it computed
(its `DoneRecord`, `done.py`); a day none of whose keys changed or went is neither read nor written.
A day it holds no record of, or one of its inputs holds none of, is computed and written whole. The keys are
computed `GAMESTATS_BY_KEY_BATCH_KEYS` at a time, each batch's rows written before the next batch's input rows are
read, so that a table holds a batch's rows at once, not a day's. A table written
before a failure and not recorded is computed again on the next run; its rows are replaced, never doubled. A
published one is published by key from the same tokens (`lib/publish/by_key.py`)."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import dagster as dg
import polars as pl

from gamestats_assets.lib.core.partitions import daily_partitions, days_of
from gamestats_assets.lib.core.provenance import WORKER_METADATA, step_worker
from gamestats_assets.lib.core.settings import env_count
from gamestats_assets.lib.lake.io_manager import DeltaLakeIOManager
from gamestats_assets.lib.lake.partitioning import PARTITION_COLUMN
from gamestats_assets.lib.refresh.done import DoneRecord
from gamestats_assets.lib.refresh.protocol import AssetKit, Refresh, TableDeclaration

BY_KEY = "computed_by_key"
"""The metadata naming the column a daily table is computed and published by."""


@dataclass(frozen=True)
class ByKey(Refresh):
    """A daily table each of whose rows, like those of its inputs, belongs to one value of `column` (a game's
    `match_id`): its asset computes only the values whose input rows were written again since its last run and
    replaces their rows in the lake."""

    column: str = "match_id"
    loads_inputs = True

    def validate(self, table: TableDeclaration) -> None:
        if table.kind != "daily" or table.whole or table.history or table.given or table.read_as:
            raise TypeError(f"{table.ref}: a table computed by key is a daily table of the day's rows of its inputs")

    @classmethod
    def assets(cls, domain: str, tables: Sequence[TableDeclaration], kit: AssetKit
               ) -> dict[str, dg.AssetsDefinition]:
        """The one step of `domain`'s tables computed by key, under each table's reference."""
        step = keyed_step(domain, tables, kit)
        return {table.ref: step for table in tables}


def keyed_step(domain: str, tables: Sequence[TableDeclaration], kit: AssetKit) -> dg.AssetsDefinition:
    """One step (`<domain>__by_key`) computing the daily `tables` computed by key, each as its declaration says
    (described, published, holding its columns), in declaration order, partitioned by the tables' own calendar
    (`daily_partitions` unless they name one, the same for all); a run selecting some computes those."""
    calendars = {id(table.partitions_def or daily_partitions): table.partitions_def or daily_partitions
                 for table in tables}
    if len(calendars) != 1:
        raise TypeError(f"{[table.ref for table in tables]} are computed in one step: give them one calendar")
    [partitions_def] = calendars.values()
    table_key = kit.table_key
    keys = {table.ref: table_key(domain, table.ref) for table in tables}
    within = set(keys.values())
    outs = {table.name: kit.out(domain, table, **{PARTITION_COLUMN: "date", BY_KEY: table.refresh.column})
            for table in tables}
    upstream = {table_key(domain, ref) for table in tables for ref in table.inputs.values()} - within

    @dg.multi_asset(
        name=f"{domain}__by_key",
        outs=outs,
        deps=sorted(upstream, key=lambda key: key.path),
        internal_asset_deps={table.name: {table_key(domain, ref) for ref in table.inputs.values()} for table in tables},
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run(),
        can_subset=True,
        required_resource_keys={"platform", "lake"},
    )
    def _step(context: dg.AssetExecutionContext):
        for table in tables:
            if keys[table.ref] in context.selected_asset_keys:
                yield dg.MaterializeResult(asset_key=keys[table.ref],
                                           metadata=computed_by_key(context, keys[table.ref], table, [
                                               table_key(domain, ref) for ref in table.inputs.values()]))

    return _step


def computed_by_key(context: dg.AssetExecutionContext, key: dg.AssetKey, table: TableDeclaration,
                    inputs_keys: Sequence[dg.AssetKey]) -> dict[str, Any]:
    """Compute `table` (at `key`, of the inputs at `inputs_keys`) for each day of the run by key, as this module says:
    the materialization's metadata (keys computed, removed and kept, rows written, days written whole, the days'
    rows)."""
    data_dir, lake, assets, column = (context.resources.platform.data_dir, context.resources.lake, context.assets_def,
                                      table.refresh.column)
    counts = {"keys_computed": 0, "keys_removed": 0, "keys_kept": 0, "rows_written": 0, "days_whole": 0}
    record = DoneRecord.in_state(data_dir, key, inputs_keys, held=lambda day: lake.holds(key))
    for partition, day in zip(context.partition_keys, days_of(context), strict=True):
        pending = record.stale(day)
        current, again, gone, whole = pending.current, pending.again, pending.gone, pending.whole
        metadata, size = assets.specs_by_key[key].metadata, batch_keys()
        keys = day_keys(lake, inputs_keys, day, column) if whole else again
        parts = [keys[start:start + size] for start in range(0, len(keys), size)] or ([[]] if whole or gone else [])
        written = 0
        for number, part in enumerate(parts):
            values = None if whole and len(parts) == 1 else part
            rows = table.compute(day, **{param: input_rows(lake, input_key, day, column, values)
                                         for param, input_key in zip(table.inputs, inputs_keys, strict=True)})
            if whole and number == 0:
                written += lake.write_asset(key, rows, metadata, assets.partitions_def,
                                            [partition])["dagster/row_count"]
            else:
                written += lake.replace_files(key, metadata, assets.partitions_def, day, rows,
                                              [*part, *(gone if number == 0 else [])], column)["rows_replaced"]
            del rows
        record.commit(day)
        counts = {"keys_computed": counts["keys_computed"] + len(again),
                  "keys_removed": counts["keys_removed"] + len(gone),
                  "keys_kept": counts["keys_kept"] + len(current) - len(again),
                  "rows_written": counts["rows_written"] + written, "days_whole": counts["days_whole"] + whole}
    return {**counts, **lake.days_row_count(key, days_of(context)), WORKER_METADATA: step_worker()}


BATCH_KEYS_ENV = "GAMESTATS_BY_KEY_BATCH_KEYS"
DEFAULT_BATCH_KEYS = 2000


def batch_keys() -> int:
    """`GAMESTATS_BY_KEY_BATCH_KEYS`: the most keys (games) a table computed by key computes at once (default
    2,000)."""
    return env_count(BATCH_KEYS_ENV, DEFAULT_BATCH_KEYS, "keys")


def day_keys(lake: DeltaLakeIOManager, keys: Sequence[dg.AssetKey], day: dt.date, column: str) -> list[str]:
    """Every value of `column` the tables `keys` hold of `day`, sorted."""
    values: set[str] = set()
    for key in keys:
        rows = lake.day_rows(key, day)
        if column in rows.collect_schema().names():
            values |= set(rows.select(column).unique().collect().to_series().to_list())
    return sorted(values)


def input_rows(lake: DeltaLakeIOManager, key: dg.AssetKey, day: dt.date, column: str,
               values: Sequence[str] | None) -> pl.DataFrame:
    """The lake's rows of `key`'s table for `day`, only those of `values` of `column` when given."""
    rows = lake.day_rows(key, day)
    return (rows if values is None else rows.filter(pl.col(column).is_in(list(values)))).collect()
