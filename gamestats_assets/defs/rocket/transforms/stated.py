"""Ranks players state on their profile: what a raw replay, which carries none, is compared with."""

from __future__ import annotations

import polars as pl

from gamestats_assets.defs.rocket.transforms.daily import rank_band_expr
from gamestats_assets.defs.rocket.transforms.landing import STATED_SCHEMA
from gamestats_assets.sources.ballchasing.ranks import DIVISIONS_PER_TIER

GAME, STATED = "game", "stated"
"""Where the rank a player is compared at comes from (`rank_from`): a game of theirs that gave one, else the rank
they stated."""


def _statements(etl_stated: pl.DataFrame) -> pl.DataFrame:
    """Every statement with its time read, its division index and band as a game's rank has them."""
    frame = etl_stated if etl_stated.height else pl.DataFrame(schema=STATED_SCHEMA)
    return frame.with_columns(
        stated_at=pl.col("stated_at").str.to_datetime(time_zone="UTC"),
        rank_index=((pl.col("rank_tier") - 1) * DIVISIONS_PER_TIER + pl.col("rank_division") - 1).cast(pl.Int32),
        rank_band=rank_band_expr(pl.col("rank_tier")))


def stated_ranks(etl_stated: pl.DataFrame) -> pl.DataFrame:
    """`stated_ranks` (key `player_id`): each player's latest stated rank over every day (the latest `stated_at`,
    then the latest statement), with its division index and band as a game's rank has them
    (`daily.rank_band_expr`). Stated, not verified: used only where no game of the player gave a rank
    (`known_profiles`)."""
    return (
        _statements(etl_stated).sort("player_id", "stated_at", "statement_id")
        .unique("player_id", keep="last", maintain_order=True)
        .select("player_id", "playlist", pl.col("rank_tier").cast(pl.Int32), pl.col("rank_division").cast(pl.Int32),
                "rank_index", "rank_band", "stated_at", "statement_id")
    )


def stated_days(etl_stated: pl.DataFrame) -> pl.DataFrame:
    """Per player and day (UTC) they stated a rank: the rank of their latest statement that day (`player_id, date,
    rank_index`), as a day with a known rank is for a player no game gave one."""
    return (_statements(etl_stated).sort("player_id", "stated_at", "statement_id")
            .with_columns(date=pl.col("stated_at").dt.date())
            .unique(["player_id", "date"], keep="last", maintain_order=True)
            .select("player_id", "date", "rank_index"))


def known_profiles(seen: pl.DataFrame, stated: pl.DataFrame | None = None) -> pl.DataFrame:
    """Per human player of `seen` (`cons/users` of every day; key `player_id`): the rank they are compared at
    (`rank_band`, `rank_index`) and where it comes from (`rank_from`): the latest rank a game of theirs gave
    (`game`), else the rank they stated (`stated`, `stated_ranks`). A player with neither is left out: `unranked`
    is no band to be compared in."""
    humans = seen.filter(~pl.col("is_bot"))
    ranked = (humans.filter(pl.col("rank_index").is_not_null() & (pl.col("rank_band") != "unranked"))
              .sort("last_played_at")
              .group_by("player_id").agg(pl.col("rank_band").last(), pl.col("rank_index").last().cast(pl.Int64))
              .with_columns(rank_from=pl.lit(GAME)))
    if stated is None or stated.height == 0:
        return ranked.sort("player_id")
    claimed = (humans.select("player_id").unique().join(ranked.select("player_id"), on="player_id", how="anti")
               .join(stated.select("player_id", "rank_band", pl.col("rank_index").cast(pl.Int64)), on="player_id")
               .with_columns(rank_from=pl.lit(STATED)))
    return pl.concat([ranked, claimed]).sort("player_id")
