"""Save attempts and their success per player, from a replay's touches (`save_stats`)."""

from __future__ import annotations

import polars as pl

SAVE_ATTEMPT = pl.col("was_at_own_goal").fill_null(False)
"""A save attempt: a touch of a ball that was heading into the toucher's own goal mouth (`touches.on_goal`)."""
SAVED = SAVE_ATTEMPT & ~pl.col("conceded_before_next")
"""A save: an attempt after which the toucher's team conceded no goal before the next touch."""


def save_stats(touches: pl.DataFrame) -> pl.DataFrame:
    """Per player who touched the ball (`touches.touch_outcomes`): `save_attempts` (`SAVE_ATTEMPT`) and
    `saves_made` (`SAVED`). A shot the player never reached is no attempt of theirs."""
    return touches.group_by("player_id").agg(save_attempts=SAVE_ATTEMPT.sum().cast(pl.Int64),
                                             saves_made=SAVED.sum().cast(pl.Int64))
