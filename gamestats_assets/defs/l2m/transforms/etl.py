"""ETL: one day of landing JSONL into typed L2M tables, each with the rejects to quarantine.

Every function takes the day's landing folder and the day (and, to read only some of the log type's files, `files`)
and returns the reader's `ReadResult`; every frame has `date` first, `source_file` last (the landing file a row was
read from: a row never mixes two files, so a day's files are read one by one and their rows kept) and keeps the
order of the landing files. Activity sources keep every line; the economy filters belong to the CONS economy
tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from gamestats_assets.defs.l2m.transforms import reference
from gamestats_assets.sources.l2m import read_events, read_profiles
from gamestats_assets.lib.intake.file_rows import FILE_COLUMN
from gamestats_assets.sources.thinkingdata import ReadResult

Files = Sequence[Path] | None
"""The files of a log type's day to read: all of them when None."""
SOURCE_FILE = pl.col("_file").cast(pl.String).alias(FILE_COLUMN)


def _dated(frame: pl.DataFrame, day: dt.date, columns: list[str | pl.Expr]) -> pl.DataFrame:
    return frame.select(pl.lit(day, pl.Date).alias("date"), *columns, SOURCE_FILE)


def etl_login(day_dir: Path, day: dt.date, files: Files = None) -> ReadResult:
    """One row per login event. Grain: event_uuid."""
    parsed = read_events(day_dir, "login", day, files=files)
    frame = _dated(parsed.frame, day, [
        "event_time", "event_uuid", "user_id", "server_id", "level", "ip", "device_id",
        pl.col("#os").alias("os"), pl.col("#device_model").alias("device_model"),
    ])
    return parsed._replace(frame=frame)


def etl_logout(day_dir: Path, day: dt.date, files: Files = None) -> ReadResult:
    """One row per logout event with the session's online seconds. Grain: event_uuid."""
    parsed = read_events(day_dir, "logout", day, files=files)
    frame = _dated(parsed.frame, day, [
        "event_time", "event_uuid", "user_id", "server_id", "level", "ip", "device_id", "online_seconds",
    ])
    return parsed._replace(frame=frame)


def etl_recharge(day_dir: Path, day: dt.date, files: Files = None,
                 rates: pl.DataFrame | None = None) -> ReadResult:
    """One row per payment: `amount` in the paid currency and `amount_usd = amount * usd_per_unit`,
    both from one scan of the landing file. Grain: order_id (the event's `#uuid`).

    A payment in a currency missing from the rates reference is rejected, never counted as zero.
    """
    rates = reference.currency_rates() if rates is None else rates
    parsed = read_events(
        day_dir, "recharge", day,
        required=("#account_id", "server_id", "level", "amount", "currency"),
        rules=[(~pl.col("currency").is_in(rates["currency"].implode()),
                pl.format("unknown currency {}", pl.col("currency")))],
        files=files,
    )
    frame = _dated(parsed.frame.join(rates, on="currency", how="left", maintain_order="left"), day, [
        "event_time", pl.col("event_uuid").alias("order_id"), "user_id", "server_id", "level", "ip",
        "country_code", "payment_method", "currency", "amount", "usd_per_unit",
        (pl.col("amount") * pl.col("usd_per_unit")).alias("amount_usd"),
    ])
    return parsed._replace(frame=frame)


@dataclass(frozen=True)
class EconomySource:
    """An economy log aggregated per user and key: what it counts and by what. `money` sources also key
    by `money_type`: ETL keeps every money type (a user gaining only adena is active), and CONS keeps
    diamonds."""

    event: str
    key: str
    measure: str
    money: bool

    @property
    def keys(self) -> tuple[str, ...]:
        return ("money_type", self.key) if self.money else (self.key,)

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns of the source's ETL table that its CONS table reads."""
        return ("date", "user_id", "server_id", *self.keys, self.measure, "events")

    def describe(self) -> str:
        return (f"{self.event}: every line of the day per (date, user_id, server_id, {', '.join(self.keys)}): sum "
                f"of {self.measure}, number of events, highest level seen")


ITEM_GAIN = EconomySource("item_gain", "item_id", "quantity", money=False)
ITEM_SPEND = EconomySource("item_spend", "item_id", "quantity", money=False)
MONEY_GAIN = EconomySource("money_gain", "reason_id", "amount", money=True)
MONEY_SPEND = EconomySource("money_spend", "reason_id", "amount", money=True)
DIAMOND = "diamond"


def diamonds(money: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame | pl.LazyFrame:
    """The diamond rows of an ETL money table (a frame or a lazy query): the money the economy tables and server
    figures count."""
    return money.filter(pl.col("money_type") == DIAMOND)


ECONOMY_SOURCES = (ITEM_GAIN, ITEM_SPEND, MONEY_GAIN, MONEY_SPEND)


SUMMED_AT_ONCE = 1 << 20
"""Lines an economy ETL sums at a time, about: a large day's lines are cut by user into parts of about this many,
each summed alone, so that beside the lines only one part's table of keys is held, not the whole day's (nearly
every line of a large day is a key of its own)."""


def etl_economy(source: EconomySource, day_dir: Path, day: dt.date, files: Files = None) -> ReadResult:
    """The day's `source` events summed per user and key in each landing file (see `EconomySource.describe`).

    Grain: (date, user_id, server_id, *keys, source_file). Columns: date, user_id, server_id, keys, level, measure,
    events, source_file; rows in the order each key first appears in the landing files. The lines are summed in
    parts of about `SUMMED_AT_ONCE` by user (all the lines of a key are in its user's part), and let go once summed,
    before the sums are put in that order one column at a time (`sorted_column_by_column`): the sums are never held
    twice, nor beside the lines.
    """
    required = ("#account_id", "server_id", "level", *source.keys, source.measure)
    lines, rejects, stats, unreadable, read = read_events(day_dir, source.event, day, required=required,
                                                          keep_roots=("#account_id",), files=files)
    parts = max(1, -(-lines.height // SUMMED_AT_ONCE))
    numbered = lines.lazy().with_row_index("_first").with_columns(_part=pl.col("user_id").hash() % parts)
    sums = pl.concat([
        numbered.filter(pl.col("_part") == part)
        .group_by("user_id", "server_id", *source.keys, "_file")
        .agg(pl.col("_first").min(), pl.col("level").max(), pl.col(source.measure).sum(),
             pl.len().cast(pl.Int64).alias("events"))
        .collect()
        for part in range(parts)
    ])
    del lines, numbered
    ordered = sorted_column_by_column(sums, "_first").select(
        pl.lit(day, pl.Date).alias("date"), "user_id", "server_id", *source.keys, "level", source.measure, "events",
        SOURCE_FILE)
    return ReadResult(ordered, rejects, stats, unreadable, read)


def sorted_column_by_column(frame: pl.DataFrame, by: str) -> pl.DataFrame:
    """`frame` sorted by `by`, without `by`, taken apart (`frame` is left empty): each column's sorted copy is made
    once the one before has replaced its unsorted column, so memory never holds the table twice (a day's sums are
    about as large as its lines). A column is made one chunk before it is gathered: a gather across the many
    chunks a day's sums come in costs twice to three times as much."""
    order = frame.drop_in_place(by).arg_sort()
    return pl.DataFrame([frame.drop_in_place(name).rechunk().gather(order) for name in list(frame.columns)])


def etl_user_profile(day_dir: Path, day: dt.date, files: Files = None) -> ReadResult:
    """The day's user_set lines: one row per line with the properties it set (server_id, country_code,
    register_date; null when the line did not set it). Grain: one line (event_time, user_id, source_file);
    `std.day_profiles` takes each user's latest values of the day. `country_code` is the raw code; CONS maps it to a
    known country or 'Other'."""
    parsed = read_profiles(day_dir, day, files)
    columns = ["event_time", "user_id", "server_id", "country_code", "register_date"]
    return parsed._replace(frame=_dated(parsed.frame, day, columns))


def etl_clan_change(day_dir: Path, day: dt.date, files: Files = None) -> ReadResult:
    """One row per clan membership change (`action` join or leave). Grain: event_uuid."""
    parsed = read_events(
        day_dir, "clan_change", day,
        required=("#account_id", "server_id", "level", "action", "clan_id"),
        rules=[(~pl.col("action").is_in(["join", "leave"]), pl.format("unknown clan action {}", pl.col("action")))],
        files=files,
    )
    frame = _dated(parsed.frame, day, [
        "event_time", "event_uuid", "user_id", "server_id", "action", "clan_id", "clan_name", "clan_role",
    ])
    return parsed._replace(frame=frame)
