"""The table model: a lake table declared once, as a `Table` of a pure function and its inputs, from which its
Dagster asset (`table_assets.py`, published as its `publish` says) and its in-memory run (`memory_run.py`, for tests
and benchmarks) are built. One rule binds a function to what it is given: its parameters by name, to the inputs
(tables) and the givens (whose own parameters name the resources they read)."""

import datetime as dt
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

import dagster as dg
import polars as pl

from gamestats_assets.lib.authoring.assets import Publish
from gamestats_assets.lib.authoring.headline import Headline
from gamestats_assets.lib.core.columns import Columns
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.lake.log import table_exists, table_scan
from gamestats_assets.lib.lake.rows import FrameStream
from gamestats_assets.lib.refresh.by_key import ByKey
from gamestats_assets.lib.refresh.fold import Fold, folded_rows
from gamestats_assets.lib.refresh.protocol import Refresh
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


def table_key(domain: str, ref: str) -> dg.AssetKey:
    """The asset key of the table `ref` (`layer/name`) of `domain`."""
    return dg.AssetKey([domain, *ref.split("/")])


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
    state = (table_scan(state_uri, lake.options()).collect() if table_exists(state_uri, lake.options())
             else table.refresh.empty())
    return state, counts
