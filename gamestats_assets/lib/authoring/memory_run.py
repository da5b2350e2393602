"""The in-memory run of declared tables (`run_in_memory`): consecutive days computed in declaration order, each
kind of table fed as its asset is, without Dagster or the lake, for tests and benchmarks."""

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from gamestats_assets.lib.authoring.table import Measured, Table


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
