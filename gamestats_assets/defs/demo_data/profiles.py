"""Who each account is: its segment and install date, for synthetic users and for users of a real export
(`user_profiles`)."""

import polars as pl

UNKNOWN_SEGMENT = "unknown"
SEGMENT_PROPERTY = "segment"
PROFILE_SCHEMA = {"account_id": pl.String, "segment": pl.String, "install_date": pl.Date}
SEPARATE_SCANS = pl.QueryOptFlags(comm_subplan_elim=False)
"""First lines and own segments each scan the history for their own columns: one shared scan would hold the
properties text of every line, where only the `user_set` lines' is read."""


def seen_accounts(history: pl.LazyFrame) -> pl.LazyFrame:
    """Each account of `history` (etl/events rows): the day of its first line and the last segment its
    own `user_set` lines set (null if none), read from the properties as delivered."""
    lines = history.filter(pl.col("#account_id").is_not_null())
    first = lines.group_by(pl.col("#account_id").alias("account_id")).agg(pl.col("date").min().alias("first_date"))
    own = (
        lines.filter(pl.col("#type") == "user_set")
        .with_columns(pl.col("properties").str.json_path_match(f"$.{SEGMENT_PROPERTY}").alias("own_segment"))
        .filter(pl.col("own_segment").is_not_null())
        .group_by(pl.col("#account_id").alias("account_id"))
        .agg(pl.col("own_segment").sort_by("#time", "line_number").last())
    )
    return first.join(own, on="account_id", how="left")


def user_profiles(history: pl.LazyFrame, users: pl.DataFrame) -> pl.DataFrame:
    """One row per account of the population or of `history` (key `account_id`): its segment and
    install date. An account has the population's segment unless its own `user_set` lines set one (the last
    wins), else `unknown`; it has the population's install date, else the day of its first line."""
    population = users.lazy().select("account_id", pl.col("segment").alias("population_segment"),
                                     pl.col("install_date").alias("population_install_date"))
    return (
        population.join(seen_accounts(history), on="account_id", how="full", coalesce=True)
        .select(
            "account_id",
            pl.coalesce("own_segment", "population_segment", pl.lit(UNKNOWN_SEGMENT)).alias("segment"),
            pl.coalesce("population_install_date", "first_date").alias("install_date"),
        )
        .collect(optimizations=SEPARATE_SCANS)
    )


def until(history: pl.LazyFrame, last_day) -> pl.LazyFrame:
    """The rows of `history` up to `last_day`: what was known on that day, so a day's tables never
    change when later days arrive."""
    return history.filter(pl.col("date") <= last_day)
