"""New data costs only itself: a day's first run, then the run after one more file lands in it, through Dagster.

`--domain lol`: a day of `--games` synthetic games (MatchDto + timeline, written to landing, not timed), then one
more game. `--domain rocket`: a synthetic day of `--players` ranked players (ballchasing JSON, not timed) beside the
real sample replays, then one more real raw replay. Each run is the domain's daily job for the day (landing, ETL,
every daily table and its checks, the publish to PostgreSQL) on one instance with the in-process executor.

Prints one JSON object: the first run's and the second run's seconds, their ratio, the files each run parsed and
reused, and the slowest steps of each. The second run is the wait of the new file from landing to published (the
sensor's poll aside).

    python bench/new_data.py --domain lol --games 800
    python bench/new_data.py --domain rocket --players 2000
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
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import admin_url, bench_database, drop_database  # noqa: E402

DAY = dt.date(2026, 11, 20)
ROOT = Path(__file__).resolve().parents[1]
REPLAYS = ROOT / "data" / "reference" / "rocket" / "replays"
NEW_REPLAY = ROOT / "gamestats_assets_tests" / "fixtures" / "rocketleague" / "paired" / "recent-ranked-doubles-2026-03-10.replay"


def lol_daily_job() -> dg.JobDefinition:
    from gamestats_assets.definitions import defs

    return defs.resolve_job_def("lol_daily")


def rocket_daily_job() -> dg.JobDefinition:
    from gamestats_assets.definitions import defs

    return defs.resolve_job_def("rocket_daily")


def land_lol(folder: Path, games: int, seed: int) -> tuple[int, callable]:
    """A day of `games` synthetic games; and the landing of one more."""
    from gamestats_assets.generator.emitters.lol import Names, emit_day, generate_match
    import msgspec

    emit_day(folder.parent, DAY, seed, games)

    def one_more() -> None:
        match_id, match, timeline = generate_match(seed, DAY, games, Names())
        (folder / f"{match_id}_timeline.json").write_bytes(msgspec.json.encode(timeline))
        (folder / f"{match_id}.json").write_bytes(msgspec.json.encode(match))

    return games, one_more


def land_rocket(folder: Path, players: int, seed: int) -> tuple[int, callable]:
    """A synthetic day of `players` beside the real sample replays; and the landing of one more real replay."""
    from gamestats_assets.generator.emitters.rocket import emit_day

    counts = emit_day(folder.parent, DAY, seed=seed, n_players=players)
    for replay in REPLAYS.glob("*.replay"):
        shutil.copy(replay, folder / replay.name)
    return counts["replays"] + len(list(REPLAYS.glob("*.replay"))), lambda: shutil.copy(NEW_REPLAY, folder)


JOBS = {"lol": (lol_daily_job, land_lol, "etl_games"), "rocket": (rocket_daily_job, land_rocket, "etl_replays")}


def timed_run(job, instance: dg.DagsterInstance, etl_step: str) -> dict:
    started = time.perf_counter()
    result = dg.execute_job(dg.reconstructable(job), instance=instance, tags={"dagster/partition": DAY.isoformat()})
    seconds = time.perf_counter() - started
    steps = {e.step_key: round(e.event_specific_data.duration_ms / 1000, 2) for e in result.all_events
             if e.event_type_value == "STEP_SUCCESS"}
    files = {}
    for event in result.all_events:
        if event.step_key == etl_step and event.event_type_value == "ASSET_MATERIALIZATION":
            metadata = event.event_specific_data.materialization.metadata
            files |= {name: value.value for name, value in metadata.items() if name.startswith("files_")}
    return {"success": result.success, "seconds": round(seconds, 2), "files": files,
            "slowest_steps": dict(sorted(steps.items(), key=lambda kv: -kv[1])[:6])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--domain", choices=sorted(JOBS), default="lol")
    parser.add_argument("--games", type=int, default=800, help="lol: games in the day")
    parser.add_argument("--players", type=int, default=2000, help="rocket: ranked players in the day")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    job, land, etl_step = JOBS[args.domain]
    admin, database = admin_url(), f"gamestats_bench_new_data_{args.domain}"
    pg_url = bench_database(admin, database)
    with tempfile.TemporaryDirectory(prefix="new_data_") as data_dir:
        os.environ.update({"GAMESTATS_DATA_DIR": data_dir, "GAMESTATS_PG_URL": pg_url, "GAMESTATS_SOURCE": "files",
                           "GAMESTATS_START_DATE": DAY.isoformat()})
        from gamestats_assets.lib.core.settings import Settings

        folder = Settings.from_env().landing_dir(args.domain) / DAY.isoformat()
        folder.mkdir(parents=True)
        landed, one_more = land(folder, args.games if args.domain == "lol" else args.players, args.seed)
        with dg.instance_for_test() as instance:
            first = timed_run(job, instance, etl_step)
            one_more()
            second = timed_run(job, instance, etl_step)
    drop_database(admin, database)
    print(json.dumps({
        "benchmark": "new_data",
        "domain": args.domain,
        "files_in_day": landed,
        "cores": psutil.cpu_count(),
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        "first_run": first,
        "run_after_one_more_file": second,
        "second_over_first": round(second["seconds"] / first["seconds"], 3),
    }))


if __name__ == "__main__":
    main()
