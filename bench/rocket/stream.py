"""Rocket League: a day that receives its replays one run at a time, as uploads arriving steadily make it.

`--runs` synthetic ballchasing replays (`emit_day`, written aside first, not timed) are dropped into the day's
landing folder one by one, each followed by the daily job for the day (landing, ETL, the tables by game, the day's
tables and checks, the publish to PostgreSQL) on one instance with the in-process executor: what the daemon's
coalesced runs do when each run finds one new replay. The day's lake tables then hold as many writes as runs.

Prints one JSON object: each run's wall and CPU seconds and its slowest steps; the mean of the first and of the last
tenth of the runs, and their ratio (how much a run grew with the day); per step, its seconds in the first and the
last tenth; the Parquet files of the day's partition in each lake table at the end.

    python bench/rocket/stream.py --runs 200
PostgreSQL: GAMESTATS_PG_URL (an admin URL), else the service on 127.0.0.1:5432, else the embedded server.
"""

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import dagster as dg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import Stopwatch, admin_url, bench_database, drop_database  # noqa: E402

DAY = dt.date(2026, 11, 20)


def staged_replays(folder: Path, runs: int, seed: int) -> list[Path]:
    """At least `runs` synthetic ballchasing replays of `DAY`, written under `folder`."""
    from gamestats_assets.generator.emitters.rocket import emit_day

    players = 64
    while True:
        emit_day(folder, DAY, seed=seed, n_players=players)
        replays = sorted((folder / DAY.isoformat()).rglob("*.json"))
        replays = [path for path in replays if path.parent.name == "ballchasing"]
        if len(replays) >= runs:
            return replays[:runs]
        players *= 2


def run_day(instance: dg.DagsterInstance) -> dict:
    with Stopwatch() as watch:
        result = dg.execute_job(dg.reconstructable(rocket_daily_job), instance=instance,
                                tags={"dagster/partition": DAY.isoformat()})
    steps = {e.step_key: round(e.event_specific_data.duration_ms / 1000, 3) for e in result.all_events
             if e.event_type_value == "STEP_SUCCESS"}
    return {"success": result.success, "seconds": round(watch.seconds, 2), "cpu_seconds": round(watch.cpu_seconds, 2),
            "steps": steps}


def rocket_daily_job() -> dg.JobDefinition:
    from gamestats_assets.definitions import defs

    return defs.resolve_job_def("rocket_daily")


def tenth_means(runs: list[dict], measure) -> tuple[float, float]:
    tenth = max(1, len(runs) // 10)
    return (round(statistics.fmean(measure(run) for run in runs[:tenth]), 3),
            round(statistics.fmean(measure(run) for run in runs[-tenth:]), 3))


def partition_files(lake: Path) -> dict[str, int]:
    """Parquet files of `DAY`'s partition (or of the whole table when it is not partitioned by day) per table."""
    from deltalake import DeltaTable

    files = {}
    for log in sorted(lake.rglob("_delta_log")):
        table = DeltaTable(str(log.parent))
        paths = table.file_uris()
        dated = [path for path in paths if f"date={DAY.isoformat()}" in path]
        files[str(log.parent.relative_to(lake))] = len(dated or paths)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    admin, database = admin_url(), f"gamestats_bench_rocket_stream_{os.getpid()}"
    pg_url = bench_database(admin, database)
    with tempfile.TemporaryDirectory(prefix="rocket_stream_") as data_dir, \
            tempfile.TemporaryDirectory(prefix="rocket_stream_staged_") as staged:
        os.environ.update({"GAMESTATS_DATA_DIR": data_dir, "GAMESTATS_PG_URL": pg_url, "GAMESTATS_SOURCE": "files",
                           "GAMESTATS_START_DATE": DAY.isoformat()})
        from gamestats_assets.lib.core.settings import Settings

        settings = Settings.from_env()
        folder = settings.landing_dir("rocket") / DAY.isoformat()
        folder.mkdir(parents=True)
        replays = staged_replays(Path(staged), args.runs, args.seed)
        runs = []
        with dg.instance_for_test() as instance:
            for number, replay in enumerate(replays):
                shutil.copy(replay, folder / replay.name)
                runs.append(run_day(instance))
                print(f"run {number + 1}/{len(replays)}: {runs[-1]['seconds']} s", file=sys.stderr)
        files = partition_files(Path(settings.lake_uri) / "rocket")
    drop_database(admin, database)
    first, last = tenth_means(runs, lambda run: run["seconds"])
    steps = sorted({step for run in runs for step in run["steps"]})
    by_step = {step: tenth_means(runs, lambda run, step=step: run["steps"].get(step, 0.0)) for step in steps}
    print(json.dumps({
        "benchmark": "rocket_stream",
        "runs": len(runs),
        "failed_runs": sum(not run["success"] for run in runs),
        "cores": os.cpu_count(),
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        "run_seconds_first_tenth": first,
        "run_seconds_last_tenth": last,
        "last_over_first": round(last / first, 2),
        "cpu_seconds_first_and_last_tenth": tenth_means(runs, lambda run: run["cpu_seconds"]),
        "step_seconds_first_and_last_tenth": dict(sorted(by_step.items(), key=lambda kv: -kv[1][1])),
        "day_partition_files": files,
        "runs_seconds": [run["seconds"] for run in runs],
    }))


if __name__ == "__main__":
    main()
