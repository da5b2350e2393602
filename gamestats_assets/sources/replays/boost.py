"""ballchasing's `boost` stat group computed from a replay's frames, per player (`boost_stats`)."""

from __future__ import annotations

import polars as pl

from gamestats_assets.sources.replays.frames import ReplayFrames
from gamestats_assets.sources.replays.movement import player_minutes

SUPERSONIC = 2200.0
"""uu/s from which a car is supersonic."""
BANDS = ((0.0, 25.0), (25.0, 50.0), (50.0, 75.0), (75.0, 100.01))
EMPTY, FULL = 0.0, 100.0


def _pickups(frames: ReplayFrames) -> pl.DataFrame:
    """Each pickup with what entered the tank, what overflowed, and whether the pad was the opponents'."""
    before = frames.cars.select("frame", "player_id", "team", "boost").with_columns(pl.col("frame") + 1)
    return (
        frames.pickups.join(before, on=["frame", "player_id"], how="inner")
        .filter((pl.col("pad_amount") >= FULL) | (pl.col("boost") <= FULL - pl.col("pad_amount")))
        .with_columns(gained=pl.min_horizontal(pl.col("pad_amount"), FULL - pl.col("boost")).clip(0.0))
        .with_columns(overfill=pl.col("pad_amount") - pl.col("gained"),
                      big=pl.col("pad_amount") >= FULL,
                      stolen=pl.when(pl.col("team") == 0).then(pl.col("pad_y") > 0).otherwise(pl.col("pad_y") < 0))
    )


def _collected(frames: ReplayFrames) -> pl.DataFrame:
    picked = _pickups(frames)
    big, small, stolen = pl.col("big"), ~pl.col("big"), pl.col("stolen")
    return picked.group_by("player_id").agg(
        amount_collected=pl.col("gained").sum(),
        amount_stolen=pl.col("gained").filter(stolen).sum(),
        amount_collected_big=pl.col("gained").filter(big).sum(),
        amount_stolen_big=pl.col("gained").filter(big & stolen).sum(),
        amount_collected_small=pl.col("gained").filter(small).sum(),
        amount_stolen_small=pl.col("gained").filter(small & stolen).sum(),
        count_collected_big=big.sum(),
        count_stolen_big=(big & stolen).sum(),
        count_collected_small=small.sum(),
        count_stolen_small=(small & stolen).sum(),
        amount_overfill=pl.col("overfill").sum(),
        amount_overfill_stolen=pl.col("overfill").filter(stolen).sum(),
    )


def _tank(frames: ReplayFrames) -> pl.DataFrame:
    """Per player: time in each state of the replicated tank over the live frames, boost used (the drops of
    the modelled tank while boosting), and the mean tank."""
    cars = (
        frames.cars.sort("player_id", "frame")
        .with_columns(used=(pl.col("boost").shift(1) - pl.col("boost")).over("player_id").clip(0.0).fill_null(0.0)
                      * pl.col("boosting").cast(pl.Float64),
                      speed=(pl.col("vx") ** 2 + pl.col("vy") ** 2 + pl.col("vz") ** 2).sqrt())
        .join(frames.ball.select("frame", "dt", "live"), on="frame")
        .filter(pl.col("live") & ~pl.col("sleeping"))
    )
    dt, boost = pl.col("dt"), pl.col("tank")
    return cars.group_by("player_id").agg(
        tracked=dt.sum(),
        boost_integral=(boost * dt).sum(),
        amount_used=pl.col("used").sum(),
        amount_used_while_supersonic=pl.col("used").filter(pl.col("speed") >= SUPERSONIC).sum(),
        time_zero_boost=dt.filter(boost <= EMPTY).sum(),
        time_full_boost=dt.filter(boost >= FULL).sum(),
        **{f"time_boost_{int(low)}_{min(int(high), 100)}": dt.filter((boost >= low) & (boost < high)).sum()
           for low, high in BANDS},
    )


def boost_stats(frames: ReplayFrames) -> pl.DataFrame:
    """One row per player who had a car: ballchasing's boost stats (its column names), on the 0-100 scale.

    - collected: what pads put in the tank (less what overflowed: overfill); stolen: collected in the
      opponents' half; big and small pads apart, in amounts and counts (small pads taken with less room
      than the pad gives are not counted, as ballchasing does);
    - time at zero / full boost and in each quarter, over the live frames on the pitch, of the replicated
      tank (`ReplayFrames.cars`' `tank`); `percent_zero_boost` and `percent_full_boost` of the live time,
      the bands' percentages of the bands' total;
    - `bcpm`: boost collected per minute of the player's live time (`player_minutes`); `bpm`: boost used
      (drops of the tank while boosting) per minute of it; `percent_zero_boost` and `percent_full_boost`
      of it; `avg_amount`: the time-weighted mean tank; `amount_used_while_supersonic`: boost used at
      supersonic speed.

    Live time runs from each kickoff's countdown to the next goal (`ReplayFrames.ball`).
    """
    bands = [f"time_boost_{int(low)}_{min(int(high), 100)}" for low, high in BANDS]
    in_bands = pl.sum_horizontal(bands)
    minutes = pl.when(pl.col("minutes") > 0).then(pl.col("minutes"))
    return (
        _tank(frames).join(_collected(frames), on="player_id", how="left")
        .with_columns(pl.col(pl.UInt32).cast(pl.Int64).fill_null(0), pl.col(pl.Float64).fill_null(0.0))
        .join(player_minutes(frames), on="player_id", how="left")
        .with_columns(
            bpm=pl.col("amount_used") / minutes,
            bcpm=pl.col("amount_collected") / minutes,
            avg_amount=pl.col("boost_integral") / pl.col("tracked"),
            percent_zero_boost=100 * pl.col("time_zero_boost") / (minutes * 60),
            percent_full_boost=100 * pl.col("time_full_boost") / (minutes * 60),
            **{band.replace("time_", "percent_"): 100 * pl.col(band) / in_bands for band in bands},
        )
        .drop("tracked", "boost_integral", "amount_used", "minutes")
    )
