"""The header of a raw Rocket League `.replay` file: match id, map, playlist, date, scores, players, goals.

Read with subtr-actor (Python bindings of a replay processor built on the Rust boxcars parser), or, when
the network stream defeats it, from the header's bytes alone (`properties`). The header
is the game's own end-of-match summary (`PlayerStats`, `Goals`, `Team0Score`...): it lists the players
who were in the game at its end, bots included (`bBot`), a spectator with a team of neither side (`Team` -1), and
omits a team's score when it is zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import subtr_actor

from gamestats_assets.sources.ballchasing.records import match_key
from gamestats_assets.sources.replays.properties import HeaderFormatError, read_properties


class ReplayParseError(ValueError):
    """A file that is not a readable Rocket League replay, with the reason."""


PLAYLISTS = {
    1: "unranked-duels", 2: "unranked-doubles", 3: "unranked-standard", 4: "unranked-chaos",
    6: "private", 7: "season", 8: "offline", 10: "ranked-duels", 11: "ranked-doubles",
    12: "ranked-solo-standard", 13: "ranked-standard", 15: "snowday", 16: "rocketlabs", 17: "hoops",
    18: "rumble", 19: "workshop", 20: "training-editor", 21: "custom-training", 22: "tournament",
    23: "dropshot", 27: "ranked-hoops", 28: "ranked-rumble", 29: "ranked-dropshot", 30: "ranked-snowday",
    34: "tournament", 37: "dropshot-rumble", 38: "heatseeker", 46: "gridiron", 67: "spooky-cube",
}
"""Rocket League playlist ids to the slugs ballchasing.com uses for them, so both sources agree (the automatic
tournaments of 34, whose header's `MatchType` is `Tournament`, are ballchasing's tournaments); a playlist
ballchasing has no slug for (a limited-time mode, a LAN match) is `playlist-<id>`."""
TEAMS = (0, 1)
"""The header's `Team` of the blue and the orange side."""
DATE_FORMATS = ("%Y-%m-%d %H-%M-%S", "%Y-%m-%d:%H-%M")
"""The header `Date` formats the game has written: with seconds since the end of 2016, to the minute before."""


@dataclass(frozen=True)
class HeaderPlayer:
    """One player line of the header's end-of-match scoreboard."""

    player_id: str
    name: str
    platform: str
    team: int
    is_bot: bool
    score: int
    goals: int
    assists: int
    saves: int
    shots: int


@dataclass(frozen=True)
class ReplayHeader:
    """A replay's header: what the game itself recorded about the match."""

    match_id: str
    """The game's key (`records.match_key`): its `MatchGUID`, the replay's `Id` in files without one."""
    map_code: str
    playlist: str
    match_type: str
    played_at: dt.datetime
    team_size: int
    score_team_0: int
    score_team_1: int
    num_frames: int
    record_fps: float
    players: tuple[HeaderPlayer, ...]
    """The scoreboard's players of either team (0 blue, 1 orange); a spectator's line is none of them."""
    goal_scorers: tuple[tuple[str, int], ...]
    """(player name, team) of each goal, in order."""


def player_id_of(online_id: str | None, name: str, is_bot: bool) -> str:
    """The id a player is known by across sources: the platform's online id, or `bot:<name>` for a bot
    (bots have online id 0) and `name:<name>` for a human the file gives no online id."""
    if is_bot:
        return f"bot:{name}"
    if online_id and online_id != "0":
        return online_id
    return f"name:{name}"


def _online_id(line: dict[str, Any], platform: str, name: str) -> str:
    """The id ballchasing.com knows the player by, so a game read from either source names the same player:
    the Epic account id for Epic players (their `OnlineID` is 0), the PlayStation name, an Xbox id as the
    hexadecimal of its bytes in little-endian order, the `OnlineID` otherwise (Steam, Switch)."""
    online_id = str(line.get("OnlineID", ""))
    fields = (line.get("PlayerID") or {}).get("fields") or {}
    if platform == "epic" or (online_id in ("", "0") and fields.get("EpicAccountId")):
        return str(fields.get("EpicAccountId") or online_id)
    if platform in ("ps4", "ps5") and name:
        return name
    if platform in ("dingo", "xbox") and online_id.isdigit() and online_id != "0":
        return int(online_id).to_bytes(8, "little").hex()
    return online_id


def _header_player(line: dict[str, Any]) -> HeaderPlayer:
    name = str(line.get("Name") or "")
    is_bot = bool(line.get("bBot", False))
    platform = (line.get("Platform") or {}).get("value", "OnlinePlatform_Unknown")
    platform = platform.removeprefix("OnlinePlatform_").lower()
    return HeaderPlayer(
        player_id=player_id_of(_online_id(line, platform, name), name, is_bot),
        name=name,
        platform=platform,
        team=int(line.get("Team", 0)),
        is_bot=is_bot,
        score=int(line.get("Score", 0)),
        goals=int(line.get("Goals", 0)),
        assists=int(line.get("Assists", 0)),
        saves=int(line.get("Saves", 0)),
        shots=int(line.get("Shots", 0)),
    )


def played_at(value: object) -> dt.datetime:
    """The header's `Date` (local time of the machine that saved the replay) in any of `DATE_FORMATS`;
    `ReplayParseError` naming what the game wrote when it is in none of them."""
    for layout in DATE_FORMATS:
        try:
            return dt.datetime.strptime(str(value), layout)
        except ValueError:
            continue
    raise ReplayParseError(f"replay header Date {value!r} is in none of the formats the game writes")


def header_from_properties(headers: dict[str, Any], playlist_id: int | None) -> ReplayHeader:
    """The header out of its properties (`Id`, `Date`, `PlayerStats`...) and the playlist id the
    network stream names (None when unknown: the header alone does not name the playlist)."""
    missing = [k for k in ("Id", "Date", "MapName") if k not in headers]
    if missing:
        raise ReplayParseError(f"replay header lacks {', '.join(missing)}")
    return ReplayHeader(
        match_id=match_key(headers.get("MatchGUID"), headers["Id"]),
        map_code=str(headers["MapName"]),
        playlist=PLAYLISTS.get(playlist_id, f"playlist-{playlist_id}") if playlist_id is not None else "unknown",
        match_type=str(headers.get("MatchType", "")),
        played_at=played_at(headers["Date"]),
        team_size=int(headers.get("TeamSize", 0)),
        score_team_0=int(headers.get("Team0Score", 0)),
        score_team_1=int(headers.get("Team1Score", 0)),
        num_frames=int(headers.get("NumFrames", 0)),
        record_fps=float(headers.get("RecordFPS", 30.0)),
        players=tuple(line for line in map(_header_player, headers.get("PlayerStats", [])) if line.team in TEAMS),
        goal_scorers=tuple((str(g.get("PlayerName", "")), int(g.get("PlayerTeam", 0)))
                           for g in headers.get("Goals", [])),
    )


def header_from_meta(meta: dict[str, Any]) -> ReplayHeader:
    """The header out of subtr-actor's `replay_meta` (its `all_headers` pairs and `game_type`)."""
    return header_from_properties(dict(meta["all_headers"]), (meta.get("game_type") or {}).get("playlist_id"))


def read_header(path: Path) -> ReplayHeader:
    """The header of the replay at `path`; `ReplayParseError` when the file is not a readable replay."""
    try:
        meta = subtr_actor.get_replay_meta(str(path))["replay_meta"]
    except Exception as error:
        raise ReplayParseError(f"{path.name}: not a readable replay ({error})") from error
    return header_from_meta(meta)


def read_header_alone(path: Path) -> ReplayHeader:
    """The header of the replay at `path` read without its network stream (`properties`), so without
    the playlist; `ReplayParseError` when even the header cannot be read."""
    try:
        headers = read_properties(path)
    except (HeaderFormatError, OSError, UnicodeDecodeError) as error:
        raise ReplayParseError(f"{path.name}: replay header unreadable ({error})") from error
    return header_from_properties(headers, None)
