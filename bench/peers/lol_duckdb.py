"""League of Legends timelines against one DuckDB `read_json` query: the same files read into the same events
table, in one run.

Writes `--matches` synthetic games (match and timeline files) into a landing folder (not timed), then times the
project's side (the timeline files read and parsed by `parse_timelines`, as the ETL asset reads them, and the
events written to a Delta table as it writes them) and the peer's, one DuckDB query over the same files that
unnests each match's frames and events and writes them to Parquet. The tables are checked equal on every column
the project's events table has but `extra` (the fields no match-v5 event type documents, which the query does
not look for). The project's parse also builds the participant frames, which the query does not. Prints one
JSON line.

    python bench/peers/lol_duckdb.py --matches 2000
"""

import argparse
import datetime as dt
import tempfile
from pathlib import Path

import duckdb
import polars as pl
from side_by_side import Stopwatch, difference, report

from gamestats_assets.defs.lol.assets import ETL_METADATA
from gamestats_assets.generator.emitters.lol import generate_day
from gamestats_assets.lib.core.partitions import daily_partitions
from gamestats_assets.lib.lake.partitioning import physically_partitioned
from gamestats_assets.lib.lake.write import write_partitions
from gamestats_assets.sources.riot.parse import is_timeline_name, parse_timelines, read_document, riot_files
from gamestats_assets.sources.riot.timeline import DAMAGE_FIELDS, EVENT_FIELDS, duckdb_type, snake

DAY = dt.date(2026, 11, 20)
KEYS = ("match_id", "event_index")
EVENT = "STRUCT(" + ", ".join([f'"{name}" {duckdb_type(kind)}' for name, kind in EVENT_FIELDS.items()]
                               + [f'"{name}" JSON' for name in DAMAGE_FIELDS]) + ")"
"""A match-v5 event as the query reads it: every documented field typed, the damage lists as JSON."""


def query(folder: Path, out: Path) -> str:
    """Each timeline's events in order, one row each with its match, index in the match and frame, to Parquet."""
    columns = [f'event."{name}" AS {snake(name)}' for name in EVENT_FIELDS
               if name not in ("assistingParticipantIds", "position")]
    return f"""
        COPY (
        WITH matches AS (
            SELECT metadata.matchId AS match_id,
                   flatten(list_transform(info.frames, lambda frame, i:
                       list_transform(frame.events, lambda event: {{'frame_index': i - 1, 'event': event}}))) AS events
            FROM read_json('{folder}/*_timeline.json', format = 'unstructured', maximum_object_size = 268435456,
                           columns = {{'metadata': 'STRUCT(matchId VARCHAR)',
                                       'info': 'STRUCT(frames STRUCT(events {EVENT}[])[])'}})),
        events AS (
            SELECT match_id, unnest(events) AS item, generate_subscripts(events, 1) - 1 AS event_index FROM matches)
        SELECT match_id, event_index::INTEGER AS event_index, item.frame_index::INTEGER AS frame_index,
               {", ".join(c.replace("event.", "item.event.") for c in columns)},
               item.event."assistingParticipantIds" AS assisting_participant_ids,
               item.event.position.x AS position_x, item.event.position.y AS position_y,
               {", ".join(f'item.event."{name}"::VARCHAR AS {snake(name)}' for name in DAMAGE_FIELDS)}
        FROM events
        ) TO '{out}' (FORMAT parquet)"""


def landed(folder: Path, matches: int) -> Path:
    landing = folder / "landing"
    landing.mkdir()
    for match_id, match, timeline in generate_day(1, DAY, matches):
        (landing / f"{match_id}.json").write_bytes(match)
        (landing / f"{match_id}_timeline.json").write_bytes(timeline)
    return landing


def project_events(landing: Path, lake: str) -> pl.DataFrame:
    """The folder's timelines parsed and their events written to the lake as the ETL asset writes a day."""
    paths = [path for path in riot_files(landing) if is_timeline_name(path.name)]
    events = parse_timelines((path.name, read_document(path)) for path in paths).events
    write_partitions(lake, events.with_columns(pl.lit(DAY).alias("date")), "date", [DAY],
                     physical_partitioning=physically_partitioned(daily_partitions, ETL_METADATA))
    return events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--matches", type=int, default=2000)
    args = parser.parse_args()
    project, peer = Stopwatch(), Stopwatch()
    with tempfile.TemporaryDirectory(prefix="peers_lol_") as folder:
        landing = landed(Path(folder), args.matches)
        with project:
            ours = project_events(landing, f"{folder}/timeline_events")
        out = Path(folder) / "events.parquet"
        with peer, duckdb.connect() as connection:
            connection.execute("SET enable_progress_bar = false")
            connection.execute(query(landing, out))
        mismatch = difference(ours.drop("extra"), pl.read_parquet(out), KEYS)
        timeline_bytes = sum(path.stat().st_size for path in landing.glob("*_timeline.json"))
    report("lol_duckdb", "duckdb", project, peer, mismatch, matches=args.matches, timeline_bytes=timeline_bytes,
           events=ours.height)


if __name__ == "__main__":
    main()
