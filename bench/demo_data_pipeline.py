"""demo_data end to end: one synthetic day at scale, landing → ETL → CONS → PostgreSQL, through Dagster.

First, not timed and in a child process (so that the memory it took is not counted in the run's peak): the
taxonomy's rules and the population (`demo_data/reference/*`) are materialized and the day's landing file is emitted
by the landing asset. Then the `demo_data_daily` selection runs for that day on a temporary instance stored in
PostgreSQL as the project's is (`dagster.yaml`, in a database of its own), with the in-process executor (default) or
the project's multiprocess one, publishing into a fresh PostgreSQL database; its checks run as in production. Peak
memory is the largest sum of RSS over this process and all its descendants, sampled every 100 ms; CPU seconds are
this process tree's (user + system) during the run, less the sampling threads' own (`cpu_seconds_of_sampling`), and
separately those of the PostgreSQL backends serving the benchmark's database (sampled, so a backend's last 100 ms
may be missed). In process, each step's CPU seconds and the peak memory while it ran are reported too (the machine
is shared: CPU seconds vary less than wall times). The landing file is written to disk before the run starts, and
the machine's idle and I/O-wait CPU seconds during the run are reported (they tell a run slowed by the disk or by
other work from a slow pipeline). The targets (under 30 s, under 2 GiB) are reported met or not, beside
`seconds_with_every_core_busy`: the run's CPU seconds, its PostgreSQL backends' included, over the cores.

The reference read is one plain polars read of the same landing files with the explicit schema the
ThinkingData reader parses demo_data lines with: the root keys it reads as text and `properties` as the
object's JSON text, `pl.scan_ndjson(files, schema={**{root: pl.String for root in
LineSchema(property_types(rules), raw_properties=True).read_roots}, "properties": pl.String}).collect()`,
timed right after the pipeline in this process. `pipeline_to_read_ratio` is the pipeline's seconds over
that read's.

PostgreSQL's own part is measured after the run on the same rows: the day's `demo_data/cons/events` rows,
binary-encoded beforehand, taken by one plain `COPY` into an unindexed, unpartitioned table shaped like
`demo_data.events` (`seconds_raw_copy_of_published_rows`, and the server backend's CPU seconds), and
again with `properties` as `text` instead of `jsonb` (the difference is the server parsing the JSON), and
over as many connections at once as the publish loads a large day over (`GAMESTATS_PUBLISH_CONNECTIONS`), each
taking an equal share of the rows (`seconds_raw_copy_over_publish_connections`).
Prints one JSON object.

    python bench/demo_data_pipeline.py --users 100000
PostgreSQL: GAMESTATS_PG_URL (an admin URL), else the service on 127.0.0.1:5432, else the embedded server.
"""

import argparse
import datetime as dt
import json
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import dagster as dg
import polars as pl
import psutil
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
ANCHOR = DAY - dt.timedelta(days=7)
"""The population is defined a week before the measured day, so the day has returning users as well as new ones."""


def emit_job() -> dg.JobDefinition:
    """The rules, the population and the day's landing file."""
    from gamestats_assets.defs.demo_data.assets import event_logs, event_rules, users

    return selection_job("demo_data_emit", [event_rules.key, users.key, event_logs.key])


def emit(instance_url: str) -> None:
    """Run `emit_job` for `DAY` on the instance stored at `instance_url`; raises when it fails."""
    with project_instance(instance_url) as instance:
        if not dg.execute_job(dg.reconstructable(emit_job), instance=instance,
                              tags={"dagster/partition": DAY.isoformat()}).success:
            raise RuntimeError("emitting the demo_data day failed")


def daily_keys():
    from gamestats_assets.definitions import defs

    return defs.resolve_job_def("demo_data_daily").asset_layer.selected_asset_keys


def in_process_job() -> dg.JobDefinition:
    """The project's demo_data daily selection, its steps in this process."""
    return selection_job("demo_data_bench", daily_keys())


def multiprocess_job() -> dg.JobDefinition:
    """The project's demo_data daily selection, a process per step (the project's multiprocess executor)."""
    from gamestats_assets.definitions import EXECUTORS

    return selection_job("demo_data_bench", daily_keys(), EXECUTORS["multiprocess"])


def reference_read_seconds(files, schema: dict) -> tuple[float, int]:
    """Seconds of one plain polars read of `files` with `schema`, and the rows read."""
    started = time.perf_counter()
    rows = pl.scan_ndjson(files, schema=schema).collect().height
    return time.perf_counter() - started, rows


def raw_copy(pg_url: str, frame: pl.DataFrame, properties_type: str, connections: int = 1) -> tuple[float, float]:
    """(seconds, CPU seconds of the server's backends) for a plain binary COPY of `frame`, encoded beforehand,
    into an unindexed, unpartitioned table shaped like `demo_data.events` whose `properties` is
    `properties_type`, in one transaction; over `connections` at once, each taking an equal share of the rows
    into a table of its own."""
    from gamestats_assets.lib.publish import copy_encoding
    from gamestats_assets.lib.publish.copying import column_types

    conns = [psycopg.connect(pg_url) for _ in range(connections)]
    tables = [f"public.raw_copy_{i}" for i in range(connections)]
    backends = [psutil.Process(conn.execute("SELECT pg_backend_pid()").fetchone()[0]) for conn in conns]
    shares = [frame.slice(i * -(-frame.height // connections), -(-frame.height // connections))
              for i in range(connections)]
    payloads = []
    for conn, table, share in zip(conns, tables, shares):
        conn.execute(f"CREATE TABLE {table} (LIKE demo_data.events)")
        conn.execute(f"ALTER TABLE {table} ALTER COLUMN properties TYPE {properties_type}")
        payload = copy_encoding.encode(share, column_types(conn, table))
        payloads.append((payload.format, [bytes(chunk) for chunk in payload.chunks]))
        conn.commit()

    def load(conn, table, payload) -> None:
        with conn.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(frame.columns)}) FROM STDIN "
                                                  f"(FORMAT {payload[0]})") as copy:
            for chunk in payload[1]:
                copy.write(chunk)
        conn.commit()

    cpu, started = sum(sum(b.cpu_times()[:2]) for b in backends), time.perf_counter()
    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(load, conns, tables, payloads))
    seconds, cpu = time.perf_counter() - started, sum(sum(b.cpu_times()[:2]) for b in backends) - cpu
    for conn, table in zip(conns, tables):
        conn.execute(f"DROP TABLE {table}")
        conn.commit()
        conn.close()
    return seconds, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--executor", choices=["in_process", "multiprocess"], default="in_process")
    args = parser.parse_args()
    admin, database, instance_database = admin_url(), "gamestats_bench_demo_data", "gamestats_bench_demo_data_instance"
    pg_url, instance_url = bench_database(admin, database), bench_database(admin, instance_database)
    with tempfile.TemporaryDirectory(prefix="demo_data_pipeline_") as data_dir:
        os.environ.update({
            "GAMESTATS_DATA_DIR": data_dir,
            "GAMESTATS_PG_URL": pg_url,
            "GAMESTATS_USERS": str(args.users),
            "GAMESTATS_START_DATE": ANCHOR.isoformat(),
            "GAMESTATS_ANCHOR_DATE": ANCHOR.isoformat(),
            "GAMESTATS_SOURCE": "synthetic",
        })
        from gamestats_assets.defs.demo_data.assets import DOMAIN, day_files, rules_of
        from gamestats_assets.sources.taxonomy.log_format import property_types
        from gamestats_assets.lib.core.settings import Settings
        from gamestats_assets.sources.thinkingdata import LineSchema

        partition = {"dagster/partition": DAY.isoformat()}
        with project_instance(instance_url) as instance:
            started = time.perf_counter()
            in_child(emit, instance_url)
            emit_seconds = time.perf_counter() - started
            files = day_files(Settings.from_env().landing_dir(DOMAIN) / DAY.isoformat())
            landing_bytes = sum(f.stat().st_size for f in files)
            cpu_before = tree_cpu_seconds()
            with MachineTimes() as machine, PeakMemory() as memory, BackendCpu(database) as backends:
                costs = StepCosts(instance, memory)
                started = time.perf_counter()
                job = in_process_job if args.executor == "in_process" else multiprocess_job
                result = dg.execute_job(dg.reconstructable(job), instance=instance, tags=partition)
                pipeline_seconds = time.perf_counter() - started
            sampling_cpu_seconds = memory.cpu_seconds + backends.cpu_seconds
            cpu_seconds = tree_cpu_seconds() - cpu_before - sampling_cpu_seconds
            failed_checks = sorted(
                f"{e.event_specific_data.asset_key.to_user_string()}:{e.event_specific_data.check_name}"
                for e in result.all_events
                if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.event_specific_data.passed
            )
            steps = {e.step_key: round(e.event_specific_data.duration_ms / 1000, 2) for e in result.all_events
                     if e.event_type_value == "STEP_SUCCESS"}
        rules = rules_of(pl.read_delta(f"{Settings.from_env().lake_uri}/demo_data/reference/event_rules"))
        roots = LineSchema(property_types(rules), raw_properties=True).read_roots
        read_seconds, read_rows = reference_read_seconds(
            files, {**{root: pl.String() for root in roots}, "properties": pl.String()})
        with psycopg.connect(pg_url) as conn:
            published = conn.execute("SELECT count(*) FROM demo_data.events WHERE date = %s", (DAY,)).fetchone()[0]
        day_rows = pl.scan_delta(f"{Settings.from_env().lake_uri}/demo_data/cons/events").filter(pl.col("date") == DAY).collect()
        copy_jsonb = raw_copy(pg_url, day_rows, "jsonb")
        copy_text = raw_copy(pg_url, day_rows, "text")
        connections = Settings.from_env().publish_connections
        copy_jsonb_connections = raw_copy(pg_url, day_rows, "jsonb", connections)
        del day_rows
    drop_database(admin, database)
    drop_database(admin, instance_database)
    print(json.dumps({
        "benchmark": "demo_data_pipeline",
        "users": args.users,
        "executor": args.executor,
        "day": DAY.isoformat(),
        "success": result.success,
        "failed_checks": failed_checks,
        "events": read_rows,
        "events_published": published,
        "landing_bytes": landing_bytes,
        "seconds_emit_not_counted": round(emit_seconds, 1),
        "seconds_landing_to_postgres": round(pipeline_seconds, 1),
        "cpu_seconds_process_tree": round(cpu_seconds, 1),
        "cpu_seconds_postgres_backends": round(backends.seconds, 1),
        "cpu_seconds_of_sampling": round(sampling_cpu_seconds, 2),
        "peak_memory_mib": round(memory.peak_mib),
        **day_targets(pipeline_seconds, memory.peak_mib, cpu_seconds, backends.seconds),
        "machine_idle_cpu_seconds_during_run": machine.seconds["idle"],
        "machine_iowait_cpu_seconds_during_run": machine.seconds["iowait"],
        "seconds_raw_copy_of_published_rows": round(copy_jsonb[0], 1),
        "cpu_seconds_postgres_raw_copy": round(copy_jsonb[1], 1),
        "publish_connections": connections,
        "seconds_raw_copy_over_publish_connections": round(copy_jsonb_connections[0], 1),
        "seconds_raw_copy_properties_as_text": round(copy_text[0], 1),
        "cpu_seconds_postgres_raw_copy_properties_as_text": round(copy_text[1], 1),
        "seconds_reference_read": round(read_seconds, 2),
        "pipeline_to_read_ratio": round(pipeline_seconds / read_seconds, 1),
        "slowest_steps": dict(sorted(steps.items(), key=lambda kv: -kv[1])[:8]),
        "cpu_seconds_by_step": dict(sorted(costs.cpu_seconds.items(), key=lambda kv: -kv[1])[:8]),
        "peak_memory_mib_by_step": dict(sorted(costs.peak_mib.items(), key=lambda kv: -kv[1])[:8]),
    }))


if __name__ == "__main__":
    main()
