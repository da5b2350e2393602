"""Shots, their accuracy and their power per player, from a replay's touches (`shot_stats`)."""

from __future__ import annotations

import polars as pl

from gamestats_assets.sources.replays.positioning import THIRD_EDGE
from gamestats_assets.sources.replays.touches import OWN

BEYOND_OWN_THIRD = pl.col("ball_y") * OWN > -THIRD_EDGE
"""A touch out of the toucher's defensive third (a clear from it that heads for the far goal is no shot)."""
SHOT = (pl.col("at_goal") & BEYOND_OWN_THIRD).fill_null(False)
"""A shot on target: a touch out of the toucher's defensive third after which the ball heads into the opponents'
goal mouth (`touches.on_goal`), whether a defender then stops it or not."""
ATTEMPT = ((pl.col("aimed") & BEYOND_OWN_THIRD) | SHOT).fill_null(False)
"""A shot attempt: a touch out of the toucher's defensive third after which the ball heads toward the opponents' goal
line less than twice the goal's half-width from its centre (`touches.touch_outcomes`' `aimed`), on target or not."""


def shot_stats(touches: pl.DataFrame) -> pl.DataFrame:
    """Per player who touched the ball (`touches.touch_outcomes`): `shot_attempts` (`ATTEMPT`), `shots_on_target`
    (`SHOT`) and `shot_speed`, the mean speed of the ball just after the touch of each attempt (null without
    one)."""
    return touches.group_by("player_id").agg(
        shot_attempts=ATTEMPT.sum().cast(pl.Int64), shots_on_target=SHOT.sum().cast(pl.Int64),
        shot_speed=pl.col("speed").filter(ATTEMPT).mean())
