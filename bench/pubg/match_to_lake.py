"""PUBG: seconds per full-size match from landing files to the lake (one core), and optionally to PostgreSQL.

Emits ``--matches`` full-size public matches (100 players, 35 000-45 000 telemetry events; not timed) into
a temporary landing folder, pins the process to one core (``POLARS_MAX_THREADS=1``, CPU affinity), then
1. ``parse_and_transform``: the parsers and every per-match table function called directly, per match;
2. ``dagster``: one Dagster run of the ``pubg_match`` lake assets (landing → etl → cons) over all matches,
   and with ``--publish`` the PostgreSQL publish assets and every check too.
Peak memory is the largest RSS of this process, sampled every 100 ms. Prints one JSON object.

    python bench/pubg/match_to_lake.py --matches 5
    python bench/pubg/match_to_lake.py --matches 100 --publish
PostgreSQL: GAMESTATS_PG_URL (an admin URL), else the service on 127.0.0.1:5432, else the embedded server.
"""

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ["POLARS_MAX_THREADS"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import dagster as dg  # noqa: E402
from common import PeakMemory, admin_url, bench_database, drop_database  # noqa: E402


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
    summaries.match_summaries(match.participants, match.rosters, advanced, usage, circle, t.event_counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matches", type=int, default=5)
    parser.add_argument("--publish", action="store_true", help="also publish to PostgreSQL and run the checks")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    data_dir = Path(tempfile.mkdtemp(prefix="bench_pubg_"))
    os.environ["GAMESTATS_DATA_DIR"] = str(data_dir)
    admin, database = admin_url(), f"bench_pubg_{uuid.uuid4().hex[:8]}"
    os.environ["GAMESTATS_PG_URL"] = bench_database(admin, database)
    from gamestats_assets.defs.pubg import assets as pubg
    from gamestats_assets.defs.pubg.checks import CHECKS
    from gamestats_assets.defs.pubg.publish import PUBLISH_ASSETS, PUBLISH_CHECKS
    from gamestats_assets.generator.emitters.pubg import emit_match, public_match_plan, write_match
    from gamestats_assets.lib.resources import build_resources
    from gamestats_assets.lib.settings import Settings

    landing = data_dir / "landing" / "pubg"
    paths, events = [], 0
    for n in range(args.matches):
        emitted = emit_match(public_match_plan(f"bench-{n:04d}", dt.datetime(2026, 5, 1, 18, tzinfo=dt.UTC), 7), 7)
        events += len(emitted.events)
        paths.append(write_match(emitted, landing))

    started, cpu = time.perf_counter(), time.process_time()
    for match_path, telemetry_path in paths:
        parse_and_transform(match_path, telemetry_path)
    direct = (time.perf_counter() - started) / len(paths), (time.process_time() - cpu) / len(paths)

    resources = build_resources(Settings.from_env())
    instance = dg.DagsterInstance.ephemeral()
    keys = sorted(pubg.LANDING.find(resources["platform"]))
    instance.add_dynamic_partitions("pubg_match", keys)
    targets = [*pubg.ASSETS, *(PUBLISH_ASSETS if args.publish else [])]
    selected = [k for a in targets if a.partitions_def is not None for k in a.keys]
    checks = [*CHECKS, *PUBLISH_CHECKS] if args.publish else []
    with PeakMemory() as memory:
        started, cpu = time.perf_counter(), time.process_time()
        result = dg.materialize([*pubg.ASSETS, *PUBLISH_ASSETS, *checks], selection=selected, instance=instance,
                                resources=resources, tags={"dagster/asset_partition_range_start": keys[0],
                                                           "dagster/asset_partition_range_end": keys[-1]})
        wall, cpu_used = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({
        "benchmark": "pubg_match_to_lake" + ("_and_postgres" if args.publish else ""),
        "matches": len(keys), "telemetry_events_per_match": round(events / len(keys)),
        "cores": 1, "polars_threads": 1,
        "parse_and_transform_seconds_per_match": round(direct[0], 3),
        "parse_and_transform_cpu_seconds_per_match": round(direct[1], 3),
        "dagster_run_seconds": round(wall, 2), "dagster_seconds_per_match": round(wall / len(keys), 3),
        "dagster_cpu_seconds_per_match": round(cpu_used / len(keys), 3),
        "peak_rss_mib": round(memory.peak_mib, 1), "success": result.success,
        "load_average_1m": round(os.getloadavg()[0], 2),
    }))
    drop_database(admin, database)


if __name__ == "__main__":
    main()
