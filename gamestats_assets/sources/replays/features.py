"""Per-player features of a raw replay computed from its frames, as a ``ParsedMatch`` (source ``replay``).

Definitions are those of ``records.FEATURES``; here is how frames give them:
- time is weighted by each frame's duration (the next frame's time minus its own);
- the pitch is 10 240 uu long and the crossbar 642 uu high; a player's thirds are read along y from their
  own goal (team 0 defends y < 0, team 1 defends y > 0), split at ±10 240/6 uu;
- a player's rotation role in a frame comes from the order of the team's cars along the same axis: the
  car furthest up-field is first man, the furthest back third man, any other second man;
- touches, contests and boost pickups come from ``frames.detect_hits`` and the pad pickup events.

The players are the header's scoreboard (those in the game at its end, bots included); a car that left
before the end has frames but no scoreboard line, and is not a player of the match.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from gamestats_assets.sources.ballchasing.records import ParsedMatch, ParsedPlayer, StatValue, missing, ratio
from gamestats_assets.sources.replays.frames import ReplayFrames
from gamestats_assets.sources.replays.header import ReplayHeader

SOURCE = "replay"
HALF_LENGTH = 5120.0
THIRD_EDGE = HALF_LENGTH / 3
CROSSBAR = 642.0
AERIAL_HEIGHT = 300.0
"""uu above which a touch is aerial (ball centre well above a car's reach on the ground)."""
CONTEST_SECONDS = 1.0
ZERO_BOOST = 0.5
NO_CAR = "the player's car is in no frame"


def _timed_cars(frames: ReplayFrames) -> pl.DataFrame:
    """Car states with the frame's duration, the ball's position and y seen from the player's own goal."""
    ball = frames.ball.sort("frame").with_columns(
        dt=(pl.col("time").shift(-1) - pl.col("time")).fill_null(0.0).clip(0.0, 1.0)
    ).select("frame", "dt", pl.col("x").alias("bx"), pl.col("y").alias("by"), pl.col("z").alias("bz"))
    own = pl.when(pl.col("team") == 0).then(1.0).otherwise(-1.0)
    return frames.cars.join(ball, on="frame").with_columns(
        y_own=pl.col("y") * own, ball_y_own=pl.col("by") * own,
        to_ball=((pl.col("x") - pl.col("bx")) ** 2 + (pl.col("y") - pl.col("by")) ** 2
                 + (pl.col("z") - pl.col("bz")) ** 2).sqrt(),
    )


def _positional(cars: pl.DataFrame) -> pl.DataFrame:
    """Per player: seconds on the pitch and in each third, distance to the ball, position variance, time
    at zero boost."""
    return cars.group_by("player_id").agg(
        seconds=pl.col("dt").sum(),
        defensive=pl.col("dt").filter(pl.col("y_own") < -THIRD_EDGE).sum(),
        neutral=pl.col("dt").filter(pl.col("y_own").abs() <= THIRD_EDGE).sum(),
        offensive=pl.col("dt").filter(pl.col("y_own") > THIRD_EDGE).sum(),
        behind_ball=pl.col("dt").filter(pl.col("y_own") < pl.col("ball_y_own")).sum(),
        high_air=pl.col("dt").filter(pl.col("z") > CROSSBAR).sum(),
        to_ball=(pl.col("to_ball") * pl.col("dt")).sum() / pl.col("dt").sum(),
        variance=(pl.col("x").var() + pl.col("y").var()) / 2,
        zero_boost=pl.col("dt").filter(pl.col("boost") < ZERO_BOOST).sum(),
    )


def _teammates(cars: pl.DataFrame) -> pl.DataFrame:
    """Per player: mean distance to teammates, and seconds as first / second / third man, over the frames
    where the player had a teammate."""
    positions = cars.select("frame", "dt", "player_id", "team", "x", "y", "z", "y_own")
    pairs = positions.join(positions.select("frame", "team", pl.col("player_id").alias("mate"),
                                            pl.col("x").alias("mx"), pl.col("y").alias("my"),
                                            pl.col("z").alias("mz")), on=["frame", "team"])
    distances = (
        pairs.filter(pl.col("player_id") != pl.col("mate"))
        .with_columns(d=((pl.col("x") - pl.col("mx")) ** 2 + (pl.col("y") - pl.col("my")) ** 2
                         + (pl.col("z") - pl.col("mz")) ** 2).sqrt())
        .group_by("player_id").agg(to_mates=(pl.col("d") * pl.col("dt")).sum() / pl.col("dt").sum())
    )
    ranked = positions.with_columns(
        order=pl.col("y_own").rank("ordinal", descending=True).over("frame", "team"),
        size=pl.len().over("frame", "team"),
    ).filter(pl.col("size") > 1)
    roles = ranked.group_by("player_id").agg(
        with_mates=pl.col("dt").sum(),
        with_two_mates=pl.col("dt").filter(pl.col("size") >= 3).sum(),
        first=pl.col("dt").filter(pl.col("order") == 1).sum(),
        third=pl.col("dt").filter(pl.col("order") == pl.col("size")).sum(),
        second=pl.col("dt").filter((pl.col("order") > 1) & (pl.col("order") < pl.col("size"))).sum(),
    )
    return distances.join(roles, on="player_id", how="full", coalesce=True)


def _touches(hits: pl.DataFrame) -> pl.DataFrame:
    """Per player: touches, aerial touches, contests entered and contests after which their team touched
    next (a contest: two consecutive touches by opposite teams within ``CONTEST_SECONDS``)."""
    ordered = hits.sort("frame").with_columns(
        next_team=pl.col("team").shift(-1), next_player=pl.col("player_id").shift(-1),
        next_time=pl.col("time").shift(-1), after_team=pl.col("team").shift(-2),
    )
    contests = ordered.filter((pl.col("team") != pl.col("next_team"))
                              & (pl.col("next_time") - pl.col("time") <= CONTEST_SECONDS)
                              & pl.col("after_team").is_not_null())
    entered = pl.concat([
        contests.select("player_id", won=pl.col("after_team") == pl.col("team")),
        contests.select(pl.col("next_player").alias("player_id"), won=pl.col("after_team") == pl.col("next_team")),
    ]).group_by("player_id").agg(contests=pl.len(), contests_won=pl.col("won").sum())
    counts = hits.group_by("player_id").agg(touches=pl.len(),
                                            aerials=(pl.col("ball_z") > AERIAL_HEIGHT).sum())
    return counts.join(entered, on="player_id", how="left").with_columns(
        pl.col("contests", "contests_won").fill_null(0))


def _boost(frames: ReplayFrames) -> pl.DataFrame:
    """Per player: boost collected and wasted at pickups (what a pad gives beyond the tank's headroom)."""
    before = frames.cars.select("frame", "player_id", "boost").with_columns(pl.col("frame") + 1)
    return (
        frames.pickups.join(before, on=["frame", "player_id"], how="left")
        .with_columns(gained=pl.min_horizontal(pl.col("pad_amount"), 100.0 - pl.col("boost").fill_null(0.0)))
        .group_by("player_id").agg(collected=pl.col("gained").sum(),
                                   wasted=(pl.col("pad_amount") - pl.col("gained")).sum(),
                                   pads=pl.col("pad_amount").sum())
    )


def _player_stats(row: dict, header: ReplayHeader, team: int, shots_against: int) -> tuple[StatValue, ...]:
    line = next(p for p in header.players if p.player_id == row["player_id"])
    seconds = row.get("seconds") or 0.0
    if not seconds:
        features = [missing(stat, NO_CAR) for stat in (
            "time_defensive_third_share", "time_neutral_third_share", "time_offensive_third_share",
            "time_behind_ball_share", "time_high_air_share", "avg_distance_to_ball", "avg_distance_to_mates",
            "position_variance", "aerial_rate",
            "boost_collected_per_minute", "boost_wasted_share", "time_zero_boost_share", "time_first_man_share",
            "time_second_man_share", "time_third_man_share", "challenge_win_rate")]
    else:
        alone = "the player had no teammate on the pitch"
        features = [
            ratio("time_defensive_third_share", row["defensive"], seconds, NO_CAR),
            ratio("time_neutral_third_share", row["neutral"], seconds, NO_CAR),
            ratio("time_offensive_third_share", row["offensive"], seconds, NO_CAR),
            ratio("time_behind_ball_share", row["behind_ball"], seconds, NO_CAR),
            ratio("time_high_air_share", row["high_air"], seconds, NO_CAR),
            StatValue("avg_distance_to_ball", row["to_ball"]),
            StatValue("avg_distance_to_mates", row["to_mates"]) if row.get("to_mates") is not None
            else missing("avg_distance_to_mates", alone),
            StatValue("position_variance", row["variance"]) if row.get("variance") is not None
            else missing("position_variance", "fewer than two frames"),
            ratio("aerial_rate", row.get("aerials"), row.get("touches"), "the player never touched the ball"),
            ratio("boost_collected_per_minute", row.get("collected") or 0.0, seconds / 60, NO_CAR),
            ratio("boost_wasted_share", row.get("wasted"), row.get("pads"), "the player picked up no boost"),
            ratio("time_zero_boost_share", row["zero_boost"], seconds, NO_CAR),
            ratio("time_first_man_share", row.get("first"), row.get("with_mates"), alone),
            ratio("time_second_man_share", row.get("second"), row.get("with_two_mates"),
                  "the player never had two teammates on the pitch"),
            ratio("time_third_man_share", row.get("third"), row.get("with_mates"), alone),
            ratio("challenge_win_rate", row.get("contests_won"), row.get("contests"), "the player entered no contest"),
        ]
    return (
        StatValue("score", line.score), StatValue("goals", line.goals), StatValue("assists", line.assists),
        StatValue("saves", line.saves), StatValue("shots", line.shots),
        ratio("save_rate", line.saves, shots_against, "the opponents took no shot"),
        ratio("shot_accuracy", line.goals, line.shots, "the player took no shot"),
        *features,
    )


def replay_match(frames: ReplayFrames) -> ParsedMatch:
    """The replay as a ``ParsedMatch``: header scoreboard plus the frame features of each player."""
    header = frames.header
    cars = _timed_cars(frames)
    per_player = (
        pl.DataFrame({"player_id": [p.player_id for p in header.players]}, schema={"player_id": pl.String})
        .join(_positional(cars), on="player_id", how="left")
        .join(_teammates(cars), on="player_id", how="left")
        .join(_touches(frames.hits), on="player_id", how="left")
        .join(_boost(frames), on="player_id", how="left")
    )
    shots = {team: sum(p.shots for p in header.players if p.team == team) for team in (0, 1)}
    rows = {row["player_id"]: row for row in per_player.iter_rows(named=True)}
    players = tuple(
        ParsedPlayer(player_id=p.player_id, name=p.name, platform=p.platform, team=p.team, is_bot=p.is_bot,
                     score=p.score, goals=p.goals, assists=p.assists, saves=p.saves, shots=p.shots,
                     stats=_player_stats(rows[p.player_id], header, p.team, shots[1 - p.team]))
        for p in header.players
    )
    duration = float(frames.ball["time"].max() - frames.ball["time"].min()) if frames.ball.height else None
    return ParsedMatch(
        match_id=header.match_id, source=SOURCE, playlist=header.playlist, map_code=header.map_code,
        played_at=header.played_at.replace(tzinfo=dt.UTC), team_size=header.team_size,
        score_team_0=header.score_team_0, score_team_1=header.score_team_1, duration=duration,
        players=players,
    )
