"""STD: the day's active users (the union of the seven ETL sources) and the carried-forward user profile."""

from __future__ import annotations

import datetime as dt

import polars as pl

SOURCES = ("login", "logout", "recharge", "item_gain", "item_spend", "money_gain", "money_spend")
"""The seven ETL tables whose users are active, in the order `std_active` takes them."""

ACTIVE_COLUMNS = ("date", "user_id", "server_id", "level")
"""The columns `std_active` reads of each source."""

PROFILE_SCHEMA = {"user_id": pl.Utf8, "server_id": pl.Int64, "country_code": pl.Utf8, "register_date": pl.Date}
"""The columns of the user profile after `date`: the user and the properties carried forward."""


LEVEL_SHIFT = 1 << 32
"""`std_active` ranks each line by one integer, `level * LEVEL_SHIFT + (LEVEL_SHIFT - 1 - server_id)`: the largest
is the line of the highest level and, among those, of the smallest server. It holds while servers lie in
`[0, LEVEL_SHIFT)` and levels in `[-LEVEL_SHIFT / 2, LEVEL_SHIFT / 2)`, neither missing."""


def std_active(
    login: pl.DataFrame, logout: pl.DataFrame, recharge: pl.DataFrame, item_gain: pl.DataFrame,
    item_spend: pl.DataFrame, money_gain: pl.DataFrame, money_spend: pl.DataFrame,
) -> pl.DataFrame:
    """Active users of the day: every user_id found in any of the seven ETL tables of the day.

    `level` is the highest level seen in any source; `server_id` the server of that highest level (the
    smallest server id on ties). Grain: (date, user_id). Columns: date, user_id, server_id, level; users in the
    order they first appear in the sources.

    Each user keeps the line of largest `LEVEL_SHIFT` rank when every line's level and server fit it (one
    maximum per user); otherwise the servers at the user's highest level are compared.
    """
    sources = [login, logout, recharge, item_gain, item_spend, money_gain, money_spend]
    union = pl.concat([s.lazy().select("date", "user_id", "server_id", "level") for s in sources]).with_row_index("_line")
    level, server = pl.col("level"), pl.col("server_id")
    ranked = union.select(
        (level.null_count() + server.null_count() == 0) & (server.min() >= 0) & (server.max() < LEVEL_SHIFT)
        & (level.min() >= -LEVEL_SHIFT // 2) & (level.max() < LEVEL_SHIFT // 2)).collect().item()
    if ranked:
        rank = (level * LEVEL_SHIFT + (LEVEL_SHIFT - 1 - server)).max()
        per_user = (union.group_by("date", "user_id").agg(pl.col("_line").min(), rank.alias("_rank"))
                    .with_columns(server_id=LEVEL_SHIFT - 1 - pl.col("_rank") % LEVEL_SHIFT,
                                  level=pl.col("_rank") // LEVEL_SHIFT))
    else:
        per_user = union.group_by("date", "user_id").agg(
            pl.col("_line").min(), server.filter(level == level.max()).min(), level.max())
    return per_user.sort("_line").select("date", "user_id", "server_id", "level").collect()


def previous_partition(previous: pl.DataFrame | None, day: dt.date, table: str) -> pl.DataFrame | None:
    """`previous` when it holds rows of `day - 1` only, None when it is None or empty (the first
    partition). Raises ValueError when it holds another day: a self-dependent table must follow yesterday."""
    if previous is None or previous.is_empty():
        return None
    yesterday = day - dt.timedelta(days=1)
    dates = previous["date"].unique().to_list()
    if dates != [yesterday]:
        raise ValueError(f"previous {table} must be the partition of {yesterday}, got {dates}")
    return previous


def day_profiles(lines: pl.DataFrame) -> pl.DataFrame:
    """The day's user_set lines (ETL user_profile) per user: each property is its latest non-null value of the day
    by `event_time` (on a tie, the line of the later file, or the later line of one file), null when no line of the
    day set it. Grain: (user_id). Columns: user_id, server_id, country_code, register_date."""
    return (lines.sort("event_time", "source_file", maintain_order=True)
            .group_by("user_id", maintain_order=True)
            .agg(pl.col(name).drop_nulls().last() for name in list(PROFILE_SCHEMA)[1:]))


def std_user_profile(previous: pl.DataFrame | None, lines: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """The user-profile dimension as of the end of `day`: every user ever seen in a user_set line, with
    server_id, country_code (the raw code) and register_date.

    ThinkingData sends user_set only when a property changes, so each property is its latest known value:
    `previous` (this table's partition of `day - 1`; None or empty on the first partition) re-dated to
    `day`, overwritten by the non-null values of the day's `lines` (ETL user_profile of `day`, `day_profiles`).
    A property no line of the day set keeps the known value.

    Grain: (date, user_id). Inputs: its own previous partition and ETL user_profile of the day.
    """
    previous = previous_partition(previous, day, "user profile")
    today = day_profiles(lines)
    columns = list(PROFILE_SCHEMA)
    before = pl.DataFrame(schema=PROFILE_SCHEMA) if previous is None else previous.select(columns)
    merged = before.join(today.select(columns), on="user_id", how="full", coalesce=True, suffix="_today")
    return (merged.select(pl.lit(day, pl.Date).alias("date"), "user_id",
                          *(pl.coalesce(f"{name}_today", name).alias(name) for name in columns[1:]))
            .sort("user_id"))
