"""Definitions load: the wall and CPU time a fresh process takes to load the code location (every Dagster run,
worker, sensor tick's code server and CLI call pays it), beside importing Dagster alone in the same run.
Prints one JSON object with the medians of `--runs` fresh processes each and their ratio."""

import argparse
import json
import statistics
import subprocess
import sys

LOAD = """
import resource, time
start = time.perf_counter()
from gamestats_assets.definitions import defs
defs.resolve_asset_graph()
usage = resource.getrusage(resource.RUSAGE_SELF)
print(time.perf_counter() - start, usage.ru_utime + usage.ru_stime)
"""
DAGSTER_ONLY = LOAD.replace("from gamestats_assets.definitions import defs\ndefs.resolve_asset_graph()", "import dagster")


def measure(code: str, runs: int) -> dict[str, float]:
    """Median wall seconds (from the first import) and CPU seconds (the whole process) of `runs` processes."""
    results = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
               for _ in range(runs)]
    return {"wall_s": statistics.median(float(wall) for wall, _ in results),
            "cpu_s": statistics.median(float(cpu) for _, cpu in results)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    project, dagster = measure(LOAD, runs), measure(DAGSTER_ONLY, runs)
    print(json.dumps({"benchmark": "definitions_load", "runs": runs, "gamestats": project, "dagster_import": dagster,
                      "load_to_dagster_import_ratio": round(project["wall_s"] / dagster["wall_s"], 2)}))


if __name__ == "__main__":
    main()
