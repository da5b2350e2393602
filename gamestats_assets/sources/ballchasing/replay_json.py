"""ballchasing.com replay JSON (`GET /replays/{id}`, or an entry of `GET /replays`) into a `ParsedMatch`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gamestats_assets.sources.ballchasing.groups import features, group_rows
from gamestats_assets.sources.ballchasing.records import (
    GROUP_STATS,
    MECHANICS,
    ZERO_WHEN_ABSENT,
    ParsedMatch,
    ParsedPlayer,
    StatValue,
    match_key,
    missing,
    ratio,
)
from gamestats_assets.sources.ballchasing.replay_file import FILE_MISSING
from gamestats_assets.sources.replays.header import player_id_of

SOURCE = "ballchasing"
NO_FRAMES = "ballchasing JSON has no frames"
NO_TOUCHES = "ballchasing JSON has no touch events"


class BallchasingFormatError(ValueError):
    """A JSON document that is not a ballchasing replay, with the reason."""


def _unmasked(value: Any) -> str | None:
    """The value, or None when absent or masked (`*****`): a masked value identifies nobody."""
    if not value or set(str(value)) == {"*"}:
        return None
    return str(value)


def _team_goals(team: dict[str, Any]) -> int:
    if "goals" in team:
        return int(team["goals"])
    return int(((team.get("stats") or {}).get("core") or {}).get("goals", 0))


def no_frames(document: dict[str, Any]) -> str:
    """Why the figures read of frames are missing from the JSON `document`: JSON has none, and, for an imported game,
    why its replay file could not be had (`replay_file.FILE_MISSING`)."""
    why = document.get(FILE_MISSING)
    return f"{NO_FRAMES}, and its replay file could not be had: {why}" if why else NO_FRAMES


def _player_stats(stats: dict[str, Any], team_size: int, frameless: str) -> tuple[StatValue, ...]:
    core = stats.get("core", {})
    values = {f"{group}_{name}": (stats[group].get(name, 0 if f"{group}_{name}" in ZERO_WHEN_ABSENT else None)
                                  if stats.get(group) else None)
              for group, names in GROUP_STATS.items() for name in names}
    no_group = {group: f"the replay has no {group} stats" if group not in stats
                else f"ballchasing gave no such {group} stat" for group in GROUP_STATS}
    return (
        StatValue("score", core.get("score")), StatValue("goals", core.get("goals")),
        StatValue("assists", core.get("assists")), StatValue("saves", core.get("saves")),
        StatValue("shots", core.get("shots")), StatValue("shots_against", core.get("shots_against")),
        StatValue("goals_against", core.get("goals_against")),
        ratio("save_rate", core.get("saves"), core.get("shots_against"), "the opponents took no shot"),
        ratio("shot_accuracy", core.get("goals"), core.get("shots"), "the player took no shot"),
        *group_rows(values, no_group),
        *features(values, team_size, "the replay has no positioning, movement or boost stats"),
        missing("position_variance", frameless),
        missing("aerial_rate", NO_TOUCHES),
        missing("challenge_win_rate", NO_TOUCHES),
        *(missing(stat, frameless) for stat in MECHANICS),
    )


def _player(raw: dict[str, Any], match_id: str, team: int, index: int, team_size: int,
            frameless: str) -> ParsedPlayer:
    name = _unmasked(raw.get("name")) or ""
    online_id = _unmasked((raw.get("id") or {}).get("id"))
    is_bot = not raw.get("id")
    player_id = player_id_of(online_id, name, is_bot) if (online_id or name) else f"anonymous:{match_id}:{team}:{index}"
    core = (raw.get("stats") or {}).get("core", {})
    rank = raw.get("rank") or {}
    return ParsedPlayer(
        player_id=player_id, name=name, platform=(raw.get("id") or {}).get("platform", "bot" if is_bot else ""),
        team=team, is_bot=is_bot,
        score=int(core.get("score", raw.get("score", 0))), goals=int(core.get("goals", 0)),
        assists=int(core.get("assists", 0)), saves=int(core.get("saves", 0)), shots=int(core.get("shots", 0)),
        rank_tier=rank.get("tier"), rank_division=rank.get("division"),
        stats=_player_stats(raw["stats"], team_size, frameless) if raw.get("stats") else (),
    )


def parse_replay_json(document: dict[str, Any]) -> ParsedMatch:
    """A ballchasing replay (full or list entry) as a `ParsedMatch`; `BallchasingFormatError` if the
    document lacks what identifies a replay (`id`, `rocket_league_id`, `date`).

    A full replay has stat groups per player, each stat a row `<group>_<stat>` (`groups`); a list entry
    has only name, id, score, mvp and rank, so its players get no stat rows. A bot has an empty `id`; a
    masked PlayStation id (`*****`) makes the player `anonymous:<match>:<team>:<index>`; `duration`, a
    player's `name` and a team's zero `goals` may be absent. A training replay (`match_type` "Training",
    or a list entry with neither playlist nor players) gets the playlist `training`. Without frames,
    position variance and the frame mechanics are null with that reason (`no_frames`: for an imported game whose
    replay file could not be had, why), aerial rate and challenges null for want of touches."""
    absent = [key for key in ("id", "rocket_league_id", "date") if not document.get(key)]
    if absent:
        raise BallchasingFormatError(f"not a ballchasing replay: no {', '.join(absent)}")
    blue, orange = document.get("blue") or {}, document.get("orange") or {}
    team_size = int(document.get("team_size") or max(len(blue.get("players", [])), len(orange.get("players", []))))
    training = document.get("match_type") == "Training"
    match_id = match_key(document.get("match_guid"), document["rocket_league_id"])
    players = tuple(
        _player(raw, match_id, team, index, team_size, no_frames(document))
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
