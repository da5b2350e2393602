"""The ETL protocol of a day-keyed domain, written once. For each day of a run: the day's landing files are planned
against what the lake holds of them (`file_rows.plan_day`) and the rows the unchanged files hold are read (`held`);
the day's record is begun; the fresh files are parsed by the domain's parse, in batches when it asks, and each batch
replaces the rows of its files (and, with the first, of the removed files) in every ETL table by `source_file`
(`replace_files`); the games each table holds are recorded with a new generation token for those written
(`record_generations`); and the record is committed, the rejected files left out. A run failing between two steps
leaves the changed files unrecorded, so the next run parses them again (`file_rows.DayFiles`). The record's sequence
(begin, write, record what the reader keeps, commit) is written once, `recorded`, for a day written batch by batch
(`write_etl_day`) and for days written whole in one write (`write_days_whole`).

A domain declares what differs (`EtlTables`): its files, its parse (a batch of files → the rows of each table and
the files rejected, `Parsed`), the rows it needs of the unchanged files, its tables and the column naming a game."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import dagster as dg
import polars as pl

from gamestats_assets.lib.core.partitions import days_of
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.intake.discovery import day_folder
from gamestats_assets.lib.intake.file_rows import FILE_COLUMN, DayFiles, batch_files, file_name, plan_day, reused_rows
from gamestats_assets.lib.intake.quarantine import quarantine_file
from gamestats_assets.lib.intake.retired_days import RetiredDay, kept_metadata, retired_day
from gamestats_assets.lib.lake.io_manager import DeltaLakeIOManager
from gamestats_assets.lib.lake.write import side_by_side
from gamestats_assets.lib.refresh.generations import read_generations, renewed, write_generations

T = TypeVar("T")

FILE_COUNTS = ("files_quarantined", "files_parsed", "files_reused", "files_removed")
"""The counts of a run's files, in every ETL asset's metadata."""


@dataclass(frozen=True)
class Parsed:
    """What a domain's parse gives of a batch of files: the rows of each ETL table (each with its `source_file`),
    the files it `rejected` with the reason (quarantined by the protocol) or `quarantined` itself, counts to add to
    the run's metadata, what to record of the batch just before the day's record is committed (`recording`: what
    a reader keeps beside the record) and what to do once it is committed (`committed`)."""

    tables: Mapping[str, pl.DataFrame]
    rejected: Sequence[tuple[Path, str]] = ()
    metadata: Mapping[str, float] = field(default_factory=dict)
    quarantined: Sequence[Path] = ()
    recording: Callable[[], None] | None = None
    committed: Callable[[], None] | None = None

    @property
    def refused(self) -> list[Path]:
        """Every file of the batch whose rows are not written: rejected or quarantined."""
        return [*(path for path, _ in self.rejected), *self.quarantined]


@dataclass(frozen=True)
class EtlDay:
    """A day of an ETL run before its files are parsed: its date, its landing folder, its files as planned, the
    rows the lake holds of its unchanged files (`held`, by table) and every file of the day (`paths`, in the order
    the domain lists them)."""

    date: dt.date
    folder: Path
    plan: DayFiles
    held: Mapping[str, pl.DataFrame] = field(default_factory=dict)
    paths: Sequence[Path] = ()


Parse = Callable[[Sequence[Path]], Parsed]
"""A domain's parse of a day's batch of fresh files."""


@dataclass(frozen=True)
class GameKeys:
    """How a domain's ETL tables hold its games: the `column` naming a game, and for each table keyed by game the
    table whose unchanged files' rows (`held`) give the games it keeps and the tables whose rows written give the
    games it gets. With `renew_replaced`, a game whose rows a replaced file held gets a new token even when another
    file still holds it (a domain keeping one file's copy of a record delivered twice)."""

    column: str
    tables: Mapping[str, tuple[str, tuple[str, ...]]]
    renew_replaced: bool = False


@dataclass(frozen=True)
class EtlTables:
    """A day-keyed domain's ETL tables as the protocol runs them: `domain`, the `reader` and `version` its record of
    each day's files is kept under (a new version parses every file again), the files of a day folder (`files`),
    the table keys by name (`keys`), the parse of a day (`parser`: the day → its batch parse; a domain that reads a
    day ahead of its write gives the parse to `write_etl_day` instead), what it reads of the
    unchanged files' rows (`held`: table → columns and a filter), its games (`games`), whether the fresh files are
    parsed in batches (`batched`, `GAMESTATS_PARSE_BATCH_FILES` at most, sorted by `order`), whether a batch's
    tables are written side by side, whether every day of a run is parsed before any is written (`ahead`: a parse
    that reads its day whole when it is made, and refuses the run when it names a `failure`) and whether a day
    retired whole keeps its rows as the lake holds them, its folder not read (`whole_days`, `retired_days.py`)."""

    domain: str
    reader: str
    version: str
    keys: Mapping[str, dg.AssetKey]
    parser: Callable[[EtlDay], Parse] | None = None
    files: Callable[[Path], list[Path]] = lambda folder: []
    held: Mapping[str, tuple[Sequence[str], pl.Expr | None]] = field(default_factory=dict)
    games: GameKeys | None = None
    batched: bool = False
    order: Callable[[Path], Any] | None = None
    side_by_side: bool = False
    ahead: bool = False
    whole_days: bool = False


@dataclass
class DayWritten:
    """What writing a day did: its file counts and the domain's (`counts`), and the rows replaced by table."""

    counts: dict[str, float]
    rows_replaced: dict[str, int]


def plan_etl_day(etl: EtlTables, platform: PlatformResource, lake: DeltaLakeIOManager, day: dt.date) -> EtlDay:
    """The day's files planned (`plan_day`) and the rows the lake holds of its unchanged files read."""
    folder = day_folder(platform, etl.domain, day.isoformat())
    paths = etl.files(folder)
    plan = plan_day(platform, etl.domain, etl.reader, day, folder, paths, etl.version)
    held = {name: reused_rows(lake.day_rows(etl.keys[name], day), plan.unchanged, columns, where)
            for name, (columns, where) in etl.held.items()}
    return EtlDay(day, folder, plan, held, paths)


def games_of_files(rows: pl.LazyFrame, column: str, files: Sequence[str]) -> set[str]:
    """The games (`column`) of a day's rows (`rows`) read from `files`; none when the table was never written."""
    if FILE_COLUMN not in rows.collect_schema().names():
        return set()
    return set(rows.filter(pl.col(FILE_COLUMN).is_in(files)).select(column).collect().to_series())


def record_generations(data_dir: str | Path, day: dt.date, keys: Mapping[str, dg.AssetKey], games: GameKeys,
                       held: Mapping[str, pl.DataFrame], written: Mapping[str, set[str]],
                       taken_out: Mapping[str, set[str]]) -> None:
    """Record the games each table of `games` holds of `day`: those of the unchanged files (`held`) and those just
    `written`, with a new token for those written and those `taken_out` (by held table; `lib/refresh/generations.py`):
    the tables computed by game compute those again."""
    kept_games = {kept: set(held[kept][games.column].to_list()) for kept, _ in games.tables.values()}
    for name, (kept, read) in games.tables.items():
        fresh = set().union(*(written[table] for table in read))
        write_generations(data_dir, keys[name], day, renewed(
            read_generations(data_dir, keys[name], day), fresh | kept_games[kept], fresh | taken_out.get(kept, set())))


def recorded(days: Sequence[tuple[DayFiles, Callable[[], tuple[Sequence[Callable[[], None]], Sequence[Path]]]]],
             write: Callable[[], T]) -> T:
    """The record's sequence, written once: each day's record begun (`DayFiles.begin`: the fresh files pending),
    `write` called, then for each day (its plan, and what it gives once written: the steps recording what its reader
    keeps beside the record, and its refused files) those steps taken and its record committed, the refused files
    left out (`DayFiles.commit`). A failure in `write` commits no day. Returns what `write` returned."""
    for plan, _ in days:
        plan.begin()
    written = write()
    for plan, finish in days:
        steps, refused = finish()
        for step in steps:
            step()
        plan.commit(refused)
    return written


def write_etl_day(etl: EtlTables, context: dg.AssetExecutionContext, platform: PlatformResource,
                  lake: DeltaLakeIOManager, day: EtlDay, parse: Parse) -> DayWritten:
    """Begin the day's record, parse its fresh files batch by batch (`parse`), quarantine what it rejects, replace
    each batch's files' rows in every table, record the games' tokens, what the parse records beside the day's
    record (`Parsed.recording`), and commit the record, the refused files left out."""
    plan, size = day.plan, batch_files() if etl.batched else max(1, len(day.plan.fresh))
    counts: dict[str, float] = dict.fromkeys(FILE_COUNTS, 0)
    rows_replaced = dict.fromkeys(etl.keys, 0)
    game_tables = set().union(*(read for _, read in etl.games.tables.values())) if etl.games else set()
    written: dict[str, set[str]] = {name: set() for name in game_tables}
    taken_out: dict[str, set[str]] = {}
    refused: list[Path] = []
    recording: list[Callable[[], None]] = []
    committed: list[Callable[[], None]] = []

    def write() -> None:
        for batch, replaced in plan.batches(size, etl.order):
            write_batch(batch, replaced)
        if etl.games is not None:
            record_generations(platform.data_dir, day.date, etl.keys, etl.games, day.held, written, taken_out)

    def write_batch(batch: list[Path], replaced: list[str]) -> None:
        parsed = parse(batch)
        for path, reason in parsed.rejected:
            quarantine_file(platform.quarantine_dir, path, etl.domain, day.date.isoformat(), reason)
        refused.extend(parsed.refused)
        replaced = sorted({*replaced, *(file_name(day.folder, path) for path in parsed.refused)})
        if etl.games is not None and etl.games.renew_replaced:
            for kept in {kept for kept, _ in etl.games.tables.values()}:
                taken_out.setdefault(kept, set()).update(
                    games_of_files(lake.day_rows(etl.keys[kept], day.date), etl.games.column, replaced))
        tables = dict(parsed.tables)
        writes = [functools.partial(
            lake.replace_files, etl.keys[name], context.assets_def.specs_by_key[etl.keys[name]].metadata,
            context.assets_def.partitions_def, day.date, rows, replaced, FILE_COLUMN) for name, rows in tables.items()]
        metadata = side_by_side(writes) if etl.side_by_side else [write() for write in writes]
        for name, table_metadata in zip(tables, metadata, strict=True):
            rows_replaced[name] += table_metadata["rows_replaced"]
            if name in game_tables:
                written[name] |= set(tables[name][etl.games.column].to_list())
        for name, value in parsed.metadata.items():
            counts[name] = counts.get(name, 0) + value
        if parsed.recording is not None:
            recording.append(parsed.recording)
        if parsed.committed is not None:
            committed.append(parsed.committed)

    recorded([(plan, lambda: (recording, refused))], write)
    for done in committed:
        done()
    counts.update({**plan.metadata, "files_quarantined": len(refused)})
    return DayWritten(counts, rows_replaced)


@dataclass
class EtlRun:
    """What an ETL run did over its days: the summed counts (`FILE_COUNTS` and the domain's), rows replaced by
    table, and the days retired whole whose rows were kept (`kept`)."""

    counts: dict[str, float]
    rows_replaced: dict[str, int]
    kept: list[RetiredDay] = field(default_factory=list)

    @property
    def kept_metadata(self) -> dict[str, int | str]:
        """What the run kept of the days retired whole, in its metadata (`retired_days.kept_metadata`)."""
        return kept_metadata(self.kept)

    def add(self, day: DayWritten) -> None:
        for name, value in day.counts.items():
            self.counts[name] = self.counts.get(name, 0) + value
        for name, value in day.rows_replaced.items():
            self.rows_replaced[name] = self.rows_replaced.get(name, 0) + value


def run_etl(etl: EtlTables, context: dg.AssetExecutionContext, platform: PlatformResource,
            lake: DeltaLakeIOManager, days: Iterable[dt.date] | None = None) -> EtlRun:
    """Every day of the run (`days`, by default the context's) planned (`plan_etl_day`), parsed and written
    (`write_etl_day`) in turn, the parse of each day given by the domain's `parser`; with `ahead`, every day's parse
    is made before any day is written; with `whole_days`, a day retired whole is kept as the lake holds it."""
    if etl.parser is None:
        raise ValueError(f"the ETL tables of {etl.domain} ({etl.reader}) declare no parser")
    run = EtlRun(dict.fromkeys(FILE_COUNTS, 0), dict.fromkeys(etl.keys, 0))
    dates = list(days_of(context) if days is None else days)
    if etl.whole_days:
        whole = {date: retired_day(platform.data_dir, etl.domain, date.isoformat()) for date in dates}
        run.kept = [day for day in whole.values() if day is not None]
        dates = [date for date, day in whole.items() if day is None]
    if etl.ahead:
        parses = [(day, etl.parser(day)) for day in [plan_etl_day(etl, platform, lake, date) for date in dates]]
        for _, parse in parses:
            if getattr(parse, "failure", None):
                raise dg.Failure(description=parse.failure)
        for day, parse in parses:
            run.add(write_etl_day(etl, context, platform, lake, day, parse))
        return run
    for date in dates:
        day = plan_etl_day(etl, platform, lake, date)
        run.add(write_etl_day(etl, context, platform, lake, day, etl.parser(day)))
    return run


class WholeDay(Protocol):
    """A day of a run written whole with the others, as the domain opens it: the files it quarantined whole
    (`refused`, left out of the day's record) and what it records beside the record (`recording`)."""

    refused: Sequence[Path]

    def recording(self) -> None: ...


D = TypeVar("D", bound=WholeDay)


def write_days_whole(etl: EtlTables, platform: PlatformResource, lake: DeltaLakeIOManager, dates: Iterable[dt.date],
                     open_day: Callable[[EtlDay], D], keep_day: Callable[[RetiredDay], D],
                     write: Callable[[list[D]], T]) -> tuple[list[D], T]:
    """The protocol of a domain whose days are written whole, all in one write (each day's rows streamed, those of
    its unchanged files from the lake, the fresh files parsed on the way): each day of `dates` planned
    (`plan_etl_day`) and opened by the domain (`open_day`), or, retired whole (with `whole_days`, `retired_days.py`),
    kept as the lake holds it (`keep_day`); every planned day's record begun, `write` called with the days, and
    every planned day's record committed once what it records beside it is (`WholeDay.recording`), its refused files
    left out. Returns the days and what `write` returned."""
    opened: list[tuple[D, DayFiles | None]] = []
    for date in dates:
        retired = retired_day(platform.data_dir, etl.domain, date.isoformat()) if etl.whole_days else None
        if retired is not None:
            opened.append((keep_day(retired), None))
            continue
        day = plan_etl_day(etl, platform, lake, date)
        opened.append((open_day(day), day.plan))
    days = [day for day, _ in opened]
    written = recorded([(plan, lambda day=day: ([day.recording], day.refused)) for day, plan in opened
                        if plan is not None], lambda: write(days))
    return days, written
