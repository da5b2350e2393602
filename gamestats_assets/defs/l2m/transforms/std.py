"""STD: the day's active users, the union of the seven ETL sources."""

from __future__ import annotations

import polars as pl

SOURCES = ("login", "logout", "recharge", "item_gain", "item_spend", "money_gain", "money_spend")
"""The seven ETL tables whose users are active, in the order ``std_active`` takes them."""


def std_active(
    login: pl.DataFrame, logout: pl.DataFrame, recharge: pl.DataFrame, item_gain: pl.DataFrame,
    item_spend: pl.DataFrame, money_gain: pl.DataFrame, money_spend: pl.DataFrame,
) -> pl.DataFrame:
    """Active users of the day: every user_id found in any of the seven ETL tables of the day.

    ``level`` is the highest level seen in any source; ``server_id`` the server of that highest level (the
    smallest server id on ties). Grain: (date, user_id). Columns: date, user_id, server_id, level.
    """
    sources = [login, logout, recharge, item_gain, item_spend, money_gain, money_spend]
    union = pl.concat([s.lazy().select("date", "user_id", "server_id", "level") for s in sources])
    return (union.group_by("date", "user_id", maintain_order=True)
            .agg(pl.col("server_id").filter(pl.col("level") == pl.col("level").max()).min(),
                 pl.col("level").max())
            .collect())
