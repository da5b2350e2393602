"""The retention of raw landing files: a file that landed more than `GAMESTATS_LANDING_RETENTION_DAYS` days ago (by
its modification time) and whose rows the lake holds as it is (the day's last run parsed it) is retired from its
day folder, its rows kept in the lake and so in every published table
(`file_rows.retire`: a run of the day counts it unchanged while it is gone).

Only the domains whose days are read file by file into the lake (`file_rows.plan_day`) retire files: `rocket` and
`lol`. A PUBG match is read whole from its files at each run, and the ThinkingData days of `l2m` and `demo_data`
read an unchanged file again when a new one shares a record with it, so their files are kept."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from gamestats_assets.lib.intake.discovery import visible_files
from gamestats_assets.lib.intake.file_rows import retire

RETIRING_DOMAINS = ("rocket", "lol")
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


def retire_old_files(data_dir: Path, days: int, now: dt.datetime | None = None) -> dict[str, int]:
    """Retire every landing file of `RETIRING_DOMAINS` modified more than `days` days before `now`: how many were
    retired, by domain."""
    cutoff = ((now or dt.datetime.now(dt.timezone.utc)) - dt.timedelta(days=days)).timestamp()
    counts = {}
    for domain in RETIRING_DOMAINS:
        landing = Path(data_dir) / "landing" / domain
        folders = sorted(p for p in landing.iterdir() if p.is_dir() and DAY.match(p.name)) if landing.is_dir() else []
        counts[domain] = 0
        for folder in folders:
            held = parsed(data_dir, domain, folder.name)
            old = [path for path in visible_files(folder, recursive=True)
                   if path.stat().st_mtime < cutoff and in_lake(folder, path, held)]
            counts[domain] += retire(data_dir, domain, folder.name, folder, old)
    return counts
