"""Where a player's car stood on average and how widely it ranged, per player (`spread_stats`)."""

from __future__ import annotations

import polars as pl

from gamestats_assets.sources.replays.frames import ReplayFrames
from gamestats_assets.sources.replays.movement import on_pitch
from gamestats_assets.sources.replays.touches import OWN

AXES = ("x", "y", "z")


def spread_stats(frames: ReplayFrames) -> pl.DataFrame:
    """Per player who had a car: `avg_position_x/y/z`, the time-weighted mean place of the car on the pitch
    (`movement.on_pitch`) in live play out of the kickoff countdowns (goal celebrations left out), seen from the
    player's own goal (`y` positive toward the opponents' goal, `x` mirrored for orange so that both teams' sides
    agree), and `position_sd_x/y/z`, the time-weighted standard deviation along each axis (uu)."""
    live = frames.ball.filter("live").select("frame")
    cars = (on_pitch(frames).join(live, on="frame").filter(~pl.col("countdown") & (pl.col("dt") > 0))
            .with_columns(pl.col("x") * OWN, pl.col("y") * OWN))
    dt = pl.col("dt")
    means = cars.group_by("player_id").agg(**{f"avg_position_{a}": (pl.col(a) * dt).sum() / dt.sum() for a in AXES})
    return (cars.join(means, on="player_id")
            .group_by("player_id").agg(
                *(pl.col(f"avg_position_{a}").first() for a in AXES),
                **{f"position_sd_{a}": ((dt * (pl.col(a) - pl.col(f"avg_position_{a}")) ** 2).sum() / dt.sum()).sqrt()
                   for a in AXES}))
