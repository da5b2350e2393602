"""Who each account is: its segment and install date, for synthetic users and for users of a real export
(`user_profiles`), from each day's summary of the accounts its lines hold (`accounts_of_days`)."""

import polars as pl

UNKNOWN_SEGMENT = "unknown"
SEGMENT_PROPERTY = "segment"
PROFILE_SCHEMA = {"account_id": pl.String, "segment": pl.String, "install_date": pl.Date}
ACCOUNTS_SCHEMA = {"date": pl.Date, "account_id": pl.String, "own_segment": pl.String,
                   "segment_time": pl.Datetime("ms"), "segment_line": pl.Int64}
"""`std/accounts`: per day, each account with a line, and the last segment its own `user_set` lines of the day set,
with that line's `#time` and line number (null without one)."""
SEPARATE_SCANS = pl.QueryOptFlags(comm_subplan_elim=False)
"""The accounts and their own segments each scan the lines for their own columns: one shared scan would hold the
properties text of every line, where only the `user_set` lines' is read."""


def accounts_of_days(lines: pl.LazyFrame) -> pl.DataFrame:
    """One row per (date, account) of `lines` (etl/events rows of some days), with the last segment its own
    `user_set` lines of the day set, read from the properties as delivered (`ACCOUNTS_SCHEMA`). A day's summary is
    all a profile needs of its lines (`seen_accounts`), a small part of them."""
    lines = lines.filter(pl.col("#account_id").is_not_null())
    accounts = lines.select("date", pl.col("#account_id").alias("account_id")).unique()
    own = (
        lines.filter(pl.col("#type") == "user_set")
        .with_columns(pl.col("properties").str.json_path_match(f"$.{SEGMENT_PROPERTY}").alias("own_segment"))
        .filter(pl.col("own_segment").is_not_null())
        .group_by("date", pl.col("#account_id").alias("account_id"))
        .agg(pl.col("own_segment", "#time", "line_number").sort_by("#time", "line_number").last())
        .rename({"#time": "segment_time", "line_number": "segment_line"})
    )
    return (accounts.join(own, on=["date", "account_id"], how="left")
            .select(pl.col(name).cast(dtype) for name, dtype in ACCOUNTS_SCHEMA.items())
            .sort("date", "account_id")
            .collect(optimizations=SEPARATE_SCANS))


def seen_accounts(accounts: pl.LazyFrame) -> pl.LazyFrame:
    """Each account of `accounts` (`std/accounts` rows of some days): the first day it had a line, and the last
    segment its own `user_set` lines set (by `#time`, then line number; null if none)."""
    first = accounts.group_by("account_id").agg(pl.col("date").min().alias("first_date"))
    own = (accounts.filter(pl.col("own_segment").is_not_null()).group_by("account_id")
           .agg(pl.col("own_segment").sort_by("segment_time", "segment_line").last()))
    return first.join(own, on="account_id", how="left")


def user_profiles(accounts: pl.LazyFrame, users: pl.DataFrame) -> pl.DataFrame:
    """One row per account of the population or of `accounts` (`std/accounts` rows; key `account_id`): its segment
    and install date. An account has the population's segment unless its own `user_set` lines set one (the last
    wins), else `unknown`; it has the population's install date, else the day of its first line."""
    population = users.lazy().select("account_id", pl.col("segment").alias("population_segment"),
                                     pl.col("install_date").alias("population_install_date"))
    return (
        population.join(seen_accounts(accounts), on="account_id", how="full", coalesce=True)
        .select(
            "account_id",
            pl.coalesce("own_segment", "population_segment", pl.lit(UNKNOWN_SEGMENT)).alias("segment"),
            pl.coalesce("population_install_date", "first_date").alias("install_date"),
        )
        .collect()
    )


def until(history: pl.LazyFrame, last_day) -> pl.LazyFrame:
    """The rows of `history` up to `last_day`: what was known on that day, so a day's tables never
    change when later days arrive."""
    return history.filter(pl.col("date") <= last_day)


def profiles_by_day(history: pl.LazyFrame, users: pl.DataFrame, days) -> pl.DataFrame:
    """Each account's profile (segment, install date) as known on each of `days` (key `date`,
    `account_id`), from `history` (`std/accounts` of every day): a day's tables never change when later days
    arrive."""
    if not history.collect_schema():
        history = pl.LazyFrame(schema=ACCOUNTS_SCHEMA)
    frames = [user_profiles(until(history, day), users).with_columns(date=pl.lit(day, dtype=pl.Date)) for day in days]
    return pl.concat(frames) if frames else pl.DataFrame(schema={**PROFILE_SCHEMA, "date": pl.Date})
