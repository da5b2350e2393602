"""A raw replay's frames thinned for watching it again (`playback_frames`): the ball and every car at `RATE`
samples a second, with the clock and the score, as the 3D replay viewer draws them. ballchasing's JSON and
carball's analysis carry no frames, so only raw replays give one."""

from __future__ import annotations

import polars as pl

from gamestats_assets.sources.replays.frames import ReplayFrames

RATE = 10
"""Samples a second kept of the stream's ~30 frames a second: enough for the viewer to interpolate smooth play."""
BALL = "ball"
"""The `player_id` of the ball's rows (a car's is its player's id, which is never this word)."""
PLAYBACK_SCHEMA = {"match_id": pl.String, "sample": pl.Int32, "player_id": pl.String, "team": pl.Int32,
                   "time": pl.Float64, "clock": pl.Int32, "score_team_0": pl.Int32, "score_team_1": pl.Int32,
                   "x": pl.Int32, "y": pl.Int32, "z": pl.Int32, "boost": pl.Int32}


def samples(ball: pl.DataFrame) -> pl.DataFrame:
    """The frames kept: the first of each 1/`RATE` s of the recording, numbered from 0 (`sample`), with their
    time from the recording's first frame."""
    start = ball["time"].min()
    return (ball.with_columns(((pl.col("time") - start) * RATE).floor().cast(pl.Int64).alias("bin"))
            .unique("bin", keep="first", maintain_order=True).sort("frame")
            .with_row_index("sample").with_columns(pl.col("sample").cast(pl.Int32),
                                                   (pl.col("time") - start).round(3).alias("time")))


def _uu(column: str) -> pl.Expr:
    return pl.col(column).round(0).cast(pl.Int32)


def playback_frames(frames: ReplayFrames, match_id: str) -> pl.DataFrame:
    """The replay's samples (`PLAYBACK_SCHEMA`, key `match_id, sample, player_id`): one row for the ball
    (`player_id` `BALL`) and one for each car the frame holds (its player's id, `team` 0 blue or 1 orange, `boost`
    0-100), positions in whole uu; every row of a sample carries its `time` (seconds from the recording's first
    frame), the `clock` (seconds remaining as the game shows them) and the score after the goals the stream
    recorded up to that frame."""
    kept = samples(frames.ball)
    goals = frames.goals.sort("frame")
    scored = kept.select("frame").join_asof(
        goals.with_columns(*(((pl.col("team") == team).cast(pl.Int32).cum_sum()).alias(f"score_team_{team}")
                             for team in (0, 1))).select("frame", "score_team_0", "score_team_1"),
        on="frame", strategy="backward")
    moments = kept.select("frame", "sample", "time", pl.col("seconds_remaining").cast(pl.Int32).alias("clock")).join(
        scored.fill_null(0), on="frame")
    ball = kept.select("frame", pl.lit(BALL).alias("player_id"), pl.lit(None, pl.Int32).alias("team"),
                       _uu("x"), _uu("y"), _uu("z"), pl.lit(None, pl.Int32).alias("boost"))
    cars = frames.cars.join(kept.select("frame"), on="frame", how="semi").select(
        "frame", "player_id", pl.col("team").cast(pl.Int32), _uu("x"), _uu("y"), _uu("z"),
        _uu("boost").alias("boost"))
    return (pl.concat([ball, cars.filter(pl.col("x").is_not_null())]).join(moments, on="frame")
            .select(pl.lit(match_id, pl.String).alias("match_id"), *list(PLAYBACK_SCHEMA)[1:])
            .cast(PLAYBACK_SCHEMA).sort("sample", "player_id"))
