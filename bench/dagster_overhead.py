"""Dagster overhead: wall time to materialize one partition of a 20-asset no-op graph.

Measured in-process (`execute_in_process`) and with the multiprocess executor (`execute_job` on a
persistent temporary instance), the median of a few runs each. Prints one JSON object.
"""

import json
import statistics
import time

import dagster as dg

PARTITIONS = dg.DailyPartitionsDefinition(start_date="2026-01-01")
WIDTH = 4


def noop_asset(index: int) -> dg.AssetsDefinition:
    """Asset `n<index>`, depending on the asset one layer up in a 5 × 4 grid; it does nothing."""
    deps = [f"n{index - WIDTH}"] if index >= WIDTH else []

    @dg.asset(name=f"n{index}", deps=deps, partitions_def=PARTITIONS)
    def _noop() -> None:
        return None

    return _noop


ASSETS = [noop_asset(i) for i in range(20)]
in_process_job = dg.define_asset_job("noop_in_process", partitions_def=PARTITIONS, executor_def=dg.in_process_executor)
multiprocess_jobs = {
    start_method: dg.define_asset_job(
        f"noop_multiprocess_{start_method}",
        partitions_def=PARTITIONS,
        executor_def=dg.multiprocess_executor.configured(
            {"max_concurrent": 2, "start_method": {start_method: {}}}
        ),
    )
    for start_method in ("spawn", "forkserver")
}
defs = dg.Definitions(assets=ASSETS, jobs=[in_process_job, *multiprocess_jobs.values()])


def timed(run) -> float:
    started = time.perf_counter()
    assert run().success
    return time.perf_counter() - started


def main() -> None:
    in_process = defs.resolve_job_def("noop_in_process")
    results = {"benchmark": "dagster_overhead", "assets": len(ASSETS)}
    with dg.instance_for_test() as instance:
        runs = [timed(lambda: in_process.execute_in_process(partition_key="2026-01-02", instance=instance))
                for _ in range(3)]
        results["in_process_seconds_median"] = round(statistics.median(runs), 2)
        for start_method in multiprocess_jobs:
            job = dg.reconstructable(spawn_job if start_method == "spawn" else forkserver_job)
            runs = [timed(lambda: dg.execute_job(job, instance=instance, tags={"dagster/partition": "2026-01-02"}))
                    for _ in range(3)]
            results[f"multiprocess_{start_method}_seconds_median"] = round(statistics.median(runs), 2)
    print(json.dumps(results))


def spawn_job() -> dg.JobDefinition:
    return defs.resolve_job_def("noop_multiprocess_spawn")


def forkserver_job() -> dg.JobDefinition:
    return defs.resolve_job_def("noop_multiprocess_forkserver")


if __name__ == "__main__":
    main()
