"""A day's ThinkingData files read incrementally (`lib/intake/file_rows.py`), with what the reader decides across
files as a read of every file of the day decides it: a record delivered in two files is given once (the first
file's copy), different records under one `#uuid` are all rejected, and the day's rejected lines and read counts
are every file's.

What each file's last read gave beside its rows (`FileRead`: counts, rejected lines, record keys) is kept beside the
day's record (`FileNotes`). The unchanged files whose record keys meet those of a file read, changed or removed,
directly or through another such file, are read again with the fresh ones (`DayRead.widen`): the reader decides
their rows together, and every file reused from the lake shares no record with them, so its rows, rejects and
counts are what a read of the whole day gives."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NamedTuple

import polars as pl

from gamestats_assets.lib.core.state_files import write_state_file
from gamestats_assets.lib.intake.etl_day import EtlDay, Parsed
from gamestats_assets.lib.intake.file_rows import FILE_COLUMN, DayFiles, file_name
from gamestats_assets.lib.intake.quarantine import Reject, quarantine_file, quarantine_records, record_read
from gamestats_assets.sources.thinkingdata.reader import FileRead, ReadResult, ReadStats

NO_KEYS = pl.Series("_key", [], pl.UInt64)


class FileNotes:
    """What each of a day's files gave when one reader last read it, by file name, with the content digest of the
    file read: `<record>.files/<name>.json` (counts and rejected lines) and `<name>.keys.parquet` (record keys)."""

    def __init__(self, plan: DayFiles) -> None:
        self.folder = plan.record.with_suffix(".files")

    def names(self) -> set[str]:
        """The files with notes."""
        if not self.folder.is_dir():
            return set()
        return {path.relative_to(self.folder).as_posix().removesuffix(".json") for path in self.folder.rglob("*.json")}

    def load(self, name: str) -> tuple[str, FileRead] | None:
        """(digest of the file read, what the read gave), or None without notes."""
        path, keys = self._paths(name)
        if not (path.exists() and keys.exists()):
            return None
        note = json.loads(path.read_text())
        return note["digest"], FileRead(ReadStats(**note["stats"]), [Reject(**r) for r in note["rejects"]],
                                        pl.read_parquet(keys).get_column("_key"))

    def save(self, name: str, digest: str, read: FileRead) -> None:
        path, keys = self._paths(name)
        written = io.BytesIO()
        read.keys.rename("_key").to_frame().write_parquet(written)
        write_state_file(keys, written.getvalue())
        note = {"digest": digest, "stats": read.stats.as_dict(), "rejects": [asdict(r) for r in read.rejects]}
        write_state_file(path, json.dumps(note))

    def keep(self, names: Iterable[str]) -> None:
        """Remove the notes of every file but `names`."""
        for name in self.names() - set(names):
            for path in self._paths(name):
                path.unlink(missing_ok=True)

    def _paths(self, name: str) -> tuple[Path, Path]:
        return self.folder / f"{name}.json", self.folder / f"{name}.keys.parquet"


@dataclass
class DayRead:
    """One reader's read of a day's files (`plan`, `order`: every file of the day in the order a read takes them):
    which to read (the fresh ones, and the unchanged ones whose rows depend on them), which to reuse from the lake
    with their notes, and the day's rejected lines and counts over both."""

    plan: DayFiles
    order: list[str]
    notes: FileNotes
    reused_notes: dict[str, FileRead] = field(default_factory=dict)

    @classmethod
    def start(cls, plan: DayFiles, paths: Sequence[Path]) -> DayRead:
        """The day's read before any file is read: the unchanged files that meet a changed or removed file's records
        (as its notes hold them) or whose notes are missing are read again. A file with notes that is gone from the
        folder is removed, even when a run that failed took it out of the record before its rows were."""
        day = cls(plan, [file_name(plan.folder, path) for path in paths], FileNotes(plan))
        held = {name: day.notes.load(name) for name in plan.unchanged}
        day.reused_notes = {name: note[1] for name, note in held.items()
                            if note is not None and note[0] == plan.stamps[name][2]}
        noted = day.notes.names()
        gone = noted - set(plan.unchanged)
        plan.removed = sorted({*plan.removed, *(noted - set(plan.stamps))})
        if not set(plan.removed) <= noted:
            plan.parse_again(plan.unchanged)
            day.reused_notes = {}
        else:
            plan.parse_again(set(plan.unchanged) - set(day.reused_notes))
            day._entangle([note[1].keys for name in gone if (note := day.notes.load(name)) is not None])
        return day

    @property
    def untouched(self) -> bool:
        """Whether the lake holds the day's rows as they are: no file to read, none removed."""
        return not self.plan.fresh and not self.plan.removed

    def to_read(self) -> list[Path]:
        """The files to read, in the day's order."""
        fresh = set(self.plan.fresh_names)
        return [self.plan.folder / name for name in self.order if name in fresh]

    @property
    def reused(self) -> list[str]:
        """The files whose rows are taken from the lake."""
        return list(self.plan.unchanged)

    def widen(self, read: Mapping[str, FileRead]) -> bool:
        """Take the unchanged files whose records meet those just `read` to be read again; whether there were any."""
        return self._entangle([file.keys for file in read.values()])

    def _entangle(self, seeds: list[pl.Series]) -> bool:
        """Move the unchanged files sharing a record key with `seeds`, directly or through each other, to the files
        to read; whether there were any."""
        keys = pl.concat([NO_KEYS, *seeds])
        met: set[str] = set()
        while keys.len():
            meeting = {name for name in self.plan.unchanged if name not in met
                       and self.reused_notes[name].keys.is_in(keys.implode()).any()}
            if not meeting:
                break
            met |= meeting
            keys = pl.concat([NO_KEYS, *(self.reused_notes[name].keys for name in meeting)])
        self.plan.parse_again(met)
        for name in met:
            del self.reused_notes[name]
        return bool(met)

    def totals(self, read: Mapping[str, FileRead]) -> tuple[list[Reject], ReadStats]:
        """The day's rejected lines in file order and its counts: the reused files' as their notes hold them, the
        others' as just `read`."""
        files = [self.reused_notes.get(name) or read[name] for name in self.order
                 if name in self.reused_notes or name in read]
        counts = ReadStats()
        for file in files:
            for name, value in file.stats.as_dict().items():
                setattr(counts, name, getattr(counts, name) + value)
        return [reject for file in files for reject in file.rejects], counts

    def rows_after(self, read: int, lake_rows: pl.LazyFrame) -> int:
        """How many rows the day holds once written: the `read` ones, and those the lake holds of the reused files
        (read from `lake_rows`, the table's rows of the day, only when none was read)."""
        if read or FILE_COLUMN not in lake_rows.collect_schema().names():
            return read
        return lake_rows.filter(pl.col(FILE_COLUMN).is_in(self.reused)).select(pl.len()).collect().item()

    def read(self, read: Callable[[list[Path]], ReadResult]) -> ReadResult:
        """The day read whole (`read` of the files to read): the files new or changed since the day's last run, with
        the unchanged ones whose records meet theirs, read again until none is left (`widen`)."""
        result = read(self.to_read())
        while self.widen(result.files):
            result = read(self.to_read())
        return result

    def record_read(self, quarantine_dir: Path, domain: str, partition: str, source: str,
                    read: Mapping[str, FileRead]) -> ReadStats:
        """Quarantine the day's rejected lines and keep its read counts, every file's (`totals`: the reused ones' as
        their notes hold them, the others' as just `read`); the counts."""
        rejects, stats = self.totals(read)
        quarantine_records(quarantine_dir, rejects, domain, partition, source)
        record_read(quarantine_dir, domain, partition, source, stats.as_dict())
        return stats

    def finish(self, quarantine_dir: Path, domain: str, partition: str, source: str, read: Mapping[str, FileRead],
               unreadable: Sequence[Path], rows: Callable[[], int], lines: str = "line"
               ) -> tuple[ReadStats, str | None]:
        """The day's read recorded (`record_read`), given the files read whole (`read`), those quarantined as
        unreadable and how many rows the day holds once written (`rows`, asked only when a line or file was
        delivered): its counts, and why its run fails when every line delivered (the `lines` named in the reason)
        was rejected or unreadable."""
        stats = self.record_read(quarantine_dir, domain, partition, source, read)
        if (stats.lines or unreadable) and not rows():
            return stats, (f"every {lines} delivered for {partition} was rejected or unreadable: see "
                           f"{quarantine_dir / domain / partition}")
        return stats, None

    def recording(self, read: Mapping[str, FileRead]) -> None:
        """Just before the day's record is committed (by the intake protocol, `lib/intake/etl_day.py`): keep the
        notes of the files just `read` and of the reused ones only."""
        for name, file in read.items():
            self.notes.save(name, self.plan.stamp(name)[2], file)
        self.notes.keep([*read, *self.reused_notes])


class ReadAhead(NamedTuple):
    """The parse of an ETL day (`lib/intake/etl_day.py`) whose ThinkingData files are read whole ahead of its write:
    the table's `name`, the day's files (`DayRead`), what the read of its fresh ones gave, its read counts (lines
    read, rejected ...) and why the run fails, when every line delivered was rejected or unreadable (`failure`)."""

    name: str
    files: DayRead
    read: ReadResult
    counts: dict[str, int]
    failure: str | None

    @classmethod
    def of(cls, day: EtlDay, domain: str, name: str, compute: Callable[..., ReadResult], quarantine_dir: Path,
           lake_rows: pl.LazyFrame) -> ReadAhead:
        """The day read (`DayRead.read` of `compute(folder, date, files=...)`), its unreadable files quarantined,
        its rejected lines and read counts written under `domain`, every file's, and why the run fails
        (`DayRead.finish`); `lake_rows` are the table's rows of the day."""
        key = day.date.isoformat()
        files = DayRead.start(day.plan, day.paths)
        read = files.read(lambda paths: compute(day.folder, day.date, files=paths))
        for path, reason in read.unreadable:
            quarantine_file(quarantine_dir, path, domain, key, reason)
        stats, failure = files.finish(quarantine_dir, domain, key, name, read.files, read.unreadable,
                                      lambda: files.rows_after(read.frame.height, lake_rows), f"{name} line")
        return cls(name, files, read, stats.as_dict(), failure)

    def __call__(self, batch: Sequence[Path]) -> Parsed:
        """The day's rows as read ahead of its write (the whole day is one `batch`), its unreadable files quarantined
        already, and the notes of what each file's read gave kept just before the day's record is committed."""
        return Parsed({self.name: self.read.frame}, metadata=self.counts,
                      quarantined=[path for path, _ in self.read.unreadable],
                      recording=lambda: self.files.recording(self.read.files))
