"""ballchasing's `movement` stat group computed from a replay's frames, per player (`movement_stats`)."""

from __future__ import annotations

import polars as pl

from gamestats_assets.sources.replays.frames import ReplayFrames

BOOST_SPEED = 1410.0
SUPERSONIC = 2200.0
MAX_SPEED = 2300.0
GROUND_HEIGHT = 21.0
HIGH_AIR = 840.0
SLIDE_PRESS_HEIGHT = 40.0
"""uu below which a car's centre must come during a handbrake press for the press to count as a powerslide
(a car resting on the floor sits at ~17 uu; the press may begin a few frames before the wheels touch)."""


def on_pitch(frames: ReplayFrames) -> pl.DataFrame:
    """Each car's frames on the pitch (not resting demolished), with `dt` and speed."""
    return (
        frames.cars.join(frames.ball.select("frame", "dt", "countdown"), on="frame")
        .filter(~pl.col("sleeping"))
        .with_columns(speed=(pl.col("vx") ** 2 + pl.col("vy") ** 2 + pl.col("vz") ** 2).sqrt().fill_null(0.0))
    )


def in_game(frames: ReplayFrames) -> pl.DataFrame:
    """Every frame from each player's first frame with a car to their last, whether or not the car is on the
    pitch then (a demolished car has no frames until it respawns): `player_id, frame, dt, live, countdown,
    counting`."""
    spans = frames.cars.group_by("player_id").agg(first=pl.col("frame").min(), last=pl.col("frame").max())
    return (spans.join(frames.ball.select("frame", "dt", "live", "countdown", "counting"), how="cross")
            .filter(pl.col("frame").is_between(pl.col("first"), pl.col("last"))).drop("first", "last"))


def player_minutes(frames: ReplayFrames) -> pl.DataFrame:
    """Per player: `minutes`, the time the player was in the game (`in_game`), demolished or not, but while
    a kickoff's countdown counts (`ReplayFrames.ball`'s `counting`) and after the match ended (the frames
    after the last of play, when the clock reads 0: a goal at the buzzer's celebration); the celebrations of
    other goals count, a forfeited game's last one too. It is the time base of a player's rates and shares,
    ballchasing's clock: the base its shares and rates imply is this one to the tenth of a second in the
    fixtures' games, for players who joined late or left early their own (a bot who joined as a countdown
    began, another who left as a goal was celebrated)."""
    after_play = pl.col("frame") > pl.col("frame").filter(pl.col("live")).max()
    ended = frames.ball.filter(after_play & (pl.col("seconds_remaining") == 0))["frame"]
    return (in_game(frames).filter(~pl.col("counting") & ~pl.col("frame").is_in(ended.implode()))
            .group_by("player_id").agg(minutes=pl.col("dt").sum() / 60))


def powerslides(cars: pl.DataFrame) -> pl.DataFrame:
    """`cars` (one player's frames on the pitch, any number of players) with `sliding` and `press`.

    - `sliding`: the handbrake held with the car on the floor (below `GROUND_HEIGHT`): the powerslide's time;
    - `press`: the first frame of each handbrake press (a run of frames with the handbrake held) during which
      the car came below `SLIDE_PRESS_HEIGHT`: a press begun in the air just before landing counts, a press
      held only in the air or on a wall does not.
    """
    held = pl.col("powerslide")
    return (
        cars.sort("player_id", "frame")
        .with_columns(sliding=held & (pl.col("z") < GROUND_HEIGHT),
                      begins=(held & ~held.shift(1).fill_null(False)).over("player_id"))
        .with_columns(run=pl.col("begins").cum_sum().over("player_id"))
        .with_columns(press=pl.col("begins")
                      & (held & (pl.col("z") < SLIDE_PRESS_HEIGHT)).any().over("player_id", "run"))
        .drop("begins", "run")
    )


def movement_stats(frames: ReplayFrames) -> pl.DataFrame:
    """One row per player who had a car: ballchasing's movement stats (its column names), read on the
    frames the car was on the pitch (`on_pitch`), each lasting `dt`.

    - speed: slow below `BOOST_SPEED` uu/s, boost speed up to `SUPERSONIC`, supersonic above;
      `total_distance` the path driven; `avg_speed` that path over the time out of kickoff countdowns,
      `avg_speed_percentage` that of `MAX_SPEED`;
    - height: ground below `GROUND_HEIGHT` uu (old replays rest some car bodies a few units above the
      floor), high air above `HIGH_AIR` (where ballchasing's "above the crossbar" line sits), low air
      between;
    - powerslide (`powerslides`): time with the handbrake held on the ground, presses and the mean time per
      press (0 without presses, as ballchasing gives it);
    - `percent_*`: each band's share of the player's time on the pitch.
    """
    cars = powerslides(on_pitch(frames))
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
                      avg_powerslide_duration=pl.when(pl.col("count_powerslide") > 0)
                      .then(pl.col("time_powerslide") / pl.col("count_powerslide")).otherwise(0.0),
                      percent_ground=100 * pl.col("time_ground") / pl.col("tracked"), **shares)
        .drop("tracked")
    )
