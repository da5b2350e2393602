"""Training sessions: success rates with their intervals, improvement, and which packs a player mastered."""

from __future__ import annotations

import datetime as dt

import polars as pl

from gamestats_assets.defs.rocket.transforms.landing import SESSION_SCHEMA
from gamestats_assets.lib.core.stats import wilson_interval

MASTERED_LOWER_BOUND = 0.7
"""A pack is mastered when the 95 % Wilson lower bound of the player's pooled success rate on it reaches
this: the player succeeds at least 70 % of the time, with the evidence to say so."""


def training_sessions(raw: pl.DataFrame, packs: pl.DataFrame) -> pl.DataFrame:
    """`training_sessions` (key `session_id`): pack, duration, attempts, successes, success rate with
    its Wilson interval, `improvement` (this session's success rate minus the player's previous session
    on the same pack; null for a first session) and `known_pack` (the code is in the catalogue)."""
    low, high = wilson_interval(pl.col("successes").cast(pl.Float64), pl.col("attempts").cast(pl.Float64))
    return (
        raw.unique("session_id", keep="first")
        .with_columns(started_at=pl.col("started_at").str.to_datetime(time_zone="UTC"))
        .sort("player_id", "pack_code", "started_at")
        .with_columns(success_rate=pl.col("successes") / pl.col("attempts"),
                      success_ci_low=low, success_ci_high=high)
        .with_columns(improvement=pl.col("success_rate") - pl.col("success_rate").shift(1).over("player_id", "pack_code"),
                      known_pack=pl.col("pack_code").is_in(packs["code"].implode()))
        .select("date", "session_id", "player_id", "pack_code", "known_pack", "started_at", "duration_seconds",
                "attempts", "successes", "success_rate", "success_ci_low", "success_ci_high", "improvement")
    )


def mastered_packs(sessions: pl.DataFrame) -> pl.DataFrame:
    """(player_id, pack_code) pairs the player mastered (`MASTERED_LOWER_BOUND`) over all their sessions."""
    pooled = sessions.group_by("player_id", "pack_code").agg(pl.col("successes").sum(), pl.col("attempts").sum())
    low, _ = wilson_interval(pl.col("successes").cast(pl.Float64), pl.col("attempts").cast(pl.Float64))
    return pooled.filter(low >= MASTERED_LOWER_BOUND).select("player_id", "pack_code")


def sessions_of_day(day: dt.date, etl_sessions: pl.DataFrame, catalogue: pl.DataFrame) -> pl.DataFrame:
    """`training_sessions` of `day` (key `date, session_id`), each improvement looked up in the whole history
    (`etl_sessions` of every day): the sessions up to `day` of the players and packs played that day."""
    frame = etl_sessions if etl_sessions.height else pl.DataFrame(schema={**SESSION_SCHEMA, "date": pl.Date})
    played = frame.filter(pl.col("date") == day).select("player_id", "pack_code").unique()
    history = frame.filter(pl.col("date") <= day).join(played, on=["player_id", "pack_code"], how="semi")
    return training_sessions(history, catalogue).filter(pl.col("date") == day)
