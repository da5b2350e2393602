"""ballchasing.com's CSV export of a replay's players (`Export CSV`, `;`-separated, one row per player) as the
document `parse_replay_json` reads.

The export names no replay, so the game's identity (match key, date, playlist) comes from the replay's header;
its columns are the stat groups' values of `GET /replays/{id}` under other names (`COLUMNS`), without the
tank's quarters, the percentages of time at zero and full boost, `bcpm` or the time closest to and farthest
from the ball."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from gamestats_assets.sources.replays.header import ReplayHeader

COLUMNS = {
    "score": ("core", "score"), "goals": ("core", "goals"), "assists": ("core", "assists"),
    "saves": ("core", "saves"), "shots": ("core", "shots"), "shots conceded": ("core", "shots_against"),
    "goals conceded": ("core", "goals_against"),
    "goals conceded while last defender": ("positioning", "goals_against_while_last_defender"),
    "bpm": ("boost", "bpm"), "avg boost amount": ("boost", "avg_amount"),
    "amount collected": ("boost", "amount_collected"),
    "amount collected big pads": ("boost", "amount_collected_big"),
    "amount collected small pads": ("boost", "amount_collected_small"),
    "count collected big pads": ("boost", "count_collected_big"),
    "count collected small pads": ("boost", "count_collected_small"),
    "amount stolen": ("boost", "amount_stolen"), "amount stolen big pads": ("boost", "amount_stolen_big"),
    "amount stolen small pads": ("boost", "amount_stolen_small"),
    "count stolen big pads": ("boost", "count_stolen_big"), "count stolen small pads": ("boost", "count_stolen_small"),
    "0 boost time": ("boost", "time_zero_boost"), "100 boost time": ("boost", "time_full_boost"),
    "amount used while supersonic": ("boost", "amount_used_while_supersonic"),
    "amount overfill total": ("boost", "amount_overfill"),
    "amount overfill stolen": ("boost", "amount_overfill_stolen"),
    "avg speed": ("movement", "avg_speed"), "total distance": ("movement", "total_distance"),
    "time slow speed": ("movement", "time_slow_speed"), "percentage slow speed": ("movement", "percent_slow_speed"),
    "time boost speed": ("movement", "time_boost_speed"), "percentage boost speed": ("movement", "percent_boost_speed"),
    "time supersonic speed": ("movement", "time_supersonic_speed"),
    "percentage supersonic speed": ("movement", "percent_supersonic_speed"),
    "time on ground": ("movement", "time_ground"), "percentage on ground": ("movement", "percent_ground"),
    "time low in air": ("movement", "time_low_air"), "percentage low in air": ("movement", "percent_low_air"),
    "time high in air": ("movement", "time_high_air"), "percentage high in air": ("movement", "percent_high_air"),
    "time powerslide": ("movement", "time_powerslide"), "avg powerslide time": ("movement", "avg_powerslide_duration"),
    "count powerslide": ("movement", "count_powerslide"),
    "time most back": ("positioning", "time_most_back"), "time most forward": ("positioning", "time_most_forward"),
    "avg distance to ball": ("positioning", "avg_distance_to_ball"),
    "avg distance to ball has possession": ("positioning", "avg_distance_to_ball_possession"),
    "avg distance to ball no possession": ("positioning", "avg_distance_to_ball_no_possession"),
    "avg distance to team mates": ("positioning", "avg_distance_to_mates"),
    "time behind ball": ("positioning", "time_behind_ball"),
    "percentage behind ball": ("positioning", "percent_behind_ball"),
    "time in front of ball": ("positioning", "time_infront_ball"),
    "percentage in front of ball": ("positioning", "percent_infront_ball"),
    **{f"{kind} {side} {part}": ("positioning", f"{'time' if kind == 'time' else 'percent'}_{side}_{part}")
       for kind in ("time", "percentage") for side in ("defensive", "neutral", "offensive")
       for part in ("half", "third") if (side, part) != ("neutral", "half")},
    "demos inflicted": ("demo", "inflicted"), "demos taken": ("demo", "taken"),
}
"""The export's column: the stat group and name `GET /replays/{id}` gives the value under."""


def _player(row: dict[str, str]) -> dict[str, Any]:
    stats: dict[str, dict[str, float]] = {}
    for column, (group, name) in COLUMNS.items():
        if row.get(column):
            stats.setdefault(group, {})[name] = float(row[column])
    return {"name": row["player name"].strip(), "id": {"platform": row["platform"].lower(), "id": row["player id"]},
            "stats": stats}


def replay_document(text: str, header: ReplayHeader) -> dict[str, Any]:
    """The export `text` of the game `header` describes, as a `GET /replays/{id}` document."""
    teams: dict[str, list[dict[str, Any]]] = {"blue": [], "orange": []}
    for row in csv.DictReader(io.StringIO(text), delimiter=";"):
        teams[row["color"]].append(_player(row))
    played_at = header.played_at.replace(tzinfo=header.played_at.tzinfo or dt.UTC)
    return {"id": f"csv:{header.match_id}", "rocket_league_id": header.match_id, "date": played_at.isoformat(),
            "playlist_id": header.playlist, "map_code": header.map_code, "team_size": header.team_size,
            "blue": {"players": teams["blue"]}, "orange": {"players": teams["orange"]}}
