"""50/50 challenges per player: who contested the ball first, how early, with what result (`challenge_stats`)."""

from __future__ import annotations

import polars as pl

CONTEST_SECONDS = 1.0
"""Seconds within which an opponent's touch after a player's makes the two a contest."""


def contests(hits: pl.DataFrame) -> pl.DataFrame:
    """One row per contest: two consecutive touches (`ReplayFrames.hits`) by opposite teams within `CONTEST_SECONDS`,
    followed by a third: `first` and `second` (the players, in the order they touched), `gap` (seconds between
    their touches) and `won_by`, the team that touched next."""
    return (hits.sort("frame")
            .select(first="player_id", first_team="team", second=pl.col("player_id").shift(-1),
                    second_team=pl.col("team").shift(-1), gap=pl.col("time").shift(-1) - pl.col("time"),
                    won_by=pl.col("team").shift(-2))
            .filter((pl.col("first_team") != pl.col("second_team")) & (pl.col("gap") <= CONTEST_SECONDS)
                    & pl.col("won_by").is_not_null()))


def challenge_stats(hits: pl.DataFrame) -> pl.DataFrame:
    """Per player who entered a contest (`contests`): `contests`, `contests_won` (their team touched next),
    `contests_first` (the player touched first) and `challenge_lead_total`, the summed seconds by which the
    player's touch came before the opponent's (negative when after)."""
    found = contests(hits)
    sides = pl.concat([
        found.select(player_id="first", won=pl.col("won_by") == pl.col("first_team"), first=pl.lit(True),
                     lead=pl.col("gap")),
        found.select(player_id="second", won=pl.col("won_by") == pl.col("second_team"), first=pl.lit(False),
                     lead=-pl.col("gap")),
    ])
    return sides.group_by("player_id").agg(
        contests=pl.len().cast(pl.Int64), contests_won=pl.col("won").sum().cast(pl.Int64),
        contests_first=pl.col("first").sum().cast(pl.Int64), challenge_lead_total=pl.col("lead").sum())
