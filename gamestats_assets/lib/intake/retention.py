"""The retention of raw landing files: a file whose data's day is more than `GAMESTATS_LANDING_RETENTION_DAYS` days
before today and whose rows the lake holds as it is (the day's last run parsed it) is retired from its day folder,
its rows kept in the lake and so in every published table (`file_rows.retire`: a run of the day counts it unchanged
while it is gone).

Age is the data's day, the partition the file belongs to, not when the file was written: "older than 30 days"
means the games and logs of more than 30 days ago, as a user reads it, and a copy, a restore from a backup or a
late delivery, which give old data a new modification time, keeps nothing longer. A day is retired once it is
before `today - N`: with N = 30 on 2026-11-27, every day up to 2026-10-27.

The domains whose days are read file by file into the lake (`file_rows.plan_day`), `rocket` and `lol`, retire
files one by one; PUBG retires a match's match object and telemetry together, once both were read into the lake, by
the match's day (`keyed_files`).

The ThinkingData days of `l2m` and `demo_data` (the synthetic days the demo generates as well as delivered ones) are
retired whole (`retired_days`): their reader reads an unchanged file again when a new one shares a record with it,
so a day cannot keep some of its files. A day past the retention is retired once its last run read every file of
it, so that the lake holds the day as its files are: every file of its folder recorded by the day's readers with
its size and modification time, and no file they recorded gone (`WHOLE_DAYS` names the files no reader reads, which
go with the day). All its landing files are then removed, the day recorded as retired on today's date under
`state/retired/<domain>/<day>.json`, and later runs of the day keep its lake rows, so its published figures stay
exactly; a file that lands in it later is quarantined under `quarantine/<domain>/<day>/`, saying the day was retired
and its figures are final, and changes nothing in the lake or PostgreSQL. A day whose folder holds a file its last
run did not read as it is (new, changed, or one it read that is gone) is not retired, and the retention names those
files (`Retirement.unread`): its next run reads them, and a later retention retires the day."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from gamestats_assets.lib.intake.discovery import visible_files
from gamestats_assets.lib.intake.file_rows import file_name, retire
from gamestats_assets.lib.intake.keyed_files import retire_matches
from gamestats_assets.lib.intake.retired_days import retire_day, retired_day
from gamestats_assets.sources.l2m import TRUTH_FILE

RETIRING_DOMAINS = ("rocket", "lol")
MATCH_KEYED = {"pubg": ("matches", "telemetry")}
"""The match-keyed domains, with the kinds of files a match has (the first records its day)."""
WHOLE_DAYS = {"l2m": (TRUTH_FILE,), "demo_data": ()}
"""The domains whose days are retired whole, with the files of a day that no reader reads (the synthetic emitter's
planted truth): they go with the day."""
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
    for record in sorted((Path(data_dir) / "state" / "parsed" / domain).glob(f"*/{day}.json")):
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
    present = {file_name(folder, path): path for path in visible_files(folder, recursive=True)}
    fresh = [name for name, path in present.items() if name not in aside and not in_lake(folder, path, held)]
    return sorted({*fresh, *(set(held) - set(present))})


def retire_whole_days(data_dir: Path, domain: str, last: str, today: dt.date, retirement: Retirement) -> None:
    """Retire whole every day of `domain` up to `last` whose last run read every file of it, on `today`; the
    others past it are added to `retirement.unread`."""
    retirement.files[domain], retirement.days[domain] = 0, []
    for folder in old_day_folders(data_dir, domain, last):
        files = visible_files(folder, recursive=True)
        if not files or retired_day(data_dir, domain, folder.name) is not None:
            continue
        unread = unread_files(data_dir, domain, folder, WHOLE_DAYS[domain])
        if unread:
            retirement.unread.setdefault(domain, {})[folder.name] = unread
            continue
        retirement.files[domain] += retire_day(data_dir, domain, folder, files, today)
        retirement.days[domain].append(folder.name)


def retire_old_files(data_dir: Path, days: int, today: dt.date | None = None) -> Retirement:
    """Retire the landing files of every domain whose day is more than `days` days before `today` (UTC by default)
    and whose rows the lake holds: those of `RETIRING_DOMAINS` file by file, of `MATCH_KEYED` match by match, of
    `WHOLE_DAYS` day by day."""
    today = today or utc_today()
    last = last_retired_day(days, today).isoformat()
    retirement = Retirement()
    for domain in RETIRING_DOMAINS:
        retirement.files[domain] = 0
        for folder in old_day_folders(data_dir, domain, last):
            held = parsed(data_dir, domain, folder.name)
            old = [path for path in visible_files(folder, recursive=True) if in_lake(folder, path, held)]
            retirement.files[domain] += retire(data_dir, domain, folder.name, folder, old)
    for domain, kinds in MATCH_KEYED.items():
        retirement.files[domain] = retire_matches(data_dir, domain, kinds, last)
    for domain in WHOLE_DAYS:
        retire_whole_days(data_dir, domain, last, today, retirement)
    return retirement
