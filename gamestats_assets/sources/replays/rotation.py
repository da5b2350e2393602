"""Rotation per player: how long a player takes to get back after playing the ball as first man, and how much of
the time they stand in their place in the rotation (`rotation_stats`)."""

from __future__ import annotations

import polars as pl

from gamestats_assets.sources.replays.frames import ReplayFrames
from gamestats_assets.sources.replays.movement import on_pitch
from gamestats_assets.sources.replays.touches import OWN

HOLD = 0.5
"""Seconds a car must hold a role for it to count (cars level with one another swap places from frame to frame)."""


def _plays(frames: ReplayFrames) -> pl.DataFrame:
    """Each live frame out of the kickoff countdowns: `frame, time, dt, play` (the kickoffs before it)."""
    kickoff = pl.col("countdown") & ~pl.col("countdown").shift(1, fill_value=False)
    return (frames.ball.sort("frame").with_columns(play=kickoff.cum_sum())
            .filter(pl.col("live") & ~pl.col("countdown")).select("frame", "time", "play"))


def roles(frames: ReplayFrames) -> pl.DataFrame:
    """Each frame of live play (`_plays`) and car on the pitch while its whole team is (`movement.on_pitch`):
    `frame, time, dt, play, player_id, team, x, y, z, size` (the cars of the team), `role` (1 for the foremost car
    seen from the own goal, the team's `size` for the hindmost)."""
    cars = on_pitch(frames).join(_plays(frames), on="frame").with_columns(y_own=pl.col("y") * OWN)
    return (cars.with_columns(cars_now=pl.len().over("frame", "team"))
            .filter(pl.col("cars_now") == pl.col("cars_now").max().over("team"))
            .with_columns(role=pl.col("y_own").rank("ordinal", descending=True).over("frame", "team").cast(pl.Int32))
            .select("frame", "time", "dt", "play", "player_id", "team", "x", "y", "z", size="cars_now", role="role"))


def held_roles(frames: ReplayFrames) -> pl.DataFrame:
    """Each stretch a player held a role for at least `HOLD` seconds (`roles`), shorter ones dropped and the
    stretches of one role on either side of them joined: `player_id, play, size, role, start, end` (times)."""
    run = (pl.col("role") != pl.col("role").shift(1)).fill_null(True).cum_sum().over("player_id", "play")
    runs = (roles(frames).sort("player_id", "frame").with_columns(run=run)
            .group_by("player_id", "play", "run").agg(pl.col("size", "role").first(), start=pl.col("time").min(),
                                                     end=pl.col("time").max(), held=pl.col("dt").sum())
            .filter(pl.col("held") >= HOLD).sort("player_id", "play", "start"))
    joined = (pl.col("role") != pl.col("role").shift(1)).fill_null(True).cum_sum().over("player_id", "play")
    return (runs.with_columns(stretch=joined).group_by("player_id", "play", "stretch")
            .agg(pl.col("size", "role").first(), start=pl.col("start").min(), end=pl.col("end").max())
            .sort("player_id", "play", "start").drop("stretch"))


def _in_place(frames: ReplayFrames) -> pl.DataFrame:
    """Per player of a team of two or more: `placed_seconds`, their time in a frame of `roles`, and
    `in_place_seconds`, the part of it in their place in the rotation: as first man (the foremost car), their
    team's nearest car to the ball; behind the first man, between the ball and their own goal."""
    ball = frames.ball.select("frame", ball_x="x", ball_y="y", ball_z="z")
    placed = (roles(frames).filter(pl.col("size") > 1).join(ball.drop_nulls(), on="frame")
              .with_columns(to_ball=((pl.col("x") - pl.col("ball_x")) ** 2 + (pl.col("y") - pl.col("ball_y")) ** 2
                                     + (pl.col("z") - pl.col("ball_z")) ** 2).sqrt(),
                            goal_side=(pl.col("y") - pl.col("ball_y")) * OWN < 0))
    nearest = pl.col("to_ball") == pl.col("to_ball").min().over("frame", "team")
    return (placed.with_columns(in_place=pl.when(pl.col("role") == 1).then(nearest).otherwise(pl.col("goal_side")))
            .group_by("player_id").agg(placed_seconds=pl.col("dt").sum(),
                                       in_place_seconds=(pl.col("dt") * pl.col("in_place")).sum()))


def _timings(frames: ReplayFrames, held: pl.DataFrame) -> pl.DataFrame:
    """Per player: `rotations`, the times the player, having touched the ball as first man, next held the last
    man's role in the same play without touching it again (a touch counts for the first such stretch after it
only), and `rotation_seconds`, the summed time from that touch
    to the start of the last man's stretch."""
    placed = roles(frames).select("frame", "player_id", "role", "play")
    touches = (frames.hits.join(placed, on=["frame", "player_id"])
               .select("player_id", "play", touched="time", first_man=pl.col("role") == 1).sort("touched"))
    back = (held.filter((pl.col("role") == pl.col("size")) & (pl.col("size") > 1)).sort("player_id", "start")
            .select("player_id", "play", at="start", since=pl.col("end").shift(1).over("player_id")).sort("at"))
    return (back.join_asof(touches, left_on="at", right_on="touched", by="player_id", strategy="backward",
                           check_sortedness=False)
            .filter(pl.col("first_man") & (pl.col("play") == pl.col("play_right"))
                    & (pl.col("since").is_null() | (pl.col("touched") > pl.col("since"))))
            .group_by("player_id").agg(rotations=pl.len().cast(pl.Int64),
                                       rotation_seconds=(pl.col("at") - pl.col("touched")).sum()))


def rotation_stats(frames: ReplayFrames) -> pl.DataFrame:
    """Per player who held a role: `team_cars` (the size the team played at), `placed_seconds` and
    `in_place_seconds` (`_in_place`), `rotations` and `rotation_seconds` (`_timings`), zeros where the player had
    none."""
    held = held_roles(frames)
    return (held.group_by("player_id").agg(team_cars=pl.col("size").max().cast(pl.Int64))
            .join(_in_place(frames), on="player_id", how="left")
            .join(_timings(frames, held), on="player_id", how="left")
            .with_columns(pl.col("rotations").fill_null(0),
                          pl.col("rotation_seconds", "placed_seconds", "in_place_seconds").fill_null(0.0)))
