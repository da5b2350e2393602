"""PUBG telemetry: the match's event stream, one JSON object per event, as an array or one object a line.

Every event names its type in ``_T`` (anywhere among its keys) and its time in ``_D`` (ISO 8601, UTC).
Events of the types below become typed frames, one per table; every other event, and any event whose
``_T`` is missing or unknown, is kept whole as a raw row (``other_events``), so nothing is dropped.

Kills come in two formats: ``LogPlayerKill`` (older matches and tournament servers: the causer at the top
level, or in ``killerDamageInfo`` in later versions) and ``LogPlayerKillV2`` (``dBNOMaker``, ``finisher``,
``killer`` with their ``*DamageInfo``); both become one ``kills`` frame. Coordinates are in centimetres.
Each event is decoded once, straight into a typed record holding only the fields some table uses (msgspec
skips the rest without building Python objects); each frame is then built by polars from its declared
nested schema. An event whose fields do not have the documented types is kept as a raw row with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
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
    "reason": pl.String,
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


def _python_type(dtype: pl.DataType, name: str) -> Any:
    """The msgspec type that decodes JSON into what ``dtype`` holds (structs as optional-field records)."""
    if isinstance(dtype, pl.Struct):
        return msgspec.defstruct(
            name, [(f.name, _python_type(f.dtype, f"{name}_{f.name}") | None, None) for f in dtype.fields],
            omit_defaults=True,
        )
    if isinstance(dtype, pl.List):
        return list[_python_type(dtype.inner, name)]
    return {pl.String: str, pl.Int64: int, pl.Float64: float, pl.Boolean: bool}[dtype]


def _event_record_type() -> Any:
    """One record type with every field any table reads (the tables agree on each field's type)."""
    fields: dict[str, pl.DataType] = {}
    for table in EVENT_TABLES:
        for name, dtype in table.schema.items():
            if fields.setdefault(name, dtype) != dtype:
                raise TypeError(f"telemetry field {name!r} is declared with two types")
    fields.pop("_T", None)
    members = [(name, _python_type(dtype, name) | None, None) for name, dtype in fields.items()]
    return msgspec.defstruct(
        "TelemetryEvent",
        [("event_type", str | None, None), ("event_time", str | None, None), *members],
        rename={"event_type": "_T", "event_time": "_D"},
        omit_defaults=True,
    )


TelemetryEvent = _event_record_type()
_DECODE_EVENT = msgspec.json.Decoder(TelemetryEvent, strict=False)
_DECODE_HEAD = msgspec.json.Decoder(
    msgspec.defstruct("TelemetryHead", [("event_type", Any, None), ("event_time", Any, None)],
                      rename={"event_type": "_T", "event_time": "_D"}),
)


def _parse_times(column: pl.Expr) -> pl.Expr:
    return column.str.to_datetime(TIME_FORMAT, time_unit="us", time_zone="UTC", strict=False)


def _elapsed(start: Any) -> pl.Expr:
    if start is None:
        return pl.lit(None, pl.Float64).alias("elapsed_s")
    return ((pl.col("event_time") - start).dt.total_microseconds() / 1e6).alias("elapsed_s")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


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
        .with_columns(_elapsed(start))
        .select(*EVENT_COLUMNS, *table.columns())
    )


def empty_table(table: EventTable) -> pl.DataFrame:
    """The frame of ``table`` with no rows but all its columns and types."""
    return build_table(table, [], [], "", None)


QUICK_TYPE = r'"_T"\s*:\s*"([^"\\]*)"'
QUICK_TIME = r'"_D"\s*:\s*"([^"\\]*)"'
"""The first ``"_T"``/``"_D"`` string of an event's text: routes the events no table reads (kept raw, so
nothing rests on it) without decoding them; events of the typed tables are decoded in full."""


def _raw_rows(frame: pl.DataFrame, match_id: str, start: Any) -> pl.DataFrame:
    """Raw rows (``OTHER_EVENTS_SCHEMA``) from ``event_index``, ``event_type``, ``event_time`` (text), ``raw``,
    ``reason``."""
    return frame.with_columns(
        pl.lit(match_id).alias("match_id"),
        _parse_times(pl.col("event_time")).alias("event_time"),
    ).with_columns(_elapsed(start)).select(list(OTHER_EVENTS_SCHEMA))


def parse_records(records: Sequence[bytes], match_id: str, rejected: Iterable[RejectedLine] = ()) -> ParsedTelemetry:
    """The frames of one match's telemetry, given each event's raw JSON text.

    Events no table reads are routed by their ``_T`` text and kept raw; the others are decoded into typed
    records. An event whose ``_T`` is missing or not a string, or whose fields do not have the documented
    types, is kept raw with the reason.
    """
    text = (
        pl.DataFrame({"raw": pl.Series(records, dtype=pl.Binary).cast(pl.String)})
        .with_row_index("event_index")
        .with_columns(
            pl.col("event_index").cast(pl.Int64),
            pl.col("raw").str.extract(QUICK_TYPE, 1).alias("event_type"),
            pl.col("raw").str.extract(QUICK_TIME, 1).alias("event_time"),
        )
    )
    routed = pl.col("event_type").is_not_null() & ~pl.col("event_type").is_in(list(TABLE_BY_TYPE))
    unread = text.filter(routed).with_columns(pl.lit(None, pl.String).alias("reason"))

    by_table: dict[str, list[tuple[int, Any]]] = {table.name: [] for table in EVENT_TABLES}
    raw_rows: list[tuple[int, str | None, str | None, str | None]] = []
    start_text = None
    candidates = text.filter(~routed)
    for index, raw in zip(candidates["event_index"], candidates["raw"]):
        try:
            event = _DECODE_EVENT.decode(raw)
        except msgspec.DecodeError as error:
            head = _head(raw)
            raw_rows.append((index, _text(head.event_type) if head else None,
                             _text(head.event_time) if head else None, f"fields not as documented: {error}"))
            continue
        table = TABLE_BY_TYPE.get(event.event_type) if event.event_type else None
        if table is None:
            raw_rows.append((index, event.event_type, event.event_time, None))
            continue
        if start_text is None and event.event_type == "LogMatchStart":
            start_text = event.event_time
        by_table[table.name].append((index, event))
    failed = pl.DataFrame(raw_rows, schema={"event_index": pl.Int64, "event_type": pl.String,
                                            "event_time": pl.String, "reason": pl.String}, orient="row")
    failed = failed.join(candidates.select("event_index", "raw"), on="event_index")
    start_text = start_text or text["event_time"].drop_nulls().first()
    start = pl.select(_parse_times(pl.lit(start_text, pl.String))).item() if start_text else None

    tables = {
        table.name: build_table(table, msgspec.to_builtins([e for _, e in by_table[table.name]]),
                                [i for i, _ in by_table[table.name]], match_id, start)
        for table in EVENT_TABLES
    }
    other_events = _raw_rows(
        pl.concat([unread.select(failed.columns), failed]).sort("event_index"), match_id, start
    )
    typed_counts = [table_frame.group_by("event_type").agg(pl.len().cast(pl.Int64).alias("events"))
                    for table_frame in tables.values()]
    event_counts = (
        pl.concat([other_events.group_by("event_type").agg(pl.len().cast(pl.Int64).alias("events")), *typed_counts])
        .with_columns(pl.lit(match_id).alias("match_id"))
        .select("match_id", "event_type", "events")
        .sort("event_type", nulls_last=True)
    )
    return ParsedTelemetry(match_id, tables, other_events, event_counts, list(rejected))


def _head(raw: bytes) -> Any:
    try:
        return _DECODE_HEAD.decode(raw)
    except msgspec.DecodeError:
        return None


def parse_events(events: Sequence[Any], match_id: str) -> ParsedTelemetry:
    """The frames of telemetry ``events`` given as decoded JSON values."""
    return parse_records([msgspec.json.encode(event) for event in events], match_id)


def read_telemetry(path: Path, match_id: str | None = None) -> ParsedTelemetry:
    """The telemetry in ``path`` (a JSON array or JSONL, plain or gzip) of ``match_id``, by default the file
    name up to its first dot (``<match id>.json[.gz]``). ``PubgFormatError`` if it holds no events."""
    records, rejected = read_records(path)
    parsed = parse_records(records, match_id or Path(path).name.split(".")[0], rejected)
    if records and parsed.event_counts.filter(pl.col("event_type").is_not_null()).height == 0:
        raise PubgFormatError(f"{path}: no record has a '_T' event type; not telemetry")
    return parsed
