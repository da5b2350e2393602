"""The one shape every Rocket League source is read into: a match, its players, their stats (long form).

A match is keyed by the game's own id (`match_key`), so the same game known under two sources, or uploaded by
two of its players, is one match. A stat a source cannot provide is a row with a null value and its `null_reason`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

MATCH_SCHEMA = {
    "match_id": pl.String, "ballchasing_id": pl.String, "source": pl.String, "title": pl.String,
    "playlist": pl.String, "map_code": pl.String, "played_at": pl.Datetime("us", "UTC"),
    "duration": pl.Float64, "overtime": pl.Boolean, "team_size": pl.Int32,
    "score_team_0": pl.Int32, "score_team_1": pl.Int32, "frames_null_reason": pl.String,
}
PLAYER_SCHEMA = {
    "match_id": pl.String, "player_id": pl.String, "name": pl.String, "platform": pl.String,
    "team": pl.Int8, "is_bot": pl.Boolean, "rank_tier": pl.Int32, "rank_division": pl.Int32,
    "score": pl.Int32, "goals": pl.Int32, "assists": pl.Int32, "saves": pl.Int32, "shots": pl.Int32,
}
STAT_SCHEMA = {
    "match_id": pl.String, "player_id": pl.String, "category": pl.String, "stat_type": pl.String,
    "value": pl.Float64, "numerator": pl.Float64, "denominator": pl.Float64, "null_reason": pl.String,
}

PLACES = tuple(f"{kind}_{axis}" for kind in ("avg_position", "position_sd") for axis in "xyz")
FRAME_MECHANICS = {
    "positional": (*PLACES, "rotation_efficiency"),
    "mechanical": ("aerial_attempts", "aerial_success_rate", "shot_attempts", "shot_on_target_rate", "shot_speed",
                   "save_attempts", "save_success_rate"),
    "game_sense": ("rotation_timing", "challenge_first_rate", "challenge_timing"),
}
"""The features only a replay's frames give (`replays.mechanics`), by category; other sources give them null."""
MECHANICS = tuple(stat for stats in FRAME_MECHANICS.values() for stat in stats)
FEATURES = {
    "positional": ("time_defensive_third_share", "time_neutral_third_share", "time_offensive_third_share",
                   "time_behind_ball_share", "avg_distance_to_ball", "avg_distance_to_mates",
                   "position_variance", *FRAME_MECHANICS["positional"]),
    "mechanical": ("aerial_rate", "time_high_air_share", "save_rate", "shot_accuracy", "boost_collected_per_minute",
                   "boost_wasted_share", "time_zero_boost_share", *FRAME_MECHANICS["mechanical"]),
    "game_sense": ("time_first_man_share", "time_second_man_share", "time_third_man_share",
                   "challenge_win_rate", *FRAME_MECHANICS["game_sense"]),
}
"""The features every source is asked for, by category. Definitions (the same for every source):

- `time_*_third_share`: share of the player's time in the defensive / neutral / offensive third of the
  pitch (thirds along the long axis, seen from the player's own goal); `time_behind_ball_share`: share
  of time between the ball and the player's own goal.
- `avg_distance_to_ball`, `avg_distance_to_mates`: mean distance (uu) to the ball and to teammates.
- `position_variance`: mean of the variances of the player's x and y positions (uu²), how much of the
  pitch the player covers.
- `aerial_rate`: share of the player's touches made in the air (ball above 300 uu);
  `time_high_air_share`: share of the player's time in ballchasing's high air; `save_rate`: saves
  per shot the opponents took; `shot_accuracy`: goals per shot.
- `boost_collected_per_minute`: boost collected (0-100 scale) per minute of the player's time in the game
  (ballchasing's `bcpm`, on its clock: the kickoff countdowns' count left out); `boost_wasted_share`: boost
  collected beyond the full tank (overfill) per boost that pads gave (collected plus overfill);
  `time_zero_boost_share`: time at zero boost per the player's time in the game (ballchasing's
  `percent_zero_boost`).
- `time_first/second/third_man_share`: share of the player's time as the teammate furthest forward /
  neither / furthest back (a second man exists only in teams of three or more).
The features other than position variance, aerial rate and challenges are derived from ballchasing's
stat groups (`groups.features`), in one way for every source.
- `challenge_win_rate`: of the contests the player entered (the player touches the ball within one
  second of an opponent's touch, or the reverse), the share the player's team touched next.
- `FRAME_MECHANICS`: defined where they are measured (`replays.mechanics`).
"""
GROUP_STATS: dict[str, tuple[str, ...]] = {
    "boost": (
        "bpm", "bcpm", "avg_amount", "amount_collected", "amount_stolen", "amount_collected_big",
        "amount_stolen_big", "amount_collected_small", "amount_stolen_small", "count_collected_big",
        "count_stolen_big", "count_collected_small", "count_stolen_small", "amount_overfill",
        "amount_overfill_stolen", "amount_used_while_supersonic", "time_zero_boost", "percent_zero_boost",
        "time_full_boost", "percent_full_boost", "time_boost_0_25", "time_boost_25_50", "time_boost_50_75",
        "time_boost_75_100", "percent_boost_0_25", "percent_boost_25_50", "percent_boost_50_75",
        "percent_boost_75_100",
    ),
    "movement": (
        "avg_speed", "total_distance", "time_supersonic_speed", "time_boost_speed", "time_slow_speed",
        "time_ground", "time_low_air", "time_high_air", "time_powerslide", "count_powerslide",
        "avg_powerslide_duration", "avg_speed_percentage", "percent_slow_speed", "percent_boost_speed",
        "percent_supersonic_speed", "percent_ground", "percent_low_air", "percent_high_air",
    ),
    "positioning": (
        "avg_distance_to_ball", "avg_distance_to_ball_possession", "avg_distance_to_ball_no_possession",
        "avg_distance_to_mates", "time_defensive_third", "time_neutral_third", "time_offensive_third",
        "time_defensive_half", "time_offensive_half", "time_behind_ball", "time_infront_ball", "time_most_back",
        "time_most_forward", "time_closest_to_ball", "time_farthest_from_ball", "percent_defensive_third",
        "percent_offensive_third", "percent_neutral_third", "percent_defensive_half", "percent_offensive_half",
        "percent_behind_ball", "percent_infront_ball", "percent_most_back", "percent_most_forward",
        "percent_closest_to_ball", "percent_farthest_from_ball", "goals_against_while_last_defender",
    ),
    "demo": ("inflicted", "taken"),
}
"""The stats of each ballchasing group a full `GET /replays/{id}` gives per player (core aside: its counts
are the scoreboard's, rows of their own). ballchasing leaves out of a group it gives the counts that are zero
of `ZERO_WHEN_ABSENT`."""
ZERO_WHEN_ABSENT = frozenset({"positioning_goals_against_while_last_defender"})
GROUP_OF = {f"{group}_{name}": group for group, names in GROUP_STATS.items() for name in names}
"""A group stat `k` of group `g` is the stat row `g_k` (`boost_bcpm`, `movement_time_high_air`,
`demo_inflicted`) whichever source gave it: ballchasing's JSON or a raw replay's frames."""
CATEGORY_OF = {**GROUP_OF, **{stat: category for category, stats in FEATURES.items() for stat in stats}}


BOUNDED_RATES = ("aerial_success_rate", "shot_on_target_rate", "save_success_rate", "challenge_first_rate")
"""The frame mechanics that are proportions of counted events, none above 1."""


def upper_bound(stat_type: str) -> float | None:
    """The largest value a stat can take by its definition, None where it has none: 1 for a share of the player's
    time (`rotation_efficiency` too) and a proportion of counted events that cannot exceed their count
    (`aerial_rate`, `shot_accuracy`, `challenge_win_rate`), 100 for ballchasing's percentages. Every stat is at
    least 0; `save_rate` has no upper bound (ballchasing counts saves of balls that were not shots)."""
    name = stat_type.removeprefix(f"{GROUP_OF[stat_type]}_") if stat_type in GROUP_OF else stat_type
    if stat_type in GROUP_OF and (name.startswith("percent_") or name.endswith("_percentage")):
        return 100.0
    if stat_type.endswith("_share") or stat_type in ("aerial_rate", "shot_accuracy", "challenge_win_rate",
                                                     "rotation_efficiency", *BOUNDED_RATES):
        return 1.0
    return None


def match_key(match_guid: object, replay_id: object) -> str:
    """The key of a game, lower-cased: its `MatchGUID`, which every player's replay of one online match
    shares, else (files before the game wrote one, offline games) the replay's own `Id` (ballchasing's
    `rocket_league_id`), which differs between two players' recordings of one match."""
    return str(match_guid or replay_id).lower()


@dataclass(frozen=True)
class StatValue:
    """One stat of a player in a match: a value, or None with the reason it is missing."""

    stat_type: str
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    null_reason: str | None = None


def ratio(stat_type: str, numerator: float | None, denominator: float | None, reason_if_empty: str) -> StatValue:
    """`numerator / denominator` as a rate with both parts kept; null with `reason_if_empty` when the
    denominator is zero or either part is unknown."""
    if numerator is None or denominator is None or denominator == 0:
        return StatValue(stat_type, None, numerator, denominator, reason_if_empty)
    return StatValue(stat_type, float(numerator) / float(denominator), float(numerator), float(denominator))


def missing(stat_type: str, reason: str) -> StatValue:
    """A stat the source cannot provide, with the reason."""
    return StatValue(stat_type, None, None, None, reason)


@dataclass(frozen=True)
class ParsedPlayer:
    """A player's line in a match: identity, team, rank (when the source has it), scoreboard, stats."""

    player_id: str
    name: str
    platform: str
    team: int
    is_bot: bool
    score: int | None = 0
    goals: int = 0
    assists: int = 0
    saves: int = 0
    shots: int = 0
    rank_tier: int | None = None
    rank_division: int | None = None
    stats: tuple[StatValue, ...] = ()


@dataclass(frozen=True)
class ParsedMatch:
    """A match as one source knows it."""

    match_id: str
    source: str
    playlist: str
    map_code: str
    played_at: dt.datetime
    team_size: int
    score_team_0: int
    score_team_1: int
    duration: float | None = None
    overtime: bool | None = None
    ballchasing_id: str | None = None
    title: str | None = None
    players: tuple[ParsedPlayer, ...] = field(default_factory=tuple)
    frames_null_reason: str | None = None
    """Why a raw replay's frames are missing (its network stream could not be read): the match is then its
    header's scoreboard alone."""


def matches_frame(matches: list[ParsedMatch]) -> pl.DataFrame:
    """One row per parsed match (`MATCH_SCHEMA`)."""
    rows = [{name: getattr(m, name) for name in MATCH_SCHEMA} for m in matches]
    return pl.DataFrame(rows, schema=MATCH_SCHEMA)


def players_frame(matches: list[ParsedMatch]) -> pl.DataFrame:
    """One row per player and parsed match (`PLAYER_SCHEMA`)."""
    rows = [{"match_id": m.match_id, **{name: getattr(p, name) for name in PLAYER_SCHEMA if name != "match_id"}}
            for m in matches for p in m.players]
    return pl.DataFrame(rows, schema=PLAYER_SCHEMA)


def stats_frame(matches: list[ParsedMatch]) -> pl.DataFrame:
    """One row per player, parsed match and stat (`STAT_SCHEMA`), nulls with their reason."""
    rows = [(m.match_id, p.player_id, CATEGORY_OF.get(s.stat_type, "core"), s.stat_type, s.value, s.numerator,
             s.denominator, s.null_reason)
            for m in matches for p in m.players for s in p.stats]
    return pl.DataFrame(rows, schema=STAT_SCHEMA, orient="row")
