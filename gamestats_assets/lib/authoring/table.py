"""The table model: a lake table declared once, as a `Table` of a pure function and its inputs, from which its
Dagster asset (`table_assets`, published as its `publish` says) and its in-memory run (`run_in_memory`, for tests
and benchmarks) are built. One rule binds a function to what it is given: its parameters by name, to the inputs
(tables) and the givens (whose own parameters name the resources they read)."""

import datetime as dt
import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

import dagster as dg
import polars as pl

from gamestats_assets.lib.authoring.assets import Publish, declared_metadata, lake_asset
from gamestats_assets.lib.authoring.headline import Headline, record_headline
from gamestats_assets.lib.core.columns import Columns
from gamestats_assets.lib.core.partitions import (
    carried_forward,
    daily_partitions,
    days_of,
    previous_day,
)
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.step_order import AFTER_THE_PUBLISH
from gamestats_assets.lib.lake.io_manager import INPUT_COLUMNS
from gamestats_assets.lib.lake.log import table_exists
from gamestats_assets.lib.lake.rows import FrameStream, Rows, chained, restricted
from gamestats_assets.lib.refresh.by_key import ByKey
from gamestats_assets.lib.refresh.fold import Fold, folded_rows
from gamestats_assets.lib.refresh.protocol import AssetKit, Refresh
from gamestats_assets.lib.refresh.state import state_key

Kind = Literal["etl", "daily", "carried", "window", "snapshot", "run"]


class Measured(NamedTuple):
    """What a function returns when its computation yields figures the rows alone do not (a model's held-out
    error): the rows, and the figures recorded on the materialization."""

    frame: pl.DataFrame
    figures: Mapping[str, Any]


@dataclass(frozen=True)
class Table:
    """The lake table `[<domain>, layer, name]`, computed by `compute` from `inputs` (parameter → `"<layer>/<name>"`
    of the same domain), by its `kind`:
    - `etl`: read from landing by the domain's own factory (`compute` is the domain's reader);
    - `daily`: `compute(day, **inputs)`, every input restricted to the day, except those named in `history`,
      which hold that many days before the day as well, and those read `whole`;
    - `carried`: `compute(yesterday, day, **inputs)` continues its own previous day (None on the first day);
    - `window`: `compute(day, **inputs)`, inputs holding the days `window_days` before the day (0: the day);
    - `snapshot`: `compute(**inputs)` over every day (but those `skip_days` names) or partition (of the inputs it
      reads `read_for` other inputs' keys, those keys' rows alone);
    - `run`: `compute(**inputs)` over the rows of every partition of the run at once, partitioned by
      `partitions_def` (one key per match ...) and keyed by `partition_column`.

    The function also takes the `given` arguments, and may return its rows as a `Measured`. A table with a
    `refresh` strategy (`lib/refresh/`) is kept up to date by it rather than computed whole."""

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
    given: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    """Arguments the function takes from the resources rather than from tables (a roster, a catalogue): parameter
    → a function of the resources its own parameters name (`platform`, `postgres`)."""
    whole: Sequence[str] = ()
    """Inputs of a daily table read whole rather than for the day: an unpartitioned table (a population), or every
    day of a daily one (a history the function cuts at its day)."""
    read_as: Mapping[str, type] = field(default_factory=dict)
    """Inputs too large to hold, given as `pl.LazyFrame` (a lazy scan the function reduces) or as `FrameStream`
    (read a row group at a time, for a function that maps them batch by batch into a `FrameStream`)."""
    complete: Mapping[str, str] = field(default_factory=dict)
    """Whole inputs that must hold every day another table holds: parameter → that table. A run is refused while the
    input lacks a day the other table holds up to the run's last day (or, for a snapshot, any day): that day would
    go unseen."""
    after: Sequence[str] = ()
    """Tables it runs after without reading them: those that write what its givens read."""
    refresh: Refresh | None = None
    """How the table is kept up to date when its inputs change (`lib/refresh/protocol.py`): by key (`by_game`), a
    fold of one input (`folded`), a fold of rows made game by game, or by slice; none: computed whole."""
    read_for: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """For a snapshot: inputs of which only the rows of the keys another input holds matter (the matches a
    tournament table joins, not every match of the lake): parameter → (that input, the key column). Each is read
    as a lazy scan of those keys' rows, which skips the other keys' files by the statistics of the Delta log."""

    def __post_init__(self) -> None:
        """Refuse a declaration whose function cannot take its inputs: its parameters are bound to the inputs by
        name (after `day`, or `yesterday, day`, by kind), so each input and given must be one of them and each
        parameter without a default must be given."""
        described = {*self.whole, *self.read_as, *self.complete, *self.history, *self.reads, *self.read_for,
                     *(source for source, _ in self.read_for.values())}
        if not described <= set(self.inputs):
            raise TypeError(f"{self.ref}: {sorted(described - set(self.inputs))} are not among its inputs")
        kinds = {"whole": ("daily",), "history": ("daily",), "complete": ("daily", "snapshot"),
                 "read_as": ("daily", "snapshot"), "read_for": ("snapshot",)}
        misplaced = [option for option, allowed in kinds.items() if getattr(self, option) and self.kind not in allowed]
        streamed = {param for param, kind in self.read_as.items() if kind is FrameStream}
        if misplaced or streamed & {*self.history} or (streamed and self.kind != "daily"):
            raise TypeError(f"{self.ref}: a {self.kind} table reads no input with "
                            f"{misplaced or ['read_as=FrameStream']} (`whole` and `history` are a daily table's; a "
                            "`FrameStream` a daily table's day)")
        if {source for source, _ in self.read_for.values()} & {*self.read_for, *self.read_as}:
            raise TypeError(f"{self.ref}: an input read for another's keys is read for those of one read whole")
        if self.refresh is not None:
            self.refresh.validate(self)
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
        """The table's name in an in-memory run: `etl_login`, `std_active`; a CONS table's own name."""
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


def table_key(domain: str, ref: str) -> dg.AssetKey:
    """The asset key of the table `ref` (`layer/name`) of `domain`."""
    return dg.AssetKey([domain, *ref.split("/")])


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


def folded(layer: str, name: str, fold: Fold, description: str, source: str, **options: Any) -> Table:
    """The snapshot `layer/name` that is `fold` over the rows of the table `source` (`"<layer>/<name>"`): its asset
    reads only the source's files added and removed since its last refresh (`lib/refresh/fold.py`)."""
    return Table(layer, name, fold, description, {"rows": source}, kind="snapshot", refresh=fold, **options)


def by_game(layer: str, name: str, compute: Callable[..., pl.DataFrame], description: str,
            inputs: Mapping[str, str], **options: Any) -> Table:
    """The daily table `layer/name`, one or more rows per game of the day (key `date, match_id, ...`), each game's
    rows computed from that game's rows of its `inputs` alone: its asset computes only the games whose input rows
    were written again since its last run (`lib/refresh/by_key.py`)."""
    return Table(layer, name, compute, description, inputs, refresh=ByKey("match_id"), **options)


def folded_state(lake: Any, domain: str, table: Table) -> tuple[pl.DataFrame, dict[str, int]]:
    """The state of the folded `table` in `lake` (the lake IO manager), and its rows beside its source's at the
    version it folds (`fold.folded_rows`): what a check judges the table by without reading its source again."""
    [source] = table.inputs.values()
    state_uri = lake.table_uri(state_key(domain, table.name))
    counts = folded_rows(lake.table_uri(table_key(domain, source)), state_uri, table.refresh, lake.options())
    state = (pl.read_delta(state_uri, storage_options=lake.options()) if table_exists(state_uri, lake.options())
             else table.refresh.empty())
    return state, counts


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


@dataclass
class MemoryRun:
    """The tables of consecutive days computed in memory: frames by `frame_name` for each day, the snapshots
    over all days, and what each day's readers rejected (by frame name, where the domain's sources say)."""

    days: dict[dt.date, dict[str, pl.DataFrame]] = field(default_factory=dict)
    snapshots: dict[str, pl.DataFrame] = field(default_factory=dict)
    rejects: dict[dt.date, dict[str, list]] = field(default_factory=dict)


def rows_of(result: pl.DataFrame | Measured) -> pl.DataFrame:
    """The rows a table's function returned, without the figures it measured."""
    return result.frame if isinstance(result, Measured) else result


def run_in_memory(tables: Sequence[Table], days: Sequence[dt.date],
                  sources: Callable[[dt.date], Mapping[str, pl.DataFrame]],
                  on_table: Callable[[Table, dt.date | None], None] = lambda table, day: None) -> MemoryRun:
    """Every table of `tables` of the kinds by day (`daily`, `carried`, `window`, `snapshot`) for the consecutive
    `days`, in declaration order, each kind fed as its asset is; `sources(day)` gives the day's frames of the inputs
    no table here computes (by reference), and `on_table` is called after each table (benchmarks). A table taking
    givens (resources) or whole inputs is refused: they come from a deployment."""
    refused = [table.ref for table in tables if table.given or table.whole]
    if refused:
        raise TypeError(f"{refused} take givens or whole inputs, which only their assets feed")
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
                frames[table.frame_name] = rows_of(table.compute(yesterday.get(table.frame_name), day, **inputs))
            elif table.kind == "window":
                read = {param: pl.concat([run.days[d][name(ref)] for d in table.days_read(day) if d in run.days]
                                         + [inputs[param]]) for param, ref in table.inputs.items()}
                frames[table.frame_name] = rows_of(table.compute(day, **read))
            else:
                earlier = {param: [run.days[day - dt.timedelta(days=n)][name(table.inputs[param])]
                                   for n in range(days_back, 0, -1) if day - dt.timedelta(days=n) in run.days]
                           for param, days_back in table.history.items()}
                frames[table.frame_name] = rows_of(table.compute(
                    day, **{**inputs, **{p: pl.concat([*e, inputs[p]]) for p, e in earlier.items()}}))
            on_table(table, day)
        run.days[day] = frames
    for table in tables:
        if table.kind == "snapshot":
            inputs = {param: pl.concat([frames[name(ref)] for frames in run.days.values()])
                      for param, ref in table.inputs.items()}
            computed = rows_of(table.compute(**inputs))
            run.snapshots[table.frame_name] = table.refresh.finish_rows(computed) if table.refresh else computed
            on_table(table, None)
    return run
