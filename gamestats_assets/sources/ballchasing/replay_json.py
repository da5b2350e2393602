"""ballchasing.com replay JSON (``GET /replays/{id}``, or an entry of ``GET /replays``) into a ``ParsedMatch``.

What the format holds, and how its gaps are read:
- per player, stats groups ``core``, ``boost``, ``movement``, ``positioning``, ``demo`` in a full replay;
  a list entry (summary) has only name, id, score, mvp and rank, so its players get no stat rows;
- a bot has an empty ``id``; a PlayStation id or name may be masked as ``*****`` (not an id: many players
  share it; such a player is ``anonymous:<match>:<team>:<index>``); a player may have no ``name``;
  ``duration`` may be absent; a team's ``goals`` is absent when zero;
- a training replay (``match_type`` "Training", or a list entry with neither playlist nor players) has its
  playlist set to ``training``.
- ballchasing has no frames and no touch events: position variance, aerial rate and challenges are null
  with that reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gamestats_assets.sources.ballchasing.records import (
    ParsedMatch,
    ParsedPlayer,
    StatValue,
    missing,
    ratio,
)
from gamestats_assets.sources.replays.header import player_id_of

SOURCE = "ballchasing"
NO_FRAMES = "ballchasing JSON has no frames"
NO_TOUCHES = "ballchasing JSON has no touch events"


class BallchasingFormatError(ValueError):
    """A JSON document that is not a ballchasing replay, with the reason."""


def _unmasked(value: Any) -> str | None:
    """The value, or None when absent or masked (``*****``): a masked value identifies nobody."""
    if not value or set(str(value)) == {"*"}:
        return None
    return str(value)


def _team_goals(team: dict[str, Any]) -> int:
    if "goals" in team:
        return int(team["goals"])
    return int(((team.get("stats") or {}).get("core") or {}).get("goals", 0))


def _player_stats(stats: dict[str, Any], team_size: int, played_seconds: float | None) -> tuple[StatValue, ...]:
    core, boost = stats.get("core", {}), stats.get("boost", {})
    positioning, demo = stats.get("positioning", {}), stats.get("demo", {})
    movement = stats.get("movement", {})
    heights = [movement.get(f"time_{name}") for name in ("ground", "low_air", "high_air")]
    sides = [positioning.get("time_behind_ball"), positioning.get("time_infront_ball")]
    thirds = [positioning.get(f"time_{name}_third") for name in ("defensive", "neutral", "offensive")]
    time_on_pitch = sum(thirds) if all(t is not None for t in thirds) else None
    no_thirds = "the replay has no positioning stats"
    rows = [
        StatValue("score", core.get("score")), StatValue("goals", core.get("goals")),
        StatValue("assists", core.get("assists")), StatValue("saves", core.get("saves")),
        StatValue("shots", core.get("shots")),
        StatValue("demos_inflicted", demo.get("inflicted")), StatValue("demos_taken", demo.get("taken")),
        ratio("time_defensive_third_share", thirds[0], time_on_pitch, no_thirds),
        ratio("time_neutral_third_share", thirds[1], time_on_pitch, no_thirds),
        ratio("time_offensive_third_share", thirds[2], time_on_pitch, no_thirds),
        ratio("time_behind_ball_share", sides[0], sum(sides) if None not in sides else None, no_thirds),
        ratio("time_high_air_share", heights[2], sum(heights) if None not in heights else None,
              "the replay has no movement stats"),
        StatValue("avg_distance_to_ball", positioning.get("avg_distance_to_ball"))
        if positioning.get("avg_distance_to_ball") is not None else missing("avg_distance_to_ball", no_thirds),
        StatValue("avg_distance_to_mates", positioning.get("avg_distance_to_mates"))
        if team_size > 1 and positioning.get("avg_distance_to_mates") is not None
        else missing("avg_distance_to_mates", "the player has no teammates" if team_size <= 1 else no_thirds),
        missing("position_variance", NO_FRAMES),
        missing("aerial_rate", NO_TOUCHES),
        ratio("save_rate", core.get("saves"), core.get("shots_against"), "the opponents took no shot"),
        ratio("shot_accuracy", core.get("goals"), core.get("shots"), "the player took no shot"),
        ratio("boost_collected_per_minute", boost.get("amount_collected"),
              played_seconds / 60 if played_seconds else None, "no playing time"),
        ratio("boost_wasted_share", boost.get("amount_overfill"),
              (boost.get("amount_collected") or 0) + (boost.get("amount_overfill") or 0)
              if "amount_collected" in boost else None, "the player collected no boost"),
        ratio("time_zero_boost_share", boost.get("time_zero_boost"), time_on_pitch, no_thirds),
        ratio("time_first_man_share", positioning.get("time_most_forward"), time_on_pitch, no_thirds),
        ratio("time_third_man_share", positioning.get("time_most_back"), time_on_pitch, no_thirds),
        missing("challenge_win_rate", NO_TOUCHES),
    ]
    if team_size >= 3 and time_on_pitch and positioning.get("time_most_back") is not None:
        between = time_on_pitch - positioning["time_most_back"] - positioning.get("time_most_forward", 0)
        rows.append(ratio("time_second_man_share", max(between, 0.0), time_on_pitch, no_thirds))
    else:
        rows.append(missing("time_second_man_share", "no second man in teams of fewer than three"
                            if team_size < 3 else no_thirds))
    return tuple(row for row in rows if not (row.value is None and row.null_reason is None))


def _player(raw: dict[str, Any], match_id: str, team: int, index: int, team_size: int) -> ParsedPlayer:
    name = _unmasked(raw.get("name")) or ""
    online_id = _unmasked((raw.get("id") or {}).get("id"))
    is_bot = not raw.get("id")
    player_id = player_id_of(online_id, name, is_bot) if (online_id or name) else f"anonymous:{match_id}:{team}:{index}"
    core = (raw.get("stats") or {}).get("core", {})
    rank = raw.get("rank") or {}
    played = None
    if raw.get("end_time") is not None and raw.get("start_time") is not None:
        played = float(raw["end_time"]) - float(raw["start_time"])
    return ParsedPlayer(
        player_id=player_id, name=name, platform=(raw.get("id") or {}).get("platform", "bot" if is_bot else ""),
        team=team, is_bot=is_bot,
        score=int(core.get("score", raw.get("score", 0))), goals=int(core.get("goals", 0)),
        assists=int(core.get("assists", 0)), saves=int(core.get("saves", 0)), shots=int(core.get("shots", 0)),
        rank_tier=rank.get("tier"), rank_division=rank.get("division"),
        stats=_player_stats(raw["stats"], team_size, played) if raw.get("stats") else (),
    )


def parse_replay_json(document: dict[str, Any]) -> ParsedMatch:
    """A ballchasing replay (full or list entry) as a ``ParsedMatch``; ``BallchasingFormatError`` if the
    document lacks what identifies a replay (``id``, ``rocket_league_id``, ``date``)."""
    absent = [key for key in ("id", "rocket_league_id", "date") if not document.get(key)]
    if absent:
        raise BallchasingFormatError(f"not a ballchasing replay: no {', '.join(absent)}")
    blue, orange = document.get("blue") or {}, document.get("orange") or {}
    team_size = int(document.get("team_size") or max(len(blue.get("players", [])), len(orange.get("players", []))))
    training = document.get("match_type") == "Training"
    match_id = str(document["rocket_league_id"]).lower()
    players = tuple(
        _player(raw, match_id, team, index, team_size)
        for team, side in ((0, blue), (1, orange))
        for index, raw in enumerate(side.get("players", []))
    )
    return ParsedMatch(
        match_id=match_id,
        source=SOURCE,
        playlist="training" if training or not (document.get("playlist_id") or players)
        else document.get("playlist_id") or "unknown",
        map_code=document.get("map_code") or "",
        played_at=dt.datetime.fromisoformat(document["date"]).astimezone(dt.UTC),
        team_size=team_size,
        score_team_0=_team_goals(blue),
        score_team_1=_team_goals(orange),
        duration=float(document["duration"]) if document.get("duration") is not None else None,
        overtime=document.get("overtime"),
        ballchasing_id=str(document["id"]),
        title=document.get("title") or document.get("replay_title"),
        players=players,
    )
