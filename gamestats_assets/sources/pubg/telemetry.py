"""PUBG telemetry: the match's event stream, one JSON object per event, as an array or one object a line.

Every event names its type in `_T` and its time in `_D` (ISO 8601, UTC); events of the `EventTable` types
become typed frames, every other event is kept whole as a raw row (`other_events`). Coordinates are in
centimetres."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
import polars as pl

from gamestats_assets.lib.core.inputs import read_head
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
    """The columns of a character object: `<prefix>_account_id`, `_name`, `_team_id`, `_health`,
    `_x`/`_y`/`_z` and the zone flags. An empty account id (the old format's empty killer) is null."""
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
    """`<prefix>_id`, `_category`, `_sub_category` of an item object."""
    struct = pl.col(field_name).struct
    return [
        struct.field("itemId").alias(f"{prefix}_id"),
        struct.field("category").alias(f"{prefix}_category"),
        struct.field("subCategory").alias(f"{prefix}_sub_category"),
    ]


def first_of(*fields: tuple[str, str | None]) -> pl.Expr:
    """The first non-null of top-level fields or fields of a struct: `(column, struct field or None)`."""
    return pl.coalesce(
        [pl.col(column) if sub is None else pl.col(column).struct.field(sub) for column, sub in fields]
    )


@dataclass(frozen=True)
class EventTable:
    """A typed frame built from events of `types`: their fields read with `schema` and projected by `columns`."""

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
        "attacks",
        ("LogPlayerAttack",),
        {"attackId": pl.Int64, "attacker": pl.Struct({"accountId": pl.String}), "attackType": pl.String,
         "weapon": pl.Struct({"itemId": pl.String})},
        lambda: [
            pl.col("attackId").alias("attack_id"),
            pl.col("attacker").struct.field("accountId").replace("", None).alias("attacker_account_id"),
            pl.col("attackType").alias("attack_type"),
            pl.col("weapon").struct.field("itemId").alias("weapon_id"),
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
its `_D` time and the seconds since `LogMatchStart` (since the first event when there is none)."""
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
    """One match's telemetry: a frame per table of `EVENT_TABLES`, the raw rows of every other event,
    the number of events per type, and the lines of a JSONL file that were not JSON."""

    match_id: str
    tables: dict[str, pl.DataFrame]
    other_events: pl.DataFrame
    event_counts: pl.DataFrame
    rejected: list[RejectedLine] = field(default_factory=list)

    def __getitem__(self, table: str) -> pl.DataFrame:
        return self.tables[table]


QUICK_TYPE = r'"_T"\s*:\s*"([^"\\]*)"'
QUICK_TIME = r'"_D"\s*:\s*"([^"\\]*)"'
"""An event's type and time: the first `"_T"`/`"_D"` string of its text, wherever it sits among its keys.
Every event is routed to its table by it without being decoded; a typed event's decoded `_T` must agree."""
TEXT_SCHEMA = {"event_index": pl.Int64, "raw": pl.String, "event_type": pl.String, "event_time": pl.String}


def _parse_times(column: pl.Expr) -> pl.Expr:
    return column.str.to_datetime(TIME_FORMAT, time_unit="us", time_zone="UTC", strict=False)


def _elapsed(start: Any) -> pl.Expr:
    if start is None:
        return pl.lit(None, pl.Float64).alias("elapsed_s")
    return ((pl.col("event_time") - start).dt.total_microseconds() / 1e6).alias("elapsed_s")


def text_rows(records: Sequence[bytes]) -> pl.DataFrame:
    """One row per event (`TEXT_SCHEMA`): its position in the file, its raw JSON text, and its `_T` and
    `_D` read from the text."""
    return (
        pl.DataFrame({"raw": pl.Series(records, dtype=pl.Binary).cast(pl.String)})
        .with_row_index("event_index")
        .select(
            pl.col("event_index").cast(pl.Int64),
            "raw",
            pl.col("raw").str.extract(QUICK_TYPE, 1).alias("event_type"),
            pl.col("raw").str.extract(QUICK_TIME, 1).alias("event_time"),
        )
    )


def _decode_error(raw: str, dtype: pl.Struct) -> str | None:
    try:
        pl.Series([raw]).str.json_decode(dtype)
    except pl.exceptions.ComputeError as error:
        return f"fields not as documented: {str(error).splitlines()[0]}"
    return None


def _decode(rows: pl.DataFrame, dtype: pl.Struct) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`rows` with `raw` decoded into the fields of `dtype` (one column each), and the rows whose
    fields do not have the documented types, with the reason. polars decodes all rows at once; only when
    that fails is each row decoded alone, to tell the bad ones from the good."""
    decode = pl.col("raw").str.json_decode(dtype).alias("_event")
    try:
        none_bad = rows.clear().with_columns(pl.lit(None, pl.String).alias("reason"))
        return rows.with_columns(decode).unnest("_event"), none_bad
    except pl.exceptions.ComputeError:
        checked = rows.with_columns(pl.Series("reason", [_decode_error(raw, dtype) for raw in rows["raw"]], pl.String))
    good = checked.filter(pl.col("reason").is_null()).drop("reason")
    return good.with_columns(decode).unnest("_event"), checked.filter(pl.col("reason").is_not_null())


def typed_frame(table: EventTable, rows: pl.DataFrame, match_id: str, start: Any) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The frame of `table` from `rows` (`TEXT_SCHEMA`, the events routed to it), in file order; and
    the rows it cannot hold, with the reason: fields not as documented, or a decoded `_T` that is not the
    one the text was routed by (a nested object's `_T` came first)."""
    decoded, bad = _decode(rows, pl.Struct({"_T": pl.String, **table.schema}))
    own = pl.col("_T").eq_missing(pl.col("event_type"))
    foreign = decoded.filter(~own).select(
        *TEXT_SCHEMA, pl.format("its first _T is a nested object's, not its own ({})", pl.col("_T")).alias("reason"))
    frame = (
        decoded.filter(own)
        .with_columns(pl.lit(match_id).alias("match_id"), _parse_times(pl.col("event_time")).alias("event_time"))
        .with_columns(_elapsed(start))
        .select(*EVENT_COLUMNS, *table.columns())
    )
    return frame, pl.concat([bad, foreign])


def empty_table(table: EventTable) -> pl.DataFrame:
    """The frame of `table` with no rows but all its columns and types."""
    return typed_frame(table, pl.DataFrame(schema=TEXT_SCHEMA), "", None)[0]


def parse_records(records: Sequence[bytes], match_id: str, rejected: Iterable[RejectedLine] = ()) -> ParsedTelemetry:
    """The frames of one match's telemetry, given each event's raw JSON text.

    Each event is routed by its `_T` text; the events of a table are decoded together by polars into the
    table's declared nested schema. Events no table reads, events without a string `_T`, and events whose
    fields do not have the documented types (with the reason) are kept raw in `other_events`.
    """
    text = text_rows(records)
    start_text = (text.filter(pl.col("event_type") == "LogMatchStart")["event_time"].drop_nulls().first()
                  or text["event_time"].drop_nulls().first())
    start = pl.select(_parse_times(pl.lit(start_text, pl.String))).item() if start_text else None

    unread = ~pl.col("event_type").is_in(list(TABLE_BY_TYPE)) | pl.col("event_type").is_null()
    tables, kept_raw = {}, [text.filter(unread).with_columns(pl.lit(None, pl.String).alias("reason"))]
    for table in EVENT_TABLES:
        rows = text.filter(pl.col("event_type").is_in(table.types))
        tables[table.name], bad = typed_frame(table, rows, match_id, start)
        kept_raw.append(bad)
    other_events = (
        pl.concat(kept_raw).sort("event_index")
        .with_columns(pl.lit(match_id).alias("match_id"), _parse_times(pl.col("event_time")).alias("event_time"))
        .with_columns(_elapsed(start))
        .select(list(OTHER_EVENTS_SCHEMA))
    )
    event_counts = (
        text.group_by("event_type").agg(pl.len().cast(pl.Int64).alias("events"))
        .select(pl.lit(match_id).alias("match_id"), "event_type", "events")
        .sort("event_type", nulls_last=True)
    )
    return ParsedTelemetry(match_id, tables, other_events, event_counts, list(rejected))


def parse_events(events: Sequence[Any], match_id: str) -> ParsedTelemetry:
    """The frames of telemetry `events` given as decoded JSON values."""
    return parse_records([msgspec.json.encode(event) for event in events], match_id)


HEAD_BYTES = 1 << 20
"""How much of a telemetry file is read to find the match it belongs to: its first events (`LogMatchDefinition`
is the first event of a real file, and every event carries `common`)."""
COMMON_MATCH_ID = re.compile(rb'"common"\s*:\s*\{[^{}]*?"matchId"\s*:\s*"([^"\\]+)"')
DEFINITION_MATCH_ID = re.compile(rb'"MatchId"\s*:\s*"([^"\\]+)"')
EVENT_TYPE = re.compile(rb'"_T"\s*:\s*"')


def api_match_id(telemetry_match_id: str) -> str:
    """The PUBG API's id of a match named in telemetry: `match.bro.<type>.<season>.<platform>.<mode>.<region>.
    <Y>.<M>.<D>.<H>.<match id>` (`LogMatchDefinition.MatchId`, older `common.matchId`) ends with it; a
    bare id is returned as it is."""
    return telemetry_match_id.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class TelemetryHead:
    """What the first events of a file say: whether they are telemetry events and which match they name."""

    is_telemetry: bool
    match_id: str | None
    readable: bool = True
    """False when not a byte of content could be read (an empty file, a gzip broken from its start)."""


def telemetry_head(path: Path) -> TelemetryHead:
    """The match the telemetry in `path` belongs to, read from its content: `common.matchId` where filled,
    else `LogMatchDefinition.MatchId` (as API match ids, `api_match_id`); None when its first
    `HEAD_BYTES` name none. `is_telemetry`: they hold an event with a `_T` type."""
    try:
        head = read_head(path, HEAD_BYTES)
    except OSError:
        head = b""
    if not head.strip():
        return TelemetryHead(False, None, readable=False)
    named = next((found.group(1) for pattern in (COMMON_MATCH_ID, DEFINITION_MATCH_ID)
                  for found in [pattern.search(head)] if found), None)
    match_id = api_match_id(named.decode("utf-8", "replace")) if named else None
    return TelemetryHead(EVENT_TYPE.search(head) is not None, match_id)


def read_telemetry(path: Path, match_id: str | None = None) -> ParsedTelemetry:
    """The telemetry in `path` (a JSON array or JSONL, plain or gzip) of `match_id`, by default the match
    its events name (`telemetry_head`), else the file name up to its first dot (`<match id>.json[.gz]`).
    `PubgFormatError` if it holds no events."""
    records, rejected = read_records(path)
    match_id = match_id or telemetry_head(path).match_id or Path(path).name.split(".")[0]
    parsed = parse_records(records, match_id, rejected)
    if records and parsed.event_counts.filter(pl.col("event_type").is_not_null()).height == 0:
        raise PubgFormatError(f"{path}: no record has a '_T' event type; not telemetry")
    return parsed
