"""PUBG: a backfill of `--matches` full-size matches from landing to PostgreSQL through Dagster.

Lands the matches (public squad matches of 100 players, 35 000-45 000 telemetry events; emitted once and
cached, see `landing.py`; not timed) in a temporary data folder and adds their partitions, then runs the
code location's own jobs with the in-process executor on an instance stored in PostgreSQL as
`dagster.yaml` configures it (a fresh database, which the pubg tables are published into too), or with
`--instance memory` on an in-memory one, which leaves out what Dagster's own event storage costs:
1. `pubg_pubg_match` over every match in ONE run, as a single-run backfill launches it: landing → etl →
   cons → checks (the blocking ones before publish) → PostgreSQL, and the DuckDB warehouse tables;
2. `pubg_snapshots`: career stats and the tournament tables over every match.
Dagster's event log stays off the console, as `gamestats demo` keeps it. Prints one JSON object: wall
and CPU seconds of each run and in all, peak memory (the largest RSS of this
process, sampled every 100 ms) and the rows published.

    python bench/pubg/backfill.py --matches 100
PostgreSQL: GAMESTATS_PG_URL (an admin URL), else the service on 127.0.0.1:5432, else the embedded server.
"""

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PeakMemory, admin_url, bench_database, drop_database, project_instance  # noqa: E402
from landing import DEFAULT_CACHE, land_matches  # noqa: E402

DATABASE = "gamestats_bench_pubg_backfill"


def job(name: str) -> dg.JobDefinition:
    from gamestats_assets.definitions import defs

    return defs.resolve_job_def(name)


def match_job() -> dg.JobDefinition:
    return job("pubg_pubg_match")


def snapshots_job() -> dg.JobDefinition:
    return job("pubg_snapshots")


def timed_run(instance: dg.DagsterInstance, job_fn, tags: dict[str, str]) -> dict:
    from gamestats_assets.lib.deploy.runner import QUIET_CONSOLE

    started, cpu = time.perf_counter(), time.process_time()
    result = dg.execute_job(dg.reconstructable(job_fn), instance=instance, tags=tags, run_config=QUIET_CONSOLE)
    return {"success": result.success, "seconds": round(time.perf_counter() - started, 1),
            "cpu_seconds": round(time.process_time() - cpu, 1),
            "failed_steps": [e.step_key for e in result.all_events if e.is_step_failure]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--matches", type=int, default=100)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where emitted matches are kept")
    parser.add_argument("--instance", choices=("postgres", "memory"), default="postgres",
                        help="where Dagster stores its runs and events")
    args = parser.parse_args()
    admin = admin_url()
    data_dir = Path(tempfile.mkdtemp(prefix="bench_pubg_backfill_"))
    os.environ.update({"GAMESTATS_DATA_DIR": str(data_dir), "GAMESTATS_PG_URL": bench_database(admin, DATABASE),
                       "GAMESTATS_SOURCE": "files"})
    land_matches(args.matches, data_dir / "landing" / "pubg", args.cache)

    from gamestats_assets.defs.pubg.assets import LANDING
    from gamestats_assets.lib.core.platform import PlatformResource
    from gamestats_assets.lib.core.settings import Settings

    keys = sorted(LANDING.find(PlatformResource.from_settings(Settings.from_env())))
    with (project_instance(os.environ["GAMESTATS_PG_URL"]) if args.instance == "postgres" else
          contextlib.nullcontext(dg.DagsterInstance.ephemeral())) as instance, PeakMemory() as memory:
        instance.add_dynamic_partitions("pubg_match", keys)
        matches = timed_run(instance, match_job, {"dagster/asset_partition_range_start": keys[0],
                                                  "dagster/asset_partition_range_end": keys[-1]})
        snapshots = timed_run(instance, snapshots_job, {})
        runs = len(instance.get_run_records())
    with psycopg.connect(os.environ["GAMESTATS_PG_URL"]) as conn:
        published = {table: conn.execute(f"SELECT count(*) FROM pubg.{table}").fetchone()[0]
                     for table in ("matches", "match_summaries", "player_match_weapon_distribution",
                                   "player_advanced_career_stats")}
    drop_database(admin, DATABASE)
    shutil.rmtree(data_dir)
    print(json.dumps({
        "benchmark": "pubg_backfill_to_postgres",
        "matches": len(keys), "dagster_runs": runs, "executor": "in_process", "instance": args.instance,
        "match_run": matches, "snapshots_run": snapshots,
        "total_seconds": round(matches["seconds"] + snapshots["seconds"], 1),
        "seconds_per_match": round((matches["seconds"] + snapshots["seconds"]) / len(keys), 3),
        "cpu_seconds_per_match": round((matches["cpu_seconds"] + snapshots["cpu_seconds"]) / len(keys), 3),
        "peak_rss_mib": round(memory.peak_mib, 1), "published_rows": published,
        "load_average_1m": round(os.getloadavg()[0], 2),
    }))


if __name__ == "__main__":
    main()
