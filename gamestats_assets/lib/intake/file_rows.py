"""A day's landing files parsed once: the rows an ETL table holds of a file carry its name (`source_file`, its path
inside the day folder), and a run parses only the files that are new or changed since the day's last successful run
(`plan_day`, by content fingerprint), takes out the rows of changed and removed files, and reuses every other
file's rows in the lake.

What the lake holds of each file is recorded per day and reader in `<data_dir>/state/parsed/<domain>/<reader>/<day>
.json` (name → size, modification time, content digest). A file retired from landing (by the retention setting,
or as a deleted player's file no format lets us rewrite, `core/landing_records.retire`) keeps its rows: it is
recorded under `<data_dir>/state/retired/<domain>/<day>.json` and counts as unchanged while it is gone. The record is cut to the unchanged and removed files before
a run writes (`DayFiles.begin`) and completed after every table of the day is written (`DayFiles.commit`): a run
that fails between the two leaves the changed files unrecorded and the removed ones recorded, so the next run parses
the first again and takes the rows of the second out, and the rows of the others, untouched, stay right. A reader
may write the fresh files' rows in batches (`DayFiles.batches`, at most `GAMESTATS_PARSE_BATCH_FILES` files each), so
that what it holds at once is a batch's, not the day's: until `commit`, the fresh files are recorded as pending (no
stamp), so that after a failure the next run parses those still there again, replacing the rows an earlier batch
wrote of them, and takes out the rows of those gone. The sequence a domain's ETL runs with these (plan, begin,
replace, commit) is written once, in `etl_day.py`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
import polars as pl

from gamestats_assets.lib.core.allocation import bulk_allocation
from gamestats_assets.lib.core.landing_records import Content, digest, file_name, retired
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.settings import env_count
from gamestats_assets.lib.core.state_files import state_path, write_state_file

BATCH_FILES_ENV = "GAMESTATS_PARSE_BATCH_FILES"
DEFAULT_BATCH_FILES = 2000
PENDING = [None, None, None]
"""The stamp of a fresh file while its run writes: matching no file, it is parsed again if still there, and its rows
are taken out if gone."""

FILE_COLUMN = "source_file"
"""The column of an ETL table naming the landing file a row was read from (its path inside the day folder)."""


def batch_files() -> int:
    """`GAMESTATS_PARSE_BATCH_FILES`: the most fresh files of a day a reader parses and writes at once (default
    2,000)."""
    return env_count(BATCH_FILES_ENV, DEFAULT_BATCH_FILES, "files")


@dataclass
class DayFiles:
    """A day's landing files as one reader sees them against what the lake holds of them: `unchanged` (names whose
    rows the lake holds as they are), `fresh` (paths new or changed since, to parse) and `removed` (names the lake
    holds rows of that are gone from the folder)."""

    record: Path
    folder: Path
    version: str
    stamps: dict[str, list]
    unchanged: list[str]
    fresh: list[Path]
    removed: list[str]
    gone: dict[str, list]
    """What the record held of the `removed` files."""
    digests: dict[str, Future[str]] = field(default_factory=dict)
    """The content digests of new files still being computed (`plan_day`), by name: each goes into its file's stamp
    when the stamp is first asked for (`stamp`)."""

    @property
    def metadata(self) -> dict[str, int]:
        """What the run did with the day's files: parsed, reused from the lake, removed."""
        return {"files_parsed": len(self.fresh), "files_reused": len(self.unchanged),
                "files_removed": len(self.removed)}

    def replaced(self, rejected: Iterable[Path] = ()) -> list[str]:
        """The files whose rows the run replaces in the lake: those parsed, removed, and `rejected` (a file
        quarantined, an earlier one among them)."""
        names = [file_name(self.folder, path) for path in (*self.fresh, *rejected)]
        return sorted({*names, *self.removed})

    def batches(self, size: int, order: Callable[[Path], Any] | None = None) -> list[tuple[list[Path], list[str]]]:
        """The fresh files in batches of at most `size`, sorted by `order` when given (a stable sort), each with the
        files whose rows its write replaces: its own, and the removed files' with the first. One empty batch when no
        file is fresh (the removed files' rows are still taken out)."""
        fresh = sorted(self.fresh, key=order) if order is not None else list(self.fresh)
        parts = [fresh[start:start + size] for start in range(0, len(fresh), size)] or [[]]
        return [(part, sorted({*(file_name(self.folder, path) for path in part), *(() if number else self.removed)}))
                for number, part in enumerate(parts)]

    def parse_again(self, names: Iterable[str]) -> None:
        """Take the unchanged files `names` to be parsed again: their rows depend on what the fresh files hold (a
        reader deciding across files, say which copy of a record delivered twice is kept)."""
        again = set(names) - set(self.fresh_names)
        self.fresh += [self.folder / name for name in self.unchanged if name in again]
        self.unchanged = [name for name in self.unchanged if name not in again]

    @property
    def fresh_names(self) -> list[str]:
        """The fresh files' names, as their rows carry them."""
        return [file_name(self.folder, path) for path in self.fresh]

    def stamp(self, name: str) -> list:
        """The file's stamp: size, modification time and content digest (awaited when still being computed)."""
        pending = self.digests.pop(name, None)
        if pending is not None:
            self.stamps[name][2] = pending.result()
        return self.stamps[name]

    def begin(self) -> None:
        """Record the unchanged files, the removed ones as they were (a run failing before it takes their rows out
        leaves them removed for the next) and the fresh ones as `PENDING` (a run failing after a batch wrote their
        rows leaves them to be parsed again, or removed), before the day's tables are written."""
        self._write({**self.gone, **{name: PENDING for name in self.fresh_names},
                     **{name: self.stamps[name] for name in self.unchanged}})

    def commit(self, rejected: Iterable[Path] = ()) -> None:
        """Record every file of the day as parsed into the lake, but the `rejected` ones (quarantined, their rows
        not written), once every table of the day is written."""
        refused = {file_name(self.folder, path) for path in rejected}
        kept = [*self.unchanged, *(file_name(self.folder, path) for path in self.fresh)]
        self._write({name: self.stamp(name) for name in kept if name not in refused})

    @bulk_allocation()
    def _write(self, files: Mapping[str, list]) -> None:
        write_state_file(self.record, msgspec.json.encode({"version": self.version, "files": files}, order="sorted"))


def record_path(platform: PlatformResource, domain: str, reader: str, day: dt.date) -> Path:
    """Where what the lake holds of a day's files, as `reader` parsed them, is recorded."""
    return state_path(platform.data_dir, "parsed", domain, reader, f"{day.isoformat()}.json")


@bulk_allocation()
def plan_day(platform: PlatformResource, domain: str, reader: str, day: dt.date, folder: Path,
             files: Sequence[Path], version: str) -> DayFiles:
    """Split the day's `files` (in `folder`) by what the lake holds of them as `reader` (at `version`; another
    version parses every file again) read them on the day's last successful run. A file whose size and modification
    time are as recorded is taken as unchanged without reading it; any other is read for its content digest, so a
    file written again with the same bytes is not parsed again. A file the record does not hold is fresh whatever
    its content: its digest, needed only to record it, is computed in a thread of the plan's own while the file is
    parsed (hashing releases the GIL), and awaited when the stamp is asked for (`DayFiles.stamp`). A retired file is
    unchanged while it is gone."""
    path = record_path(platform, domain, reader, day)
    recorded = msgspec.json.decode(path.read_bytes()) if path.exists() else {}
    held = recorded.get("files", {}) if recorded.get("version") == version else {}
    stamps, unchanged, fresh, digests = {}, [], [], {}
    hashing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="landing-digest")
    for file in files:
        name = file_name(folder, file)
        stat = file.stat()
        before = held.get(name)
        if before is None:
            stamps[name], digests[name] = [stat.st_size, stat.st_mtime_ns, None], hashing.submit(digest, file)
        elif before[:2] == [stat.st_size, stat.st_mtime_ns]:
            stamps[name] = before
        else:
            content = Content(file)
            stamps[name] = [stat.st_size, stat.st_mtime_ns, before[2] if content.matches(before[2]) else content.digest]
        if before is not None and before[2] == stamps[name][2]:
            unchanged.append(name)
        else:
            fresh.append(file)
    hashing.shutdown(wait=False)
    for name in (set(held) - set(stamps)) & set(retired(platform.data_dir, domain, day.isoformat())):
        stamps[name] = held[name]
        unchanged.append(name)
    removed = sorted(set(held) - set(stamps))
    return DayFiles(path, folder, version, stamps, unchanged, fresh, removed, {name: held[name] for name in removed},
                    digests)


def reused_rows(rows: pl.LazyFrame, unchanged: Sequence[str], columns: Sequence[str] = (),
                where: pl.Expr | None = None) -> pl.DataFrame:
    """The rows of a day's lake table read from the `unchanged` files, only those `where` holds when given, and only
    `columns` (and `FILE_COLUMN`) when given, each distinct row of those once; none when the table was never
    written."""
    schema = rows.collect_schema()
    if FILE_COLUMN not in schema.names():
        return pl.DataFrame(schema={name: pl.String for name in (*columns, FILE_COLUMN)} if columns else {})
    if where is not None:
        rows = rows.filter(where)
    if columns:
        rows = rows.select(*columns, FILE_COLUMN).unique()
    return rows.join(pl.LazyFrame({FILE_COLUMN: list(unchanged)}, schema={FILE_COLUMN: pl.String}), on=FILE_COLUMN,
                     how="semi").collect()
