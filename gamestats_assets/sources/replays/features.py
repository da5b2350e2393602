"""A raw replay as a `ParsedMatch` (source `replay`): the header's scoreboard, ballchasing's stat groups
computed from the frames (`boost`, `movement`, `positioning`, demolitions), and the design's features, with the
rows and definitions of a ballchasing file (`ballchasing.groups`). What the replay cannot give is null with
the reason (`OVER_NOTHING`); how closely the rest agrees with ballchasing's numbers is in `agreement`."""

from __future__ import annotations

import datetime as dt

import polars as pl

from gamestats_assets.sources.ballchasing.groups import features, group_rows
from gamestats_assets.sources.ballchasing.records import (
    GROUP_STATS,
    ParsedMatch,
    ParsedPlayer,
    StatValue,
    missing,
    ratio,
)
from gamestats_assets.sources.replays.aerials import AERIAL_BALL
from gamestats_assets.sources.replays.boost import boost_stats
from gamestats_assets.sources.replays.frames import ReplayFrames
from gamestats_assets.sources.replays.header import HeaderPlayer, ReplayHeader
from gamestats_assets.sources.replays.mechanics import mechanics_rows, mechanics_table, missing_rows
from gamestats_assets.sources.replays.movement import movement_stats, on_pitch
from gamestats_assets.sources.replays.positioning import positioning_stats

SOURCE = "replay"
NO_CAR = "the player's car is in no frame"
NO_TANK = "the replay's network stream replicates no car's boost tank"
"""Why a replay whose stream sends no boost amount (the game's replays before the spring of 2016) has no boost
stats."""
OVER_NOTHING = {
    "positioning_avg_distance_to_ball_possession": "the player was never on the pitch while their team held the ball",
    "positioning_avg_distance_to_ball_no_possession": "the player was never on the pitch while the other team held "
                                                      "the ball or nobody did",
    "positioning_avg_distance_to_mates": "the player never had a teammate on the pitch"}
"""Group stats that are means over part of a player's time, with the reason they are null when that part is empty."""


def _grouped(frames: ReplayFrames, with_boost: bool) -> pl.DataFrame:
    """Per player: every group stat the frames give, as columns `<group>_<stat>` (the `boost` group only
    `with_boost`), and position variance."""
    demos = pl.concat([
        frames.demos.group_by(pl.col("attacker").alias("player_id")).agg(demo_inflicted=pl.len()),
        frames.demos.group_by(pl.col("victim").alias("player_id")).agg(demo_taken=pl.len()),
    ], how="diagonal").group_by("player_id").agg(pl.col("demo_inflicted", "demo_taken").sum())
    variance = on_pitch(frames).group_by("player_id").agg(
        position_variance=(pl.col("x").var() + pl.col("y").var()) / 2)
    grouped = variance
    tables = {"movement": movement_stats(frames), "positioning": positioning_stats(frames)}
    if with_boost:
        tables["boost"] = boost_stats(frames)
    for group, table in tables.items():
        grouped = grouped.join(table.rename(lambda c: c if c == "player_id" else f"{group}_{c}"),
                               on="player_id", how="left")
    return grouped.join(demos, on="player_id", how="left").with_columns(
        pl.col("demo_inflicted", "demo_taken").fill_null(0))


def _touches(hits: pl.DataFrame) -> pl.DataFrame:
    """Per player: touches and aerial touches (the ball above `aerials.AERIAL_BALL`)."""
    return hits.group_by("player_id").agg(touches=pl.len(), aerials=(pl.col("ball_z") > AERIAL_BALL).sum())


def left_early(frames: ReplayFrames) -> tuple[HeaderPlayer, ...]:
    """A scoreboard line for each car the frames know that the header's scoreboard lacks (the header lists
    the players in the game at its end): goals, shots, saves and assists counted from the stream's events,
    the score the last the stream sent for the player (`ReplayFrames.scores`)."""
    listed = {p.player_id for p in frames.header.players}
    counts = frames.scoring.group_by("player_id", "kind").len()
    counted = {(player_id, kind): n for player_id, kind, n in counts.iter_rows()}
    scores = dict(frames.scores.iter_rows())
    return tuple(
        HeaderPlayer(player_id=player_id, name=name, platform=platform, team=team,
                     is_bot=player_id.startswith("bot:"), score=scores.get(player_id, 0),
                     **{kind: counted.get((player_id, kind), 0) for kind in ("goals", "assists", "saves", "shots")})
        for player_id, name, platform, team in frames.roster.iter_rows() if player_id not in listed
    )


def team_sizes(frames: ReplayFrames) -> dict[int, int]:
    """Per team, the cars it most often had on the pitch at once: the size it played at, where the header's
    `TeamSize` is the lobby's (a private 1v1 in a lobby of three says 3) and a substitution shows a car more
    for a moment."""
    counts = frames.cars.group_by("frame", "team").agg(cars=pl.col("player_id").n_unique())
    modal = counts.group_by("team", "cars").len().sort("len", "cars", descending=True).unique("team", keep="first")
    return dict(modal.select("team", "cars").iter_rows())


def _scoreboard(line: HeaderPlayer, against: dict[str, int]) -> tuple[StatValue, ...]:
    """The scoreboard of a player (the header's, or the stream's for a player who left early), with the
    opponents' shots and goals."""
    return (
        StatValue("score", line.score), StatValue("goals", line.goals), StatValue("assists", line.assists),
        StatValue("saves", line.saves), StatValue("shots", line.shots),
        StatValue("shots_against", against["shots"]), StatValue("goals_against", against["goals"]),
        ratio("save_rate", line.saves, against["shots"], "the opponents took no shot"),
        ratio("shot_accuracy", line.goals, line.shots, "the player took no shot"),
    )


def _against(header: ReplayHeader, lines: tuple[HeaderPlayer, ...]) -> dict[int, dict[str, int]]:
    """Per team, what its opponents scored and shot: goals from the team scores, shots from the opponents'
    scoreboard `lines`."""
    scores = {0: header.score_team_1, 1: header.score_team_0}
    return {team: {"shots": sum(p.shots for p in lines if p.team != team), "goals": scores[team]}
            for team in (0, 1)}


def _player_stats(row: dict, line: HeaderPlayer, team_size: int, against: dict[str, int],
                  no_boost: str | None) -> tuple[StatValue, ...]:
    scoreboard = _scoreboard(line, against)
    if row.get("position_variance") is None and row.get("movement_avg_speed") is None:
        no_car = {group: NO_CAR for group in GROUP_STATS}
        return (*scoreboard, *group_rows({}, no_car), *features({}, team_size, NO_CAR),
                missing("position_variance", NO_CAR), missing("aerial_rate", NO_CAR),
                missing("challenge_win_rate", NO_CAR), *missing_rows(NO_CAR))
    return (
        *scoreboard,
        *group_rows(row, {**OVER_NOTHING, "boost": no_boost} if no_boost else OVER_NOTHING),
        *features(row, team_size, NO_CAR, no_boost),
        StatValue("position_variance", row["position_variance"]) if row.get("position_variance") is not None
        else missing("position_variance", "fewer than two frames"),
        ratio("aerial_rate", row.get("aerials"), row.get("touches"), "the player never touched the ball"),
        ratio("challenge_win_rate", row.get("contests_won"), row.get("contests"), "the player entered no contest"),
        *mechanics_rows(row),
    )


def header_match(header: ReplayHeader, frames_null_reason: str) -> ParsedMatch:
    """A replay whose network stream cannot be read, as its header knows it: the scoreboard, every other
    stat null with `frames_null_reason`, and the match flagged with it."""
    no_frames = {group: frames_null_reason for group in GROUP_STATS}
    against = _against(header, header.players)
    players = tuple(
        ParsedPlayer(player_id=p.player_id, name=p.name, platform=p.platform, team=p.team, is_bot=p.is_bot,
                     score=p.score, goals=p.goals, assists=p.assists, saves=p.saves, shots=p.shots,
                     stats=(*_scoreboard(p, against[p.team]), *group_rows({}, no_frames),
                            *features({}, header.team_size, frames_null_reason),
                            *(missing(stat, frames_null_reason)
                              for stat in ("position_variance", "aerial_rate", "challenge_win_rate")),
                            *missing_rows(frames_null_reason)))
        for p in header.players
    )
    return ParsedMatch(
        match_id=header.match_id, source=SOURCE, playlist=header.playlist, map_code=header.map_code,
        played_at=header.played_at.replace(tzinfo=dt.UTC), team_size=header.team_size,
        score_team_0=header.score_team_0, score_team_1=header.score_team_1, players=players,
        frames_null_reason=frames_null_reason,
    )


def replay_match(frames: ReplayFrames) -> ParsedMatch:
    """The replay as a `ParsedMatch`: the header's scoreboard and the players who left early (`left_early`),
    each with the frame features of their team's size, and the match's team size the larger team's
    (`team_sizes`); only frames give
    `position_variance` (mean of the variances of x and y on the pitch), touches, aerial touches and
    contests (`frames.detect_hits`), and the mechanics (`mechanics.mechanics_rows`). The boost stats are null
    (`NO_TANK`) where the stream replicates no tank."""
    header = frames.header
    no_boost = NO_TANK if frames.replications.is_empty() else None
    lines = (*header.players, *left_early(frames))
    per_player = (
        pl.DataFrame({"player_id": [p.player_id for p in lines]}, schema={"player_id": pl.String})
        .join(_grouped(frames, with_boost=no_boost is None), on="player_id", how="left")
        .join(_touches(frames.hits), on="player_id", how="left")
        .join(mechanics_table(frames), on="player_id", how="left")
    )
    against = _against(header, lines)
    rows = {row["player_id"]: row for row in per_player.iter_rows(named=True)}
    sizes = team_sizes(frames)
    team_size = max(sizes.values(), default=header.team_size)
    players = tuple(
        ParsedPlayer(player_id=p.player_id, name=p.name, platform=p.platform, team=p.team, is_bot=p.is_bot,
                     score=p.score, goals=p.goals, assists=p.assists, saves=p.saves, shots=p.shots,
                     stats=_player_stats(rows[p.player_id], p, sizes.get(p.team, team_size), against[p.team],
                                         no_boost))
        for p in lines
    )
    duration = float(frames.ball["dt"].sum()) if frames.ball.height else None
    return ParsedMatch(
        match_id=header.match_id, source=SOURCE, playlist=header.playlist, map_code=header.map_code,
        played_at=header.played_at.replace(tzinfo=dt.UTC), team_size=team_size,
        score_team_0=header.score_team_0, score_team_1=header.score_team_1, duration=duration,
        players=players,
    )
