"""A run's fixed cost: a run with nothing to do, launched as `gamestats dev` launches one, and a start's preparation
over a lake of many tables.

On a temporary data folder and a database of its own, prepared as the `gamestats` CLI prepares a start
(`lib/deploy/instance.py`: the project's `dagster.yaml`, its `WarmRunLauncher`), over a lake holding `--lake-tables`
tables made as a release before their settings left them: the first start and the second (`settle_tables`'s seconds
and the tables it opened). Then `--games` synthetic LoL games land for a day, and runs of the day's ETL
(`lol/etl/*`, or the job `--job`) are launched through the instance's run launcher, the daemon's queue aside: the
first (it starts the launcher's server, which imports the definitions, and parses the games), then `--runs` with
nothing new, forked from that server, then one more in a new interpreter that imports everything itself (what a run
of an edited project or of Dagster's default launcher pays).

Prints one JSON object; each run with its seconds from launch to its end and from its process's start to its first
step (a forked run's process starts before the launcher returns), the seconds between the run's events (launched,
process started, run started, first step started, last step ended, run ended) and its process's CPU seconds, which
hold better than wall seconds on a machine shared with other work.

    python bench/idle_run.py
    python bench/idle_run.py --job lol_daily --lake-tables 1000

Run it on a tree nobody edits meanwhile: the launcher forks runs only of the code as it was at the first run, and
sends a run after a source file changed to Dagster's default launcher, which needs a workspace this benchmark has
not. A copy does: `git archive HEAD | tar -x -C DIR`, then `cd DIR && PYTHONPATH=DIR python bench/idle_run.py`.
PostgreSQL: GAMESTATS_PG_URL (an admin URL), else the service on 127.0.0.1:5432, else the embedded server.
"""

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
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
ETL_PREFIX = ("lol", "etl")
DEFINITIONS = "gamestats_assets.definitions"
FRESH = """
import sys
from dagster import DagsterInstance
from gamestats_assets.lib.deploy.warm_runs import execute_run
with DagsterInstance.get() as instance:
    execute_run(sys.argv[1], instance.get_ref())
"""
"""A run's process as a new interpreter: it imports Dagster and the definitions, then executes the run."""


def old_lake(root: Path, tables: int) -> None:
    """`tables` one-row Delta tables under `root/bench/old/`, created without the lake's settings."""
    import polars as pl
    from deltalake import write_deltalake

    rows = pl.DataFrame({"date": [DAY.isoformat()], "value": [1]}).to_arrow()
    for number in range(tables):
        write_deltalake(str(root / "bench" / "old" / f"t{number:04d}"), rows)


def timed_start(settings) -> dict:
    """One start (`prepare`) with its seconds, `settle_tables`'s among them, and the tables `settle_tables` opened
    (each `DeltaTable` it made, counted)."""
    from gamestats_assets.lib.deploy import instance as deploy
    from gamestats_assets.lib.lake import write

    opened, settle, table = [], write.settle_tables, write.DeltaTable
    seconds = {}

    def counted(uri, *args, **kwargs):
        opened.append(uri)
        return table(uri, *args, **kwargs)

    def timed_settle(root):
        started = time.perf_counter()
        try:
            return settle(root)
        finally:
            seconds["settle"] = time.perf_counter() - started

    write.DeltaTable, deploy.settle_tables = counted, timed_settle
    try:
        started = time.perf_counter()
        deploy.prepare(settings)
        total = time.perf_counter() - started
    finally:
        write.DeltaTable, deploy.settle_tables = table, settle
    return {"seconds": round(total, 3), "settle_tables_seconds": round(seconds["settle"], 3),
            "tables_opened": len(opened)}


def land_games(folder: Path, games: int, seed: int = 7) -> None:
    """`games` synthetic LoL games of `DAY` (match and timeline files) in `folder`."""
    from gamestats_assets.generator.emitters.lol import generate_day

    folder.mkdir(parents=True, exist_ok=True)
    for match_id, match, timeline in generate_day(seed, DAY, games):
        (folder / f"{match_id}_timeline.json").write_bytes(timeline)
        (folder / f"{match_id}.json").write_bytes(match)


def run_job(job_name: str | None) -> tuple[dg.JobDefinition, frozenset | None]:
    """The job of the runs: `job_name` of the definitions, else the day's LoL ETL assets of the asset job."""
    from gamestats_assets.definitions import defs

    if job_name:
        return defs.resolve_job_def(job_name), None
    keys = frozenset(key for key in defs.resolve_asset_graph().get_all_asset_keys() if key.path[:2] == list(ETL_PREFIX))
    return defs.resolve_implicit_global_asset_job_def().get_subset(asset_selection=keys), keys


def new_run(instance: dg.DagsterInstance, job: dg.JobDefinition, keys: frozenset | None) -> str:
    """A run of `job` (over `keys` when given) for `DAY`, recorded as a run of the code location `gamestats dev`
    serves (the module `DEFINITIONS`, which the launcher's server imported), not started."""
    from dagster._core.definitions.job_base import InMemoryJob
    from dagster._core.definitions.reconstruct import ReconstructableRepository
    from dagster._core.execution.api import create_execution_plan

    from gamestats_assets.lib.deploy.runner import CODE_LOCATION

    tags = {"dagster/partition": DAY.isoformat()}
    plan = create_execution_plan(InMemoryJob(job), instance_ref=instance.get_ref(), tags=tags)
    code = ReconstructableRepository.for_module(DEFINITIONS, "defs", working_directory=str(ROOT))
    run = instance.create_run_for_job(job_def=job, tags=tags, asset_selection=keys, execution_plan=plan,
                                      remote_job_origin=CODE_LOCATION.get_job_origin(job.name),
                                      job_code_origin=code.get_reconstructable_job(job.name).get_python_origin())
    return run.run_id


def process_cpu_seconds(process: psutil.Process) -> float | None:
    """The user and system CPU seconds so far of `process` and its live children; None once it is gone."""
    try:
        return sum(times.user + times.system for times in
                   (member.cpu_times() for member in [process, *process.children(recursive=True)]))
    except psutil.Error:
        return None


def wait(instance: dg.DagsterInstance, run_id: str) -> tuple[float, float | None]:
    """The time (`time.time`) the run was first seen finished, polled every 20 ms, and the CPU seconds its process
    (the pid its events record) had used by then, sampled as often (the last 20 ms may be missed)."""
    from gamestats_assets.lib.deploy.run_health import run_process

    process, cpu = None, None
    while not instance.get_run_by_id(run_id).is_finished:
        if process is None and (found := run_process(instance, run_id)) is not None:
            process = psutil.Process(found[0])
        if process is not None:
            cpu = process_cpu_seconds(process) or cpu
        time.sleep(0.02)
    return time.time(), cpu


def phases(instance: dg.DagsterInstance, run_id: str, process_started: float, seen_finished: float) -> dict:
    """The run's figures from its events (`time.time` stamps, as `process_started` and `seen_finished`)."""
    kinds = dg.DagsterEventType
    marks: dict[str, float] = {}
    steps: dict[str, str] = {}
    succeeded = False
    for entry in instance.all_logs(run_id):
        kind = entry.dagster_event.event_type if entry.dagster_event else None
        if kind == kinds.RUN_STARTING:
            marks.setdefault("launched", entry.timestamp)
        elif kind == kinds.ENGINE_EVENT and "(pid:" in (entry.message or ""):
            marks.setdefault("process_started_reported", entry.timestamp)
        elif kind == kinds.RUN_START:
            marks["run_started"] = entry.timestamp
        elif kind == kinds.STEP_START:
            marks.setdefault("first_step_started", entry.timestamp)
        elif kind in (kinds.STEP_SUCCESS, kinds.STEP_FAILURE, kinds.STEP_SKIPPED):
            marks["last_step_ended"] = entry.timestamp
            steps[entry.step_key] = kind.value
        elif kind in (kinds.RUN_SUCCESS, kinds.RUN_FAILURE):
            marks["run_ended"] = entry.timestamp
            succeeded = kind == kinds.RUN_SUCCESS
    order = ["launched", "process_started_reported", "run_started", "first_step_started", "last_step_ended",
             "run_ended"]
    present = [name for name in order if name in marks]
    return {
        "success": succeeded,
        "steps": steps,
        "launch_to_end_s": round(marks.get("run_ended", seen_finished) - marks["launched"], 3),
        "process_start_to_first_step_s": round(marks["first_step_started"] - process_started, 3)
        if "first_step_started" in marks else None,
        "between_events_s": {f"{a}_to_{b}": round(marks[b] - marks[a], 3) for a, b in zip(present, present[1:])},
    }


def launched_run(instance: dg.DagsterInstance, job, keys) -> dict:
    """A run launched through the instance's run launcher, with its figures, its process's CPU seconds and the
    launcher's own seconds."""
    run_id = new_run(instance, job, keys)
    started = time.perf_counter()
    instance.launch_run(run_id, workspace=None)
    launch_seconds, process_started = time.perf_counter() - started, time.time()
    finished, cpu = wait(instance, run_id)
    return {**phases(instance, run_id, process_started, finished), "cpu_s": cpu and round(cpu, 2),
            "launcher_seconds": round(launch_seconds, 3)}


def fresh_run(instance: dg.DagsterInstance, job, keys) -> dict:
    """A run executed by a new interpreter started now, with its CPU seconds."""
    run_id = new_run(instance, job, keys)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process_started = time.time()
    launched = dg.DagsterEvent(event_type_value="PIPELINE_STARTING", job_name=job.name)
    instance.report_dagster_event(launched, run_id=run_id)
    subprocess.run([sys.executable, "-c", FRESH, run_id], check=True, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {**phases(instance, run_id, process_started, time.time()), "cpu_s": round(cpu, 2)}


def median_of(runs: list[dict], name: str) -> float | None:
    values = [run[name] for run in runs if run[name] is not None]
    return round(statistics.median(values), 3) if values else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--games", type=int, default=20, help="LoL games landed for the day before the first run")
    parser.add_argument("--runs", type=int, default=3, help="runs with nothing new, forked from the launcher's server")
    parser.add_argument("--lake-tables", type=int, default=300, help="tables of the lake before the first start")
    parser.add_argument("--job", help="a job of the definitions to run instead of the day's LoL ETL (lol/etl/*)")
    args = parser.parse_args()
    admin, database = admin_url(), f"gamestats_bench_idle_run_{os.getpid()}"
    pg_url = bench_database(admin, database)
    with tempfile.TemporaryDirectory(prefix="idle_run_") as data_dir:
        for name in ("DAGSTER_HOME", "GAMESTATS_DAGSTER_PG_URL", "GAMESTATS_LAKE_URI"):
            os.environ.pop(name, None)
        os.environ.update({"GAMESTATS_DATA_DIR": data_dir, "GAMESTATS_PG_URL": pg_url, "GAMESTATS_SOURCE": "files",
                           "GAMESTATS_START_DATE": DAY.isoformat()})
        from gamestats_assets.lib.core.settings import Settings

        settings = Settings.from_env()
        old_lake(Path(settings.lake_uri), args.lake_tables)
        starts = [timed_start(settings), timed_start(settings)]
        land_games(settings.landing_dir("lol") / DAY.isoformat(), args.games)
        job, keys = run_job(args.job)
        with dg.DagsterInstance.get() as instance:
            first = launched_run(instance, job, keys)
            idle = [launched_run(instance, job, keys) for _ in range(args.runs)]
            fresh = fresh_run(instance, job, keys)
    drop_database(admin, database)
    print(json.dumps({
        "benchmark": "idle_run",
        "selection": args.job or "/".join(ETL_PREFIX) + "/*",
        "games_in_day": args.games,
        "lake_tables": args.lake_tables,
        "first_start": starts[0],
        "second_start": starts[1],
        "first_run": first,
        "idle_runs_forked": idle,
        "idle_run_forked_median": {name: median_of(idle, name)
                                   for name in ("launch_to_end_s", "process_start_to_first_step_s", "cpu_s")},
        "idle_run_new_interpreter": fresh,
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
    }))


if __name__ == "__main__":
    main()
