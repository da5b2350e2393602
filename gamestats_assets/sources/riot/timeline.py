"""MatchTimelineDto → columns, vectorised: events and participant frames are parsed by DuckDB's JSON reader.

msgspec walks each document once, keeping every event and participant frame as its raw JSON text
(``msgspec.Raw``, no Python object per field); the raw texts of a whole batch are written as
newline-delimited JSON and read by DuckDB's ``read_json`` against explicit columns, in C++ over all cores
(flat records read several times faster there than in Arrow's or polars' JSON readers). Every event
field is kept: a first pass lists the keys of every event, and fields the schema does not list are read
as JSON and land in ``extra``. Participant frames keep the fields of ``FRAME_FIELDS``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from itertools import chain
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import msgspec
import polars as pl
import pyarrow as pa

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
    """Raw events and participant frames of a batch of timelines; per frame, where it is and how many events
    and participant frames it holds."""

    events: list[bytes | msgspec.Raw] = field(default_factory=list)
    states: list[bytes | msgspec.Raw] = field(default_factory=list)
    state_participant: list[str] = field(default_factory=list)
    frame_match: list[str] = field(default_factory=list)
    frame_index: list[int] = field(default_factory=list)
    frame_timestamp: list[int | None] = field(default_factory=list)
    frame_events: list[int] = field(default_factory=list)
    frame_states: list[int] = field(default_factory=list)

    def add(self, match_id: str, frames: Sequence[RawFrame], multiline: bool) -> None:
        events = chain.from_iterable(frame.events for frame in frames)
        states = chain.from_iterable(frame.participantFrames.values() for frame in frames)
        self.events.extend(map(one_line, events) if multiline else events)
        self.states.extend(map(one_line, states) if multiline else states)
        self.state_participant.extend(chain.from_iterable(frame.participantFrames for frame in frames))
        self.frame_match.extend([match_id] * len(frames))
        self.frame_index.extend(range(len(frames)))
        self.frame_timestamp.extend([frame.timestamp for frame in frames])
        self.frame_events.extend([len(frame.events) for frame in frames])
        self.frame_states.extend([len(frame.participantFrames) for frame in frames])

    def per_frame(self, counts: list[int]) -> pl.DataFrame:
        """``match_id``, ``frame_index`` and ``timestamp`` of each frame, repeated ``counts`` times."""
        return pl.DataFrame({
            "match_id": pl.Series(self.frame_match, dtype=pl.String),
            "frame_index": pl.Series(self.frame_index, dtype=pl.Int32),
            "timestamp": pl.Series(self.frame_timestamp, dtype=pl.Int64),
            "repeat": pl.Series(counts, dtype=pl.Int64),
        }).select(pl.exclude("repeat").repeat_by("repeat").explode())


def duckdb_type(data_type: pa.DataType) -> str:
    if pa.types.is_struct(data_type):
        return "STRUCT(" + ", ".join(f"{quoted(f.name)} {duckdb_type(f.type)}" for f in data_type) + ")"
    if pa.types.is_list(data_type):
        return duckdb_type(data_type.value_type) + "[]"
    return {pa.int64(): "BIGINT", pa.string(): "VARCHAR", pa.bool_(): "BOOLEAN"}[data_type]


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def read_ndjson(lines: list[bytes | msgspec.Raw], fields: dict[str, pa.DataType], columns: list[str],
                keep_unknown: bool) -> pl.DataFrame:
    """Newline-delimited JSON objects → one row per line, in line order: the SQL ``columns`` over ``fields``
    (a missing field is null), and with ``keep_unknown`` an ``extra`` column holding any other fields as a
    JSON object (null when a line has none)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lines.ndjson"
        path.write_bytes(b"\n".join(lines))
        source = literal(str(path))
        with duckdb.connect() as connection:
            unknown = []
            if keep_unknown and lines:
                keys = connection.sql(f"SELECT DISTINCT unnest(json_keys(json)) FROM read_ndjson_objects({source})")
                unknown = sorted(key for (key,) in keys.fetchall() if key not in fields)
            types = {**{name: duckdb_type(t) for name, t in fields.items()}, **dict.fromkeys(unknown, "JSON")}
            spec = "{" + ", ".join(f"{literal(name)}: {literal(t)}" for name, t in types.items()) + "}"
            extra = (f"CASE WHEN {' OR '.join(f'{quoted(u)} IS NOT NULL' for u in unknown)} THEN json_object("
                     + ", ".join(f"{literal(u)}, {quoted(u)}" for u in unknown) + ")::VARCHAR END"
                     if unknown else "NULL::VARCHAR")
            selected = [*columns, f"{extra} AS extra"] if keep_unknown else columns
            query = (f"SELECT ordinality, {', '.join(selected)} FROM read_json({source}, "
                     f"format='newline_delimited', columns={spec}) WITH ORDINALITY")
            table = pl.from_arrow(connection.sql(query).to_arrow_table())
    if not table["ordinality"].is_sorted():
        table = table.sort("ordinality")
    return table.drop("ordinality")


EVENT_COLUMNS = [
    *[f"{quoted(f)} AS {snake(f)}" for f in EVENT_SCALARS],
    '"assistingParticipantIds" AS assisting_participant_ids',
    'position.x AS position_x', 'position.y AS position_y',
    *[f"to_json({quoted(f)})::VARCHAR AS {snake(f)}" for f in DAMAGE_FIELDS],
]
FRAME_COLUMNS = [
    *[f"{quoted(f)} AS {snake(f)}" for f in FRAME_SCALARS if f != "participantId"],
    'position.x AS position_x', 'position.y AS position_y',
    *[f'"damageStats".{quoted(f)} AS {snake(f)}' for f in DAMAGE_STATS],
    *[f'"championStats".{quoted(f)} AS {snake(f)}' for f in CHAMPION_STATS],
]


def events_table(batch: Batch) -> pl.DataFrame:
    """The events of ``batch``: one row per event, key (match_id, event_index)."""
    where = batch.per_frame(batch.frame_events)
    table = read_ndjson(batch.events, EVENT_FIELDS, EVENT_COLUMNS, keep_unknown=True)
    return pl.concat([where.select("match_id", pl.int_range(pl.len(), dtype=pl.Int32).over("match_id")
                                   .alias("event_index"), "frame_index"), table], how="horizontal")


def frames_table(batch: Batch) -> pl.DataFrame:
    """The participant frames of ``batch``: one row per participant per frame, key (match_id, frame_index,
    participant_id; the participant id is the frame's key for it)."""
    where = batch.per_frame(batch.frame_states).with_columns(
        pl.Series("participant_id", batch.state_participant, pl.String).cast(pl.Int32))
    return pl.concat([where, read_ndjson(batch.states, FRAME_FIELDS, FRAME_COLUMNS, keep_unknown=False)],
                     how="horizontal")
