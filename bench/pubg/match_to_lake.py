"""PUBG: seconds per full-size match from landing files to the lake, on one core.

Lands `--matches` full-size public matches (100 players, 35 000-45 000 telemetry events; emitted once and
cached, see `landing.py`; not timed) in a temporary data folder, pins the process to one core
(`POLARS_MAX_THREADS=1`, CPU affinity), then measures
1. `parse_and_transform`: the parsers and every per-match table function called directly, on the first
   ten matches;
2. `dagster`: one Dagster run of the `pubg_match` lake assets (landing → etl → cons) over all matches,
   with the in-process executor, as a single-run backfill launches it, on an in-memory instance (what
   Dagster's own event storage costs on top is measured by `backfill.py`), its event log kept off the
   console as `gamestats demo` keeps it.
CPU seconds are this process's (`time.process_time`), the figure to trust on a busy machine; peak memory
is the largest RSS of this process during the run, sampled every 100 ms. Prints one JSON object.

    python bench/pubg/match_to_lake.py --matches 20
PostgreSQL (the tracked players and tournament overrides some tables read): GAMESTATS_PG_URL (an admin URL),
else the service on 127.0.0.1:5432, else the embedded server; a fresh database, dropped at the end.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ["POLARS_MAX_THREADS"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import dagster as dg  # noqa: E402
import polars as pl  # noqa: E402
from common import PeakMemory, admin_url, bench_database, drop_database  # noqa: E402
from landing import DEFAULT_CACHE, land_matches  # noqa: E402

DIRECT_MATCHES = 10
DATABASE = "gamestats_bench_pubg_lake"


def parse_and_transform(match_path: Path, telemetry_path: Path) -> None:
    """Every per-match table of one match, by direct calls (what the Dagster assets compute)."""
    from gamestats_assets.defs.pubg.transforms import combat, extractors, summaries
    from gamestats_assets.sources.pubg.match import read_match
    from gamestats_assets.sources.pubg.telemetry import read_telemetry

    match, t = read_match(match_path), read_telemetry(telemetry_path)
    extractors.landings(t["landings"])
    extractors.kill_positions(t["kills"])
    extractors.weapon_kill_events(t["kills"])
    extractors.damage_events(t["damage"], [])
    usage = extractors.item_usage(t["item_uses"], t["throwables"])
    extractors.killsteals(t["kills"], t["knocks"], t["damage"], match.participants)
    advanced = extractors.advanced_stats(t["kills"], t["knocks"], t["damage"], match.participants)
    circle = extractors.circle_aggregates(extractors.circle_samples(t["positions"], t["game_states"]))
    combat.knock_summaries(combat.knock_outcomes(t["knocks"], t["kills"], t["revives"]))
    combat.fights(t["damage"], t["knocks"], t["kills"])
    combat.weapon_distribution(t["damage"], t["kills"], t["knocks"])
    read = pl.DataFrame({"match_id": [match.match_id], "status": ["parsed"], "complete": [True]})
    summaries.match_summaries(match.participants, match.rosters, advanced, usage, circle, read, match.match)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matches", type=int, default=20)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where emitted matches are kept")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="bench_pubg_"))
    admin = admin_url()
    os.environ.update({"GAMESTATS_DATA_DIR": str(data_dir), "GAMESTATS_PG_URL": bench_database(admin, DATABASE)})
    landing = data_dir / "landing" / "pubg"
    land_matches(args.matches, landing, args.cache)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    from gamestats_assets.definitions import location_resources
    from gamestats_assets.defs.pubg import assets as pubg
    from gamestats_assets.lib.core.settings import Settings
    from gamestats_assets.lib.deploy.runner import QUIET_CONSOLE

    pairs = [(landing / "matches" / f"{p.name.split('.')[0]}.json", p)
             for p in sorted((landing / "telemetry").iterdir())][:DIRECT_MATCHES]
    started, cpu = time.perf_counter(), time.process_time()
    for match_path, telemetry_path in pairs:
        parse_and_transform(match_path, telemetry_path)
    direct = (time.perf_counter() - started) / len(pairs), (time.process_time() - cpu) / len(pairs)

    resources = location_resources(Settings.from_env())
    selected = [key for asset in pubg.ASSETS if asset.partitions_def is not None for key in asset.keys]
    instance = dg.DagsterInstance.ephemeral()
    keys = sorted(pubg.LANDING.find(resources["platform"]))
    instance.add_dynamic_partitions("pubg_match", keys)
    with PeakMemory() as memory:
        started, cpu = time.perf_counter(), time.process_time()
        result = dg.materialize(pubg.ASSETS, selection=selected, instance=instance, resources=resources,
                                run_config=QUIET_CONSOLE, tags={"dagster/asset_partition_range_start": keys[0],
                                                                "dagster/asset_partition_range_end": keys[-1]})
        wall, cpu_used = time.perf_counter() - started, time.process_time() - cpu
    drop_database(admin, DATABASE)
    shutil.rmtree(data_dir)
    print(json.dumps({
        "benchmark": "pubg_match_to_lake",
        "matches": len(keys), "cores": 1, "polars_threads": 1,
        "parse_and_transform_matches": len(pairs),
        "parse_and_transform_seconds_per_match": round(direct[0], 3),
        "parse_and_transform_cpu_seconds_per_match": round(direct[1], 3),
        "dagster_run_seconds": round(wall, 2), "dagster_seconds_per_match": round(wall / len(keys), 3),
        "dagster_cpu_seconds_per_match": round(cpu_used / len(keys), 3),
        "peak_rss_mib": round(memory.peak_mib, 1), "success": result.success,
        "load_average_1m": round(os.getloadavg()[0], 2),
    }))


if __name__ == "__main__":
    main()
