"""Synthetic replay frames with planted values: cars standing where a test puts them, touches with the ball's velocity
before and after, goals; the rest of a real replay's frames (`dataclasses.replace`) untouched."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import polars as pl

from gamestats_assets.sources.replays.frames import ReplayFrames

FPS = 30
COUNTDOWN = FPS
"""Frames of the kickoff countdown the game starts with."""


@dataclass(frozen=True)
class Touch:
    frame: int
    player_id: str
    ball: tuple[float, float, float]
    before: tuple[float, float, float]
    after: tuple[float, float, float]


def planted(base: ReplayFrames, frames: int, cars: dict[str, tuple[int, np.ndarray]], touches: list[Touch],
            goals: list[tuple[int, int]]) -> ReplayFrames:
    """`base` with `frames` frames at `FPS` (the first `COUNTDOWN` a kickoff countdown, those after a goal dead):
    each car of `cars` (`player_id: (team, positions)`, positions an array of `frames` rows of x, y, z), the ball
    between touches moving in a straight line from one touch's place to the next one's, with the velocities of
    `touches` before and after each, and `goals` (`frame, team`)."""
    index = np.arange(frames)
    time = index / FPS
    first_goal = min((frame for frame, _ in goals), default=frames)
    places = {touch.frame: touch.ball for touch in touches}
    known = sorted(places)
    ball_xyz = [np.interp(index, known, [places[f][axis] for f in known]) for axis in range(3)]
    velocity = {axis: [None] * frames for axis in range(3)}
    for touch in touches:
        for axis in range(3):
            velocity[axis][touch.frame - 1] = touch.before[axis]
            velocity[axis][touch.frame] = touch.after[axis]
    ball = pl.DataFrame({
        "frame": index, "time": time, "seconds_remaining": 300, "state": 0,
        "x": ball_xyz[0], "y": ball_xyz[1], "z": ball_xyz[2],
        "vx": velocity[0], "vy": velocity[1], "vz": velocity[2], "dt": 1 / FPS,
        "live": index < first_goal, "countdown": index < COUNTDOWN, "counting": index < COUNTDOWN,
    }, schema_overrides={"frame": pl.Int32, "vx": pl.Float64, "vy": pl.Float64, "vz": pl.Float64})
    car_rows = pl.concat([
        pl.DataFrame({"frame": index, "player_id": player_id, "name": player_id, "team": team,
                      "x": path[:, 0], "y": path[:, 1], "z": path[:, 2], "vx": 0.0, "vy": 0.0, "vz": 0.0,
                      "boost": 33.0, "tank": 33.0, "powerslide": False, "sleeping": False, "unsent": False},
                     schema_overrides={"frame": pl.Int32, "team": pl.Int8})
        for player_id, (team, path) in cars.items()])
    teams = {player_id: team for player_id, (team, _) in cars.items()}
    hits = pl.DataFrame([(t.frame, t.frame / FPS, t.player_id, teams[t.player_id], *t.ball, t.frame)
                         for t in touches],
                        schema={"frame": pl.Int32, "time": pl.Float64, "player_id": pl.String, "team": pl.Int8,
                                "ball_x": pl.Float64, "ball_y": pl.Float64, "ball_z": pl.Float64, "until": pl.Int32},
                        orient="row")
    return dataclasses.replace(base, ball=ball, cars=car_rows, hits=hits,
                               goals=pl.DataFrame(goals, schema={"frame": pl.Int32, "team": pl.Int8}, orient="row"))


def standing(frames: int, x: float, y: float, z: float = 17.0) -> np.ndarray:
    """A car standing at `x, y, z` for `frames` frames."""
    return np.tile([x, y, z], (frames, 1)).astype(float)
