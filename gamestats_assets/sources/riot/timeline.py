"""MatchTimelineDto → columns: events and participant frames read by DuckDB's JSON reader, in chunks on worker
threads while later documents are still being decoded (`TimelineReader`); event fields the schema does not
list land in `extra` as JSON."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import duckdb
import msgspec
import numpy as np
import polars as pl
import pyarrow as pa

from gamestats_assets.lib.core import duckdb_text
from gamestats_assets.lib.core.sql_text import identifier, literal

POSITION = pa.struct([("x", pa.int64()), ("y", pa.int64())])
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
}
"""Every typed field of the documented match-v5 event types (which are set depends on `type`)."""
EVENT_SCALARS = [f for f in EVENT_FIELDS if f not in ("assistingParticipantIds", "position")]
DAMAGE_FIELDS = ("victimDamageDealt", "victimDamageReceived")
"""The damage lists of a `CHAMPION_KILL` (`VictimDamageDto`), kept as JSON text."""

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


class ShapeError(ValueError):
    """Events or participant frames that are not in the match-v5 shape (a list of objects, objects)."""


def snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


class RawFrame(msgspec.Struct):
    timestamp: int | None = None
    events: msgspec.Raw = msgspec.Raw(b"[]")
    participantFrames: msgspec.Raw = msgspec.Raw(b"{}")


class Metadata(msgspec.Struct):
    matchId: str | None = None


class TimelineInfo(msgspec.Struct):
    gameId: int | None = None
    platformId: str | None = None
    frameInterval: int | None = None
    frames: list[RawFrame] | None = None


class TimelineDocument(TimelineInfo):
    """A timeline file: the wrapper (`metadata` + `info`) or the `info` object alone."""

    metadata: Metadata | None = None
    info: TimelineInfo | None = None


DECODER = msgspec.json.Decoder(TimelineDocument)


def one_line(raw: msgspec.Raw) -> bytes:
    """The raw JSON text on one line (a newline is only ever whitespace between JSON tokens)."""
    return bytes(raw).replace(b"\n", b" ").replace(b"\r", b" ")


@dataclass
class Batch:
    """Per frame of a batch of timelines: its match, index and timestamp."""

    frame_match: list[str] = field(default_factory=list)
    frame_index: list[int] = field(default_factory=list)
    frame_timestamp: list[int | None] = field(default_factory=list)

    def add(self, match_id: str, frames: Sequence[RawFrame]) -> None:
        self.frame_match.extend([match_id] * len(frames))
        self.frame_index.extend(range(len(frames)))
        self.frame_timestamp.extend([frame.timestamp for frame in frames])

    def per_frame(self, counts: np.ndarray) -> pl.DataFrame:
        """`match_id`, `frame_index` and `timestamp` of each frame, repeated `counts` times."""
        rows = pl.Series(np.repeat(np.arange(len(counts), dtype=np.uint32), counts))
        return pl.DataFrame({
            "match_id": pl.Series(self.frame_match, dtype=pl.String).gather(rows),
            "frame_index": pl.Series(self.frame_index, dtype=pl.Int32).gather(rows),
            "timestamp": pl.Series(self.frame_timestamp, dtype=pl.Int64).gather(rows),
        })

    def event_index(self, counts: np.ndarray) -> pl.Series:
        """The index of each event within its match, the frames holding `counts` events each (a match's
        frames are consecutive, the first with index 0)."""
        counts = counts.astype(np.int64)
        first_of_frame = np.cumsum(counts) - counts
        starts = np.asarray(self.frame_index, dtype=np.int64) == 0
        first_of_match = first_of_frame[starts][np.cumsum(starts) - 1]
        first = np.repeat(first_of_match, counts)
        return pl.Series("event_index", (np.arange(len(first)) - first).astype(np.int32))


def duckdb_type(data_type: pa.DataType) -> str:
    if pa.types.is_struct(data_type):
        return "STRUCT(" + ", ".join(f"{identifier(f.name)} {duckdb_type(f.type)}" for f in data_type) + ")"
    if pa.types.is_list(data_type):
        return duckdb_type(data_type.value_type) + "[]"
    return {pa.int64(): "BIGINT", pa.string(): "VARCHAR", pa.bool_(): "BOOLEAN"}[data_type]


LINES_PER_WRITE = 4096
"""Lines joined per write of the temporary file: no whole copy of the lines' text in memory."""


@contextmanager
def ndjson_file(lines: list[bytes | msgspec.Raw], count_colons: bool = False) -> Iterator[tuple[str, int]]:
    """The lines written to a temporary newline-delimited JSON file: its path as a SQL literal, and (with
    `count_colons`) how many `:` the text holds, written or escaped (`\\u003a`; any `\\u003` escape is
    counted, which can only count too many)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "lines.ndjson"
        colons = 0
        with path.open("wb") as file:
            for start in range(0, len(lines), LINES_PER_WRITE):
                text = b"\n".join(lines[start:start + LINES_PER_WRITE])
                if count_colons:
                    colons += text.count(b":") + (text.count(b"\\u003") if b"\\" in text else 0)
                file.write(text)
                file.write(b"\n")
        yield literal(str(path)), colons


def connect() -> duckdb.DuckDBPyConnection:
    """A connection keeping the lines' order, handing text over as string views (`duckdb_text`)."""
    return duckdb_text.connect(preserve_insertion_order=True)


def read_typed(connection: duckdb.DuckDBPyConnection, source: str, columns: dict[str, str]) -> pa.Table:
    """One row per line of `source`, in line order, of the DuckDB-typed `columns` (a missing field is null,
    a value of another type an error); a single column `json` is each line's whole value."""
    spec = "{" + ", ".join(f"{literal(name)}: {literal(t)}" for name, t in columns.items()) + "}"
    records = "false" if list(columns) == ["json"] else "true"
    return connection.sql(f"SELECT * FROM read_json({source}, format='newline_delimited', records={records}, "
                          f"columns={spec})").to_arrow_table()


def object_keys(connection: duckdb.DuckDBPyConnection, source: str, path: str) -> list[str]:
    """The distinct keys of the objects the JSON `path` selects in every line of `source`."""
    return [key for (key,) in connection.sql(f"SELECT DISTINCT unnest(flatten(json_keys(json, {literal(path)}))) "
                                             f"FROM read_ndjson_objects({source})").fetchall()]


EVENT_TYPES = {**{name: duckdb_type(t) for name, t in EVENT_FIELDS.items()}, **dict.fromkeys(DAMAGE_FIELDS, "JSON")}


EVENT_DTYPES = pl.from_arrow(pa.Table.from_batches(
    [], pa.schema({**EVENT_FIELDS, **dict.fromkeys(DAMAGE_FIELDS, pa.string())}))).schema


def unknown_fields(keys: list[str]) -> list[str]:
    return sorted(key for key in keys if key not in EVENT_TYPES)


def event_list_type(keys: list[str]) -> dict[str, str]:
    """A line of event lists as one `json` column: a list of events with the typed fields among `keys`
    (`type` always), and the fields of `keys` the schema does not know as JSON. A typed field no event of
    the lines has is not read at all."""
    present = set(keys) | {"type"}
    types = {**{name: t for name, t in EVENT_TYPES.items() if name in present},
             **dict.fromkeys(unknown_fields(keys), "JSON")}
    return {"json": "STRUCT(" + ", ".join(f"{identifier(name)} {t}" for name, t in types.items()) + ")[]"}


def event_rows(lists: pa.Table) -> tuple[pl.DataFrame, np.ndarray]:
    """The events of the `json` event lists, one row each in order, and how many each list holds."""
    column = lists.column("json")
    if column.null_count:
        raise ShapeError("a frame's events are not a list")
    counts = np.concatenate([chunk.value_lengths().to_numpy(zero_copy_only=False) for chunk in column.chunks]
                            or [np.zeros(0, dtype=np.int32)])
    events = pa.chunked_array([chunk.flatten() for chunk in column.chunks], type=column.type.value_type)
    if events.null_count:
        raise ShapeError("an event is not an object")
    return pl.from_arrow(pa.Table.from_struct_array(events)), counts


def colons_read(events: pl.DataFrame) -> int:
    """How many `:` the JSON text of `events` holds if nothing but what was read is in it: one per field
    of an event and of its position, and those inside its text values (strings, damage lists as JSON). The
    counts are one `select`, which polars computes column by column on every core."""
    counts = [pl.col(name).is_not_null().sum() for name in events.columns]
    if "position" in events.columns:
        position = pl.col("position")
        counts += [(position.is_not_null() & position.struct.field(axis).is_not_null()).sum() for axis in "xy"]
    counts += [pl.col(name).str.count_matches(":", literal=True).sum()
               for name, dtype in events.schema.items() if dtype == pl.String]
    return sum(events.select(count.alias(str(i)) for i, count in enumerate(counts)).row(0))


def duckdb_event_structs(event_lists: list[bytes | msgspec.Raw], connection: duckdb.DuckDBPyConnection
                         ) -> tuple[pl.DataFrame, np.ndarray]:
    """The events of every list, one row each in order, as typed fields (unknown ones as JSON), and how
    many events each list holds.

    The lists are read with every typed field. Each field of a JSON object is written with one `:`, and a
    `:` is otherwise only inside a string (written or escaped), so the text holds at least as many as the
    fields and text values read account for, and exactly as many only if no event has a field the schema
    does not know (nor a null one). Otherwise a second pass lists the keys of every event and the lists are
    read again with the unknown fields as JSON.
    """
    with ndjson_file(event_lists, count_colons=True) as (source, colons):
        events, counts = event_rows(read_typed(connection, source, event_list_type(list(EVENT_TYPES))))
        if colons != colons_read(events):
            keys = object_keys(connection, source, "$[*]") if event_lists else []
            events, counts = event_rows(read_typed(connection, source, event_list_type(keys)))
    return events, counts


def extra_fields(unknown: list[str]) -> pl.Expr:
    """The `unknown` JSON fields of an event as one JSON object, null when it has none."""
    if not unknown:
        return pl.lit(None, dtype=pl.String)
    pairs = [pl.lit(json.dumps(name, ensure_ascii=False) + ":") + pl.col(name) for name in unknown]
    body = pl.concat_str(pairs, separator=",", ignore_nulls=True)
    return pl.when(pl.any_horizontal(pl.col(unknown).is_not_null())).then(pl.lit("{") + body + pl.lit("}"))


def event_fields(event_lists: list[bytes | msgspec.Raw], connection: duckdb.DuckDBPyConnection
                 ) -> tuple[pl.DataFrame, np.ndarray]:
    """The events of every list, one row each in order, with every typed field (`EVENT_DTYPES`, null where
    no event of the lists has it) and the others in `extra`; and how many events each list holds. Lists read
    apart give the rows they would give read together."""
    events, counts = duckdb_event_structs(event_lists, connection)
    absent = [pl.lit(None, dtype).alias(name) for name, dtype in EVENT_DTYPES.items() if name not in events.columns]
    extra = extra_fields(unknown_fields(events.columns)).alias("extra")
    return events.with_columns(absent).select(*EVENT_DTYPES, extra), counts


def events_table(batch: Batch, events: pl.DataFrame, counts: np.ndarray) -> pl.DataFrame:
    """The events of `batch`: one row per event, key (match_id, event_index). `events`, `counts`: its event
    lists read (`event_fields`)."""
    where = batch.per_frame(counts)
    return events.select(
        where["match_id"], batch.event_index(counts), where["frame_index"],
        *[pl.col(f).alias(snake(f)) for f in EVENT_SCALARS],
        pl.col("assistingParticipantIds").alias("assisting_participant_ids"),
        pl.col("position").struct.field("x").alias("position_x"),
        pl.col("position").struct.field("y").alias("position_y"),
        *[pl.col(f).alias(snake(f)) for f in DAMAGE_FIELDS],
        "extra",
    )


PARTICIPANT_FRAMES_DECODER = msgspec.json.Decoder(dict[str, msgspec.Raw])


def participant_frame_rows(participant_frames: list[bytes | msgspec.Raw], connection: duckdb.DuckDBPyConnection
                           ) -> tuple[pl.DataFrame, np.ndarray]:
    """The participant frames of every frame, one row each in order: their participant id (the frame's key for
    them) and the fields of `FRAME_FIELDS`; and how many each frame holds. Each frame's object is split into its
    participant frames by msgspec, and those are read by DuckDB as lines of newline-delimited JSON."""
    try:
        keyed = [PARTICIPANT_FRAMES_DECODER.decode(frame) for frame in participant_frames]
    except (msgspec.DecodeError, msgspec.ValidationError) as error:
        raise ShapeError(f"participant frames are not an object of participant frames: {error}") from error
    states = list(chain.from_iterable(frame.values() for frame in keyed))
    with ndjson_file(states) as (source, _):
        table = read_typed(connection, source, {name: duckdb_type(t) for name, t in FRAME_FIELDS.items()})
    participants = pl.Series("participant_id", list(chain.from_iterable(keyed)), dtype=pl.String).cast(pl.Int32)
    return (pl.from_arrow(table).insert_column(0, participants),
            np.array([len(frame) for frame in keyed], dtype=np.int64))


def frames_table(batch: Batch, frames: pl.DataFrame, counts: np.ndarray) -> pl.DataFrame:
    """The participant frames of `batch`: one row per participant per frame, key (match_id, frame_index,
    participant_id). `frames`, `counts`: its participant frames read (`participant_frame_rows`)."""
    where = batch.per_frame(counts)
    stats = [(block, name) for block, names in (("damageStats", DAMAGE_STATS), ("championStats", CHAMPION_STATS))
             for name in names]
    return frames.select(
        where["match_id"], where["frame_index"], where["timestamp"], "participant_id",
        *[pl.col(f).alias(snake(f)) for f in FRAME_SCALARS if f != "participantId"],
        pl.col("position").struct.field("x").alias("position_x"),
        pl.col("position").struct.field("y").alias("position_y"),
        *[pl.col(block).struct.field(name).alias(snake(name)) for block, name in stats],
    )


CHUNK_BYTES = 1 << 25
"""Text read at once: chunks are read side by side, and while later documents are decoded."""

Rows = tuple[pl.DataFrame, np.ndarray]
"""Records read from lines, one row each in order, and how many each line holds."""


class ChunkedRead:
    """Lines read as they come: each time `CHUNK_BYTES` of them have been added, `read` takes them on a worker
    thread, through its own cursor of `database` (DuckDB's reader releases the GIL), while the caller goes on."""

    def __init__(self, read: Callable[[list[bytes | msgspec.Raw], duckdb.DuckDBPyConnection], Rows],
                 database: duckdb.DuckDBPyConnection, workers: Executor) -> None:
        self.read, self.database, self.workers = read, database, workers
        self.pending: list[bytes | msgspec.Raw] = []
        self.pending_bytes = 0
        self.chunks: list[Future[Rows]] = []

    def extend(self, lines: Iterable[bytes | msgspec.Raw]) -> None:
        for line in lines:
            self.pending.append(line)
            self.pending_bytes += len(line)
            if self.pending_bytes >= CHUNK_BYTES:
                self._hand_over()

    def hand_over_pending(self) -> None:
        """Hands the lines not handed over yet to a worker (as a first chunk, even none)."""
        if self.pending or not self.chunks:
            self._hand_over()

    def result(self) -> Rows:
        """The records of every line added, in order."""
        self.hand_over_pending()
        parts = [chunk.result() for chunk in self.chunks]
        return pl.concat([rows for rows, _ in parts]), np.concatenate([counts for _, counts in parts])

    def _hand_over(self) -> None:
        self.chunks.append(self.workers.submit(self._read, self.pending))
        self.pending, self.pending_bytes = [], 0

    def _read(self, lines: list[bytes | msgspec.Raw]) -> Rows:
        with self.database.cursor() as connection:
            return self.read(lines, connection)


class TimelineReader:
    """A batch of timelines read as it is added: the frames' event lists and participant frames are read in
    chunks on `workers`, by one DuckDB database, while later timelines are still being decoded."""

    def __init__(self, workers: Executor) -> None:
        self.batch = Batch()
        self.database = connect()
        self.event_lists = ChunkedRead(event_fields, self.database, workers)
        self.participant_frames = ChunkedRead(participant_frame_rows, self.database, workers)

    def add(self, match_id: str, frames: Sequence[RawFrame], multiline: bool) -> None:
        self.batch.add(match_id, frames)
        event_lists = [frame.events for frame in frames]
        participant_frames = [frame.participantFrames for frame in frames]
        self.event_lists.extend(map(one_line, event_lists) if multiline else event_lists)
        self.participant_frames.extend(map(one_line, participant_frames) if multiline else participant_frames)

    def tables(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The batch's events and participant frames (`events_table`, `frames_table`); the database is closed
        once no chunk is being read, whether they were read or a chunk's read failed."""
        self.event_lists.hand_over_pending()
        self.participant_frames.hand_over_pending()
        try:
            return (events_table(self.batch, *self.event_lists.result()),
                    frames_table(self.batch, *self.participant_frames.result()))
        finally:
            wait([*self.event_lists.chunks, *self.participant_frames.chunks])
            self.database.close()
