"""The retention of raw landing files: a file whose data's day is more than `GAMESTATS_LANDING_RETENTION_DAYS` days
before today and whose rows the lake holds as it is (the day's last run parsed it) is retired from its day folder,
its rows kept in the lake and so in every published table (`landing_records.retire`: a run of the day counts it
unchanged while it is gone).

Age is the data's day, the partition the file belongs to, not when the file was written: "older than 30 days"
means the games and logs of more than 30 days ago, as a user reads it, and a copy, a restore from a backup or a
late delivery, which give old data a new modification time, keeps nothing longer. A day is retired once it is
before `today - N`: with N = 30 on 2026-11-27, every day up to 2026-10-27.

Each domain declares how its files are retired (`Retention`), and the code location hands the declarations to
`retire_old_files`. A day-keyed domain whose days are read file by file into the lake (`file_rows.plan_day`)
retires files one by one (`FileByFile`); a match-keyed domain retires a match's files of every kind together, once
all were read into the lake, by the match's day (`ByMatch`, `keyed_files`).

A domain whose reader reads an unchanged file again when a new one shares a record with it (event logs, the
synthetic days the demo generates as well as delivered ones) retires its days whole (`WholeDays`, `retired_days`):
a day cannot keep some of its files. A day past the retention is retired once its last run read every file of it,
so that the lake holds the day as its files are: every file of its folder recorded by the day's readers with its
size and modification time, and no file they recorded gone (`WholeDays.aside` names the files no reader reads,
which go with the day). All its landing files are then removed, the day recorded as retired on today's date under
`state/retired/<domain>/<day>.json`, and later runs of the day keep its lake rows, so its published figures stay
exactly; a file that lands in it later is quarantined under `quarantine/<domain>/<day>/`, saying the day was retired
and its figures are final, and changes nothing in the lake or PostgreSQL. A day whose folder holds a file its last
run did not read as it is (new, changed, or one it read that is gone) is not retired, and the retention names those
files (`Retirement.unread`): its next run reads them, and a later retention retires the day."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gamestats_assets.lib.core import landing_records
from gamestats_assets.lib.core.state_files import state_path
from gamestats_assets.lib.intake.discovery import visible_files
from gamestats_assets.lib.intake.keyed_files import retire_matches
from gamestats_assets.lib.intake.retired_days import retire_day, retired_day

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Retirement:
    """What a retention did: the files retired by domain, the days retired whole by domain, and the days past it
    not retired because their last run did not read every file of them (domain → day → those files)."""

    files: dict[str, int] = field(default_factory=dict)
    days: dict[str, list[str]] = field(default_factory=dict)
    unread: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """`<domain>_files_retired` for every domain, `<domain>_days_retired` for those retired whole."""
        return {**{f"{domain}_files_retired": n for domain, n in self.files.items()},
                **{f"{domain}_days_retired": len(days) for domain, days in self.days.items()}}

    def lines(self) -> list[str]:
        """What it did, as a user reads it: the files retired by domain, then each day kept and why."""
        done = ", ".join(f"{domain}: {n} files retired" + (f" ({plural(len(self.days[domain]), 'day')} retired "
                                                               "whole)" if domain in self.days else "")
                         for domain, n in self.files.items())
        return [done, *(f"{domain} {day} not retired: files new, changed or gone since its last run ("
                        f"{', '.join(names[:5])}{f' and {len(names) - 5} more' if len(names) > 5 else ''}); run the "
                        "day again and a later retention retires it"
                        for domain, days in self.unread.items() for day, names in days.items())]


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def parsed(data_dir: Path, domain: str, day: str) -> dict[str, list]:
    """The files of a day whose rows the lake holds, by any reader of the domain: name → size, modification time."""
    held: dict[str, list] = {}
    for record in sorted(state_path(data_dir, "parsed", domain).glob(f"*/{day}.json")):
        held |= {name: stamp[:2] for name, stamp in json.loads(record.read_text()).get("files", {}).items()}
    return held


def in_lake(folder: Path, path: Path, held: dict[str, list]) -> bool:
    stat = path.stat()
    return held.get(path.relative_to(folder).as_posix()) == [stat.st_size, stat.st_mtime_ns]


def last_retired_day(days: int, today: dt.date | None = None) -> dt.date:
    """The latest day whose files a retention of `days` days retires on `today` (UTC by default)."""
    return (today or utc_today()) - dt.timedelta(days=days + 1)


def utc_today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def old_day_folders(data_dir: Path, domain: str, last: str) -> list[Path]:
    """The day folders of `domain`'s landing up to the day `last`, oldest first."""
    landing = Path(data_dir) / "landing" / domain
    return sorted(p for p in landing.iterdir() if p.is_dir() and DAY.match(p.name) and p.name <= last) \
        if landing.is_dir() else []


def unread_files(data_dir: Path, domain: str, folder: Path, aside: tuple[str, ...]) -> list[str]:
    """The files of a day that its last run did not read as they are: in its folder (but `aside`, read by no
    reader) without being recorded by a reader of the domain with their size and modification time, or recorded
    and gone from it."""
    held = parsed(data_dir, domain, folder.name)
    present = {landing_records.file_name(folder, path): path for path in visible_files(folder, recursive=True)}
    fresh = [name for name, path in present.items() if name not in aside and not in_lake(folder, path, held)]
    return sorted({*fresh, *(set(held) - set(present))})


def retire_whole_days(data_dir: Path, domain: str, aside: tuple[str, ...], last: str, today: dt.date,
                      retirement: Retirement) -> None:
    """Retire whole every day of `domain` up to `last` whose last run read every file of it but `aside`, on
    `today`; the others past it are added to `retirement.unread`."""
    retirement.files[domain], retirement.days[domain] = 0, []
    for folder in old_day_folders(data_dir, domain, last):
        files = visible_files(folder, recursive=True)
        if not files or retired_day(data_dir, domain, folder.name) is not None:
            continue
        unread = unread_files(data_dir, domain, folder, aside)
        if unread:
            retirement.unread.setdefault(domain, {})[folder.name] = unread
            continue
        retirement.files[domain] += retire_day(data_dir, domain, folder, files, today)
        retirement.days[domain].append(folder.name)


@dataclass(frozen=True)
class FileByFile:
    """A day-keyed domain whose days are read file by file into the lake: each file of a day up to the last one
    retired whose rows the lake holds is retired on its own (`landing_records.retire`)."""

    def retire(self, data_dir: Path, domain: str, last: str, today: dt.date, retirement: Retirement) -> None:
        retirement.files[domain] = 0
        for folder in old_day_folders(data_dir, domain, last):
            held = parsed(data_dir, domain, folder.name)
            old = [path for path in visible_files(folder, recursive=True) if in_lake(folder, path, held)]
            retirement.files[domain] += landing_records.retire(data_dir, domain, folder.name, folder, old)


@dataclass(frozen=True)
class ByMatch:
    """A match-keyed domain, with the kinds of files a match has (`kinds`, the first recording its day): a match's
    files are retired together once every kind was read into the lake (`keyed_files.retire_matches`)."""

    kinds: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.kinds:
            raise ValueError("a match-keyed retention names the kinds of files a match has")

    def retire(self, data_dir: Path, domain: str, last: str, today: dt.date, retirement: Retirement) -> None:
        retirement.files[domain] = retire_matches(data_dir, domain, self.kinds, last)


@dataclass(frozen=True)
class WholeDays:
    """A domain whose days are retired whole (`retire_whole_days`), with the files of a day that no reader reads
    (`aside`: a synthetic emitter's planted truth), which go with the day."""

    aside: tuple[str, ...] = ()

    def retire(self, data_dir: Path, domain: str, last: str, today: dt.date, retirement: Retirement) -> None:
        retire_whole_days(data_dir, domain, self.aside, last, today, retirement)


Retention = FileByFile | ByMatch | WholeDays
"""How a domain's landing files are retired, as the domain declares it."""


def retire_old_files(data_dir: Path, days: int, retentions: Mapping[str, Retention],
                     today: dt.date | None = None) -> Retirement:
    """Retire the landing files of every domain of `retentions` (domain → how its files are retired) whose day is
    more than `days` days before `today` (UTC by default) and whose rows the lake holds."""
    today = today or utc_today()
    last = last_retired_day(days, today).isoformat()
    retirement = Retirement()
    for domain, retention in retentions.items():
        retention.retire(data_dir, domain, last, today, retirement)
    return retirement
