"""ballchasing's `movement` stat group computed from a replay's frames, per player.

ballchasing's definitions, read on the frames the player's car was on the pitch (a demolished car's
resting body aside), each lasting `dt`:
- speed bands: slow below `BOOST_SPEED` uu/s (the most a car reaches without boost), boost speed up to
  `SUPERSONIC`, supersonic above; `total_distance` the path driven; `avg_speed` that path over the
  time out of kickoff countdowns (cars wait still then), `avg_speed_percentage` that of `MAX_SPEED`;
- heights: on the ground below `GROUND_HEIGHT` uu (a car's centre resting on the floor sits at 17 today; replays
  of 2016 wrote positions in whole units, and some car bodies rested at 19 or 20, which ballchasing counts as
  ground, while it counts 22 as air),
  high air above `HIGH_AIR`, low air between. ballchasing calls high air "above the crossbar"; the line
  its numbers draw sits higher than the crossbar's 642 uu, at `HIGH_AIR` for every player of the paired
  games alike, which is taken as its definition;
- powerslide: time with the handbrake held on the ground (in the air the same button rolls the car),
  presses, and their mean length;
- `percent_*`: each band's share of the player's time on the pitch.
"""

from __future__ import annotations

import polars as pl

from gamestats_assets.sources.replays.frames import ReplayFrames

BOOST_SPEED = 1410.0
SUPERSONIC = 2200.0
MAX_SPEED = 2300.0
GROUND_HEIGHT = 21.0
HIGH_AIR = 840.0


def on_pitch(frames: ReplayFrames) -> pl.DataFrame:
    """Each car's frames on the pitch (not resting demolished), with `dt` and speed."""
    return (
        frames.cars.join(frames.ball.select("frame", "dt", "countdown"), on="frame")
        .filter(~pl.col("sleeping"))
        .with_columns(speed=(pl.col("vx") ** 2 + pl.col("vy") ** 2 + pl.col("vz") ** 2).sqrt().fill_null(0.0))
    )


def movement_stats(frames: ReplayFrames) -> pl.DataFrame:
    """One row per player who had a car: ballchasing's movement stats (its column names)."""
    cars = (on_pitch(frames).sort("player_id", "frame")
            .with_columns(sliding=pl.col("powerslide") & (pl.col("z") < GROUND_HEIGHT))
            .with_columns(press=(pl.col("sliding") & ~pl.col("sliding").shift(1).fill_null(False)).over("player_id")))
    dt, speed, z = pl.col("dt"), pl.col("speed"), pl.col("z")
    times = {
        "time_slow_speed": dt.filter(speed < BOOST_SPEED).sum(),
        "time_boost_speed": dt.filter((speed >= BOOST_SPEED) & (speed < SUPERSONIC)).sum(),
        "time_supersonic_speed": dt.filter(speed >= SUPERSONIC).sum(),
        "time_ground": dt.filter(z < GROUND_HEIGHT).sum(),
        "time_low_air": dt.filter((z >= GROUND_HEIGHT) & (z < HIGH_AIR)).sum(),
        "time_high_air": dt.filter(z >= HIGH_AIR).sum(),
    }
    shares = {name.replace("time_", "percent_"): 100 * pl.col(name) / pl.col("tracked")
              for name in times if name != "time_ground"}
    return (
        cars.group_by("player_id").agg(
            tracked=dt.sum(),
            avg_speed=(speed * dt).sum() / dt.filter(~pl.col("countdown")).sum(),
            total_distance=(speed * dt).sum(),
            time_powerslide=dt.filter(pl.col("sliding")).sum(),
            count_powerslide=pl.col("press").sum().cast(pl.Int64),
            **times,
        )
        .with_columns(avg_speed_percentage=100 * pl.col("avg_speed") / MAX_SPEED,
                      avg_powerslide_duration=pl.col("time_powerslide") / pl.col("count_powerslide"),
                      percent_ground=100 * pl.col("time_ground") / pl.col("tracked"), **shares)
        .drop("tracked")
    )
