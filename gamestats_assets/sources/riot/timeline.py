"""MatchTimelineDto → columns, vectorised: events and participant frames are parsed by Arrow's JSON reader.

msgspec walks each document once, keeping every event and participant frame as its raw JSON text
(``msgspec.Raw``, no Python object per field); the raw texts of a whole batch are joined into
newline-delimited JSON and read by ``pyarrow.json`` against an explicit schema, in C++ over all cores.
Fields the schema does not list are inferred and kept: an event's unknown fields land in ``extra``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import msgspec
import polars as pl
import pyarrow as pa
import pyarrow.json as pa_json

POSITION = pa.struct([("x", pa.int64()), ("y", pa.int64())])
DAMAGE = pa.list_(pa.struct([("basic", pa.bool_()), ("magicDamage", pa.int64()), ("name", pa.string()),
                             ("participantId", pa.int64()), ("physicalDamage", pa.int64()),
                             ("spellName", pa.string()), ("spellSlot", pa.int64()), ("trueDamage", pa.int64()),
                             ("type", pa.string())]))
EVENT_FIELDS = {
    "type": pa.string(), "timestamp": pa.int64(), "realTimestamp": pa.int64(), "participantId": pa.int64(),
    "itemId": pa.int64(), "afterId": pa.int64(), "beforeId": pa.int64(), "goldGain": pa.int64(),
    "skillSlot": pa.int64(), "levelUpType": pa.string(), "level": pa.int64(), "creatorId": pa.int64(),
    "wardType": pa.string(), "killerId": pa.int64(), "victimId": pa.int64(), "killerTeamId": pa.int64(),
    "teamId": pa.int64(), "bounty": pa.int64(), "shutdownBounty": pa.int64(), "killStreakLength": pa.int64(),
    "killType": pa.string(), "multiKillLength": pa.int64(), "buildingType": pa.string(), "towerType": pa.string(),
    "laneType": pa.string(), "monsterType": pa.string(), "monsterSubType": pa.string(), "name": pa.string(),
    "transformType": pa.string(), "gameId": pa.int64(), "winningTeam": pa.int64(), "actualStartTime": pa.int64(),
    "featType": pa.int64(), "featValue": pa.int64(),
    "assistingParticipantIds": pa.list_(pa.int64()), "position": POSITION,
    "victimDamageDealt": DAMAGE, "victimDamageReceived": DAMAGE,
}
"""Every field of the documented match-v5 event types (which are set depends on ``type``)."""
EVENT_SCALARS = [f for f, t in EVENT_FIELDS.items()
                 if f not in ("assistingParticipantIds", "position", "victimDamageDealt", "victimDamageReceived")]
DAMAGE_FIELDS = ("victimDamageDealt", "victimDamageReceived")

FRAME_SCALARS = ("participantId", "level", "xp", "totalGold", "currentGold", "goldPerSecond", "minionsKilled",
                 "jungleMinionsKilled", "timeEnemySpentControlled")
DAMAGE_STATS = ("magicDamageDone", "magicDamageDoneToChampions", "magicDamageTaken", "physicalDamageDone",
                "physicalDamageDoneToChampions", "physicalDamageTaken", "totalDamageDone",
                "totalDamageDoneToChampions", "totalDamageTaken", "trueDamageDone", "trueDamageDoneToChampions",
                "trueDamageTaken")
CHAMPION_STATS = ("abilityPower", "armor", "attackDamage", "attackSpeed", "health", "healthMax", "magicResist",
                  "movementSpeed")
FRAME_FIELDS = {
    **dict.fromkeys(FRAME_SCALARS, pa.int64()), "position": POSITION,
    "damageStats": pa.struct([(f, pa.int64()) for f in DAMAGE_STATS]),
    "championStats": pa.struct([(f, pa.int64()) for f in CHAMPION_STATS]),
}


def snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


class RawFrame(msgspec.Struct):
    timestamp: int | None = None
    events: list[msgspec.Raw] = []
    participantFrames: dict[str, msgspec.Raw] = {}


class Metadata(msgspec.Struct):
    matchId: str | None = None


class TimelineInfo(msgspec.Struct):
    gameId: int | None = None
    platformId: str | None = None
    frameInterval: int | None = None
    frames: list[RawFrame] | None = None


class TimelineDocument(TimelineInfo):
    """A timeline file: the wrapper (``metadata`` + ``info``) or the ``info`` object alone."""

    metadata: Metadata | None = None
    info: TimelineInfo | None = None


DECODER = msgspec.json.Decoder(TimelineDocument)


def one_line(raw: msgspec.Raw) -> bytes:
    """The raw JSON text on one line (a newline is only ever whitespace between JSON tokens)."""
    return bytes(raw).replace(b"\n", b" ").replace(b"\r", b" ")


@dataclass
class Batch:
    """Raw events and participant frames of a batch of timelines, with the columns that say where each is."""

    events: list[bytes]
    event_match: list[str]
    event_frame: list[int]
    states: list[bytes]
    state_match: list[str]
    state_frame: list[int]
    state_timestamp: list[int | None]
    state_participant: list[int]

    @classmethod
    def empty(cls) -> Batch:
        return cls([], [], [], [], [], [], [], [])

    def add(self, match_id: str, frames: Sequence[RawFrame], multiline: bool) -> None:
        for index, frame in enumerate(frames):
            count = len(frame.events)
            self.events.extend(map(one_line, frame.events) if multiline else map(bytes, frame.events))
            self.event_match.extend([match_id] * count)
            self.event_frame.extend([index] * count)
            states = frame.participantFrames
            self.states.extend(map(one_line, states.values()) if multiline else map(bytes, states.values()))
            self.state_match.extend([match_id] * len(states))
            self.state_frame.extend([index] * len(states))
            self.state_timestamp.extend([frame.timestamp] * len(states))
            self.state_participant.extend(map(int, states))


def read_ndjson(lines: list[bytes], fields: dict[str, pa.DataType], unexpected: str) -> pa.Table:
    """Newline-delimited JSON objects → an Arrow table with ``fields`` (in that order) and, with
    ``unexpected="infer"``, any other field found."""
    schema = pa.schema(list(fields.items()))
    if not lines:
        return schema.empty_table()
    options = pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior=unexpected)
    return pa_json.read_json(io.BytesIO(b"\n".join(lines)), parse_options=options)


def damage_json(column: str) -> pl.Expr:
    """A victimDamage list as compact JSON text (null when the event has none)."""
    items = pl.col(column).list.eval(pl.element().struct.json_encode()).list.join(",")
    return pl.when(pl.col(column).is_not_null()).then(pl.concat_str(pl.lit("["), items, pl.lit("]"))).alias(snake(column))


def events_table(batch: Batch) -> pl.DataFrame:
    """The events of ``batch``: one row per event, key (match_id, event_index)."""
    table = pl.from_arrow(read_ndjson(batch.events, EVENT_FIELDS, "infer"))
    unknown = [c for c in table.columns if c not in EVENT_FIELDS]
    extra = (pl.when(pl.any_horizontal(pl.col(unknown).is_not_null()))
             .then(pl.struct(unknown).struct.json_encode()) if unknown else pl.lit(None, pl.String)).alias("extra")
    return table.select(
        pl.Series("match_id", batch.event_match, pl.String),
        pl.int_range(pl.len(), dtype=pl.Int32).over(pl.Series(batch.event_match)).alias("event_index"),
        pl.Series("frame_index", batch.event_frame, pl.Int32),
        *[pl.col(f).alias(snake(f)) for f in EVENT_SCALARS],
        pl.col("assistingParticipantIds").alias("assisting_participant_ids"),
        pl.col("position").struct.field("x").alias("position_x"),
        pl.col("position").struct.field("y").alias("position_y"),
        *[damage_json(f) for f in DAMAGE_FIELDS],
        extra,
    )


def frames_table(batch: Batch) -> pl.DataFrame:
    """The participant frames of ``batch``: one row per participant per frame, key (match_id, frame_index,
    participant_id; the participant id is the frame's key for it)."""
    table = pl.from_arrow(read_ndjson(batch.states, FRAME_FIELDS, "ignore"))
    return table.select(
        pl.Series("match_id", batch.state_match, pl.String),
        pl.Series("frame_index", batch.state_frame, pl.Int32),
        pl.Series("timestamp", batch.state_timestamp, pl.Int64),
        pl.Series("participant_id", batch.state_participant, pl.Int32),
        *[pl.col(f).alias(snake(f)) for f in FRAME_SCALARS if f != "participantId"],
        pl.col("position").struct.field("x").alias("position_x"),
        pl.col("position").struct.field("y").alias("position_y"),
        *[pl.col("damageStats").struct.field(f).alias(snake(f)) for f in DAMAGE_STATS],
        *[pl.col("championStats").struct.field(f).alias(snake(f)) for f in CHAMPION_STATS],
    )
