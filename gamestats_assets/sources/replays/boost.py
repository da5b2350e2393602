"""ballchasing's `boost` stat group computed from a replay's frames, per player (`boost_stats`)."""

from __future__ import annotations

import polars as pl

from gamestats_assets.sources.replays.frames import SMALL_PAD, ReplayFrames
from gamestats_assets.sources.replays.movement import GROUND_HEIGHT, SUPERSONIC, player_minutes

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


def _next_replication(frames: ReplayFrames) -> pl.DataFrame:
    """Per pickup (`ReplayFrames.pickups`): `granted`, the first value the stream replicates for the car's tank
    at or after the pickup's frame (the tank the pad left, less what a boost press drained since)."""
    replicated = (frames.replications.sort("frame").unique(["frame", "player_id"], keep="last")
                  .select("frame", "player_id", granted="tank").sort("frame"))
    return (frames.pickups.select("frame", "player_id").unique().sort("frame")
            .join_asof(replicated, on="frame", by="player_id", strategy="forward", check_sortedness=False))


def _pickups(frames: ReplayFrames) -> pl.DataFrame:
    """Each fresh pickup (`ReplayFrames.pickups`) with what entered the tank (`gained`), what overflowed,
    whether the pad was the opponents', and whether it is `counted`. Where the stream replicates pads'
    returns (2017 on), a pad gave its amount up to the room the modelled tank had at the frame before, and
    counts when a big pad is taken while the replicated tank was short of full (the stream can hold a full
    tank through a boost press that drained it, and ballchasing then counts no pad), a small one with room
    for all it gives. Older streams replicate the tank seldom, and a pad counts, as ballchasing counts it,
    when the tank's first replication at or after the pickup is above its last one before, and gave that
    rise (a pad taken at a kickoff or during a boost press whose tank replicates lower counts none).

    `overfill` is read, as ballchasing reads it, off the replicated tank: the pad's amount beyond the room
    the tank last replicated before the pickup had, when the next replication shows the tank full; a pad
    taken at a replicated full tank, or after which the tank replicates short of full (a boost press drained
    it as the pad filled it), overflows nothing."""
    before = frames.cars.select("frame", "player_id", "team", "boost", "tank").with_columns(pl.col("frame") + 1)
    big = pl.col("pad_amount") >= FULL
    filled = (pl.col("tank") < FULL) & (pl.col("granted") >= FULL).fill_null(True)
    if frames.pads_return:
        counted = pl.when(big).then(pl.col("tank") < FULL).otherwise(pl.col("boost") <= FULL - pl.col("pad_amount"))
        gained = pl.min_horizontal(pl.col("pad_amount"), FULL - pl.col("boost")).clip(0.0)
    else:
        counted = (pl.col("granted") > pl.col("tank")).fill_null(False)
        gained = pl.when(counted).then(pl.col("granted") - pl.col("tank")).otherwise(0.0)
    return (
        frames.pickups.filter("fresh").join(before, on=["frame", "player_id"], how="inner")
        .join(_next_replication(frames), on=["frame", "player_id"], how="left")
        .with_columns(counted=counted, gained=gained,
                      overfill=pl.when(filled).then((pl.col("pad_amount") + pl.col("tank") - FULL).clip(0.0))
                      .otherwise(0.0))
        .with_columns(big=big, stolen=stolen())
    )


def _rises(frames: ReplayFrames) -> pl.DataFrame:
    """Each rise of the replicated tank but a respawn's (a tank set to `KICKOFF`), credited to the pad a
    pickup of the car's took within `PICKUP_FRAMES` frames before it, each pickup to the first rise after it
    (else a big pad for a rise beyond a small pad's, at the car's place): `gained, big, stolen`. A rise credited
    to a pickup that is not fresh (`ReplayFrames.pickups`) counts, as ballchasing counts it, as a small pad in no
    half. Where the tanks refill by themselves (`ReplayFrames.recharges`), a rise no pickup explains is the
    recharge's, and counts none."""
    cars = (frames.cars.sort("player_id", "frame")
            .with_columns(gained=(pl.col("tank") - pl.col("tank").shift(1)).over("player_id"))
            .filter((pl.col("gained") > 0) & ((pl.col("tank") - KICKOFF).abs() > 0.01))
            .select("frame", "player_id", "team", "y", "gained"))
    pickups = frames.pickups.select("frame", "player_id", "pad_amount", "pad_y", "fresh")
    near = pl.concat([cars.join(pickups.with_columns(pl.col("frame") + lag, lag=pl.lit(lag)), on=["frame", "player_id"])
                      for lag in range(PICKUP_FRAMES + 1)])
    credited = (near.sort("lag", pl.col("fresh").not_())
                .unique(["frame", "player_id"], keep="first", maintain_order=True)
                .with_columns(taken=pl.col("frame") - pl.col("lag")).unique(["taken", "player_id"], keep="first")
                .select("frame", "player_id", "pad_amount", "pad_y", "fresh"))
    fresh = pl.col("fresh").fill_null(True)
    rises = cars.join(credited, on=["frame", "player_id"], how="left")
    if frames.recharges:
        rises = rises.filter(pl.col("fresh").is_not_null())
    return (
        rises
        .with_columns(big=fresh & (pl.col("pad_amount").fill_null(
                          pl.when(pl.col("gained") > SMALL_PAD).then(FULL).otherwise(0.0)) >= FULL),
                      pad_y=pl.col("pad_y").fill_null(pl.col("y")))
        .with_columns(stolen=fresh & stolen())
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


def _between_replications(frames: ReplayFrames) -> pl.DataFrame:
    """Each car's frames on the pitch between two replications of its tank (`ReplayFrames.replications`),
    with `since_tank`, the value the replication before the frame brought, and `next_tank`, the value the one
    after it brings; the time after a car's last replication until it is demolished or removed lies between
    none."""
    replications = frames.replications.sort("frame")
    return (frames.cars.sort("frame")
            .join_asof(replications.select("frame", "player_id", since="component", since_tank="tank"),
                       on="frame", by="player_id", strategy="backward", check_sortedness=False)
            .join_asof(replications.select(pl.col("frame") - 1, "player_id", until="component", next_tank="tank"),
                       on="frame", by="player_id", strategy="forward", check_sortedness=False)
            .filter((pl.col("since") == pl.col("until")) & ~pl.col("sleeping"))
            .join(frames.ball.select("frame", "dt"), on="frame"))


def _mean_replicated(frames: ReplayFrames) -> pl.DataFrame:
    """Per player: `avg_amount`, the mean of the values the stream replicates for the player's tank
    (`ReplayFrames.replications`), each replication once, however long its value lasts."""
    return frames.replications.group_by("player_id").agg(avg_amount=pl.col("tank").mean())


def _tank_times(frames: ReplayFrames) -> pl.DataFrame:
    """Per player: time at zero, at full and in each quarter of the tank, as ballchasing counts them: over
    the whole recording, each span between two replications of a car's tank (`_between_replications`) in the
    quarter of the value the second one brings, and at zero or full when the first one brought it and the
    second brings another value."""
    dt, since, then = pl.col("dt"), pl.col("since_tank"), pl.col("next_tank")
    return _between_replications(frames).group_by("player_id").agg(
        time_zero_boost=dt.filter((since <= EMPTY) & (then > EMPTY)).sum(),
        time_full_boost=dt.filter((since >= FULL) & (then < FULL)).sum(),
        **{f"time_boost_{int(low)}_{min(int(high), 100)}": dt.filter((then >= low) & (then < high)).sum()
           for low, high in BANDS},
    )


def _used_at_top_speed(frames: ReplayFrames) -> pl.DataFrame:
    """Per player: `amount_used_while_supersonic`, as ballchasing counts it: the drops of the replicated tank
    (`ReplayFrames.cars`' `tank`) that the stream replicates while the car drives supersonic (`SUPERSONIC` uu/s
    or faster) on the ground (below `GROUND_HEIGHT`), where boosting adds no speed, over the whole recording."""
    speed = (pl.col("vx") ** 2 + pl.col("vy") ** 2 + pl.col("vz") ** 2).sqrt()
    return (frames.cars.sort("player_id", "frame")
            .with_columns(dropped=(pl.col("tank").shift(1) - pl.col("tank")).over("player_id").clip(0.0))
            .group_by("player_id").agg(amount_used_while_supersonic=pl.col("dropped").filter(
                (speed >= SUPERSONIC) & (pl.col("z") < GROUND_HEIGHT)).sum()))


def boost_stats(frames: ReplayFrames) -> pl.DataFrame:
    """One row per player who had a car: ballchasing's boost stats (its column names), on the 0-100 scale.

    - collected: where the stream replicates pads' returns (2017 on), the rises of the replicated tank but
      a respawn's, over the whole recording (`_rises`), as ballchasing counts them; in older streams the
      rise of the replicated tank across each pickup (`_pickups`); stolen: collected in the opponents' half;
      big and small pads apart; big pads counted from the pickups, small pads as the amounts are (one a rise
      of the tank, where the stream replicates pads' returns; else the pickups the tank rose across);
    - time at zero, at full and in each quarter of the tank, as ballchasing counts them, from the stream's
      replications of each car's tank over the whole recording (`_tank_times`); `percent_zero_boost` and
      `percent_full_boost` of the player's time (`player_minutes`), the quarters' percentages of the
      quarters' total (0 for a player whose tank the stream replicated once only, as ballchasing gives them);
    - `avg_amount`: the mean of the values the stream replicates for the tank, each once (`_mean_replicated`),
      as ballchasing averages it;
    - `bcpm`: boost collected per minute of the player's time (`player_minutes`); `bpm`: boost used
      per minute of it, the drops of the replicated tank but a kickoff's or respawn's over the whole recording
      (`_drops`), as ballchasing counts them; `amount_used_while_supersonic`:
      the replicated tank's drops while the car drives supersonic on the ground (`_used_at_top_speed`);
      `amount_overfill`: what each pickup gave beyond the room in the replicated tank, where
      the tank replicates full after it (`_pickups`);
    - the amounts collected, stolen and used while supersonic in whole units, the fraction dropped, as
      ballchasing gives them (its rates per minute follow the whole amount).

    Live time runs from each kickoff's countdown to the next goal (`ReplayFrames.ball`).
    """
    bands = [f"time_boost_{int(low)}_{min(int(high), 100)}" for low, high in BANDS]
    in_bands = pl.sum_horizontal(bands)
    minutes = pl.when(pl.col("minutes") > 0).then(pl.col("minutes"))
    tank = (_used_at_top_speed(frames).join(_drops(frames), on="player_id", how="left")
            .join(_tank_times(frames), on="player_id", how="left"))
    return (
        tank.join(_collected(frames), on="player_id", how="left")
        .join(_mean_replicated(frames), on="player_id", how="left")
        .with_columns(pl.col(pl.UInt32).cast(pl.Int64).fill_null(0), pl.col(pl.Float64).fill_null(0.0))
        .with_columns(pl.col("^amount_(collected|stolen|used_while).*$").floor())
        .join(player_minutes(frames), on="player_id", how="left")
        .with_columns(
            bpm=pl.col("amount_used") / minutes,
            bcpm=pl.col("amount_collected") / minutes,
            percent_zero_boost=100 * pl.col("time_zero_boost") / (minutes * 60),
            percent_full_boost=100 * pl.col("time_full_boost") / (minutes * 60),
            **{band.replace("time_", "percent_"): pl.when(in_bands > 0).then(100 * pl.col(band) / in_bands)
               .otherwise(0.0) for band in bands},
        )
        .drop("amount_used", "minutes")
    )
