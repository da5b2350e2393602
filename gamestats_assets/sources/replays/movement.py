"""ballchasing's `movement` stat group computed from a replay's frames, per player (`movement_stats`)."""

from __future__ import annotations

import polars as pl

from gamestats_assets.sources.replays.frames import ReplayFrames

BOOST_SPEED = 1410.0
SUPERSONIC = 2200.0
MAX_SPEED = 2300.0
GROUND_HEIGHT = 21.0
HIGH_AIR = 840.0
FOREVER = 2**31 - 1
"""The frame of a handbrake's release that the recording never sent."""


def on_pitch(frames: ReplayFrames) -> pl.DataFrame:
    """Each car's frames on the pitch (neither resting demolished nor `unsent`: `ReplayFrames.cars`), with `dt`
    and speed."""
    return (
        frames.cars.join(frames.ball.select("frame", "dt", "countdown"), on="frame")
        .filter(~pl.col("sleeping") & ~pl.col("unsent"))
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


def slide_presses(frames: ReplayFrames) -> pl.DataFrame:
    """Per player: `count_powerslide`, the handbrake presses (`ReplayFrames.handbrakes`: a value held after a
    release) during which the car was on the ground (below `GROUND_HEIGHT`) in a state the stream sent
    (`ReplayFrames.positions`), from the last one before the press's frame to those of its release's frame, as
    ballchasing counts them: a press begun as the car jumps counts (the state before the press has the car on
    the ground, where the frames interpolate it as already rising), one held in the air or on a wall only
    does not."""
    held = pl.col("held")
    changes = (frames.handbrakes.sort("player_id", "frame", maintain_order=True)
               .filter((held != held.shift(1).fill_null(False)).over("player_id")))
    presses = (changes.with_columns(release=pl.col("frame").shift(-1).over("player_id").fill_null(FOREVER))
               .filter(held).select("player_id", "frame", "release", before=pl.col("frame") - 1).sort("frame"))
    heights = frames.positions.select("frame", "player_id", "z").sort("frame")
    grounded = heights.filter(pl.col("z") < GROUND_HEIGHT).select("player_id", "frame", landed="frame")
    slid = (pl.col("z") < GROUND_HEIGHT).fill_null(False) | (pl.col("landed") <= pl.col("release")).fill_null(False)
    return (presses
            .join_asof(heights.select("player_id", before="frame", z="z"), on="before", by="player_id",
                       strategy="backward", check_sortedness=False)
            .join_asof(grounded, on="frame", by="player_id", strategy="forward", check_sortedness=False)
            .group_by("player_id").agg(count_powerslide=slid.sum().cast(pl.Int64)))


def sent_states(frames: ReplayFrames) -> pl.DataFrame:
    """Each car's states the stream sent with a speed (`ReplayFrames.positions`; a body at rest is sent without
    one), one a frame: ballchasing's means of a car's speed and distance to the ball count each of them once,
    however long it stood, so that a car that stood still for most of a game, sent every few seconds then, and
    moved for the rest, sent every other frame, has about the mean of its moves."""
    return (frames.positions.filter(pl.col("speed").is_not_null())
            .unique(["frame", "player_id"], keep="last", maintain_order=True))


def sent_speed(frames: ReplayFrames) -> pl.DataFrame:
    """Per player: `avg_speed`, the mean speed of the car's `sent_states`."""
    return sent_states(frames).group_by("player_id").agg(avg_speed=pl.col("speed").mean())


def movement_stats(frames: ReplayFrames) -> pl.DataFrame:
    """One row per player who had a car: ballchasing's movement stats (its column names), read on the
    frames the car was on the pitch (`on_pitch`), each lasting `dt`.

    - speed: slow below `BOOST_SPEED` uu/s, boost speed up to `SUPERSONIC`, supersonic above;
      `total_distance` the path from each frame's place to the next one's (a resting car's place does not
      change, whatever velocity the stream last sent for it: `frames._at_rest`); `avg_speed` that of the
      states sent (`sent_speed`), `avg_speed_percentage` its share of `MAX_SPEED`;
    - height: ground below `GROUND_HEIGHT` uu (old replays rest some car bodies a few units above the
      floor), high air above `HIGH_AIR` (where ballchasing's "above the crossbar" line sits), low air
      between;
    - powerslide: time with the handbrake held on the ground, the presses that slid (`slide_presses`) and
      the mean time per press (0 without presses, as ballchasing gives it);
    - `percent_*`: each band's share of the player's time on the pitch.
    """
    moved = pl.when(pl.col("frame").diff() == 1).then(
        (pl.col("x").diff() ** 2 + pl.col("y").diff() ** 2 + pl.col("z").diff() ** 2).sqrt()).otherwise(0.0)
    cars = on_pitch(frames).sort("player_id", "frame").with_columns(moved=moved.over("player_id"))
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
            total_distance=pl.col("moved").sum(),
            time_powerslide=dt.filter(pl.col("powerslide") & (z < GROUND_HEIGHT)).sum(),
            **times,
        )
        .join(sent_speed(frames), on="player_id", how="left")
        .join(slide_presses(frames), on="player_id", how="left")
        .with_columns(pl.col("count_powerslide").fill_null(0))
        .with_columns(avg_speed_percentage=100 * pl.col("avg_speed") / MAX_SPEED,
                      avg_powerslide_duration=pl.when(pl.col("count_powerslide") > 0)
                      .then(pl.col("time_powerslide") / pl.col("count_powerslide")).otherwise(0.0),
                      percent_ground=100 * pl.col("time_ground") / pl.col("tracked"), **shares)
        .drop("tracked")
    )
