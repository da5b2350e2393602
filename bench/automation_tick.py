"""The snapshot automation's background cost: what one tick of `gamestats_automation` (the daemon's evaluation of every
snapshot's automation condition, `definitions.snapshot_automation`) costs as the number of PUBG matches grows.

On a Dagster instance stored in PostgreSQL as the project's is (`dagster.yaml`, a database of its own), `--matches`
match ids are added to the dynamic partitions of every match-partitioned asset, nothing materialized, and `--ticks`
ticks are evaluated one after the other, each from the cursor of the one before, as the daemon evaluates them every
`minimum_interval_seconds`. Prints one JSON object: for each number of matches the CPU seconds of this process per tick
(median, and every tick; the sampling thread's own CPU taken out), those of the database's PostgreSQL backends, the
wall seconds, the share of one core the sensor takes at its interval, and how often a tick asked for the keys of the
dynamic partitions.

    python bench/automation_tick.py --matches 0 2000 10000
PostgreSQL: GAMESTATS_PG_URL (an admin URL), else the service on 127.0.0.1:5432, else the embedded server.
"""

import argparse
import json
import statistics
import time
from collections import Counter

import dagster as dg
from common import BackendCpu, admin_url, bench_database, drop_database, project_instance

DATABASE = "gamestats_bench_automation_tick"
"""The prefix of the databases, one for each number of matches (a process prepares Dagster's tables once per URL)."""


def dynamic_partition_names(defs: dg.Definitions) -> list[str]:
    """The names of the dynamic partitions the project's assets are partitioned by, directly or in a dimension."""
    names = set()
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        partitions = graph.get(key).partitions_def
        dimensions = ([d.partitions_def for d in partitions.partitions_defs]
                      if isinstance(partitions, dg.MultiPartitionsDefinition) else [partitions])
        names |= {d.name for d in dimensions if isinstance(d, dg.DynamicPartitionsDefinition)}
    return sorted(names)


def counted_asks(instance: dg.DagsterInstance) -> Counter:
    """Counts the event log's answers of the keys of dynamic partitions (`get_dynamic_partitions`)."""
    storage, asks = instance.event_log_storage, Counter()
    answer = storage.get_dynamic_partitions

    def counted(name: str):
        asks[name] += 1
        return answer(name)

    storage.get_dynamic_partitions = counted
    return asks


def ticks(matches: int, count: int, admin: str) -> dict:
    from gamestats_assets.definitions import AUTOMATION_SENSOR, defs

    database = f"{DATABASE}_{matches}"
    url = bench_database(admin, database)
    try:
        with project_instance(url) as instance:
            names = dynamic_partition_names(defs)
            for name in names:
                instance.add_dynamic_partitions(name, [f"bench-match-{i:06d}" for i in range(matches)])
            asks = counted_asks(instance)
            cursor, cpu, wall = None, [], []
            with BackendCpu(database) as backends:
                for _ in range(count):
                    started_cpu, started = time.process_time(), time.perf_counter()
                    cursor = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=cursor).cursor
                    cpu.append(time.process_time() - started_cpu)
                    wall.append(round(time.perf_counter() - started, 3))
            cpu = [round(seconds - backends.cpu_seconds / count, 3) for seconds in cpu]
    finally:
        drop_database(admin, database)
    median = statistics.median(cpu)
    return {"matches": matches, "dynamic_partitions": names, "cpu_seconds_per_tick": median,
            "cpu_seconds_by_tick": cpu, "wall_seconds_by_tick": wall,
            "interval_seconds": AUTOMATION_SENSOR.minimum_interval_seconds,
            "share_of_a_core": round(median / AUTOMATION_SENSOR.minimum_interval_seconds, 3),
            "postgres_backend_cpu_seconds_per_tick": round(backends.seconds / count, 3),
            "key_asks_per_tick": sum(asks.values()) / count}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--matches", type=int, nargs="+", default=[0, 2000, 10000])
    parser.add_argument("--ticks", type=int, default=4)
    args = parser.parse_args()
    admin = admin_url()
    print(json.dumps({"benchmark": "automation_tick",
                      "runs": [ticks(matches, args.ticks, admin) for matches in args.matches]}, indent=2))


if __name__ == "__main__":
    main()
