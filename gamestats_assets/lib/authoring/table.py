"""The table model: a lake table declared once, as a `Table` of a pure function and its inputs, from which its
Dagster asset (`table_assets`, published as its `publish` says) and its in-memory run (`run_in_memory`, for tests
and benchmarks) are built."""

import datetime as dt
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import dagster as dg
import polars as pl

from gamestats_assets.lib.authoring.assets import Publish, lake_asset
from gamestats_assets.lib.authoring.headline import Headline, record_headline
from gamestats_assets.lib.core.columns import Columns
from gamestats_assets.lib.core.partitions import (
    carried_forward,
    daily_partitions,
    days_of,
    every_partition,
    previous_day,
)
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.lake.delta import INPUT_COLUMNS

Kind = Literal["etl", "daily", "carried", "window", "snapshot", "run"]


@dataclass(frozen=True)
class Table:
    """The lake table `[<domain>, layer, name]`, computed by `compute` from `inputs` (parameter → `"<layer>/<name>"`
    of the same domain), by its `kind`:
    - `etl`: read from landing by the domain's own factory (`compute` is the domain's reader);
    - `daily`: `compute(day, **inputs)`, every input restricted to the day, except those named in `history`,
      which hold that many days before the day as well;
    - `carried`: `compute(yesterday, day, **inputs)` continues its own previous day (None on the first day);
    - `window`: `compute(day, **inputs)`, inputs holding the days `window_days` before the day (0: the day);
    - `snapshot`: `compute(**inputs)` over every day (but those `skip_days` names);
    - `run`: `compute(**inputs, **given)` over the rows of every partition of the run at once, partitioned by
      `partitions_def` (one key per match ...) and keyed by `partition_column`."""

    layer: str
    name: str
    compute: Callable[..., pl.DataFrame]
    description: str
    inputs: Mapping[str, str] = field(default_factory=dict)
    kind: Kind = "daily"
    window_days: Sequence[int] = ()
    history: Mapping[str, int] = field(default_factory=dict)
    """Inputs of a daily table read with the days before: parameter → how many days back."""
    invariant: Callable[..., dict[str, int]] | None = None
    """For a carried table: `invariant(yesterday, today, **inputs)` counts the rows breaking what must hold."""
    headline: Headline | None = None
    """The figures the table exists for, recorded on each partition's materialization and plotted by the UI."""
    summary: Callable[[pl.DataFrame], dict] | None = None
    """For a snapshot: figures of the whole table recorded on its materialization."""
    reads: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Inputs of which the function reads only some columns: parameter → those columns (the rest is not read)."""
    columns: Columns = field(default_factory=dict)
    """The columns it holds, name → `Column`: what its lake write conforms to, what the UI's Columns tab lists, and
    (with `publish`'s key as its grain) what its PostgreSQL table is generated from. A published table declares
    them."""
    skip_days: Callable[[PlatformResource], Sequence[dt.date]] | None = None
    """For a snapshot: the days left out (a day held back from publishing)."""
    publish: Publish | None = None
    """Its copy in PostgreSQL, if it is served."""
    partitions_def: dg.PartitionsDefinition | None = None
    partition_column: str | None = None
    given: Mapping[str, Callable[[PlatformResource], Any]] = field(default_factory=dict)
    """For a `run` table: arguments the function takes from the platform rather than from tables (a roster)."""

    def __post_init__(self) -> None:
        """Refuse a declaration whose function cannot take its inputs: its parameters are bound to the inputs by
        name (after `day`, or `yesterday, day`, by kind), so each input and given must be one of them and each
        parameter without a default must be given."""
        if self.kind == "etl":
            return
        parameters = inspect.signature(self.compute).parameters
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
            return
        leading = {"daily": ["day"], "window": ["day"], "carried": ["yesterday", "day"]}.get(self.kind, [])
        named = list(parameters)[len(leading):]
        bound = {*self.inputs, *self.given}
        required = {name for name in named if parameters[name].default is inspect.Parameter.empty}
        if not bound <= set(named) or not required <= bound:
            raise TypeError(f"{self.ref}: its function takes {named}, its inputs and givens are {sorted(bound)}")

    @property
    def asset_description(self) -> str:
        """The description as the UI renders it (a docstring's indentation removed, so its paragraphs stay
        Markdown, not code blocks), followed by what each headline figure means."""
        description = inspect.cleandoc(self.description)
        return self.headline.describe(description) if self.headline else description

    @property
    def ref(self) -> str:
        return f"{self.layer}/{self.name}"

    @property
    def frame_name(self) -> str:
        """The table's name in an in-memory run: `etl_login`, `std_active`, `l2m_active`."""
        return self.name if self.layer == "cons" else f"{self.layer}_{self.name}"

    def days_read(self, day: dt.date) -> list[dt.date]:
        """The days a window table reads for `day`."""
        return sorted({day - dt.timedelta(days=n) for n in (0, *self.window_days)})


def undated(compute: Callable[..., pl.DataFrame]) -> Callable[..., pl.DataFrame]:
    """A daily table's `compute` for a function that knows nothing of days: its inputs without their `date`
    column, the day set as `date` (first) on what it returns."""

    def daily(day: dt.date, **frames: pl.DataFrame) -> pl.DataFrame:
        result = compute(**{param: frame.drop("date") for param, frame in frames.items()})
        return result.with_columns(pl.lit(day).alias("date")).select("date", pl.exclude("date"))

    daily.__doc__ = compute.__doc__
    return daily


def of_every_day(compute: Callable[..., pl.DataFrame]) -> Callable[..., pl.DataFrame]:
    """A snapshot's `compute` for a function that knows nothing of days: its inputs without their `date`."""

    def snapshot(**frames: pl.DataFrame) -> pl.DataFrame:
        return compute(**{param: frame.drop("date") for param, frame in frames.items()})

    snapshot.__doc__ = compute.__doc__
    return snapshot


def table_assets(domain: str, tables: Sequence[Table],
                 etl: Callable[[Table], dg.AssetsDefinition] | None = None) -> dict[str, dg.AssetsDefinition]:
    """Every table's asset, by reference (`etl/login`, `cons/l2m_active` ...); `etl` builds those of kind `etl`."""
    factories = {"etl": etl, "daily": daily_asset, "carried": carried_asset, "window": window_asset,
                 "snapshot": snapshot_asset, "run": run_asset}
    return {table.ref: factories[table.kind](table) if table.kind == "etl" else factories[table.kind](domain, table)
            for table in tables}


def asset_in(domain: str, ref: str, columns: Sequence[str] = (), **kwargs) -> dg.AssetIn:
    """The input of the table `ref` of `domain`, reading only `columns` when given."""
    return dg.AssetIn([domain, *ref.split("/")], metadata={INPUT_COLUMNS: list(columns)} if columns else None,
                      **kwargs)


def of_day(frames: Mapping[str, pl.DataFrame], day: dt.date) -> dict[str, pl.DataFrame]:
    return {param: frame.filter(pl.col("date") == day) for param, frame in frames.items()}


def with_headline(context: dg.AssetExecutionContext, table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """`frame`, after recording the table's headline figures (each day's on that day's partition) and summary."""
    if table.headline:
        record_headline(context, table.headline, frame, "date" if table.kind != "snapshot" else None)
    if table.summary:
        context.add_output_metadata(table.summary(frame))
    return frame


def daily_lake_asset(domain: str, table: Table, **kwargs):
    """`lake_asset` of a daily table: partitioned by day (`daily_partitions` unless the table names its calendar),
    keyed by `date`, published as it says."""
    return lake_asset(domain, table.layer, table.name, partitions_def=table.partitions_def or daily_partitions,
                      partition_column="date", description=table.asset_description, publish=table.publish,
                      columns=table.columns, **kwargs)


def daily_asset(domain: str, table: Table) -> dg.AssetsDefinition:
    """The table computed for each day of the run from the inputs' rows of that day (and, for the inputs in
    `history`, of the days before it)."""
    ins = {}
    for param, ref in table.inputs.items():
        columns = table.reads.get(param, ())
        if param in table.history:
            mapping = dg.TimeWindowPartitionMapping(start_offset=-table.history[param], end_offset=0,
                                                    allow_nonexistent_upstream_partitions=True)
            ins[param] = asset_in(domain, ref, columns, partition_mapping=mapping, dagster_type=pl.LazyFrame)
        else:
            ins[param] = asset_in(domain, ref, columns)

    @daily_lake_asset(domain, table, ins=ins)
    def _table(context: dg.AssetExecutionContext, **frames: pl.DataFrame) -> pl.DataFrame:
        def inputs(day: dt.date) -> dict[str, pl.DataFrame]:
            return {param: frame.filter(pl.col("date").is_between(day - dt.timedelta(days=table.history[param]), day))
                    .collect() if param in table.history else frame.filter(pl.col("date") == day)
                    for param, frame in frames.items()}

        return with_headline(context, table, pl.concat([table.compute(day, **inputs(day)) for day in days_of(context)],
                                                       how="vertical_relaxed"))

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
    @daily_lake_asset(domain, table, ins={**{param: asset_in(domain, ref) for param, ref in table.inputs.items()},
                                          "previous": dg.AssetIn(key, partition_mapping=previous_day)},
                      check_specs=specs)
    def _table(context: dg.AssetExecutionContext, platform: PlatformResource, previous: pl.DataFrame,
               **frames: pl.DataFrame):
        pairs = carried_forward(context, previous,
                                lambda yesterday, day: table.compute(yesterday, day, **of_day(frames, day)),
                                dt.date.fromisoformat(platform.start_date))
        frame = with_headline(context, table, pl.concat([today for _, _, today in pairs], how="vertical_relaxed"))
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

    @daily_lake_asset(domain, table, ins={param: asset_in(domain, ref, partition_mapping=window,
                                                          dagster_type=pl.LazyFrame)
                                          for param, ref in table.inputs.items()})
    def _table(context: dg.AssetExecutionContext, **frames: pl.LazyFrame) -> pl.DataFrame:
        needed = sorted({d for day in days_of(context) for d in table.days_read(day)})
        read = {param: frame.filter(pl.col("date").is_in(needed)).collect() for param, frame in frames.items()}
        return with_headline(context, table, pl.concat(
            [table.compute(day, **{p: f.filter(pl.col("date").is_in(table.days_read(day))) for p, f in read.items()})
             for day in days_of(context)], how="vertical_relaxed"))

    return _table


def snapshot_asset(domain: str, table: Table) -> dg.AssetsDefinition:
    """The table over every day in the lake, but the days `skip_days` names."""

    @lake_asset(domain, table.layer, table.name, ins={param: every_partition(asset_in(domain, ref).key)
                                                      for param, ref in table.inputs.items()},
                description=table.asset_description, publish=table.publish, columns=table.columns)
    def _table(context: dg.AssetExecutionContext, platform: PlatformResource, **frames: pl.DataFrame) -> pl.DataFrame:
        skipped = list(table.skip_days(platform)) if table.skip_days else []
        return with_headline(context, table, table.compute(
            **{param: frame.filter(~pl.col("date").is_in(skipped)) if skipped and frame.height else frame
               for param, frame in frames.items()}))

    return _table


def run_asset(domain: str, table: Table) -> dg.AssetsDefinition:
    """The table computed once over the rows of every partition of the run."""

    @lake_asset(domain, table.layer, table.name, partitions_def=table.partitions_def,
                partition_column=table.partition_column,
                ins={param: asset_in(domain, ref, table.reads.get(param, ())) for param, ref in table.inputs.items()},
                description=table.asset_description, publish=table.publish, columns=table.columns)
    def _table(platform: PlatformResource, **frames: pl.DataFrame) -> pl.DataFrame:
        return table.compute(**frames, **{name: given(platform) for name, given in table.given.items()})

    return _table


@dataclass
class MemoryRun:
    """The tables of consecutive days computed in memory: frames by `frame_name` for each day, the snapshots
    over all days, and what each day's readers rejected (by frame name, where the domain's sources say)."""

    days: dict[dt.date, dict[str, pl.DataFrame]] = field(default_factory=dict)
    snapshots: dict[str, pl.DataFrame] = field(default_factory=dict)
    rejects: dict[dt.date, dict[str, list]] = field(default_factory=dict)


def run_in_memory(tables: Sequence[Table], days: Sequence[dt.date],
                  sources: Callable[[dt.date], Mapping[str, pl.DataFrame]],
                  on_table: Callable[[Table, dt.date | None], None] = lambda table, day: None) -> MemoryRun:
    """Every table of `tables` of the kinds by day (`daily`, `carried`, `window`, `snapshot`) for the consecutive
    `days`, in declaration order, each kind fed as its asset is; `sources(day)` gives the day's frames of the inputs no table here computes (by reference),
    and `on_table` is called after each table (benchmarks)."""
    by_ref = {table.ref: table for table in tables}
    run = MemoryRun()

    def name(ref: str) -> str:
        return by_ref[ref].frame_name if ref in by_ref else ref

    for day in days:
        frames = {name(ref): frame for ref, frame in sources(day).items()}
        yesterday = run.days.get(day - dt.timedelta(days=1), {})
        for table in tables:
            if table.kind not in ("daily", "carried", "window"):
                continue
            inputs = {param: frames[name(ref)] for param, ref in table.inputs.items()}
            if table.kind == "carried":
                frames[table.frame_name] = table.compute(yesterday.get(table.frame_name), day, **inputs)
            elif table.kind == "window":
                read = {param: pl.concat([run.days[d][name(ref)] for d in table.days_read(day) if d in run.days]
                                         + [inputs[param]]) for param, ref in table.inputs.items()}
                frames[table.frame_name] = table.compute(day, **read)
            else:
                earlier = {param: [run.days[day - dt.timedelta(days=n)][name(table.inputs[param])]
                                   for n in range(days_back, 0, -1) if day - dt.timedelta(days=n) in run.days]
                           for param, days_back in table.history.items()}
                frames[table.frame_name] = table.compute(
                    day, **{**inputs, **{p: pl.concat([*e, inputs[p]]) for p, e in earlier.items()}})
            on_table(table, day)
        run.days[day] = frames
    for table in tables:
        if table.kind == "snapshot":
            inputs = {param: pl.concat([frames[name(ref)] for frames in run.days.values()])
                      for param, ref in table.inputs.items()}
            run.snapshots[table.frame_name] = table.compute(**inputs)
            on_table(table, None)
    return run
