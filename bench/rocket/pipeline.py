"""Rocket end to end: one day of replays from landing to the published PostgreSQL tables, through Dagster.

Emits a synthetic day (`--players` ranked players; not timed) and drops the real sample replays of the
test fixtures (raw .replay files, ballchasing and carball JSON) into the same day, then runs the
`rocket_daily` job for that day on a temporary instance with the in-process executor, publishing into
a fresh PostgreSQL database. Prints one JSON object: replays landed, seconds, replays per second.

    python bench/rocket/pipeline.py --players 2000
PostgreSQL: GAMESTATS_PG_URL (an admin URL), else the service on 127.0.0.1:5432, else the embedded server.
"""

import argparse
import datetime as dt
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
from common import admin_url, bench_database, drop_database  # noqa: E402

DAY = dt.date(2026, 11, 20)
FIXTURES = Path(__file__).resolve().parents[2] / "gamestats_assets_tests" / "fixtures" / "rocketleague"
REPLAYS = Path(__file__).resolve().parents[2] / "data" / "reference" / "rocket" / "replays"


def rocket_daily_job() -> dg.JobDefinition:
    from gamestats_assets.definitions import defs

    return defs.resolve_job_def("rocket_daily")


def drop_samples(folder: Path) -> int:
    """Copy the fixture replays and JSON files into `folder/samples`; return how many replays they hold."""
    target = folder / "samples"
    target.mkdir(parents=True)
    count = 0
    for path in [*REPLAYS.glob("*.replay"), FIXTURES / "ballchasing" / "replay.json",
                 *FIXTURES.glob("carball/*.json")]:
        shutil.copy(path, target / path.name)
        count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--players", type=int, default=2000)
    args = parser.parse_args()
    admin, database = admin_url(), "gamestats_bench_rocket"
    pg_url = bench_database(admin, database)
    with tempfile.TemporaryDirectory(prefix="rocket_pipeline_") as data_dir:
        os.environ.update({
            "GAMESTATS_DATA_DIR": data_dir,
            "GAMESTATS_PG_URL": pg_url,
            "GAMESTATS_USERS": str(args.players),
            "GAMESTATS_START_DATE": DAY.isoformat(),
        })
        from gamestats_assets.generator.emitters.rocket import emit_day
        from gamestats_assets.lib.core.settings import Settings

        landing = Settings.from_env().landing_dir("rocket")
        started = time.perf_counter()
        counts = emit_day(landing, DAY, seed=Settings.from_env().seed, n_players=args.players)
        emit_seconds = time.perf_counter() - started
        samples = drop_samples(landing / DAY.isoformat())
        replays = counts["replays"] + samples
        with dg.instance_for_test() as instance:
            started = time.perf_counter()
            result = dg.execute_job(dg.reconstructable(rocket_daily_job), instance=instance,
                                    tags={"dagster/partition": DAY.isoformat()})
            seconds = time.perf_counter() - started
        with psycopg.connect(os.environ["GAMESTATS_PG_URL"]) as conn:
            matches = conn.execute("SELECT count(*) FROM rocket.matches").fetchone()[0]
            stats = conn.execute("SELECT count(*) FROM rocket.player_stats").fetchone()[0]
        steps = {e.step_key: round(e.event_specific_data.duration_ms / 1000, 2) for e in result.all_events
                 if e.event_type_value == "STEP_SUCCESS"}
    drop_database(admin, database)
    print(json.dumps({
        "benchmark": "rocket_pipeline",
        "players": args.players,
        "success": result.success,
        "replays_landed": replays,
        "sample_files_among_them": samples,
        "matches_published": matches,
        "player_stats_rows_published": stats,
        "seconds_emit_not_counted": round(emit_seconds, 1),
        "seconds_landing_to_postgres": round(seconds, 1),
        "replays_per_second": round(replays / seconds, 1),
        "slowest_steps": dict(sorted(steps.items(), key=lambda kv: -kv[1])[:6]),
    }))


if __name__ == "__main__":
    main()
