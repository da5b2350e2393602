"""lol analysis at scale: the whole chain from the lake's ETL tables (purchase sequences, skill orders,
objectives, vision, lane states → every CONS table of `tables.STATISTICS`, from champion stats and ban rates to
item sequences, skill n-grams, the objective tree, correlations, patterns and the win model) for `--matches` games.

`--chunk` synthetic games are generated and parsed into Delta ETL tables once, a batch at a time (not
timed). The timed part runs as the pipeline does: day by day, each day's ETL tables are read from the lake
(here the same chunk each day, so the 100 000 games are `matches / chunk` copies of the chunk's games) and
turned into every STD table, of which the pipeline keeps in the lake what the CONS tables read (here: kept in
memory with match ids re-keyed for the copy, the others dropped); then the CONS tables are computed over all
days.
Reported: wall time and CPU seconds (all threads) of the analysis, the peak resident memory of the process
while it runs (and before it starts, what the preparation left), each CONS table's seconds and rows (computed one
after the other), and correlation throughput timed separately on the full player table.
Prints one JSON object.

    python bench/lol/analysis.py --matches 100000 --chunk 5000
"""

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import polars as pl
import psutil

from gamestats_assets.defs.lol.transforms import patterns
from gamestats_assets.defs.lol.tables import STATISTICS, STD_TABLES, computed
from gamestats_assets.generator.emitters.lol import generate_day
from gamestats_assets.sources.riot.parse import parse_matches, parse_timelines

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import PeakMemory  # noqa: E402

DAY = dt.date(2026, 11, 20)
ETL_TABLES = ("matches", "participants", "timeline_events", "participant_frames")
CONS_INPUTS = {ref.split("/")[1] for table in STATISTICS for ref in table.inputs.values()}
"""The STD tables the statistics read."""
BATCH = 500
"""Games generated and parsed at a time while the chunk is written."""


def write_chunk(lake: str, seed: int, chunk: int) -> None:
    games = generate_day(seed, DAY, chunk)
    for start in range(0, chunk, BATCH):
        batch = [next(games) for _ in range(min(BATCH, chunk - start))]
        matches = parse_matches([(f"{match_id}.json", match) for match_id, match, _ in batch])
        timelines = parse_timelines([(f"{match_id}_timeline.json", timeline) for match_id, _, timeline in batch])
        for name, frame in zip(ETL_TABLES, (matches.matches, matches.participants, timelines.events,
                                            timelines.frames), strict=True):
            frame.write_delta(os.path.join(lake, name), mode="append")


def day_tables(lake: str) -> dict[str, pl.DataFrame | pl.LazyFrame]:
    """The chunk's ETL tables in the lake: matches and participants read, events and participant frames as
    scans, so each STD table reads only its columns."""
    tables = {name: pl.scan_delta(os.path.join(lake, name)) for name in ETL_TABLES}
    return {**tables, "matches": tables["matches"].collect(), "participants": tables["participants"].collect()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--matches", type=int, default=100_000)
    parser.add_argument("--chunk", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    copies = max(1, args.matches // args.chunk)
    with tempfile.TemporaryDirectory() as lake:
        started = time.perf_counter()
        write_chunk(lake, args.seed, args.chunk)
        prepared = time.perf_counter() - started

        memory_before = psutil.Process().memory_info().rss / 2**20
        with PeakMemory() as memory:
            started, cpu_started = time.perf_counter(), time.process_time()
            std_parts: dict[str, list[pl.DataFrame]] = {}
            for copy in range(copies):
                etl = day_tables(lake)
                for name, frame in computed(etl, STD_TABLES, DAY).items():
                    if name in CONS_INPUTS:
                        std_parts.setdefault(name, []).append(
                            frame.with_columns(pl.col("match_id") + f"{copy:03d}"))
                del etl
            std = {name: pl.concat(parts) for name, parts in std_parts.items()}
            del std_parts
            std_s = time.perf_counter() - started
            cons, table_s = {}, {}
            for table in STATISTICS:
                started = time.perf_counter()
                cons.update(computed(std, [table], DAY))
                table_s[table.name] = time.perf_counter() - started
            cons_s = sum(table_s.values())
            analysis_cpu = time.process_time() - cpu_started

        players = std["participant_games"]
        started = time.perf_counter()
        correlations = patterns.correlations(players)
        correlation_s = time.perf_counter() - started
    win = cons["win_model"].group_by("minute").agg(pl.col("accuracy", "auc").first()).sort("minute")
    print(json.dumps({
        "benchmark": "lol_analysis", "matches": copies * args.chunk, "distinct_games": args.chunk,
        "players": players.height, "prepare_chunk_s": round(prepared, 1), "std_s": round(std_s, 1),
        "cons_s": round(cons_s, 1), "analysis_wall_s": round(std_s + cons_s, 1),
        "analysis_cpu_s": round(analysis_cpu, 1), "analysis_peak_rss_mib": round(memory.peak_mib),
        "rss_before_analysis_mib": round(memory_before),
        "correlation_pairs": correlations.height, "correlation_rows": players.height,
        "correlation_s": round(correlation_s, 2),
        "correlation_pairs_per_minute": round(correlations.height / correlation_s * 60),
        "discovered_patterns": cons["discovered_patterns"].height,
        "tables": {name: {"s": round(seconds, 2), "rows": cons[name].height} for name, seconds in table_s.items()},
        "win_model": win.to_dicts(), "cpus": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2),
    }))


if __name__ == "__main__":
    main()
