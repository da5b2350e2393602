"""A replay's frames for the 3D replay viewer, columnar: the ball's and every car's place at each sample
(`rocket.replay_frames`, ten a second), with the clock, the score and the goals as moments to seek to."""

from __future__ import annotations

import psycopg

from gamestats_assets.published.rocket import COLUMNS
from gamestats_assets.serve.core.models import field, shape, typed
from gamestats_assets.serve.queries import NotFound, query
from gamestats_assets.sources.replays.playback import BALL, RATE

FRAMES, SEATS = COLUMNS["replay_frames"], COLUMNS["match_players"]
Coordinate = list[int | None]
Ball = shape("RocketFramesBall", "The ball's place at each sample, uu",
             x=field(Coordinate, "across the pitch (side walls at ±4096)"),
             y=field(Coordinate, "along it (blue's back wall at -5120, orange's at +5120)"),
             z=field(Coordinate, "height (the ball at rest on the floor: 93)"))
Car = shape("RocketFramesCar", "A car's place and boost at each sample; null where the game held no car of theirs",
            player_id=field(str, "the player"), name=typed(SEATS["name"]),
            team=field(int, "0 blue, 1 orange"),
            x=field(Coordinate, "across the pitch, uu"), y=field(Coordinate, "along it, uu"),
            z=field(Coordinate, "height, uu"), boost=field(list[int | None], "boost, 0-100"))
Goal = shape("RocketFramesGoal", "A goal: the first sample its score shows",
             sample=field(int, "the sample"), time=field(float, "seconds from the recording's first frame"),
             team=field(int, "the scoring team, 0 blue or 1 orange"),
             score_team_0=field(int, "blue's goals after it"), score_team_1=field(int, "orange's goals after it"))
Frames = shape("RocketReplayFrames", "A replay's frames, one list per quantity with an entry per sample",
               id=field(str, "the replay's match id"),
               rate=field(int, "samples a second of the recording (the stream records about 30 frames a second)"),
               samples=field(int, "how many samples"),
               time=field(list[float], "each sample's seconds from the recording's first frame (a goal's replay "
                                       "the recording skipped makes a jump)"),
               clock=field(list[int | None], "seconds remaining on the game's clock"),
               score_team_0=field(list[int], "blue's goals so far"),
               score_team_1=field(list[int], "orange's goals so far"),
               ball=field(Ball, "the ball"), cars=field(list[Car], "every car, blue first"),
               goals=field(list[Goal], "the goals, in order"))

SAMPLES = ("SELECT sample, player_id, team, time, clock, score_team_0, score_team_1, x, y, z, boost "
           "FROM rocket.replay_frames WHERE match_id = %s ORDER BY sample, player_id")


def goals(score_0: list[int], score_1: list[int], time: list[float]) -> list[dict]:
    """The goals: each sample whose score is above the one before it."""
    found = []
    for sample in range(1, len(time)):
        for team, score in ((0, score_0), (1, score_1)):
            if score[sample] > score[sample - 1]:
                found.append({"sample": sample, "time": time[sample], "team": team,
                              "score_team_0": score_0[sample], "score_team_1": score_1[sample]})
    return found


@query("rocket.replay_frames", "rocket.match_players", "rocket.matches", returns=Frames)
def frames(conn: psycopg.Connection, match_id: str) -> dict:
    """The replay's samples as lists (`Frames`); `NotFound` when the game is not published, or is published
    without frames (known from ballchasing or carball JSON alone, or a raw replay whose stream did not read)."""
    match = conn.execute("SELECT source, frames_null_reason FROM rocket.matches WHERE match_id = %s",
                         (match_id,)).fetchone()
    if match is None:
        raise NotFound(f"replay {match_id!r} not found in the published games")
    rows = conn.execute(SAMPLES, (match_id,)).fetchall()
    if not rows:
        why = match["frames_null_reason"] or f"it is known from {match['source']} JSON, which carries no frames"
        raise NotFound(f"replay {match_id!r} has no frames: {why}")
    count = rows[-1]["sample"] + 1
    time, clock, score_0, score_1 = [0.0] * count, [None] * count, [0] * count, [0] * count
    ball = {axis: [None] * count for axis in "xyz"}
    names = {seat["player_id"]: seat["name"] for seat in conn.execute(
        "SELECT player_id, name FROM rocket.match_players WHERE match_id = %s", (match_id,))}
    cars: dict[str, dict] = {}
    for found in rows:
        sample, player = found["sample"], found["player_id"]
        if player == BALL:
            time[sample], clock[sample] = found["time"], found["clock"]
            score_0[sample], score_1[sample] = found["score_team_0"], found["score_team_1"]
            target = ball
        else:
            target = cars.get(player)
            if target is None:
                target = cars[player] = {"player_id": player, "name": names.get(player), "team": found["team"],
                                         **{key: [None] * count for key in ("x", "y", "z", "boost")}}
            target["boost"][sample] = found["boost"]
        for axis in "xyz":
            target[axis][sample] = found[axis]
    ordered = sorted(cars.values(), key=lambda car: (car["team"], car["name"] or "", car["player_id"]))
    return {"id": match_id, "rate": RATE, "samples": count, "time": time, "clock": clock,
            "score_team_0": score_0, "score_team_1": score_1, "ball": ball, "cars": ordered,
            "goals": goals(score_0, score_1, time)}
