"""Aerial attempts and their success per player, from a replay's touches (`aerial_stats`)."""

from __future__ import annotations

import polars as pl

from gamestats_assets.sources.replays.shooting import SHOT

AERIAL_BALL = 300.0
"""uu above which the ball of an aerial touch is (well above a grounded car's reach)."""
AIRBORNE = 150.0
CEILING = 1900.0
"""uu between which the centre of an aerial toucher's car is: off the ground, below the ceiling."""
WALL = 200.0
"""uu from a side or end wall within which a car high up drives on the wall and does not fly."""

AERIAL = ((pl.col("ball_z") > AERIAL_BALL) & pl.col("car_z").is_between(AIRBORNE, CEILING)
          & (pl.col("wall_gap") > WALL)).fill_null(False)
"""A touch in the air: the ball above `AERIAL_BALL`, the car flying (`AIRBORNE` to `CEILING`, farther than `WALL`
from every wall)."""
REACHED = SHOT | pl.col("pass_on") | pl.col("cleared")
"""A touch that reaches a target: a shot (`shooting.SHOT`), a pass (a teammate touches next within
`touches.PASS_SECONDS`) or a clear (from the own defensive third out of it before anyone touches again)."""


def aerial_stats(touches: pl.DataFrame) -> pl.DataFrame:
    """Per player who touched the ball (`touches.touch_outcomes`): `aerial_attempts`, the touches in the air
    (`AERIAL`), and `aerial_successes`, those that reached a target (`REACHED`)."""
    return touches.group_by("player_id").agg(aerial_attempts=AERIAL.sum().cast(pl.Int64),
                                             aerial_successes=(AERIAL & REACHED).sum().cast(pl.Int64))
