"""Days retired whole: the days of a domain whose reader reads an unchanged file again when a new one shares a record
with it (event logs) cannot lose some files and keep reading others, so the retention (`retention.WholeDays`)
removes all the files of such a day at once and the day is final.

The record, `<data_dir>/state/retired/<domain>/<day>.json`, holds the date the day was retired (`retired_on`) and its
files (`files`: name → size, modification time, content digest), written before any file is removed. A run of a
retired day keeps the rows the lake holds of it in every ETL table without looking at its folder, gone or empty (its
ETL says so in its metadata, `kept_metadata`), so every table computed from them and every published figure stays. A
file that lands in a retired day later is quarantined unread with the reason (`quarantine_late_files`): reading it
would need the day's files it may share records with."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gamestats_assets.lib.core.landing_records import RETIRED_ON, digest, file_name, retired_path
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.state_files import write_state_file
from gamestats_assets.lib.intake.discovery import visible_files
from gamestats_assets.lib.intake.quarantine import quarantine_file


@dataclass(frozen=True)
class RetiredDay:
    """A day retired whole: its key (`YYYY-MM-DD`), the date it was retired, and the files it had then."""

    day: str
    retired_on: str
    files: dict[str, list]

    @property
    def reason(self) -> str:
        """Why a file landing in the day is quarantined unread."""
        return (f"the day {self.day} was retired on {self.retired_on} and its figures are final: its landing files "
                "are gone, so a file landing in it now cannot be read with them and is not read")


def retired_day(data_dir: str | Path, domain: str, day: str) -> RetiredDay | None:
    """The day `day` of `domain` as it was retired whole; None when it was not (a day whose files are retired one
    by one, `landing_records.retire`, is not)."""
    path = retired_path(data_dir, domain, day)
    record = json.loads(path.read_text()) if path.exists() else {}
    return RetiredDay(day, record[RETIRED_ON], record["files"]) if RETIRED_ON in record else None


def retire_day(data_dir: str | Path, domain: str, folder: Path, paths: Iterable[Path], today: dt.date) -> int:
    """Retire the day of `folder` whole on `today`: `paths`, every file of it, recorded, then removed. Returns how
    many were removed."""
    paths = [path for path in paths if path.is_file()]
    files = {}
    for path in paths:
        stat = path.stat()
        files[file_name(folder, path)] = [stat.st_size, stat.st_mtime_ns, digest(path)]
    record = retired_path(data_dir, domain, folder.name)
    write_state_file(record, json.dumps({RETIRED_ON: today.isoformat(), "files": files}, sort_keys=True))
    for path in paths:
        path.unlink()
    return len(paths)


def quarantine_late_files(platform: PlatformResource, domain: str, folder: Path) -> int:
    """Quarantine, with the reason, every file in the folder of a day retired whole (under
    `quarantine/<domain>/<day>/`): none of them is read. Returns how many; 0 for a day not retired whole."""
    retired = retired_day(platform.data_dir, domain, folder.name)
    if retired is None:
        return 0
    late = visible_files(folder, recursive=True)
    for path in late:
        quarantine_file(platform.quarantine_dir, path, domain, folder.name, retired.reason)
    return len(late)


def kept_metadata(days: Sequence[RetiredDay]) -> dict[str, int | str]:
    """What an ETL run says of the retired days it kept: how many, and which, with the date each was retired."""
    if not days:
        return {"days_retired_kept": 0}
    return {"days_retired_kept": len(days),
            "days_retired": ", ".join(f"{day.day} (retired on {day.retired_on})" for day in days)
            + ": rows kept as the lake holds them, their landing folder not read"}
