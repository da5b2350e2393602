"""lol parsing throughput: Riot match-v5 timelines → the lake's timeline_events and participant_frames.

Generates `--matches` synthetic games in memory first (not timed), then times parsing every timeline and
match and writing the four ETL tables to Delta in a temporary folder the way the ETL asset does (one day's
partition, laid out as its definition says, the tables side by side): once with the emitter's JSON fed straight
to the parser, as from landing files already read, and once from a landing folder of the games' files
(`parse_folder`, as the ETL asset reads a day; the files were just written, so they are read from the page
cache). Prints one JSON object: events per second for parsing alone and for parsing plus the lake write, by
the wall clock and per CPU-second of this process (all its threads), which a machine shared with other work
does not distort.

    python bench/lol/parse_events.py --matches 5000
"""

import argparse
import datetime as dt
import functools
import json
import os
import tempfile
import time
from pathlib import Path

import polars as pl

from gamestats_assets.defs.lol.assets import ETL_METADATA
from gamestats_assets.generator.emitters.lol import generate_day
from gamestats_assets.lib.core.partitions import daily_partitions
from gamestats_assets.lib.lake.partitioning import physically_partitioned
from gamestats_assets.lib.lake.write import side_by_side, write_partitions
from gamestats_assets.sources.riot.parse import (
    ParsedMatches,
    ParsedTimelines,
    parse_folder,
    parse_matches,
    parse_timelines,
)

DAY = dt.date(2026, 11, 20)


def write_etl_tables(lake: str, matches: ParsedMatches, timelines: ParsedTimelines) -> None:
    """The four ETL tables written to Delta under `lake`, side by side, as the ETL asset writes a day."""
    side_by_side([
        functools.partial(write_partitions, os.path.join(lake, name), frame.with_columns(pl.lit(DAY).alias("date")),
                          "date", [DAY], physical_partitioning=physically_partitioned(daily_partitions, ETL_METADATA))
        for name, frame in (("matches", matches.matches), ("participants", matches.participants),
                            ("timeline_events", timelines.events), ("participant_frames", timelines.frames))
    ])


def timed(work, *args):
    """What `work(*args)` returns, its wall seconds and this process's CPU seconds."""
    started, cpu_started = time.perf_counter(), time.process_time()
    result = work(*args)
    return result, time.perf_counter() - started, time.process_time() - cpu_started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--matches", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    games, generated, _ = timed(lambda: list(generate_day(args.seed, DAY, args.matches)))
    timeline_bytes = sum(len(timeline) for _, _, timeline in games)

    (matches, timelines), parsed, parsed_cpu = timed(lambda games: (
        parse_matches([(f"{match_id}.json", match) for match_id, match, _ in games]),
        parse_timelines([(f"{match_id}_timeline.json", timeline) for match_id, _, timeline in games])), games)
    with tempfile.TemporaryDirectory() as lake:
        _, written, written_cpu = timed(write_etl_tables, lake, matches, timelines)
    events = timelines.events.height
    del matches, timelines

    with tempfile.TemporaryDirectory() as landing, tempfile.TemporaryDirectory() as lake:
        for match_id, match, timeline in games:
            (Path(landing) / f"{match_id}.json").write_bytes(match)
            (Path(landing) / f"{match_id}_timeline.json").write_bytes(timeline)
        del games
        from_files, read_parsed, _ = timed(parse_folder, Path(landing))
        _, read_written, _ = timed(write_etl_tables, lake, *from_files)
    if from_files[1].events.height != events:
        raise SystemExit(f"{from_files[1].events.height} events parsed from files against {events} in memory")

    print(json.dumps({
        "benchmark": "lol_parse_events", "matches": args.matches, "timeline_events": events,
        "participant_frames": from_files[1].frames.height, "timeline_mb": round(timeline_bytes / 2**20, 1),
        "generate_s": round(generated, 2), "parse_s": round(parsed, 2),
        "lake_write_s": round(written, 2),
        "events_per_s_parse": round(events / parsed), "events_per_s_into_lake": round(events / (parsed + written)),
        "timeline_mb_per_s": round(timeline_bytes / 2**20 / parsed, 1),
        "parse_cpu_s": round(parsed_cpu, 2), "lake_write_cpu_s": round(written_cpu, 2),
        "events_per_cpu_s_into_lake": round(events / (parsed_cpu + written_cpu)),
        "from_files_parse_s": round(read_parsed, 2), "from_files_lake_write_s": round(read_written, 2),
        "events_per_s_from_files_into_lake": round(events / (read_parsed + read_written)),
        "cpus": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2),
    }))


if __name__ == "__main__":
    main()
