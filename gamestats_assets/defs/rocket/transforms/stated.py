"""Ranks players state on their profile: what a raw replay, which carries none, is compared with."""

from __future__ import annotations

import polars as pl

from gamestats_assets.defs.rocket.transforms.daily import rank_band_expr
from gamestats_assets.defs.rocket.transforms.landing import STATED_SCHEMA
from gamestats_assets.sources.ballchasing.ranks import DIVISIONS_PER_TIER


def stated_ranks(etl_stated: pl.DataFrame) -> pl.DataFrame:
    """`stated_ranks` (key `player_id`): each player's latest stated rank over every day (the latest `stated_at`,
    then the latest statement), with its division index and band as a game's rank has them
    (`daily.rank_band_expr`). Stated, not verified: the API uses it only where no game of the player gave a rank."""
    frame = etl_stated if etl_stated.height else pl.DataFrame(schema=STATED_SCHEMA)
    return (
        frame.with_columns(stated_at=pl.col("stated_at").str.to_datetime(time_zone="UTC"))
        .sort("player_id", "stated_at", "statement_id")
        .unique("player_id", keep="last", maintain_order=True)
        .with_columns(rank_index=((pl.col("rank_tier") - 1) * DIVISIONS_PER_TIER + pl.col("rank_division") - 1)
                      .cast(pl.Int32), rank_band=rank_band_expr(pl.col("rank_tier")))
        .select("player_id", "playlist", pl.col("rank_tier").cast(pl.Int32), pl.col("rank_division").cast(pl.Int32),
                "rank_index", "rank_band", "stated_at", "statement_id")
    )
