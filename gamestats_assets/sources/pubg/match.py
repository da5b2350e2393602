"""The PUBG API match object (`GET /shards/{shard}/matches/{id}`), a JSON:API document: `data` is the match,
`included` its `participant` objects (end-of-match statistics), `roster` objects (teams, `won` as the string
`"true"`/`"false"`) and the `asset` whose `attributes.URL` is the telemetry file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import polars as pl

from gamestats_assets.lib.core.inputs import UUID, UnsafePath, checked_id
from gamestats_assets.sources.pubg.files import PubgFormatError, read_document


def match_id_of(value: Any, origin: str = "match object") -> str:
    """`value` as a PUBG match id (a UUID); `PubgFormatError` naming `origin` otherwise: the id names files
    and a partition, so nothing else is taken."""
    try:
        return checked_id(value, UUID, "PUBG match id (a UUID)")
    except UnsafePath as error:
        raise PubgFormatError(f"{origin}: {error}") from None

PARTICIPANT_STATS = {
    "kills": ("kills", pl.Int64),
    "DBNOs": ("dbnos", pl.Int64),
    "assists": ("assists", pl.Int64),
    "boosts": ("boosts", pl.Int64),
    "heals": ("heals", pl.Int64),
    "revives": ("revives", pl.Int64),
    "damageDealt": ("damage_dealt", pl.Float64),
    "headshotKills": ("headshot_kills", pl.Int64),
    "killPlace": ("kill_place", pl.Int64),
    "killStreaks": ("kill_streaks", pl.Int64),
    "longestKill": ("longest_kill", pl.Float64),
    "roadKills": ("road_kills", pl.Int64),
    "teamKills": ("team_kills", pl.Int64),
    "vehicleDestroys": ("vehicle_destroys", pl.Int64),
    "weaponsAcquired": ("weapons_acquired", pl.Int64),
    "walkDistance": ("walk_distance", pl.Float64),
    "rideDistance": ("ride_distance", pl.Float64),
    "swimDistance": ("swim_distance", pl.Float64),
    "timeSurvived": ("time_survived", pl.Float64),
    "winPlace": ("win_place", pl.Int64),
    "deathType": ("death_type", pl.String),
}
"""Participant statistics kept from `attributes.stats`: API name → (column, type)."""

MATCH_SCHEMA = {
    "match_id": pl.String,
    "created_at": pl.Datetime("us", "UTC"),
    "map_name": pl.String,
    "game_mode": pl.String,
    "match_type": pl.String,
    "is_custom_match": pl.Boolean,
    "season_state": pl.String,
    "shard_id": pl.String,
    "title_id": pl.String,
    "duration_s": pl.Int64,
    "telemetry_url": pl.String,
    "participants": pl.Int64,
    "rosters": pl.Int64,
    "ai_participants": pl.Int64,
}
"""`participants` counts every participant, AI bots included; `ai_participants` the bots among them."""
AI_ACCOUNT_PREFIX = "ai."
"""The account ids of the AI bots PUBG fills public lobbies with (`ai.349`): no player's."""
PARTICIPANT_SCHEMA = {
    "match_id": pl.String,
    "participant_id": pl.String,
    "roster_id": pl.String,
    "team_id": pl.Int64,
    "account_id": pl.String,
    "name": pl.String,
    **{column: dtype for column, dtype in PARTICIPANT_STATS.values()},
}
ROSTER_SCHEMA = {
    "match_id": pl.String,
    "roster_id": pl.String,
    "team_id": pl.Int64,
    "rank": pl.Int64,
    "won": pl.Boolean,
    "participants": pl.Int64,
}


def is_ai_bot(account_id: pl.Expr) -> pl.Expr:
    """Whether an account id is an AI bot's (`AI_ACCOUNT_PREFIX`)."""
    return account_id.str.starts_with(AI_ACCOUNT_PREFIX).fill_null(False)


@dataclass(frozen=True)
class ParsedMatch:
    """One match object as three frames: the match (one row), its participants, its rosters (teams)."""

    match: pl.DataFrame
    participants: pl.DataFrame
    rosters: pl.DataFrame

    @property
    def match_id(self) -> str:
        return self.match["match_id"][0]


def _included(document: Mapping[str, Any], kind: str) -> list[Mapping[str, Any]]:
    return [item for item in document.get("included") or [] if isinstance(item, Mapping) and item.get("type") == kind]


def _won(value: Any) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    return str(value).lower() == "true"


def parse_match(document: Any, origin: str = "match object") -> ParsedMatch:
    """The frames of a JSON:API match document; `PubgFormatError` naming `origin` if it is not one."""
    data = document.get("data") if isinstance(document, Mapping) else None
    if not isinstance(data, Mapping) or data.get("type") != "match" or not data.get("id"):
        raise PubgFormatError(f"{origin}: no JSON:API match (expected data.type 'match' with an id)")
    if not isinstance(document.get("included"), list):
        raise PubgFormatError(f"{origin}: match {str(data['id'])[:80]} has no 'included' list")
    match_id = match_id_of(data["id"], origin)
    attributes = data.get("attributes") or {}

    roster_of: dict[str, str] = {}
    rosters = []
    for roster in _included(document, "roster"):
        stats = (roster.get("attributes") or {}).get("stats") or {}
        members = ((roster.get("relationships") or {}).get("participants") or {}).get("data") or []
        for member in members:
            roster_of[member["id"]] = roster["id"]
        rosters.append(
            {
                "match_id": match_id,
                "roster_id": roster["id"],
                "team_id": stats.get("teamId"),
                "rank": stats.get("rank"),
                "won": _won((roster.get("attributes") or {}).get("won")),
                "participants": len(members),
            }
        )
    team_of = {row["roster_id"]: row["team_id"] for row in rosters}

    participants = []
    for participant in _included(document, "participant"):
        stats = (participant.get("attributes") or {}).get("stats") or {}
        roster_id = roster_of.get(participant["id"])
        participants.append(
            {
                "match_id": match_id,
                "participant_id": participant["id"],
                "roster_id": roster_id,
                "team_id": team_of.get(roster_id),
                "account_id": stats.get("playerId"),
                "name": stats.get("name"),
                **{column: stats.get(name) for name, (column, _) in PARTICIPANT_STATS.items()},
            }
        )

    telemetry = [a for a in _included(document, "asset") if (a.get("attributes") or {}).get("name") == "telemetry"]
    match = {
        "match_id": match_id,
        "created_at": attributes.get("createdAt"),
        "map_name": attributes.get("mapName"),
        "game_mode": attributes.get("gameMode"),
        "match_type": attributes.get("matchType"),
        "is_custom_match": attributes.get("isCustomMatch"),
        "season_state": attributes.get("seasonState"),
        "shard_id": attributes.get("shardId"),
        "title_id": attributes.get("titleId"),
        "duration_s": attributes.get("duration"),
        "telemetry_url": telemetry[0]["attributes"].get("URL") if telemetry else None,
        "participants": len(participants),
        "rosters": len(rosters),
        "ai_participants": sum(1 for p in participants if str(p["account_id"] or "").startswith(AI_ACCOUNT_PREFIX)),
    }
    match_frame = pl.DataFrame([match], schema={**MATCH_SCHEMA, "created_at": pl.String}, strict=False)
    return ParsedMatch(
        match=match_frame.with_columns(pl.col("created_at").str.to_datetime(time_unit="us", time_zone="UTC")),
        participants=pl.DataFrame(participants, schema=PARTICIPANT_SCHEMA, strict=False),
        rosters=pl.DataFrame(rosters, schema=ROSTER_SCHEMA, strict=False),
    )


def read_match(path: Path) -> ParsedMatch:
    """The match object in `path` (`*.json` or gzip, any name: the id is read from the file)."""
    return parse_match(read_document(path), origin=str(path))


@dataclass(frozen=True)
class MatchIdentity:
    """What names a match object's match: its id and the URL of its telemetry (None when it offers none)."""

    match_id: str
    telemetry_url: str | None

    @property
    def telemetry_name(self) -> str | None:
        """The telemetry file's name on the CDN (`<asset id>-telemetry.json`), the last part of its URL."""
        if not self.telemetry_url:
            return None
        return urlparse(self.telemetry_url).path.rsplit("/", 1)[-1] or None


_IDENTITIES: dict[str, tuple[tuple[int, int], MatchIdentity | None, str | None]] = {}
NOT_A_MATCH = "not a PUBG match object (JSON:API data.type 'match' with an id and an 'included' list)"


def identify_match(path: Path) -> tuple[MatchIdentity | None, str | None]:
    """The identity of the match object in `path`, or None and why it has none (unreadable, too large, nested
    too deep, not a match object, an id that is not a PUBG match id); read once per version of the file (size
    and modification time) in a process."""
    stat = Path(path).stat()
    stamp = (stat.st_size, stat.st_mtime_ns)
    cached = _IDENTITIES.get(str(path))
    if cached is not None and cached[0] == stamp:
        return cached[1], cached[2]
    identity, reason = None, NOT_A_MATCH
    try:
        document = read_document(path)
        data = document.get("data") if isinstance(document, Mapping) else None
        if isinstance(data, Mapping) and data.get("type") == "match" and data.get("id") and isinstance(
                document.get("included"), list):
            telemetry = [a for a in _included(document, "asset")
                         if (a.get("attributes") or {}).get("name") == "telemetry"]
            identity = MatchIdentity(match_id_of(data["id"], str(path)),
                                     telemetry[0]["attributes"].get("URL") if telemetry else None)
            reason = None
    except PubgFormatError as error:
        reason = str(error)
    _IDENTITIES[str(path)] = (stamp, identity, reason)
    return identity, reason


def match_identity(path: Path) -> MatchIdentity | None:
    """The identity of the match object in `path`, None if it has none (`identify_match` says why)."""
    return identify_match(path)[0]
