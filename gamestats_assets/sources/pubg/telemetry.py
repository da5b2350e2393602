"""PUBG telemetry: the match's event stream, one JSON object per event, as an array or one object a line.

Every event names its type in ``_T`` (anywhere among its keys) and its time in ``_D`` (ISO 8601, UTC).
Events of the types below become typed frames, one per table; every other event, and any event whose
``_T`` is missing or unknown, is kept whole as a raw row (``other_events``), so nothing is dropped.

Kills come in two formats: ``LogPlayerKill`` (older matches and tournament servers: the causer at the top
level, or in ``killerDamageInfo`` in later versions) and ``LogPlayerKillV2`` (``dBNOMaker``, ``finisher``,
``killer`` with their ``*DamageInfo``); both become one ``kills`` frame. Coordinates are in centimetres.
Each frame is built in one pass per event type by polars from a declared nested schema.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import polars as pl

from gamestats_assets.sources.pubg.files import PubgFormatError, RejectedLine, read_records

LOCATION = pl.Struct({"x": pl.Float64, "y": pl.Float64, "z": pl.Float64})
CHARACTER = pl.Struct(
    {
        "name": pl.String,
        "teamId": pl.Int64,
        "health": pl.Float64,
        "location": LOCATION,
        "accountId": pl.String,
        "isInBlueZone": pl.Boolean,
        "isInRedZone": pl.Boolean,
    }
)
ITEM = pl.Struct({"itemId": pl.String, "category": pl.String, "subCategory": pl.String})
DAMAGE_INFO = pl.Struct(
    {
        "damageReason": pl.String,
        "damageTypeCategory": pl.String,
        "damageCauserName": pl.String,
        "distance": pl.Float64,
    }
)
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%.fZ"


def character(field_name: str, prefix: str) -> list[pl.Expr]:
    """The columns of a character object: ``<prefix>_account_id``, ``_name``, ``_team_id``, ``_health``,
    ``_x``/``_y``/``_z`` and the zone flags. An empty account id (the old format's empty killer) is null."""
    struct = pl.col(field_name).struct
    location = struct.field("location").struct
    return [
        struct.field("accountId").replace("", None).alias(f"{prefix}_account_id"),
        struct.field("name").replace("", None).alias(f"{prefix}_name"),
        struct.field("teamId").alias(f"{prefix}_team_id"),
        struct.field("health").alias(f"{prefix}_health"),
        location.field("x").alias(f"{prefix}_x"),
        location.field("y").alias(f"{prefix}_y"),
        location.field("z").alias(f"{prefix}_z"),
        struct.field("isInBlueZone").alias(f"{prefix}_in_blue_zone"),
        struct.field("isInRedZone").alias(f"{prefix}_in_red_zone"),
    ]


def item(field_name: str, prefix: str) -> list[pl.Expr]:
    """``<prefix>_id``, ``_category``, ``_sub_category`` of an item object."""
    struct = pl.col(field_name).struct
    return [
        struct.field("itemId").alias(f"{prefix}_id"),
        struct.field("category").alias(f"{prefix}_category"),
        struct.field("subCategory").alias(f"{prefix}_sub_category"),
    ]


def first_of(*fields: tuple[str, str | None]) -> pl.Expr:
    """The first non-null of top-level fields or fields of a struct: ``(column, struct field or None)``."""
    return pl.coalesce(
        [pl.col(column) if sub is None else pl.col(column).struct.field(sub) for column, sub in fields]
    )


@dataclass(frozen=True)
class EventTable:
    """A typed frame built from events of ``types``: their fields read with ``schema`` and projected by ``columns``."""

    name: str
    types: tuple[str, ...]
    schema: Mapping[str, pl.DataType]
    columns: Callable[[], list[pl.Expr]]


EVENT_TABLES: tuple[EventTable, ...] = (
    EventTable(
        "positions",
        ("LogPlayerPosition",),
        {"character": CHARACTER, "elapsedTime": pl.Float64, "numAlivePlayers": pl.Int64,
         "vehicle": pl.Struct({"vehicleId": pl.String})},
        lambda: [
            *character("character", "player"),
            pl.col("elapsedTime").alias("game_elapsed_s"),
            pl.col("numAlivePlayers").alias("alive_players"),
            pl.col("vehicle").struct.field("vehicleId").alias("vehicle_id"),
        ],
    ),
    EventTable(
        "landings",
        ("LogParachuteLanding",),
        {"character": CHARACTER, "distance": pl.Float64},
        lambda: [*character("character", "player"), pl.col("distance").alias("glide_distance")],
    ),
    EventTable(
        "damage",
        ("LogPlayerTakeDamage",),
        {"attackId": pl.Int64, "attacker": CHARACTER, "victim": CHARACTER, "damageTypeCategory": pl.String,
         "damageReason": pl.String, "damage": pl.Float64, "damageCauserName": pl.String},
        lambda: [
            pl.col("attackId").alias("attack_id"),
            *character("attacker", "attacker"),
            *character("victim", "victim"),
            pl.col("damageTypeCategory").alias("damage_type_category"),
            pl.col("damageReason").alias("damage_reason"),
            pl.col("damageCauserName").alias("damage_causer_name"),
            pl.col("damage"),
        ],
    ),
    EventTable(
        "knocks",
        ("LogPlayerMakeGroggy",),
        {"attackId": pl.Int64, "dBNOId": pl.Int64, "attacker": CHARACTER, "victim": CHARACTER,
         "damageTypeCategory": pl.String, "damageReason": pl.String, "damageCauserName": pl.String,
         "distance": pl.Float64},
        lambda: [
            pl.col("attackId").alias("attack_id"),
            pl.col("dBNOId").alias("dbno_id"),
            *character("attacker", "attacker"),
            *character("victim", "victim"),
            pl.col("damageTypeCategory").alias("damage_type_category"),
            pl.col("damageReason").alias("damage_reason"),
            pl.col("damageCauserName").alias("damage_causer_name"),
            pl.col("distance"),
        ],
    ),
    EventTable(
        "kills",
        ("LogPlayerKill", "LogPlayerKillV2"),
        {"_T": pl.String, "attackId": pl.Int64, "dBNOId": pl.Int64, "victim": CHARACTER, "killer": CHARACTER,
         "finisher": CHARACTER, "dBNOMaker": CHARACTER, "killerDamageInfo": DAMAGE_INFO,
         "finishDamageInfo": DAMAGE_INFO, "damageCauserName": pl.String, "damageTypeCategory": pl.String,
         "damageReason": pl.String, "distance": pl.Float64, "isSuicide": pl.Boolean},
        lambda: [
            pl.col("_T").alias("kill_format"),
            pl.col("attackId").alias("attack_id"),
            pl.col("dBNOId").alias("dbno_id"),
            *character("victim", "victim"),
            *character("killer", "killer"),
            pl.col("finisher").struct.field("accountId").replace("", None).alias("finisher_account_id"),
            pl.col("dBNOMaker").struct.field("accountId").replace("", None).alias("dbno_maker_account_id"),
            first_of(("killerDamageInfo", "damageCauserName"), ("finishDamageInfo", "damageCauserName"),
                     ("damageCauserName", None)).alias("damage_causer_name"),
            first_of(("killerDamageInfo", "damageTypeCategory"), ("finishDamageInfo", "damageTypeCategory"),
                     ("damageTypeCategory", None)).alias("damage_type_category"),
            first_of(("killerDamageInfo", "damageReason"), ("finishDamageInfo", "damageReason"),
                     ("damageReason", None)).alias("damage_reason"),
            first_of(("killerDamageInfo", "distance"), ("finishDamageInfo", "distance"),
                     ("distance", None)).alias("distance"),
            pl.col("isSuicide").fill_null(False).alias("is_suicide"),
        ],
    ),
    EventTable(
        "revives",
        ("LogPlayerRevive",),
        {"dBNOId": pl.Int64, "reviver": CHARACTER, "victim": CHARACTER},
        lambda: [pl.col("dBNOId").alias("dbno_id"), *character("reviver", "reviver"), *character("victim", "victim")],
    ),
    EventTable(
        "heals",
        ("LogHeal",),
        {"character": CHARACTER, "item": ITEM, "healAmount": pl.Float64},
        lambda: [*character("character", "player"), *item("item", "item"), pl.col("healAmount").alias("heal_amount")],
    ),
    EventTable(
        "item_uses",
        ("LogItemUse",),
        {"character": CHARACTER, "item": ITEM},
        lambda: [*character("character", "player"), *item("item", "item")],
    ),
    EventTable(
        "throwables",
        ("LogPlayerUseThrowable",),
        {"attackId": pl.Int64, "attacker": CHARACTER, "weapon": ITEM},
        lambda: [pl.col("attackId").alias("attack_id"), *character("attacker", "player"), *item("weapon", "item")],
    ),
    EventTable(
        "game_states",
        ("LogGameStatePeriodic",),
        {"gameState": pl.Struct({
            "elapsedTime": pl.Float64, "numAliveTeams": pl.Int64, "numAlivePlayers": pl.Int64,
            "safetyZonePosition": LOCATION, "safetyZoneRadius": pl.Float64,
            "poisonGasWarningPosition": LOCATION, "poisonGasWarningRadius": pl.Float64,
            "redZonePosition": LOCATION, "redZoneRadius": pl.Float64})},
        lambda: [
            pl.col("gameState").struct.field("elapsedTime").alias("game_elapsed_s"),
            pl.col("gameState").struct.field("numAliveTeams").alias("alive_teams"),
            pl.col("gameState").struct.field("numAlivePlayers").alias("alive_players"),
            pl.col("gameState").struct.field("safetyZonePosition").struct.field("x").alias("safe_zone_x"),
            pl.col("gameState").struct.field("safetyZonePosition").struct.field("y").alias("safe_zone_y"),
            pl.col("gameState").struct.field("safetyZoneRadius").alias("safe_zone_radius"),
            pl.col("gameState").struct.field("poisonGasWarningPosition").struct.field("x").alias("next_zone_x"),
            pl.col("gameState").struct.field("poisonGasWarningPosition").struct.field("y").alias("next_zone_y"),
            pl.col("gameState").struct.field("poisonGasWarningRadius").alias("next_zone_radius"),
            pl.col("gameState").struct.field("redZonePosition").struct.field("x").alias("red_zone_x"),
            pl.col("gameState").struct.field("redZonePosition").struct.field("y").alias("red_zone_y"),
            pl.col("gameState").struct.field("redZoneRadius").alias("red_zone_radius"),
        ],
    ),
    EventTable(
        "match_starts",
        ("LogMatchStart",),
        {"mapName": pl.String, "teamSize": pl.Int64, "isCustomGame": pl.Boolean, "isEventMode": pl.Boolean,
         "weatherId": pl.String, "characters": pl.List(pl.Struct({"character": CHARACTER}))},
        lambda: [
            pl.col("mapName").alias("map_name"),
            pl.col("teamSize").alias("team_size"),
            pl.col("isCustomGame").alias("is_custom_game"),
            pl.col("isEventMode").alias("is_event_mode"),
            pl.col("weatherId").alias("weather_id"),
            pl.col("characters").list.len().alias("players"),
        ],
    ),
)
"""The typed telemetry frames: which event types feed each and which columns it keeps."""

TABLE_BY_TYPE = {event_type: table for table in EVENT_TABLES for event_type in table.types}
EVENT_COLUMNS = ("match_id", "event_index", "event_type", "event_time", "elapsed_s")
"""Columns every frame starts with: the event's match, its position in the file (0-based), its type,
its ``_D`` time and the seconds since ``LogMatchStart`` (since the first event when there is none)."""
OTHER_EVENTS_SCHEMA = {
    "match_id": pl.String,
    "event_index": pl.Int64,
    "event_type": pl.String,
    "event_time": pl.Datetime("us", "UTC"),
    "elapsed_s": pl.Float64,
    "raw": pl.String,
}


@dataclass(frozen=True)
class ParsedTelemetry:
    """One match's telemetry: a frame per table of ``EVENT_TABLES``, the raw rows of every other event,
    the number of events per type, and the lines of a JSONL file that were not JSON."""

    match_id: str
    tables: dict[str, pl.DataFrame]
    other_events: pl.DataFrame
    event_counts: pl.DataFrame
    rejected: list[RejectedLine] = field(default_factory=list)

    def __getitem__(self, table: str) -> pl.DataFrame:
        return self.tables[table]


def _event_type(event: Any) -> str | None:
    if isinstance(event, Mapping):
        value = event.get("_T")
        return value if isinstance(value, str) else None
    return None


def _time(event: Any) -> str | None:
    return event.get("_D") if isinstance(event, Mapping) else None


def _elapsed(start: pl.Expr | Any) -> pl.Expr:
    return ((pl.col("event_time") - start).dt.total_microseconds() / 1e6).alias("elapsed_s")


def _parse_times(column: pl.Expr) -> pl.Expr:
    return column.str.to_datetime(TIME_FORMAT, time_unit="us", time_zone="UTC", strict=False)


def _match_start(events: Sequence[Any], by_type: Mapping[str | None, list[int]]) -> Any:
    """The ``_D`` of the first ``LogMatchStart``, else of the first event that has one; None if no event does."""
    for index in by_type.get("LogMatchStart") or range(len(events)):
        value = _time(events[index])
        if isinstance(value, str):
            return pl.select(_parse_times(pl.lit(value))).item()
    return None


def build_table(table: EventTable, events: Sequence[Mapping[str, Any]], indices: list[int], match_id: str,
                start: Any) -> pl.DataFrame:
    """The typed frame of ``table`` over ``events`` (all of its types), in file order."""
    frame = pl.from_dicts(events, schema={"_T": pl.String, "_D": pl.String, **table.schema}, strict=False)
    return (
        frame.with_columns(
            pl.lit(match_id).alias("match_id"),
            pl.Series("event_index", indices, dtype=pl.Int64),
            pl.col("_T").alias("event_type"),
            _parse_times(pl.col("_D")).alias("event_time"),
        )
        .with_columns(_elapsed(start) if start is not None else pl.lit(None, pl.Float64).alias("elapsed_s"))
        .select(*EVENT_COLUMNS, *table.columns())
    )


def empty_table(table: EventTable) -> pl.DataFrame:
    """The frame of ``table`` with no rows but all its columns and types."""
    return build_table(table, [], [], "", None)


def other_events_frame(events: Sequence[Any], indices: list[int], match_id: str, start: Any) -> pl.DataFrame:
    """The raw rows of the events at ``indices``: type (null when ``_T`` is missing), time and the event as JSON."""
    frame = pl.DataFrame(
        {
            "match_id": [match_id] * len(indices),
            "event_index": indices,
            "event_type": [_event_type(events[i]) for i in indices],
            "event_time": [t if isinstance(t := _time(events[i]), str) else None for i in indices],
            "raw": [orjson.dumps(events[i]).decode() for i in indices],
        },
        schema={"match_id": pl.String, "event_index": pl.Int64, "event_type": pl.String, "event_time": pl.String,
                "raw": pl.String},
    ).with_columns(_parse_times(pl.col("event_time")).alias("event_time"))
    elapsed = _elapsed(start) if start is not None else pl.lit(None, pl.Float64).alias("elapsed_s")
    return frame.with_columns(elapsed).select(list(OTHER_EVENTS_SCHEMA))


def parse_events(events: Sequence[Any], match_id: str, rejected: Iterable[RejectedLine] = ()) -> ParsedTelemetry:
    """The frames of one match's telemetry ``events`` (already decoded JSON values)."""
    by_type: dict[str | None, list[int]] = {}
    for index, event in enumerate(events):
        by_type.setdefault(_event_type(event), []).append(index)
    start = _match_start(events, by_type)

    grouped: dict[str, list[int]] = {}
    other: list[int] = []
    for event_type, indices in by_type.items():
        table = TABLE_BY_TYPE.get(event_type) if event_type else None
        if table is None:
            other.extend(indices)
        else:
            grouped.setdefault(table.name, []).extend(indices)
    tables = {}
    for table in EVENT_TABLES:
        indices = sorted(grouped.get(table.name, []))
        tables[table.name] = build_table(table, [events[i] for i in indices], indices, match_id, start)

    other_events = other_events_frame(events, sorted(other), match_id, start)
    counts = pl.DataFrame(
        {"match_id": [match_id] * len(by_type), "event_type": list(by_type), "events": [len(v) for v in by_type.values()]},
        schema={"match_id": pl.String, "event_type": pl.String, "events": pl.Int64},
    ).sort("event_type", nulls_last=True)
    return ParsedTelemetry(match_id, tables, other_events, counts, list(rejected))


def read_telemetry(path: Path, match_id: str | None = None) -> ParsedTelemetry:
    """The telemetry in ``path`` (a JSON array or JSONL, plain or gzip) of ``match_id``, by default the file
    name up to its first dot (``<match id>.json[.gz]``). ``PubgFormatError`` if it holds no events."""
    records, rejected = read_records(path)
    if not isinstance(records, list):
        raise PubgFormatError(f"{path}: telemetry must be a JSON array of events or one event a line")
    if records and not any(_event_type(event) for event in records[:1000]):
        raise PubgFormatError(f"{path}: no event with a '_T' type among the first records; not telemetry")
    return parse_events(records, match_id or Path(path).name.split(".")[0], rejected)
