"""carball analysis JSON (`gameMetadata`, `players[].stats`, `teams`, `gameStats`) into a `ParsedMatch`.

carball has no distance to the ball or to teammates, so those features are null with that reason.
`gameMetadata.time` is the match start in Unix seconds; `isOrange` is the team."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gamestats_assets.sources.ballchasing.records import (
    MECHANICS,
    ParsedMatch,
    ParsedPlayer,
    StatValue,
    missing,
    ratio,
)
from gamestats_assets.sources.replays.header import player_id_of

SOURCE = "carball"
SMALL_PAD, BIG_PAD = 12.0, 100.0
"""Boost a small and a big pad give (0-100 scale)."""
NO_DISTANCES = "carball JSON has no distances to ball or teammates"

PLAYLISTS = {"CUSTOM_LOBBY": "private", "RANKED_DUELS": "ranked-duels", "RANKED_DOUBLES": "ranked-doubles",
             "RANKED_STANDARD": "ranked-standard", "RANKED_SOLO_STANDARD": "ranked-solo-standard",
             "UNRANKED_DUELS": "unranked-duels", "UNRANKED_DOUBLES": "unranked-doubles",
             "UNRANKED_STANDARD": "unranked-standard", "UNRANKED_CHAOS": "unranked-chaos"}
"""carball's playlist enum names to ballchasing's slugs; another name is kept, lower-cased."""


class CarballFormatError(ValueError):
    """A JSON document that is not carball analysis output, with the reason."""


def _stats(player: dict[str, Any], team_size: int, opponent_shots: int | None) -> tuple[StatValue, ...]:
    stats = player.get("stats") or {}
    tendencies, hits = stats.get("positionalTendencies", {}), stats.get("hitCounts", {})
    boost, relative = stats.get("boost", {}), stats.get("relativePositioning", {})
    thirds = [tendencies.get(f"timeIn{name}Third") for name in ("Defending", "Neutral", "Attacking")]
    on_pitch = sum(thirds) if all(t is not None for t in thirds) else None
    no_tendencies = "the analysis has no positional tendencies"
    played = player.get("timeInGame")
    pads = (boost.get("numSmallBoosts") or 0) * SMALL_PAD + (boost.get("numLargeBoosts") or 0) * BIG_PAD
    wasted = boost.get("wastedCollection")
    rows = [
        StatValue("score", player.get("score")), StatValue("goals", player.get("goals")),
        StatValue("assists", player.get("assists")), StatValue("saves", player.get("saves")),
        StatValue("shots", player.get("shots")),
        ratio("time_defensive_third_share", thirds[0], on_pitch, no_tendencies),
        ratio("time_neutral_third_share", thirds[1], on_pitch, no_tendencies),
        ratio("time_offensive_third_share", thirds[2], on_pitch, no_tendencies),
        ratio("time_behind_ball_share", tendencies.get("timeBehindBall"),
              (tendencies.get("timeBehindBall") or 0) + (tendencies.get("timeInFrontBall") or 0), no_tendencies),
        ratio("time_high_air_share", tendencies.get("timeHighInAir"),
              sum(tendencies.get(k) or 0 for k in ("timeOnGround", "timeLowInAir", "timeHighInAir")), no_tendencies),
        missing("avg_distance_to_ball", NO_DISTANCES),
        missing("avg_distance_to_mates", NO_DISTANCES),
        missing("position_variance", "carball JSON has no frames"),
        ratio("aerial_rate", hits.get("totalAerials"), hits.get("totalHits"), "the player never touched the ball"),
        ratio("save_rate", player.get("saves"), opponent_shots, "the opponents took no shot"),
        ratio("shot_accuracy", player.get("goals"), player.get("shots"), "the player took no shot"),
        ratio("boost_collected_per_minute", pads - (wasted or 0) if "numSmallBoosts" in boost else None,
              played / 60 if played else None, "no playing time"),
        ratio("boost_wasted_share", wasted, pads if "numSmallBoosts" in boost else None,
              "the player collected no boost"),
        ratio("time_zero_boost_share", boost.get("timeNoBoost"), played, "no playing time"),
        ratio("time_first_man_share", relative.get("timeMostForwardPlayer"), on_pitch, no_tendencies),
        ratio("time_third_man_share", relative.get("timeMostBackPlayer"), on_pitch, no_tendencies),
        ratio("time_second_man_share", relative.get("timeBetweenPlayers"), on_pitch, no_tendencies)
        if team_size >= 3 else missing("time_second_man_share", "no second man in teams of fewer than three"),
        missing("challenge_win_rate", "carball JSON has no contest outcomes per player"),
        *(missing(stat, "carball JSON has no frames") for stat in MECHANICS),
    ]
    return tuple(row for row in rows if not (row.value is None and row.null_reason is None))


def parse_carball_json(document: dict[str, Any]) -> ParsedMatch:
    """A carball analysis as a `ParsedMatch`; `CarballFormatError` when `gameMetadata` or `players`
    is missing."""
    meta = document.get("gameMetadata")
    if not meta or "id" not in meta or "players" not in document:
        raise CarballFormatError("not a carball analysis: no gameMetadata.id or players")
    team_size = int(meta.get("teamSize") or 0)
    team_shots = {int(bool(team.get("isOrange"))): ((team.get("stats") or {}).get("hitCounts") or {}).get("totalShots")
                  for team in document.get("teams", [])}
    players = []
    for raw in document["players"]:
        team = int(bool(raw.get("isOrange")))
        name = str(raw.get("name") or "")
        is_bot = bool(raw.get("isBot", False))
        players.append(ParsedPlayer(
            player_id=player_id_of(str((raw.get("id") or {}).get("id", "")), name, is_bot),
            name=name, platform="bot" if is_bot else "", team=team, is_bot=is_bot,
            score=int(raw.get("score", 0)), goals=int(raw.get("goals", 0)), assists=int(raw.get("assists", 0)),
            saves=int(raw.get("saves", 0)), shots=int(raw.get("shots", 0)),
            stats=_stats(raw, team_size, team_shots.get(1 - team)),
        ))
    score = meta.get("score") or {}
    return ParsedMatch(
        match_id=str(meta["id"]).lower(),
        source=SOURCE,
        playlist=PLAYLISTS.get(str(meta.get("playlist")), str(meta.get("playlist", "unknown")).lower()),
        map_code=str(meta.get("map", "")),
        played_at=dt.datetime.fromtimestamp(int(meta["time"]), dt.UTC),
        team_size=team_size,
        score_team_0=int(score.get("team0Score", 0)),
        score_team_1=int(score.get("team1Score", 0)),
        duration=float(meta["length"]) if meta.get("length") is not None else None,
        title=meta.get("name"),
        players=tuple(players),
    )
