"""A raw replay's goals in order (`goal_rows`): each one's moment in the game as its clock shows it, overtime
apart, the scoring team, the scorer and the assister, and the score after it. ballchasing's JSON gives each
player's goals and assists but no moment, so only raw replays give one."""

from __future__ import annotations

import polars as pl

from gamestats_assets.sources.replays.frames import ReplayFrames
from gamestats_assets.sources.replays.playback import samples

GOALS_SCHEMA = {"match_id": pl.String, "goal": pl.Int32, "frame": pl.Int32, "sample": pl.Int32, "team": pl.Int32,
                "scorer_id": pl.String, "assister_id": pl.String, "clock": pl.Int32, "game_seconds": pl.Int32,
                "overtime": pl.Boolean, "overtime_seconds": pl.Int32, "score_team_0": pl.Int32,
                "score_team_1": pl.Int32}
ASSIST_SECONDS = 3.0
"""Seconds from a goal within which the stream's assist event of a mate of the scorer is that goal's (the game
credits the assist as it credits the goal, and replicates it a frame or a few apart)."""


def _kickoffs(ball: pl.DataFrame) -> pl.DataFrame:
    """The first frame of each kickoff's countdown: `frame`."""
    countdown = pl.col("countdown")
    return ball.filter(countdown & ~countdown.shift(1, fill_value=False)).select("frame")


def _overtime_start(ball: pl.DataFrame) -> int | None:
    """The frame the overtime's kickoff countdown starts: the first kickoff after the clock, once running, ran out;
    None without one."""
    running = ball.filter(pl.col("seconds_remaining") > 0)["frame"].min()
    ran_out = None if running is None else ball.filter(pl.col("frame") > running,
                                                       pl.col("seconds_remaining") <= 0)["frame"].min()
    if ran_out is None:
        return None
    return _kickoffs(ball).filter(pl.col("frame") > ran_out)["frame"].min()


def _assisters(frames: ReplayFrames, goals: pl.DataFrame) -> pl.DataFrame:
    """Per goal (`frame`): `assister_id`, the scorer's mate whose assist event the stream sent nearest the goal
    within `ASSIST_SECONDS`, each assist credited to one goal; null for none."""
    teams = frames.roster.select("player_id", team=pl.col("team").cast(pl.Int32))
    times = frames.ball.select("frame", "time")
    assists = (frames.scoring.filter(pl.col("kind") == "assists").join(teams, on="player_id")
               .join(times, on="frame").select("time", "team", assister_id="player_id", assisted="frame")
               .sort("time"))
    return (goals.join(times, on="frame").sort("time")
            .join_asof(assists, on="time", by="team", strategy="nearest", tolerance=ASSIST_SECONDS,
                       check_sortedness=False)
            .filter(pl.col("assister_id") != pl.col("scorer_id").fill_null(""))
            .unique("assisted", keep="first").select("frame", "assister_id"))


def goal_rows(frames: ReplayFrames, match_id: str) -> pl.DataFrame:
    """The replay's goals (`GOALS_SCHEMA`, key `match_id, goal`), numbered from 1 in the order scored: the
    stream's goal events, each with its `frame`, the playback `sample` that first shows it
    (`playback.samples`), the scoring `team` (0 blue, 1 orange), the `scorer_id` the event names and the
    `assister_id` (`_assisters`; null when none), the game's `clock` at the goal (seconds remaining; in overtime
    the seconds of overtime, which the game's clock counts up), whether it came in `overtime` (after the kickoff
    that followed the clock running out), its `overtime_seconds` (null in regulation), its `game_seconds`
    (seconds of play into the game: the clock's start less the clock, an overtime goal's the clock's start plus
    its overtime) and the score after it."""
    ball = frames.ball
    if frames.goals.is_empty() or ball.is_empty():
        return pl.DataFrame(schema=GOALS_SCHEMA)
    scorers = (frames.scoring.filter(pl.col("kind") == "goals")
               .select("frame", scorer_id="player_id").unique("frame", keep="first"))
    goals = (frames.goals.sort("frame").with_row_index("goal", offset=1)
             .join(scorers, on="frame", how="left", maintain_order="left")
             .with_columns(pl.col("team").cast(pl.Int32)))
    overtime_from = _overtime_start(ball)
    regulation = ball if overtime_from is None else ball.filter(pl.col("frame") < overtime_from)
    start = int(regulation["seconds_remaining"].max() or 0)
    in_overtime = pl.lit(False) if overtime_from is None else pl.col("frame") >= overtime_from
    sampled = samples(ball).select("frame", "sample").sort("frame")
    return (
        goals.join(ball.select("frame", clock=pl.col("seconds_remaining").cast(pl.Int32)), on="frame", how="left")
        .join(_assisters(frames, goals), on="frame", how="left")
        .sort("frame")
        .join_asof(sampled, on="frame", strategy="forward")
        .with_columns(overtime=in_overtime,
                      score_team_0=(pl.col("team") == 0).cast(pl.Int32).cum_sum(),
                      score_team_1=(pl.col("team") == 1).cast(pl.Int32).cum_sum())
        .with_columns(overtime_seconds=pl.when(pl.col("overtime")).then(pl.col("clock")))
        .with_columns(game_seconds=pl.when(pl.col("overtime")).then(start + pl.col("overtime_seconds"))
                      .otherwise(start - pl.col("clock")))
        .select(pl.lit(match_id, pl.String).alias("match_id"), *list(GOALS_SCHEMA)[1:])
        .cast(GOALS_SCHEMA).sort("goal")
    )
