"""The L2M game's log format: a day of ThinkingData JSONL, one file per log type, read into typed, flat frames.

`<landing>/l2m/<YYYY-MM-DD>/<log type>*.jsonl` (or `.jsonl.gz`) holds the day's track events of that name
(`user_profile*` the user_set lines), read by `sources.thinkingdata`. Root keys `#account_id` (the user),
`#time`, `#event_name`, `#ip`, `#uuid`; the rest sits in `properties`."""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from gamestats_assets.sources.thinkingdata import LineSchema, ReadResult, Rule, read_files

ROOT_COLUMNS = {"#account_id": "user_id", "#ip": "ip", "#uuid": "event_uuid", "#time": "event_time"}
TRUTH_FILE = "planted_bot_farms.json"
"""The synthetic emitter's record of what it planted, beside the day's files; not a log type."""

_I64, _F64, _STR = pl.Int64(), pl.Float64(), pl.Utf8()
_ECONOMY_ITEM = {"server_id": _I64, "level": _I64, "item_id": _I64, "quantity": _I64, "reason_id": _I64}
_ECONOMY_MONEY = {"server_id": _I64, "level": _I64, "money_type": _STR, "amount": _I64, "reason_id": _I64}

EVENT_PROPERTIES: dict[str, dict[str, pl.DataType]] = {
    "login": {"server_id": _I64, "level": _I64, "device_id": _STR, "#os": _STR, "#device_model": _STR},
    "logout": {"server_id": _I64, "level": _I64, "device_id": _STR, "online_seconds": _I64},
    "recharge": {"server_id": _I64, "level": _I64, "amount": _F64, "currency": _STR, "payment_method": _STR,
                 "country_code": _STR},
    "item_gain": _ECONOMY_ITEM,
    "item_spend": _ECONOMY_ITEM,
    "money_gain": _ECONOMY_MONEY,
    "money_spend": _ECONOMY_MONEY,
    "clan_change": {"server_id": _I64, "level": _I64, "action": _STR, "clan_id": _I64, "clan_name": _STR,
                    "clan_role": _STR},
}
PROFILE_STEM = "user_profile"
PROFILE_PROPERTIES: dict[str, pl.DataType] = {"country_code": _STR, "register_date": _STR, "server_id": _I64}


def source_patterns(stem: str) -> tuple[str, str]:
    """The file names a log type reads in a day folder: `<stem>*.jsonl` and `<stem>*.jsonl.gz`."""
    return f"{stem}*.jsonl", f"{stem}*.jsonl.gz"


def source_files(day_dir: Path, stem: str) -> list[Path]:
    """The day's files of the log type `stem`."""
    folder = Path(day_dir)
    return sorted({p for pattern in source_patterns(stem) for p in folder.glob(pattern) if p.is_file()})


def unclaimed_files(day_dir: Path) -> list[Path]:
    """Every entry of `day_dir` that no log type reads, sorted: names matching no `source_patterns` of a
    known stem (the events of `EVENT_PROPERTIES` and `PROFILE_STEM`), except the emitter's `TRUTH_FILE`
    and hidden files. Empty when the folder does not exist."""
    folder = Path(day_dir)
    if not folder.is_dir():
        return []
    patterns = [pattern for stem in (*EVENT_PROPERTIES, PROFILE_STEM) for pattern in source_patterns(stem)]
    return sorted(path for path in folder.iterdir()
                  if path.name != TRUTH_FILE and not path.name.startswith(".")
                  and not any(fnmatch.fnmatchcase(path.name, p) for p in patterns))


def read_source(day_dir: Path, stem: str, day: dt.date, schema: LineSchema,
                files: Sequence[Path] | None = None) -> ReadResult:
    """The lines of the log type `stem` on `day` (of its `files` only when given): root keys renamed (`user_id`,
    `ip`, `event_uuid`), properties flattened, `event_time` typed."""
    result = read_files(source_files(day_dir, stem) if files is None else files, schema, day)
    return result._replace(frame=result.frame.rename(ROOT_COLUMNS, strict=False))


def read_events(day_dir: Path, event_name: str, day: dt.date, *,
                required: Sequence[str] = ("#account_id", "server_id", "level"), rules: Sequence[Rule] = (),
                keep_roots: Sequence[str] = ("#account_id", "#time", "#ip", "#uuid"),
                files: Sequence[Path] | None = None) -> ReadResult:
    """Track events `event_name` of `day` (properties typed from `EVENT_PROPERTIES`), with the root keys
    `keep_roots` as columns (renamed: `user_id`, `event_time`, `ip`, `event_uuid`); of its `files` only when
    given."""
    schema = LineSchema(EVENT_PROPERTIES[event_name], event_name=event_name, record_types=("track",),
                        required=tuple(required), rules=tuple(rules), keep_roots=tuple(keep_roots))
    return read_source(day_dir, event_name, day, schema, files)


def read_profiles(day_dir: Path, day: dt.date, files: Sequence[Path] | None = None) -> ReadResult:
    """user_set lines of `day` (of its `files` only when given), `register_date` typed. A line carries only the
    properties that changed, so any property may be null; a present `register_date` must be `yyyy-MM-dd`."""
    register_date = pl.col("register_date")
    schema = LineSchema(PROFILE_PROPERTIES, record_types=("user_set",), required=("#account_id",),
                        keep_roots=("#account_id", "#time"), rules=(
        (register_date.is_not_null() & register_date.str.to_date("%Y-%m-%d", strict=False).is_null(),
         "register_date not yyyy-MM-dd"),))
    result = read_source(day_dir, PROFILE_STEM, day, schema, files)
    return result._replace(frame=result.frame.with_columns(pl.col("register_date").str.to_date("%Y-%m-%d")))
