"""Each touch of a replay with what the ball did after it (`touch_outcomes`): where it was headed, how fast, who
touched it next and whether it left the toucher's defensive third; the mechanics (`aerials`, `shooting`, `saves`)
read their attempts and successes from it."""

from __future__ import annotations

import polars as pl

from gamestats_assets.sources.replays.frames import ReplayFrames
from gamestats_assets.sources.replays.positioning import THIRD_EDGE

GOAL_LINE = 5120.0
"""uu from midfield to each goal line (blue defends `-y`, orange `+y`)."""
GOAL_HALF_WIDTH = 893.0
GOAL_HEIGHT = 642.775
"""The goal mouth's half-width and height, uu."""
GRAVITY = 650.0
"""uu/s² the ball falls by."""
HORIZON = 4.0
"""Seconds of flight within which a ball headed for a goal counts as on its way there."""
PASS_SECONDS = 2.0
"""Seconds within which a teammate's next touch makes a touch a pass."""

OWN = pl.when(pl.col("team") == 0).then(1.0).otherwise(-1.0)
"""+1 for blue, −1 for orange: a `y` times it is seen from the team's own goal (positive: toward the opponents')."""


def on_goal(x: str, y: str, z: str, vx: str, vy: str, vz: str, goal_y: pl.Expr,
            half_width: float = GOAL_HALF_WIDTH, height: float = GOAL_HEIGHT) -> pl.Expr:
    """Whether a ball at `x, y, z` moving at `vx, vy, vz` crosses the goal line at `goal_y` within `HORIZON`
    seconds less than `half_width` from the goal's centre and below `height` (by default the goal mouth), flying
    in a straight line across the pitch and falling by `GRAVITY` (a ball that would reach the floor before the
    line bounces in: only `height` bounds it)."""
    t = (goal_y - pl.col(y)) / pl.col(vy)
    x_line = pl.col(x) + pl.col(vx) * t
    z_line = pl.col(z) + pl.col(vz) * t - GRAVITY * t ** 2 / 2
    return ((t > 0) & (t <= HORIZON) & (x_line.abs() < half_width) & (z_line < height)).fill_null(False)


def _segments(frames: ReplayFrames, hits: pl.DataFrame) -> pl.DataFrame:
    """Per touch (`frame`): the farthest the ball went toward the toucher's opponents (`reach`, `y` seen from the
    toucher's goal) before the next touch."""
    ball = frames.ball.select(at="frame", y="y").drop_nulls().sort("at")
    return (ball.join_asof(hits.select(at="frame", frame="frame", team="team"), on="at", strategy="backward")
            .drop_nulls("frame").group_by("frame").agg(reach=(pl.col("y") * OWN).max()))


def touch_outcomes(frames: ReplayFrames) -> pl.DataFrame:
    """One row per touch (`ReplayFrames.hits`), in time order: `frame, time, player_id, team, ball_x, ball_y,
    ball_z` (the ball before the touch), the toucher's car height `car_z` and distance from the nearest side
    wall `wall_gap` (`car_x` and `car_y` seen from the side and end walls), and what followed:

    - `speed`: the ball's speed (uu/s) at the contact's last frame (`until`), just after it;
    - `at_goal`: the ball then headed into the opponents' goal mouth (`on_goal`); `aimed`: toward their goal
      line less than twice the goal's half-width from its centre, at any height; `was_at_own_goal`: before the
      touch, it was headed into the toucher's own goal mouth;
    - `next_player`, `next_team`, `next_gap` (seconds): the next touch; `pass_on`: it was a teammate's within
      `PASS_SECONDS`;
    - `in_own_third`: the touch was in the toucher's defensive third; `cleared`: the ball then crossed out of
      that third before the next touch;
    - `conceded_before_next`: the toucher's team conceded a goal before the next touch (or after the last one)."""
    hits = frames.hits.sort("frame")
    ball = frames.ball.select("frame", "x", "y", "z", "vx", "vy", "vz")
    before = ball.select(pl.col("frame") + 1, pvx="vx", pvy="vy", pvz="vz")
    cars = frames.cars.select(pl.col("frame") + 1, "player_id", car_x="x", car_y="y", car_z="z")
    conceded = frames.goals.sort("frame").select("frame", goal_frame="frame", team=(1 - pl.col("team")).cast(pl.Int8))
    attacked = OWN * GOAL_LINE
    return (
        hits.join(ball.rename({"frame": "until"}), on="until", how="left").join(before, on="frame", how="left")
        .join(cars, on=["frame", "player_id"], how="left")
        .join(_segments(frames, hits), on="frame", how="left")
        .join_asof(conceded, on="frame", by="team", strategy="forward", check_sortedness=False)
        .with_columns(next_player=pl.col("player_id").shift(-1), next_team=pl.col("team").shift(-1),
                      next_frame=pl.col("frame").shift(-1), next_gap=pl.col("time").shift(-1) - pl.col("time"))
        .with_columns(
            speed=(pl.col("vx") ** 2 + pl.col("vy") ** 2 + pl.col("vz") ** 2).sqrt(),
            at_goal=on_goal("x", "y", "z", "vx", "vy", "vz", attacked),
            aimed=on_goal("x", "y", "z", "vx", "vy", "vz", attacked, 2 * GOAL_HALF_WIDTH, float("inf")),
            was_at_own_goal=on_goal("ball_x", "ball_y", "ball_z", "pvx", "pvy", "pvz", -attacked),
            pass_on=((pl.col("next_team") == pl.col("team")) & (pl.col("next_player") != pl.col("player_id"))
                     & (pl.col("next_gap") <= PASS_SECONDS)).fill_null(False),
            in_own_third=pl.col("ball_y") * OWN < -THIRD_EDGE,
            conceded_before_next=(pl.col("goal_frame").is_not_null()
                                  & (pl.col("next_frame").is_null() | (pl.col("goal_frame") < pl.col("next_frame")))),
            wall_gap=pl.min_horizontal(4096.0 - pl.col("car_x").abs(), GOAL_LINE - pl.col("car_y").abs()),
        )
        .with_columns(cleared=(pl.col("in_own_third") & (pl.col("reach") > -THIRD_EDGE)).fill_null(False))
        .select("frame", "time", "player_id", "team", "ball_x", "ball_y", "ball_z", "car_z", "wall_gap", "speed",
                "at_goal", "aimed", "was_at_own_goal", "next_player", "next_team", "next_gap", "pass_on",
                "in_own_third", "cleared", "conceded_before_next")
    )
