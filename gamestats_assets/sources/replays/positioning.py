"""ballchasing's `positioning` stat group computed from a replay's frames, per player (`positioning_stats`)."""

from __future__ import annotations

import polars as pl

from gamestats_assets.sources.replays.frames import ReplayFrames
from gamestats_assets.sources.replays.movement import in_game, on_pitch, player_minutes, sent_states

PITCH_LENGTH = 10240.0
THIRD_EDGE = PITCH_LENGTH / 6
LEVEL = 25.0
"""uu within which a car is level with its team's hindmost, foremost, nearest or farthest car and holds that
role too, as ballchasing gives a role to more than one car at once (the evidence: `agreement.ROLES`)."""


TO_BALL = ((pl.col("x") - pl.col("bx")) ** 2 + (pl.col("y") - pl.col("by")) ** 2
           + (pl.col("z") - pl.col("bz")) ** 2).sqrt()
"""A car's distance to the ball, with the ball's place as `bx, by, bz`."""


def _ball(frames: ReplayFrames, *columns: str) -> pl.DataFrame:
    """The ball's place at each frame, as `TO_BALL` reads it, with the ball table's `columns`."""
    return frames.ball.select("frame", *columns, bx="x", by="y", bz="z")


def _placed(frames: ReplayFrames) -> pl.DataFrame:
    """Cars on the pitch (`movement.on_pitch`) with own-goal-relative `y` and distance to the ball."""
    own = pl.when(pl.col("team") == 0).then(1.0).otherwise(-1.0)
    return (on_pitch(frames).join(_ball(frames), on="frame")
            .with_columns(y_own=pl.col("y") * own, ball_y_own=pl.col("by") * own, to_ball=TO_BALL))


def mate_distances(placed: pl.DataFrame) -> pl.DataFrame:
    """Each frame out of kickoff countdowns, player and teammate on the pitch with it (`_placed`): `frame, dt,
    player_id, mate, d`, the distance between their cars."""
    cars = placed.filter(~pl.col("countdown")).select("frame", "dt", "player_id", "team", "x", "y", "z")
    return (
        cars.join(cars.select("frame", "team", mate="player_id", mx="x", my="y", mz="z"), on=["frame", "team"])
        .filter(pl.col("player_id") != pl.col("mate"))
        .select("frame", "dt", "player_id", "mate", d=((pl.col("x") - pl.col("mx")) ** 2
                                                       + (pl.col("y") - pl.col("my")) ** 2
                                                       + (pl.col("z") - pl.col("mz")) ** 2).sqrt())
    )


def _to_mates(placed: pl.DataFrame) -> pl.DataFrame:
    """Per player: the mean over the teammates the player shared the pitch with of the time-weighted mean
    distance to each (`mate_distances`): a mate who played a few seconds counts as much as one who played the
    whole game."""
    return (mate_distances(placed)
            .group_by("player_id", "mate").agg(d=(pl.col("d") * pl.col("dt")).sum() / pl.col("dt").sum())
            .group_by("player_id").agg(avg_distance_to_mates=pl.col("d").mean()))


def _to_ball(frames: ReplayFrames) -> pl.DataFrame:
    """Per player: the mean distance to the ball of the car's `movement.sent_states`, each once, as ballchasing
    averages it: over every one, and over those out of kickoff countdowns while the player's team held the
    ball (`ReplayFrames.possession`) or did not."""
    sent = (sent_states(frames).join(frames.cars.select("frame", "player_id", "team"), on=["frame", "player_id"])
            .join(_ball(frames, "countdown"), on="frame").sort("frame")
            .join_asof(frames.possession.select("frame", holder="team").sort("frame"), on="frame", strategy="backward"))
    played, held = ~pl.col("countdown"), (pl.col("holder") == pl.col("team")).fill_null(False)
    return sent.group_by("player_id").agg(
        avg_distance_to_ball=TO_BALL.mean(),
        avg_distance_to_ball_possession=TO_BALL.filter(played & held).mean(),
        avg_distance_to_ball_no_possession=TO_BALL.filter(played & ~held).mean(),
    )


def team_roles(frames: ReplayFrames, placed: pl.DataFrame) -> pl.DataFrame:
    """Per player: the time most back, most forward, closest to and farthest from the ball in their team.

    Read on every frame out of the kickoff countdowns (goal celebrations included), comparing the team's cars
    on the pitch at that frame (`_placed`: along the pitch from the own goal, by distance to the ball): a car
    holds a role when it is within `LEVEL` of the team's car that leads it, so that cars level with one another
    share it, and a player alone on the pitch holds every role. While in the game without a car on the pitch
    (demolished, blown up by a goal), a player counts as most back and farthest from the ball, as ballchasing
    counts them, but not while the stream no longer sends a car that stopped after a goal (`unsent`).
    """
    dt, y, to_ball, team = pl.col("dt"), pl.col("y_own"), pl.col("to_ball"), ("frame", "team")
    roles = {"time_most_back": y <= y.min().over(team) + LEVEL, "time_most_forward": y >= y.max().over(team) - LEVEL,
             "time_closest_to_ball": to_ball <= to_ball.min().over(team) + LEVEL,
             "time_farthest_from_ball": to_ball >= to_ball.max().over(team) - LEVEL}
    ranked = (placed.filter(~pl.col("countdown")).with_columns(**roles)
              .group_by("player_id").agg(**{name: dt.filter(name).sum() for name in roles}))
    without_car = (
        in_game(frames).filter(~pl.col("countdown"))
        .join(placed.select("frame", "player_id"), on=["frame", "player_id"], how="anti")
        .join(frames.cars.filter("unsent").select("frame", "player_id"), on=["frame", "player_id"], how="anti")
        .group_by("player_id").agg(without_car=dt.sum())
    )
    return (ranked.join(without_car, on="player_id", how="left")
            .with_columns(pl.col("without_car").fill_null(0.0))
            .with_columns(pl.col("time_most_back", "time_farthest_from_ball") + pl.col("without_car"))
            .drop("without_car"))


def _beaten_touchers(frames: ReplayFrames) -> pl.DataFrame:
    """Per goal (`frame`, conceding `team`): `toucher`, the conceding player whose touch was the ball's last
    before a goal the scoring team had shot at since the previous goal (a save that failed, a deflection), else
    null."""
    teams = frames.roster.select("player_id", "team")
    shots = frames.scoring.filter(pl.col("kind") == "shots").join(teams, on="player_id").select("team", shot="frame")
    touches = frames.hits.select("frame", touched="frame", toucher="player_id", toucher_team="team").sort("frame")
    goals = frames.goals.sort("frame").with_columns(since=pl.col("frame").shift(1).fill_null(-1))
    shot_at = (goals.join(shots, on="team").filter(pl.col("shot").is_between(pl.col("since"), pl.col("frame"),
                                                                             closed="right"))
               .select("frame", shot_at=pl.lit(True)).unique())
    return (
        goals.join_asof(touches, on="frame", strategy="backward").join(shot_at, on="frame", how="left")
        .select("frame", team=(1 - pl.col("team")).cast(pl.Int8),
                toucher=pl.when((pl.col("touched") > pl.col("since")) & pl.col("shot_at")
                                & (pl.col("toucher_team") != pl.col("team"))).then(pl.col("toucher")))
    )


def last_defenders(frames: ReplayFrames, placed: pl.DataFrame) -> pl.DataFrame:
    """Per player: `goals_against_while_last_defender`, the goals their team conceded while their car was the
    team's hindmost on the pitch at the goal's frame; a defender who last touched a shot that went in is not
    the last defender but the hindmost of his mates on the pitch, when he has one (`_beaten_touchers`)."""
    return (_beaten_touchers(frames).join(placed.select("frame", "team", "player_id", "y_own"), on=["frame", "team"])
            .with_columns(beaten=(pl.col("player_id") == pl.col("toucher")).fill_null(False))
            .sort("beaten", "y_own").unique("frame", keep="first")
            .group_by("player_id").agg(goals_against_while_last_defender=pl.len().cast(pl.Int64)))


def positioning_stats(frames: ReplayFrames) -> pl.DataFrame:
    """One row per player who had a car: ballchasing's positioning stats (its column names), read on the
    frames the car was on the pitch (`movement.on_pitch`), `y` seen from the player's own goal.

    - thirds split at a sixth of the pitch's length either side of midfield; halves at midfield;
    - behind the ball: between the ball and the own goal;
    - most back / forward, closest to / farthest from the ball: `team_roles`; the goals conceded as the
      team's hindmost car: `last_defenders`;
    - `avg_distance_to_ball`, `_possession` / `_no_possession`: `_to_ball`;
      `avg_distance_to_mates`: `_to_mates`;
    - `percent_*`: of the player's time on the pitch; the team roles: of the player's time in the game
      (`movement.player_minutes`)."""
    placed = _placed(frames)
    dt, y = pl.col("dt"), pl.col("y_own")
    times = {
        "time_defensive_third": dt.filter(y < -THIRD_EDGE).sum(),
        "time_neutral_third": dt.filter(y.abs() <= THIRD_EDGE).sum(),
        "time_offensive_third": dt.filter(y > THIRD_EDGE).sum(),
        "time_defensive_half": dt.filter(y < 0).sum(),
        "time_offensive_half": dt.filter(y >= 0).sum(),
        "time_behind_ball": dt.filter(y < pl.col("ball_y_own")).sum(),
        "time_infront_ball": dt.filter(y >= pl.col("ball_y_own")).sum(),
    }
    roles = ("time_most_back", "time_most_forward", "time_closest_to_ball", "time_farthest_from_ball")
    return (
        placed.group_by("player_id").agg(tracked=dt.sum(), **times)
        .join(_to_ball(frames), on="player_id", how="left")
        .join(_to_mates(placed), on="player_id", how="left")
        .join(team_roles(frames, placed), on="player_id", how="left")
        .join(last_defenders(frames, placed), on="player_id", how="left")
        .with_columns(pl.col("goals_against_while_last_defender").fill_null(0))
        .join(player_minutes(frames), on="player_id", how="left")
        .with_columns(**{name.replace("time_", "percent_"): 100 * pl.col(name) / pl.col("tracked") for name in times},
                      **{name.replace("time_", "percent_"): 100 * pl.col(name) / (60 * pl.col("minutes"))
                         for name in roles})
        .drop("tracked", "minutes")
    )
