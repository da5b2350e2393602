"""Definitions load: the wall and CPU time a fresh process takes to load the code location (every Dagster run,
worker, sensor tick's code server and CLI call pays it), beside importing Dagster alone in the same run.
Prints one JSON object with the medians of `--runs` fresh processes each and their ratio, the definitions' assets,
and what one more process's `python -X importtime` says: the `--top` packages whose import took longest (each with
the module that first imported it), the project's slowest modules, and which heavy libraries
(`HEAVY`) the import brought in."""

import argparse
import json
import re
import statistics
import subprocess
import sys

LOAD = """
import resource, time
start = time.perf_counter()
from gamestats_assets.definitions import defs
assets = len(defs.resolve_asset_graph().get_all_asset_keys())
usage = resource.getrusage(resource.RUSAGE_SELF)
print(time.perf_counter() - start, usage.ru_utime + usage.ru_stime, assets)
"""
DAGSTER_ONLY = LOAD.replace("from gamestats_assets.definitions import defs\nassets = len(defs.resolve_asset_graph()"
                            ".get_all_asset_keys())", "import dagster\nassets = 0")
HEAVY = ("scipy", "statsmodels", "networkx", "sklearn")
"""Libraries no step needs before it runs, slow to import: the definitions must not import them."""
PROJECT = "gamestats_assets"
IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def import_tree(stderr: str) -> list[tuple[str, int, int]]:
    """`-X importtime`'s lines as (module, cumulative microseconds, depth), each module after those it imported."""
    return [(match[4], int(match[2]), len(match[3]) // 2) for match in map(IMPORT_LINE.match, stderr.splitlines())
            if match]


def importers(tree: list[tuple[str, int, int]]) -> list[str | None]:
    """The module that imported each of `tree`'s, None for those imported at the top."""
    found: list[str | None] = [None] * len(tree)
    waiting: dict[int, list[int]] = {}
    for index, (module, _, depth) in enumerate(tree):
        for child in waiting.pop(depth + 1, []):
            found[child] = module
        waiting.setdefault(depth, []).append(index)
    return found


def import_profile(top: int) -> dict:
    """What one `python -X importtime` process importing the definitions says (see the module's docstring)."""
    stderr = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {PROJECT}.definitions"],
                            capture_output=True, text=True, check=True).stderr
    tree = import_tree(stderr)
    packages: dict[str, dict] = {}
    for (module, cumulative, _), importer in zip(tree, importers(tree)):
        package = module.split(".")[0]
        if package != PROJECT and importer is not None and importer.split(".")[0] != package:
            entry = packages.setdefault(package, {"package": package, "seconds": 0.0, "first_imported_by": importer})
            entry["seconds"] += cumulative / 1e6
    slowest = sorted(packages.values(), key=lambda entry: -entry["seconds"])[:top]
    own = sorted(((module, cumulative) for module, cumulative, _ in tree if module.startswith(f"{PROJECT}.")),
                 key=lambda item: -item[1])[:top]
    return {"total_s": round(sum(cumulative for _, cumulative, depth in tree if depth == 0) / 1e6, 3),
            "slowest_packages": [{**entry, "seconds": round(entry["seconds"], 3)} for entry in slowest],
            "slowest_project_modules": [{"module": module, "seconds": round(cumulative / 1e6, 3)}
                                        for module, cumulative in own],
            "heavy_imported": sorted({module.split(".")[0] for module, _, _ in tree} & set(HEAVY))}


def measure(code: str, runs: int) -> dict[str, float]:
    """Median wall seconds (from the first import) and CPU seconds (the whole process) of `runs` processes."""
    results = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
               for _ in range(runs)]
    return {"wall_s": statistics.median(float(wall) for wall, _, _ in results),
            "cpu_s": statistics.median(float(cpu) for _, cpu, _ in results),
            "assets": int(results[0][2])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=12, help="packages and project modules listed by import time")
    args = parser.parse_args()
    project, dagster = measure(LOAD, args.runs), measure(DAGSTER_ONLY, args.runs)
    dagster.pop("assets")
    print(json.dumps({"benchmark": "definitions_load", "runs": args.runs, "gamestats": project,
                      "dagster_import": dagster,
                      "load_to_dagster_import_ratio": round(project["wall_s"] / dagster["wall_s"], 2),
                      "import_time": import_profile(args.top)}))


if __name__ == "__main__":
    main()
