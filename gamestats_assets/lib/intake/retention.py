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
the match's day (`keyed_files`). The ThinkingData days of `l2m` and `demo_data` read an unchanged file again when a
new one shares a record with it, so their files are kept."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from gamestats_assets.lib.intake.discovery import visible_files
from gamestats_assets.lib.intake.file_rows import retire
from gamestats_assets.lib.intake.keyed_files import retire_matches

RETIRING_DOMAINS = ("rocket", "lol")
MATCH_KEYED = {"pubg": ("matches", "telemetry")}
"""The match-keyed domains, with the kinds of files a match has (the first records its day)."""
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
    return (today or dt.datetime.now(dt.timezone.utc).date()) - dt.timedelta(days=days + 1)


def retire_old_files(data_dir: Path, days: int, today: dt.date | None = None) -> dict[str, int]:
    """Retire every landing file of `RETIRING_DOMAINS` and `MATCH_KEYED` whose day is more than `days` days before
    `today` and whose rows the lake holds: how many were retired, by domain."""
    last = last_retired_day(days, today).isoformat()
    counts = {}
    for domain in RETIRING_DOMAINS:
        landing = Path(data_dir) / "landing" / domain
        folders = sorted(p for p in landing.iterdir() if p.is_dir() and DAY.match(p.name) and p.name <= last) \
            if landing.is_dir() else []
        counts[domain] = 0
        for folder in folders:
            held = parsed(data_dir, domain, folder.name)
            old = [path for path in visible_files(folder, recursive=True) if in_lake(folder, path, held)]
            counts[domain] += retire(data_dir, domain, folder.name, folder, old)
    for domain, kinds in MATCH_KEYED.items():
        counts[domain] = retire_matches(data_dir, domain, kinds, last)
    return counts
