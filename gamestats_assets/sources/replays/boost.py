"""ballchasing's `boost` stat group computed from a replay's frames, per player (`boost_stats`)."""

from __future__ import annotations

import polars as pl

from gamestats_assets.sources.replays.frames import SMALL_PAD, ReplayFrames
from gamestats_assets.sources.replays.movement import player_minutes

SUPERSONIC = 2200.0
"""uu/s from which a car is supersonic."""
BANDS = ((0.0, 25.0), (25.0, 50.0), (50.0, 75.0), (75.0, 100.01))
"""The tank's quarters, in percent, the last one holding a full tank."""
EMPTY, FULL = 0.0, 100.0
KICKOFF = 100.0 / 3
"""The tank a car starts each kickoff and respawn with."""
PICKUP_FRAMES = 2
"""Frames within which the replicated tank rises after the pickup event of the pad that filled it."""


def stolen() -> pl.Expr:
    """Whether the pad at `pad_y` lies in the opponents' half of the car's `team`."""
    return pl.when(pl.col("team") == 0).then(pl.col("pad_y") > 0).otherwise(pl.col("pad_y") < 0)


def _pickups(frames: ReplayFrames) -> pl.DataFrame:
    """Each pickup with what entered the tank (a pad's amount up to the room the modelled tank had at the
    frame before), what overflowed (the rest of the pad's amount), whether the pad was the opponents', and
    whether it is `counted` (a big pad, or a small one taken with room for all it gives)."""
    before = frames.cars.select("frame", "player_id", "team", "boost").with_columns(pl.col("frame") + 1)
    return (
        frames.pickups.join(before, on=["frame", "player_id"], how="inner")
        .with_columns(counted=(pl.col("pad_amount") >= FULL) | (pl.col("boost") <= FULL - pl.col("pad_amount")),
                      gained=pl.min_horizontal(pl.col("pad_amount"), FULL - pl.col("boost")).clip(0.0))
        .with_columns(overfill=pl.col("pad_amount") - pl.col("gained"),
                      big=pl.col("pad_amount") >= FULL,
                      stolen=stolen())
    )


def _rises(frames: ReplayFrames) -> pl.DataFrame:
    """Each rise of the replicated tank but a respawn's (a tank set to `KICKOFF`), credited to the pad a
    pickup of the car's took within `PICKUP_FRAMES` frames before it (else a big pad for a rise beyond a small
    pad's, at the car's place): `gained, big, stolen`."""
    cars = (frames.cars.sort("player_id", "frame")
            .with_columns(gained=(pl.col("tank") - pl.col("tank").shift(1)).over("player_id"))
            .filter((pl.col("gained") > 0) & ((pl.col("tank") - KICKOFF).abs() > 0.01))
            .select("frame", "player_id", "team", "y", "gained"))
    pickups = frames.pickups.select("frame", "player_id", "pad_amount", "pad_y")
    near = pl.concat([cars.join(pickups.with_columns(pl.col("frame") + lag, lag=pl.lit(lag)), on=["frame", "player_id"])
                      for lag in range(PICKUP_FRAMES + 1)])
    credited = near.sort("lag").unique(["frame", "player_id"], keep="first").select("frame", "player_id", "pad_amount",
                                                                                   "pad_y")
    return (
        cars.join(credited, on=["frame", "player_id"], how="left")
        .with_columns(big=pl.col("pad_amount").fill_null(
                          pl.when(pl.col("gained") > SMALL_PAD).then(FULL).otherwise(0.0)) >= FULL,
                      pad_y=pl.col("pad_y").fill_null(pl.col("y")))
        .with_columns(stolen=stolen())
    )


def _drops(frames: ReplayFrames) -> pl.DataFrame:
    """Per player: `amount_used`, the drops of the replicated tank over the whole recording (goal celebrations
    included), but a reset's: a tank set to `KICKOFF` (a kickoff, a respawn) or emptied during a kickoff's
    countdown, when no car can boost."""
    reset = ((pl.col("tank") - KICKOFF).abs() <= 0.01) | pl.col("countdown")
    return (frames.cars.sort("player_id", "frame")
            .with_columns(dropped=(pl.col("tank").shift(1) - pl.col("tank")).over("player_id").clip(0.0))
            .join(frames.ball.select("frame", "countdown"), on="frame")
            .group_by("player_id").agg(amount_used=pl.col("dropped").filter(~reset).sum()))


def _collected(frames: ReplayFrames) -> pl.DataFrame:
    picked = _pickups(frames)
    counted = picked.filter("counted")
    big, small, stolen = pl.col("big"), ~pl.col("big"), pl.col("stolen")
    amounts = _rises(frames) if frames.pads_return else counted
    return amounts.group_by("player_id").agg(
        amount_collected=pl.col("gained").sum(),
        amount_stolen=pl.col("gained").filter(stolen).sum(),
        amount_collected_big=pl.col("gained").filter(big).sum(),
        amount_stolen_big=pl.col("gained").filter(big & stolen).sum(),
        amount_collected_small=pl.col("gained").filter(small).sum(),
        amount_stolen_small=pl.col("gained").filter(small & stolen).sum(),
        count_collected_small=small.sum(),
        count_stolen_small=(small & stolen).sum(),
    ).join(counted.group_by("player_id").agg(
        count_collected_big=big.sum(),
        count_stolen_big=(big & stolen).sum(),
    ), on="player_id", how="full", coalesce=True).join(picked.group_by("player_id").agg(
        amount_overfill=pl.col("overfill").sum(),
        amount_overfill_stolen=pl.col("overfill").filter(stolen).sum(),
    ), on="player_id", how="full", coalesce=True)


def _next_tank(cars: pl.DataFrame) -> pl.DataFrame:
    """`cars` (sorted by player and frame) with `next_tank`: the value the replicated tank takes at its next
    change (its own value after the last one), so that the time between two replications counts at the value
    the second one brings."""
    run = (pl.col("tank") != pl.col("tank").shift(1)).over("player_id").fill_null(True).cum_sum().over("player_id")
    runs = (cars.with_columns(run=run).group_by("player_id", "run").agg(pl.col("tank").first())
            .sort("player_id", "run").with_columns(next_tank=pl.col("tank").shift(-1).over("player_id")))
    return (cars.with_columns(run=run).join(runs.drop("tank"), on=["player_id", "run"], how="left")
            .with_columns(pl.col("next_tank").fill_null(pl.col("tank"))).drop("run"))


def _closed(cars: pl.DataFrame) -> pl.DataFrame:
    """`cars` (sorted by player and frame) with `closed`: whether a later replication of the same car's tank
    ends the frame's span, a car's life running from its spawn (its first frame after a gap, or its respawn
    after a demolition) to its demolition or removal; the frames after a life's last change of the tank are
    not `closed`."""
    previous = pl.col("sleeping").shift(1).over("player_id")
    starts = (((pl.col("frame") - pl.col("frame").shift(1)).over("player_id") != 1).fill_null(True)
              | (previous & ~pl.col("sleeping")).fill_null(False) | (~previous & pl.col("sleeping")).fill_null(False))
    lives = cars.with_columns(life=starts.cum_sum().over("player_id"), starts=starts)
    changes = ((pl.col("tank") != pl.col("tank").shift(1)).over("player_id").fill_null(False)
               & ~pl.col("starts")).cast(pl.Int32).cum_sum().over("player_id", "life")
    return (lives.with_columns(changes=changes)
            .with_columns(closed=pl.col("changes") < pl.col("changes").max().over("player_id", "life"))
            .drop("life", "starts", "changes"))


def _mean_replicated(frames: ReplayFrames) -> pl.DataFrame:
    """Per player: `avg_amount`, the mean of the values the replicated tank takes over the whole recording's
    frames with the car on the pitch, each change once (the first frame's value too), however long each value
    lasts."""
    changes = (pl.col("tank") != pl.col("tank").shift(1)).over("player_id").fill_null(True)
    return (frames.cars.filter(~pl.col("sleeping")).sort("player_id", "frame").filter(changes)
            .group_by("player_id").agg(avg_amount=pl.col("tank").mean()))


def _tank(frames: ReplayFrames) -> pl.DataFrame:
    """Per player, over the live frames: time at zero and full of the replicated tank, over the frames a later
    replication of the car's tank ends (`_closed`) where the stream replicates pads' returns (2017 on); time in
    each quarter of the tank the next replication brings (`_next_tank`) there, else of the replicated tank;
    boost used (the drops of the modelled tank while boosting)."""
    cars = (
        _closed(_next_tank(frames.cars.sort("player_id", "frame")))
        .with_columns(used=(pl.col("boost").shift(1) - pl.col("boost")).over("player_id").clip(0.0).fill_null(0.0)
                      * pl.col("boosting").cast(pl.Float64),
                      speed=(pl.col("vx") ** 2 + pl.col("vy") ** 2 + pl.col("vz") ** 2).sqrt())
        .with_columns(supersonic=(pl.col("speed") >= SUPERSONIC)
                      & (pl.col("speed").shift(1) >= SUPERSONIC).over("player_id").fill_null(False))
        .join(frames.ball.select("frame", "dt", "live"), on="frame")
        .filter(pl.col("live") & ~pl.col("sleeping"))
    )
    dt, boost = pl.col("dt"), pl.col("tank")
    quarter = pl.col("next_tank") if frames.pads_return else boost
    closed = pl.col("closed") if frames.pads_return else pl.lit(True)
    return cars.group_by("player_id").agg(
        amount_used=pl.col("used").sum(),
        amount_used_while_supersonic=pl.col("used").filter("supersonic").sum(),
        time_zero_boost=dt.filter((boost <= EMPTY) & closed).sum(),
        time_full_boost=dt.filter((boost >= FULL) & closed).sum(),
        **{f"time_boost_{int(low)}_{min(int(high), 100)}": dt.filter((quarter >= low) & (quarter < high)).sum()
           for low, high in BANDS},
    )


def boost_stats(frames: ReplayFrames) -> pl.DataFrame:
    """One row per player who had a car: ballchasing's boost stats (its column names), on the 0-100 scale.

    - collected: where the stream replicates pads' returns (2017 on), the rises of the replicated tank but
      a respawn's, over the whole recording (`_rises`), as ballchasing counts them; in older streams what
      each pickup put in the tank; stolen: collected in the opponents' half; big and small pads apart;
      big pads counted from the pickups, small pads as the amounts are (one a rise of the tank, where the
      stream replicates pads' returns; else the pickups taken with room for all the pad gives);
    - time at zero / full boost, over the live frames on the pitch, of the replicated tank
      (`ReplayFrames.cars`' `tank`), where the stream replicates pads' returns (2017 on) only over the frames
      a later replication of the car's tank ends (`_closed`), as ballchasing counts it; time in each quarter
      over the live frames on the pitch, of the value the tank's next replication brings (`_next_tank`), as
      ballchasing counts it, where the stream replicates pads' returns, else of the replicated tank;
      `percent_zero_boost` and `percent_full_boost` of the live time, the quarters' percentages of the
      quarters' total;
    - `avg_amount`: the mean of the values the replicated tank takes, each once, over the whole recording
      (`_mean_replicated`), as ballchasing averages it;
    - `bcpm`: boost collected per minute of the player's live time (`player_minutes`); `bpm`: boost used
      per minute of it: in streams of 2017 on the drops of the replicated tank but a kickoff's or respawn's
      over the whole recording (`_drops`), as ballchasing counts them, in older ones the drops of the
      modelled tank while boosting over the live frames; `amount_used_while_supersonic`: the modelled
      tank's drops while boosting at `SUPERSONIC` speed or above at that frame and the one before, over
      the live frames; `amount_overfill`: what each pickup gave beyond the room in the tank, small pads
      taken with less room than they give included.

    Live time runs from each kickoff's countdown to the next goal (`ReplayFrames.ball`).
    """
    bands = [f"time_boost_{int(low)}_{min(int(high), 100)}" for low, high in BANDS]
    in_bands = pl.sum_horizontal(bands)
    minutes = pl.when(pl.col("minutes") > 0).then(pl.col("minutes"))
    tank = _tank(frames)
    if frames.pads_return:
        tank = tank.drop("amount_used").join(_drops(frames), on="player_id", how="left")
    return (
        tank.join(_collected(frames), on="player_id", how="left")
        .join(_mean_replicated(frames), on="player_id", how="left")
        .with_columns(pl.col(pl.UInt32).cast(pl.Int64).fill_null(0), pl.col(pl.Float64).fill_null(0.0))
        .join(player_minutes(frames), on="player_id", how="left")
        .with_columns(
            bpm=pl.col("amount_used") / minutes,
            bcpm=pl.col("amount_collected") / minutes,
            percent_zero_boost=100 * pl.col("time_zero_boost") / (minutes * 60),
            percent_full_boost=100 * pl.col("time_full_boost") / (minutes * 60),
            **{band.replace("time_", "percent_"): 100 * pl.col(band) / in_bands for band in bands},
        )
        .drop("amount_used", "minutes")
    )
