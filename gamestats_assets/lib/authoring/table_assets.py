"""The Dagster asset of every declared table (`table_assets`): each refresh strategy builds those it keeps
(`lib/refresh/`, given what it builds them with, `KIT`), and a factory per kind the others (`daily`, `carried`,
`window`, `snapshot`, `run`), each reading the inputs as its table declares and recording its figures
(`outcome`)."""

import datetime as dt
import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import dagster as dg
import polars as pl

from gamestats_assets.lib.authoring.assets import declared_metadata, lake_asset
from gamestats_assets.lib.authoring.headline import record_headline
from gamestats_assets.lib.authoring.table import Measured, Table, table_key
from gamestats_assets.lib.core.partitions import carried_forward, daily_partitions, days_of, previous_day
from gamestats_assets.lib.core.step_order import AFTER_THE_PUBLISH
from gamestats_assets.lib.lake.io_manager import INPUT_COLUMNS
from gamestats_assets.lib.lake.rows import Rows, chained, restricted
from gamestats_assets.lib.refresh.protocol import AssetKit, Refresh


def table_assets(domain: str, tables: Sequence[Table], etl: Callable[[Table], dg.AssetsDefinition] | None = None
                 ) -> dict[str, dg.AssetsDefinition]:
    """Every table's asset, by reference (`etl/login`, `cons/daily_active` ...); `etl` builds those of kind `etl`,
    each refresh strategy those it keeps (one step may compute several: `one_table` is a table's own asset of it),
    the kind's factory the others."""
    factories = {"daily": daily_asset, "carried": carried_asset, "window": window_asset, "snapshot": snapshot_asset,
                 "run": run_asset}
    strategies: dict[type[Refresh], list[Table]] = {}
    for table in tables:
        if table.refresh is not None:
            strategies.setdefault(type(table.refresh), []).append(table)
    kept = {ref: asset for strategy, chosen in strategies.items() for ref, asset in strategy.assets(domain, chosen,
                                                                                                 KIT).items()}
    return {table.ref: etl(table) if table.kind == "etl" else kept.get(table.ref) or factories[table.kind](domain, table)
            for table in tables}


def one_table(asset: dg.AssetsDefinition, key: dg.AssetKey) -> dg.AssetsDefinition:
    """The asset of the table `key` alone, out of the step `asset` that computes it (itself when it computes one)."""
    return asset if len(asset.keys) == 1 else asset.subset_for({key}, selected_asset_check_keys=None)


def distinct(assets: Iterable[dg.AssetsDefinition]) -> list[dg.AssetsDefinition]:
    """`assets` with a step that computes several tables listed once."""
    return list({id(asset): asset for asset in assets}.values())


def asset_in(domain: str, ref: str, columns: Sequence[str] = (), **kwargs) -> dg.AssetIn:
    """The input of the table `ref` of `domain`, reading only `columns` when given."""
    return dg.AssetIn(table_key(domain, ref), metadata={INPUT_COLUMNS: list(columns)} if columns else None,
                      **kwargs)


def table_in(domain: str, table: Table, param: str, mapping: dg.PartitionMapping | None = None,
             dagster_type: type | None = None) -> dg.AssetIn:
    """The input `param` of `table`: only the columns it `reads`, as the type it is `read_as` (else
    `dagster_type`), by `mapping`."""
    read_as = table.read_as.get(param, dagster_type)
    return asset_in(domain, table.inputs[param], table.reads.get(param, ()),
                    **({"partition_mapping": mapping} if mapping is not None else {}),
                    **({"dagster_type": read_as} if read_as is not None else {}))


def resource_keys(table: Table, *more: str) -> set[str]:
    """The resources the table's asset reads: `more`, and those its givens name."""
    return {*more, *(name for given in table.given.values() for name in inspect.signature(given).parameters)}


def given_arguments(context: dg.AssetExecutionContext, table: Table) -> dict[str, Any]:
    """The table's givens, each computed from the resources its parameters name."""
    return {param: given(**{name: getattr(context.resources, name) for name in inspect.signature(given).parameters})
            for param, given in table.given.items()}


def require_complete(context: dg.AssetExecutionContext, domain: str, table: Table,
                     through: dt.date | None = None) -> None:
    """Fail unless each input the table needs `complete` holds every day its source table holds (up to `through`
    when given) and the run's days."""
    run_days = set(context.partition_keys) if context.assets_def.partitions_def is not None else set()
    for param, source in table.complete.items():
        held = {key for key in context.instance.get_materialized_partitions(table_key(domain, source))
                if through is None or dt.date.fromisoformat(key) <= through}
        missing = sorted((held | run_days)
                         - context.instance.get_materialized_partitions(table_key(domain, table.inputs[param])))
        if missing:
            raise dg.Failure(description=f"{domain}/{table.inputs[param]} was never materialized for "
                                         f"{', '.join(missing[:10])}{' ...' if len(missing) > 10 else ''}: "
                                         "materialize it for those days first")


def of_day(frames: Mapping[str, pl.DataFrame], day: dt.date) -> dict[str, pl.DataFrame]:
    return {param: frame.filter(pl.col("date") == day) for param, frame in frames.items()}


def outcome(context: dg.AssetExecutionContext, table: Table, results: Sequence[Rows | Measured]) -> Rows:
    """The rows of `results` (each day's, or the one of the whole table) in one, after recording the figures a
    `Measured` result carries, the table's headline figures (each day's on that day's partition) and summary."""
    figures: dict[str, Any] = {}
    for result in results:
        if isinstance(result, Measured):
            figures.update(result.figures)
    if figures:
        context.add_output_metadata(figures)
    frame = chained([result.frame if isinstance(result, Measured) else result for result in results])
    if table.headline:
        record_headline(context, table.headline, frame, "date" if table.kind != "snapshot" else None)
    if table.summary:
        context.add_output_metadata(table.summary(frame))
    return frame


def table_lake_asset(domain: str, table: Table, ins: Mapping[str, dg.AssetIn], *resources: str, **kwargs):
    """`lake_asset` of the table: described, published and holding the columns as it says, reading `ins`, the
    resources its givens name and `resources`, after the tables it names (and the one it folds); one not published
    runs after the run's publish unless a published table needs it first (`AFTER_THE_PUBLISH`)."""
    folded = table.inputs.values() if table.refresh is not None and not table.refresh.loads_inputs else ()
    return lake_asset(domain, table.layer, table.name, ins=ins, description=table.asset_description,
                      publish=table.publish, columns=table.columns, required_resource_keys=resource_keys(table, *resources),
                      deps=[table_key(domain, ref) for ref in (*table.after, *folded)],
                      op_tags=AFTER_THE_PUBLISH if table.publish is None else {}, **kwargs)


def daily_lake_asset(domain: str, table: Table, ins: Mapping[str, dg.AssetIn], *resources: str, **kwargs):
    """`table_lake_asset` of a daily table: partitioned by day (`daily_partitions` unless the table names its
    calendar), keyed by `date`."""
    return table_lake_asset(domain, table, ins, *resources, partitions_def=table.partitions_def or daily_partitions,
                            partition_column="date", **kwargs)


def daily_asset(domain: str, table: Table) -> dg.AssetsDefinition:
    """The table computed for each day of the run from the inputs' rows of that day (and, for the inputs in
    `history`, of the days before it; for those it reads `whole`, every row)."""
    ins = {}
    for param in table.inputs:
        if param in table.whole:
            ins[param] = table_in(domain, table, param, dg.AllPartitionMapping())
        elif param in table.history:
            mapping = dg.TimeWindowPartitionMapping(start_offset=-table.history[param], end_offset=0,
                                                    allow_nonexistent_upstream_partitions=True)
            ins[param] = table_in(domain, table, param, mapping, pl.LazyFrame)
        else:
            ins[param] = table_in(domain, table, param)

    @daily_lake_asset(domain, table, ins)
    def _table(context: dg.AssetExecutionContext, **frames: pl.DataFrame):
        def inputs(day: dt.date) -> dict[str, Any]:
            selected = {}
            for param, frame in frames.items():
                if param in table.whole:
                    selected[param] = frame
                elif param in table.history:
                    first = day - dt.timedelta(days=table.history[param])
                    earlier = frame.filter(pl.col("date").is_between(first, day))
                    selected[param] = earlier if param in table.read_as else earlier.collect()
                else:
                    selected[param] = restricted(frame, "date", frozenset([day]))
            return selected

        days = days_of(context)
        require_complete(context, domain, table, max(days))
        given = given_arguments(context, table)
        return outcome(context, table, [table.compute(day, **inputs(day), **given) for day in days])

    return _table


def carried_asset(domain: str, table: Table) -> dg.AssetsDefinition:
    """The table that continues its own previous day: the run's first day reads the lake's day before (refused
    when it was never built), each next day the one computed before it. A table with an `invariant` reports it
    as a blocking check."""
    key = [domain, table.layer, table.name]
    specs = [dg.AssetCheckSpec(
        "equals_previous_plus_today", asset=key, blocking=True,
        description="Every user's total equals yesterday's plus today's, never decreases, and no user disappears.",
    )] if table.invariant else []
    @daily_lake_asset(domain, table, {**{param: table_in(domain, table, param) for param in table.inputs},
                                      "previous": dg.AssetIn(key, partition_mapping=previous_day)},
                      "platform", check_specs=specs)
    def _table(context: dg.AssetExecutionContext, previous: pl.DataFrame, **frames: pl.DataFrame):
        given = given_arguments(context, table)
        pairs = carried_forward(context, previous,
                                lambda yesterday, day: table.compute(yesterday, day, **of_day(frames, day), **given),
                                dt.date.fromisoformat(context.resources.platform.start_date))
        frame = outcome(context, table, [today for _, _, today in pairs])
        yield dg.Output(frame)
        if table.invariant:
            violations: dict[str, int] = {}
            for day, yesterday, today in pairs:
                for name, count in table.invariant(yesterday, today, **of_day(frames, day)).items():
                    violations[name] = violations.get(name, 0) + count
            yield dg.AssetCheckResult(check_name="equals_previous_plus_today", passed=not any(violations.values()),
                                      metadata={"rows": frame.height, **violations})

    return _table


def window_asset(domain: str, table: Table) -> dg.AssetsDefinition:
    """The table of each day from the inputs' rows of that day and of the days before it that it measures
    (`window_days`; nothing else is read)."""
    window = dg.TimeWindowPartitionMapping(start_offset=-max(table.window_days), end_offset=0)

    @daily_lake_asset(domain, table, {param: table_in(domain, table, param, window, pl.LazyFrame)
                                      for param in table.inputs})
    def _table(context: dg.AssetExecutionContext, **frames: pl.LazyFrame):
        needed = sorted({d for day in days_of(context) for d in table.days_read(day)})
        read = {param: frame.filter(pl.col("date").is_in(needed)).collect() for param, frame in frames.items()}
        given = given_arguments(context, table)
        return outcome(context, table, [
            table.compute(day, **{p: f.filter(pl.col("date").is_in(table.days_read(day))) for p, f in read.items()},
                          **given) for day in days_of(context)])

    return _table


def snapshot_asset(domain: str, table: Table) -> dg.AssetsDefinition:
    """The table over every day in the lake, but the days `skip_days` names."""

    @table_lake_asset(domain, table, {param: table_in(domain, table, param, dg.AllPartitionMapping(),
                                                      pl.LazyFrame if param in table.read_for else None)
                                      for param in table.inputs}, "platform")
    def _table(context: dg.AssetExecutionContext, **frames: pl.DataFrame):
        require_complete(context, domain, table)
        skipped = list(table.skip_days(context.resources.platform)) if table.skip_days else []
        read = {param: of_keys(frame, frames, table.read_for.get(param)) for param, frame in frames.items()}
        return outcome(context, table, [table.compute(**{param: without_days(frame, skipped)
                                                         for param, frame in read.items()},
                                                      **given_arguments(context, table))])

    return _table


def of_keys(frame: pl.DataFrame | pl.LazyFrame, frames: Mapping[str, pl.DataFrame],
            read_for: tuple[str, str] | None) -> pl.DataFrame:
    """`frame`, or, read for the keys another input of `frames` holds (`Table.read_for`: that input and the key
    column), its rows of those keys alone (a table not written yet, without the column, as it is)."""
    if read_for is None:
        return frame
    source, column = read_for
    if column not in frame.collect_schema().names():
        return frame.collect()
    holder = frames[source]
    keys = holder.get_column(column).unique().to_list() if column in holder.columns else []
    return frame.filter(pl.col(column).is_in(keys)).collect()


def without_days(frame: pl.DataFrame | pl.LazyFrame, days: Sequence[dt.date]) -> pl.DataFrame | pl.LazyFrame:
    """`frame` without the rows of `days` (a table not yet written has no `date` to filter on)."""
    if not days or "date" not in frame.collect_schema().names():
        return frame
    return frame.filter(~pl.col("date").is_in(list(days)))


def run_asset(domain: str, table: Table) -> dg.AssetsDefinition:
    """The table computed once over the rows of every partition of the run."""

    @table_lake_asset(domain, table, {param: table_in(domain, table, param) for param in table.inputs},
                      partitions_def=table.partitions_def, partition_column=table.partition_column)
    def _table(context: dg.AssetExecutionContext, **frames: pl.DataFrame):
        return outcome(context, table, [table.compute(**frames, **given_arguments(context, table))])

    return _table


def table_out(domain: str, table: Table, **metadata: Any) -> dg.AssetOut:
    """The output of `table` of a step that computes several, described and declared as its own asset would be, with
    `metadata`."""
    return dg.AssetOut(key=table_key(domain, table.ref), io_manager_key="lake", kinds={"delta"}, group_name=domain,
                       description=table.asset_description,
                       metadata={**metadata, **declared_metadata(domain, table.name, table.publish, table.columns)})


KIT = AssetKit(table_lake_asset, outcome, require_complete, table_key, table_out)
"""What the refresh strategies build their assets with."""
