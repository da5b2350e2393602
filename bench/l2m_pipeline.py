"""L2M end to end: one day at scale, landing → ETL → STD → CONS → PostgreSQL, through Dagster.

Emits the day's landing files first (not timed), then runs the `l2m_daily` selection for that day on a
temporary instance stored in PostgreSQL as the project's is (`dagster.yaml`, in a database of its own),
publishing into a fresh PostgreSQL database, with the in-process executor (default) or the project's
multiprocess one. Peak memory is the largest sum of RSS over this process and all its descendants, sampled
every 100 ms; CPU seconds are those of the same processes, less the sampling threads' own
(`cpu_seconds_of_sampling`), and separately those of the PostgreSQL backends serving the published database;
in process, each step's CPU seconds and the peak memory while it ran are reported too. The targets (under 30 s,
under 2 GiB) are reported met or not, beside `seconds_with_every_core_busy`: the run's CPU seconds, its
PostgreSQL backends' included, over the cores. The landing files are written to disk before the run starts, and
the machine's idle and I/O-wait CPU seconds during the run are reported (they tell a run slowed by the disk or
by other work from a slow pipeline). The emitter and the plain read run in child processes, so that the memory
they took is not counted in the run's peak.
`seconds_in_steps` sums the steps' own durations (the rest of the run is Dagster between steps).
`pipeline_to_read_ratio` holds the pipeline's time against a plain polars read of the same landing files
(`plain_read`), taken once before the run and once after it: the ratio is against their mean, and `plain_reads`
gives both (a machine whose speed drifts shows it there, not in the ratio alone); `floor_to_read_ratio` holds
`seconds_with_every_core_busy` against the same mean: the least ratio any schedule of the run's work could reach
on this machine, however its steps were ordered or overlapped. Prints one JSON object.

    python bench/l2m_pipeline.py --users 1000000
PostgreSQL: GAMESTATS_PG_URL (an admin URL), else the service on 127.0.0.1:5432, else the embedded server.
"""

import argparse
import datetime as dt
import json
import os
import tempfile
import time

import dagster as dg
import psycopg
from common import (
    BackendCpu,
    MachineTimes,
    PeakMemory,
    StepCosts,
    admin_url,
    bench_database,
    day_targets,
    drop_database,
    in_child,
    project_instance,
    selection_job,
    tree_cpu_seconds,
)

DAY = dt.date(2026, 11, 20)


def daily_keys():
    """The assets of the project's `l2m_daily` job."""
    from gamestats_assets.definitions import defs

    return defs.resolve_job_def("l2m_daily").asset_layer.selected_asset_keys


def in_process_job() -> dg.JobDefinition:
    return selection_job("l2m_bench", daily_keys())


def multiprocess_job() -> dg.JobDefinition:
    from gamestats_assets.definitions import EXECUTORS

    return selection_job("l2m_bench", daily_keys(), EXECUTORS["multiprocess"])


def plain_read(day_dir) -> tuple[float, float]:
    """Seconds and CPU seconds of one plain polars read of the day's landing files: each log type's files with an
    explicit schema (root keys as text, `properties` a struct of the types the domain declares), nothing checked."""
    import polars as pl

    from gamestats_assets.sources.l2m import EVENT_PROPERTIES, PROFILE_PROPERTIES, PROFILE_STEM, source_files
    from gamestats_assets.sources.thinkingdata import ROOT_COLUMNS

    started, cpu_started = time.perf_counter(), time.process_time()
    for stem, properties in {**EVENT_PROPERTIES, PROFILE_STEM: PROFILE_PROPERTIES}.items():
        schema = {**{root: pl.Utf8 for root in ROOT_COLUMNS}, "properties": pl.Struct(properties)}
        for path in source_files(day_dir, stem):
            pl.scan_ndjson(path, schema=schema).collect()
    return time.perf_counter() - started, time.process_time() - cpu_started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--executor", choices=["in_process", "multiprocess"], default="in_process")
    args = parser.parse_args()
    admin, database, instance_database = admin_url(), "gamestats_bench_l2m", "gamestats_bench_l2m_instance"
    pg_url, instance_url = bench_database(admin, database), bench_database(admin, instance_database)
    with tempfile.TemporaryDirectory(prefix="l2m_pipeline_") as data_dir:
        os.environ.update({
            "GAMESTATS_DATA_DIR": data_dir,
            "GAMESTATS_PG_URL": pg_url,
            "GAMESTATS_USERS": str(args.users),
            "GAMESTATS_START_DATE": DAY.isoformat(),
        })
        from gamestats_assets.generator.emitters.l2m import emit_day
        from gamestats_assets.lib.core.settings import Settings

        started = time.perf_counter()
        in_child(emit_day, Settings.from_env().landing_dir("l2m"), DAY, seed=Settings.from_env().seed, n_users=args.users)
        emit_seconds = time.perf_counter() - started
        day_dir = Settings.from_env().landing_dir("l2m") / DAY.isoformat()
        landing_bytes = sum(p.stat().st_size for p in day_dir.iterdir())
        reads = [in_child(plain_read, day_dir)]
        with (project_instance(instance_url) as instance, MachineTimes() as machine, PeakMemory() as memory,
              BackendCpu(database) as backends):
            costs = StepCosts(instance, memory)
            started, cpu_started = time.perf_counter(), tree_cpu_seconds()
            job = in_process_job if args.executor == "in_process" else multiprocess_job
            result = dg.execute_job(dg.reconstructable(job), instance=instance,
                                    tags={"dagster/partition": DAY.isoformat()})
            pipeline_seconds = time.perf_counter() - started
            cpu_ended = tree_cpu_seconds()
        reads.append(in_child(plain_read, day_dir))
        read_seconds, read_cpu_seconds = (sum(read[i] for read in reads) / len(reads) for i in range(2))
        sampling_cpu_seconds = memory.cpu_seconds + backends.cpu_seconds
        pipeline_cpu_seconds = cpu_ended - cpu_started - sampling_cpu_seconds
        with psycopg.connect(os.environ["GAMESTATS_PG_URL"]) as conn:
            active = conn.execute("SELECT count(*) FROM l2m.l2m_active").fetchone()[0]
            economy = conn.execute("SELECT sum(events)::bigint FROM (SELECT events FROM l2m.l2m_item_gain UNION ALL "
                                   "SELECT events FROM l2m.l2m_item_spend UNION ALL SELECT events FROM l2m.l2m_money_gain "
                                   "UNION ALL SELECT events FROM l2m.l2m_money_spend) e").fetchone()[0]
        steps = {e.step_key: round(e.event_specific_data.duration_ms / 1000, 2) for e in result.all_events
                 if e.event_type_value == "STEP_SUCCESS"}
    drop_database(admin, database)
    drop_database(admin, instance_database)
    targets = day_targets(pipeline_seconds, memory.peak_mib, pipeline_cpu_seconds, backends.seconds)
    print(json.dumps({
        "benchmark": "l2m_pipeline",
        "users": args.users,
        "executor": args.executor,
        "success": result.success,
        "active_users_published": active,
        "economy_events": economy,
        "landing_bytes": landing_bytes,
        "seconds_emit_not_counted": round(emit_seconds, 1),
        "seconds_landing_to_postgres": round(pipeline_seconds, 1),
        "cpu_seconds_landing_to_postgres": round(pipeline_cpu_seconds, 1),
        "cpu_seconds_postgres_backends": round(backends.seconds, 1),
        "cpu_seconds_of_sampling": round(sampling_cpu_seconds, 2),
        "seconds_plain_polars_read": round(read_seconds, 1),
        "cpu_seconds_plain_polars_read": round(read_cpu_seconds, 1),
        "plain_reads": [{"when": when, "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1)}
                        for when, (seconds, cpu) in zip(("before the run", "after the run"), reads)],
        "machine_idle_cpu_seconds_during_run": machine.seconds["idle"],
        "machine_iowait_cpu_seconds_during_run": machine.seconds["iowait"],
        "pipeline_to_read_ratio": round(pipeline_seconds / read_seconds, 2),
        "peak_memory_mib": round(memory.peak_mib),
        **targets,
        "floor_to_read_ratio": round(targets["seconds_with_every_core_busy"] / read_seconds, 2),
        "steps": len(steps),
        "seconds_in_steps": round(sum(steps.values()), 1),
        "slowest_steps": dict(sorted(steps.items(), key=lambda kv: -kv[1])),
        "cpu_seconds_by_step": dict(sorted(costs.cpu_seconds.items(), key=lambda kv: -kv[1])),
        "peak_memory_mib_by_step": dict(sorted(costs.peak_mib.items(), key=lambda kv: -kv[1])[:8]),
    }))


if __name__ == "__main__":
    main()
