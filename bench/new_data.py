"""New data costs only itself: a day's first run, then the run after one more file lands in it, through Dagster.

`--domain lol`: a day of `--games` synthetic games (MatchDto + timeline, written to landing, not timed: `--distinct`
games generated, the others re-keyed copies of them under match ids of their own), then one more game, generated. `--domain rocket`: a synthetic day of `--players` ranked players (ballchasing JSON, not timed) beside the
real sample replays, then one more real raw replay. Each run is the domain's daily job for the day (landing, ETL,
every daily table and its checks, the publish to PostgreSQL) on one instance with the in-process executor.

With `--replays DIR` the rocket day also holds the distinct real raw replays of DIR (`--real` of them), and with
`--more K` a third run follows K more real replays: the second and third runs give a run's cost per new replay
(their difference over K - 1) and its fixed cost (the second run less one replay's).

Prints one JSON object: the first run's and the second run's seconds, their ratio, the files each run parsed and
reused, and the slowest steps of each; for lol, the seconds from the new game's files landing to its rows published
in PostgreSQL (the publish step's end); each run's CPU seconds (this process and its children: the parse's worker
processes included) and each step's wall and CPU seconds (this process alone). The second run is the wait of the
new file from landing to published (the sensor's poll and the run's launch aside).

    python bench/new_data.py --domain lol --games 800
    python bench/new_data.py --domain lol --games 20000 --distinct 1000
    python bench/new_data.py --domain rocket --players 2000
    python bench/new_data.py --domain rocket --players 300 --replays ~/replays --real 100 --more 4
PostgreSQL: GAMESTATS_PG_URL (an admin URL), else the service on 127.0.0.1:5432, else the embedded server.
"""

import argparse
import datetime as dt
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PeakMemory, StepCosts, Stopwatch, admin_url, bench_database, drop_database  # noqa: E402

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


def rekeyed(data: bytes, match_id: str, new_id: str) -> bytes:
    """A game's JSON (match or timeline) under another match id and game id."""
    data = data.replace(f'"{match_id}"'.encode(), f'"{new_id}"'.encode())
    old_game, new_game = match_id.split("_")[1], new_id.split("_")[1]
    return re.sub(rb'"gameId":' + old_game.encode() + rb"(?=[,}])", b'"gameId":' + new_game.encode(), data)


def land_lol(folder: Path, games: int, seed: int, distinct: int) -> tuple[int, callable]:
    """A day of `games` synthetic games, `distinct` of them generated and the others re-keyed copies of those; and
    the landing of one more, generated: its match id."""
    from gamestats_assets.generator.emitters.lol import Names, generate_day, generate_match, match_id_for
    import msgspec

    generated = list(generate_day(seed, DAY, min(distinct, games)))
    for number in range(games):
        match_id, match, timeline = generated[number % len(generated)]
        new_id = match_id_for(DAY, number)
        (folder / f"{new_id}.json").write_bytes(rekeyed(match, match_id, new_id))
        (folder / f"{new_id}_timeline.json").write_bytes(rekeyed(timeline, match_id, new_id))

    def one_more() -> str:
        match_id, match, timeline = generate_match(seed, DAY, games, Names())
        (folder / f"{match_id}_timeline.json").write_bytes(msgspec.json.encode(timeline))
        (folder / f"{match_id}.json").write_bytes(msgspec.json.encode(match))
        return match_id

    return games, one_more


def distinct_replays(folders: list[Path]) -> list[Path]:
    """The raw replays under `folders`, one per game (by their header's match id; unreadable headers left out),
    the shipped samples first, then by name."""
    from gamestats_assets.sources.replays.header import ReplayParseError, read_header_alone

    games: dict[str, Path] = {}
    for path in [p for folder in folders for p in sorted(folder.rglob("*.replay"))]:
        try:
            games.setdefault(read_header_alone(path).match_id.lower(), path)
        except ReplayParseError:
            continue
    return list(games.values())


def land_rocket(folder: Path, players: int, seed: int, real: list[Path]) -> tuple[int, callable]:
    """A synthetic day of `players` beside the real sample replays (or the `real` ones given but those kept for
    later); and the landing of `n` more real replays (the paired fixture first)."""
    from gamestats_assets.generator.emitters.rocket import emit_day

    counts = emit_day(folder.parent, DAY, seed=seed, n_players=players)
    later = [NEW_REPLAY, *real[len(real) - 9:]] if real else [NEW_REPLAY]
    day = [path for path in real if path not in later] if real else sorted(REPLAYS.glob("*.replay"))
    for number, replay in enumerate(day):
        shutil.copy(replay, folder / f"{number:03d}_{replay.name}")

    def more(n: int = 1) -> None:
        for _ in range(n):
            replay = later.pop(0)
            shutil.copy(replay, folder / f"more_{replay.name}")

    return counts["replays"] + len(day), more


JOBS = {"lol": (lol_daily_job, land_lol, "etl_games"), "rocket": (rocket_daily_job, land_rocket, "etl_replays")}


def timed_run(job, instance: dg.DagsterInstance, etl_step: str, costs: StepCosts) -> dict:
    with Stopwatch() as watch:
        result = dg.execute_job(dg.reconstructable(job), instance=instance,
                                tags={"dagster/partition": DAY.isoformat()})
    seconds = watch.seconds
    steps = {e.step_key: round(e.event_specific_data.duration_ms / 1000, 2) for e in result.all_events
             if e.event_type_value == "STEP_SUCCESS"}
    files = {}
    for event in result.all_events:
        if event.step_key == etl_step and event.event_type_value == "ASSET_MATERIALIZATION":
            metadata = event.event_specific_data.materialization.metadata
            files |= {name: value.value for name, value in metadata.items() if name.startswith(("files_", "replays_"))}
    return {"run_id": result.run_id, "success": result.success, "seconds": round(seconds, 2),
            "cpu_seconds": round(watch.cpu_seconds, 2),
            "files": files, "slowest_steps": dict(sorted(steps.items(), key=lambda kv: -kv[1])[:6]),
            "steps": {step: {"seconds": wall, "cpu_seconds": costs.cpu_seconds.get(step)}
                      for step, wall in sorted(steps.items(), key=lambda kv: -kv[1])}}


PUBLISH_STEP = "lol__postgres__daily"


def published_after(instance: dg.DagsterInstance, run: dict, pg_url: str, match_id: str, landed_at: float) -> dict:
    """The seconds from `landed_at` to the end of the run's daily publish step, and the rows of game `match_id` that
    `lol.participant_query_facts` holds."""
    import psycopg

    [end] = [entry.timestamp for entry in instance.all_logs(run["run_id"], of_type=dg.DagsterEventType.STEP_SUCCESS)
             if entry.step_key == PUBLISH_STEP]
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT count(*) FROM lol.participant_query_facts WHERE match_id = %s",
                            (match_id,)).fetchone()[0]
    return {"seconds": round(end - landed_at, 2), "rows_published": rows}


def per_replay(one: dict, more: dict, k: int) -> dict:
    """A run's cost per new replay, from the runs after one and after `k` more, and its fixed cost (what a run
    after one replay costs beside that replay): wall and CPU seconds."""
    figures = {}
    for measure in ("seconds", "cpu_seconds"):
        each = (more[measure] - one[measure]) / (k - 1)
        figures[measure] = {"per_replay": round(each, 2), "fixed": round(one[measure] - each, 2)}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--domain", choices=sorted(JOBS), default="lol")
    parser.add_argument("--games", type=int, default=800, help="lol: games in the day")
    parser.add_argument("--distinct", type=int, default=1000,
                        help="lol: games generated; the day's others are re-keyed copies of them")
    parser.add_argument("--players", type=int, default=2000, help="rocket: ranked players in the day")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--replays", type=Path, action="append", default=[],
                        help="rocket: a folder of real .replay files (searched recursively) to fill the day with")
    parser.add_argument("--real", type=int, default=100, help="rocket: real replays of --replays in the day")
    parser.add_argument("--more", type=int, default=0, help="rocket: a third run after this many more replays")
    args = parser.parse_args()
    job, land, etl_step = JOBS[args.domain]
    admin, database = admin_url(), f"gamestats_bench_new_data_{args.domain}_{os.getpid()}"
    pg_url = bench_database(admin, database)
    with tempfile.TemporaryDirectory(prefix="new_data_") as data_dir:
        os.environ.update({"GAMESTATS_DATA_DIR": data_dir, "GAMESTATS_PG_URL": pg_url, "GAMESTATS_SOURCE": "files",
                           "GAMESTATS_START_DATE": DAY.isoformat()})
        from gamestats_assets.lib.core.settings import Settings

        folder = Settings.from_env().landing_dir(args.domain) / DAY.isoformat()
        folder.mkdir(parents=True)
        if args.domain == "rocket":
            real = distinct_replays([REPLAYS, *args.replays])[:args.real + 10] if args.replays else []
            landed, one_more = land(folder, args.players, args.seed, real)
        else:
            landed, one_more = land(folder, args.games, args.seed, args.distinct)
        third = new_game = None
        with dg.instance_for_test() as instance, PeakMemory() as memory:
            costs = StepCosts(instance, memory)
            first = timed_run(job, instance, etl_step, costs)
            landed_at = time.time()
            new_id = one_more()
            second = timed_run(job, instance, etl_step, costs)
            if args.domain == "lol":
                new_game = published_after(instance, second, pg_url, new_id, landed_at)
            if args.more > 1:
                one_more(args.more)
                third = timed_run(job, instance, etl_step, costs)
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
        **({"new_game_landed_to_published": new_game} if new_game else {}),
        **({f"run_after_{args.more}_more_files": third,
            "run_cost": per_replay(second, third, args.more)} if third else {}),
    }))


if __name__ == "__main__":
    main()
