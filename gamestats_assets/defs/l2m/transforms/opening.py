"""The opening balance of a game adopted while live: each account's state before the first daily partition
(lifetime revenue, first and last charge dates, VIP tier, first seen, country, server), given as CSV or Parquet
files in `landing/l2m/opening/`, validated row by row and read as the day before the first partition by the
carried tables (`l2m_cumulative_revenue`, the user profile)."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import polars as pl

from gamestats_assets.defs.l2m.transforms.std import PROFILE_SCHEMA
from gamestats_assets.defs.l2m.transforms.vip import vip_tier
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.intake.discovery import landing_files, refused_files
from gamestats_assets.lib.intake.quarantine import Reject, partition_folder, quarantine_records

FOLDER = "opening"
"""The opening balance's folder under the domain's landing folder, and its partition of the quarantine."""
SOURCE = "opening_balance"
"""The name of its rejected rows in the quarantine: `quarantine/l2m/opening/opening_balance.rejects.jsonl`."""
REQUIRED = ("user_id", "first_seen", "cumulative_revenue_usd", "first_charge_date")
OPTIONAL = ("last_charge_date", "vip_tier", "country_code", "server_id")
"""A file's columns: those `REQUIRED`, and those `OPTIONAL` (absent or empty: unknown)."""
SUFFIXES = (".csv", ".parquet")

BALANCE_SCHEMA = {"user_id": pl.Utf8, "first_charge_date": pl.Date, "last_charge_date": pl.Date,
                  "cumulative_revenue_usd": pl.Float64}
"""The revenue state of the accounts that paid before the first day, as `l2m_cumulative_revenue` carries it."""


class OpeningRefused(ValueError):
    """An opening balance that cannot be used as it is: a file unreadable or missing columns, or bad rows (each
    kept with its reason in the quarantine). Nothing is computed from part of a balance."""


class Opening(NamedTuple):
    """An opening balance read and validated: the payers' revenue state (`BALANCE_SCHEMA`) and every account's
    profile (`std.PROFILE_SCHEMA`: first seen as its registration date)."""

    balance: pl.DataFrame
    profile: pl.DataFrame

    def on(self, frame: pl.DataFrame, day: dt.date) -> pl.DataFrame | None:
        """`frame` (its balance or profile) as the partition of the day before `day`; None when empty."""
        return frame.select(pl.lit(day - dt.timedelta(days=1), pl.Date).alias("date"), pl.all()) if frame.height \
            else None


NO_OPENING = Opening(pl.DataFrame(schema=BALANCE_SCHEMA), pl.DataFrame(schema=PROFILE_SCHEMA))


def opening_files(folder: Path) -> list[Path]:
    """The balance's files in `folder` (`*.csv`, `*.parquet`, regular files only); `OpeningRefused` for any other
    entry a reader would have to guess about (a link, another kind of file)."""
    refused = [f"{path.name}: {reason}" for path, reason in refused_files(folder)]
    files = landing_files(folder)
    refused += [f"{path.name}: not a .csv or .parquet file" for path in files if path.suffix not in SUFFIXES]
    if refused:
        raise OpeningRefused(f"the opening balance in {folder} is not read: {'; '.join(refused)}")
    return files


def read_file(path: Path) -> pl.DataFrame:
    """A balance file's rows as text (`REQUIRED` and the `OPTIONAL` it has, the others null), with `_line`: the
    CSV line (the header is line 1) or the Parquet row (from 1)."""
    try:
        if path.suffix == ".csv":
            frame = pl.read_csv(path, infer_schema=False).with_row_index("_line", offset=2)
        else:
            frame = pl.read_parquet(path).with_row_index("_line", offset=1)
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as error:
        raise OpeningRefused(f"the opening balance file {path} cannot be read: {error}") from error
    missing = [name for name in REQUIRED if name not in frame.columns]
    if missing:
        raise OpeningRefused(f"the opening balance file {path} lacks the columns {', '.join(missing)} "
                             f"(a file holds {', '.join(REQUIRED)}, and may hold {', '.join(OPTIONAL)})")
    return frame.select("_line", *(pl.col(name).cast(pl.Utf8) if name in frame.columns else pl.lit(None, pl.Utf8)
                                   .alias(name) for name in (*REQUIRED, *OPTIONAL)))


def _date(text: str | None, name: str, first_day: dt.date) -> tuple[dt.date | None, str | None]:
    """`text` as a day before `first_day` (None when empty), or the reason it is not one."""
    if text is None or not text.strip():
        return None, None
    try:
        day = dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None, f"{name} is not a date (YYYY-MM-DD): {text!r}"
    if day >= first_day:
        return None, f"{name} {day} is not before the first day {first_day}"
    return day, None


def _number(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


def validated(row: dict, first_day: dt.date) -> tuple[dict | None, str | None]:
    """One row as an account's opening state (user_id, register_date, revenue, charge dates, country, server), or
    the first reason it is refused."""
    user = (row["user_id"] or "").strip()
    if not user:
        return None, "user_id is empty"
    revenue = _number(row["cumulative_revenue_usd"])
    if revenue is None or revenue < 0:
        return None, f"cumulative_revenue_usd is not a number of USD at least 0: {row['cumulative_revenue_usd']!r}"
    dates = {}
    for name in ("first_seen", "first_charge_date", "last_charge_date"):
        dates[name], reason = _date(row[name], name, first_day)
        if reason:
            return None, reason
    first, last = dates["first_charge_date"], dates["last_charge_date"]
    if revenue > 0 and first is None:
        return None, "an account with revenue needs its first_charge_date"
    if revenue == 0 and (first or last):
        return None, "charge dates are given but cumulative_revenue_usd is 0"
    if first and last and last < first:
        return None, f"last_charge_date {last} is before first_charge_date {first}"
    tier = pl.select(vip_tier(pl.lit(revenue))).item()
    if (row["vip_tier"] or "").strip() not in ("", tier):
        return None, f"vip_tier {row['vip_tier']!r} is not the tier of {revenue} USD ({tier!r})"
    server = (row["server_id"] or "").strip()
    if server and not server.lstrip("-").isdigit():
        return None, f"server_id is not an integer: {row['server_id']!r}"
    return {"user_id": user, "register_date": dates["first_seen"], "cumulative_revenue_usd": revenue,
            "first_charge_date": first, "last_charge_date": last, "country_code": (row["country_code"] or None),
            "server_id": int(server) if server else None}, None


def read_opening(folder: Path, first_day: dt.date) -> tuple[Opening, list[Reject]]:
    """The opening balance of the files in `folder` for a pipeline whose first day is `first_day`, and its rows
    refused, each with its reason (an account given twice: every row of it)."""
    accounts, rejects = [], []
    for path in opening_files(folder):
        for row in read_file(path).iter_rows(named=True):
            account, reason = validated(row, first_day)
            raw = json.dumps({name: row[name] for name in (*REQUIRED, *OPTIONAL)})
            if reason:
                rejects.append(Reject(path.name, row["_line"], reason, raw))
            else:
                accounts.append((path.name, row["_line"], raw, account))
    counts: dict[str, int] = {}
    for *_, account in accounts:
        counts[account["user_id"]] = counts.get(account["user_id"], 0) + 1
    rejects += [Reject(name, line, f"user_id {account['user_id']!r} is given {counts[account['user_id']]} times",
                       raw) for name, line, raw, account in accounts if counts[account["user_id"]] > 1]
    kept = pl.DataFrame([account for *_, account in accounts if counts[account["user_id"]] == 1],
                        schema={**BALANCE_SCHEMA, **PROFILE_SCHEMA}, orient="row") if accounts else None
    if kept is None or not kept.height:
        return NO_OPENING, rejects
    return Opening(kept.filter(pl.col("cumulative_revenue_usd") > 0).select(list(BALANCE_SCHEMA)).sort("user_id"),
                   kept.select(list(PROFILE_SCHEMA)).sort("user_id")), rejects


def opening_of(platform: PlatformResource) -> Callable[[], Opening]:
    """The opening balance in `landing/l2m/opening/` for the first day `GAMESTATS_START_DATE`, read when called
    (the carried tables call it on their first partition only): `NO_OPENING` without the folder or its files. Its
    refused rows are written to `quarantine/l2m/opening/` with their reasons (an earlier run's replaced), and then
    `OpeningRefused` names them: a balance is used whole or not at all."""

    def load() -> Opening:
        folder = platform.landing_dir("l2m") / FOLDER
        if not folder.is_dir():
            return NO_OPENING
        opening, rejects = read_opening(folder, dt.date.fromisoformat(platform.start_date))
        quarantine_records(platform.quarantine_dir, rejects, "l2m", FOLDER, SOURCE)
        if rejects:
            where = partition_folder(platform.quarantine_dir, "l2m", FOLDER) / f"{SOURCE}.rejects.jsonl"
            raise OpeningRefused(f"{len(rejects)} rows of the opening balance in {folder} are refused, each with its "
                                 f"reason in {where} (first: line {rejects[0].line} of {rejects[0].source}: "
                                 f"{rejects[0].reason}); fix or remove them and run the first day again")
        return opening

    return load


def history_since(platform: PlatformResource) -> dt.date | None:
    """The first day the cumulative figures count: None when an opening balance is given (its accounts carry the
    game's past), else the first daily partition, the day the pipeline was adopted."""
    folder = platform.landing_dir("l2m") / FOLDER
    return None if folder.is_dir() and landing_files(folder) else dt.date.fromisoformat(platform.start_date)


def state_before(yesterday: pl.DataFrame | None, day: dt.date, opening: Callable[[], Opening],
                 part: Callable[[Opening], pl.DataFrame]) -> pl.DataFrame | None:
    """What a carried table continues on `day`: `yesterday`, or on its first partition (None) the `part` of the
    opening balance (its balance or profile) as the day before."""
    if yesterday is not None:
        return yesterday
    state = opening()
    return state.on(part(state), day)


def lifetime_totals(cumulative: pl.DataFrame, day: dt.date, since: dt.date | None) -> pl.DataFrame:
    """The day's lifetime totals: `payers` and `lifetime_revenue_usd` of l2m_cumulative_revenue, `cumulative_since`
    (`history_since`) and `opening_balance` (whether one was given: `since` is None). Grain: (date)."""
    return pl.DataFrame({"date": [day], "payers": [cumulative.height],
                         "lifetime_revenue_usd": [float(cumulative["cumulative_revenue_usd"].sum() or 0.0)],
                         "cumulative_since": [since], "opening_balance": [since is None]},
                        schema={"date": pl.Date, "payers": pl.Int64, "lifetime_revenue_usd": pl.Float64,
                                "cumulative_since": pl.Date, "opening_balance": pl.Boolean})
