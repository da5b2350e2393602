"""Every benchmark of `bench/` run once at a tiny size, to show each still runs and prints its JSON: a benchmark reads
the project's tables, queries and declarations directly, so a change to one of them can break a benchmark that no
test runs. Not a measurement: the sizes are the smallest each accepts.

Each script with a `__main__` block must have its arguments in `TINY`; one without fails as unlisted, so that a new
benchmark is smoke-run from its first commit. A script whose optional part is missing (`pyspark` for the Spark peer,
a `chromium` for the pages) is skipped with the reason. Prints one JSON object; exits 1 when any script failed.

    python bench/smoke.py [--only l2m_pipeline.py pubg/history.py]
"""

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import time

from gamestats_assets.manual.benchmarks import BENCH, scripts as benchmark_scripts

TINY = {
    "crawl.py": ["--per-page", "1", "--users", "50", "--rounds", "1", "--matches", "1"],
    "dagster_overhead.py": [],
    "definitions_load.py": ["--runs", "1", "--top", "3"],
    "demo_data_pipeline.py": ["--users", "2000"],
    "generator.py": [],
    "idle_run.py": ["--games", "2", "--runs", "1", "--lake-tables", "3"],
    "l2m_etl_in_duckdb.py": ["--users", "2000"],
    "l2m_farmers.py": ["--users", "2000", "--days", "2"],
    "l2m_pipeline.py": ["--users", "2000"],
    "l2m_transforms.py": ["--users", "2000"],
    "lake_small_files.py": ["--games", "20", "--rows", "10"],
    "new_data.py": ["--domain", "lol", "--games", "20", "--distinct", "10"],
    "pages.py": ["--loads", "2", "--users", "50", "--rounds", "1", "--matches", "1"],
    "publish_throughput.py": ["--rows", "1000", "--rounds", "1"],
    "quiet_dev.py": ["--matches", "0", "--settle", "2", "--seconds", "5"],
    "serve.py": ["--clients", "2", "--requests", "10", "--seconds", "1", "--rounds", "1", "--matches", "1",
                 "--events", "0", "--rocket-player-games", "200", "--rocket-days", "2", "--l2m-days", "2"],
    "suite_cost.py": ["--top", "3", "--", "-n", "0", "gamestats_assets_tests/lib/test_generations.py"],
    "lake/change_records.py": ["--days", "5", "--games", "10", "--rows", "2", "--repeats", "1"],
    "lol/analysis.py": ["--matches", "20", "--chunk", "10"],
    "lol/parse_events.py": ["--matches", "20"],
    "lol/statistics_refresh.py": ["--days", "2", "--games", "20", "--patch-days", "1"],
    "peers/demo_data_duckdb.py": ["--users", "2000"],
    "peers/l2m_duckdb.py": ["--users", "2000"],
    "peers/l2m_spark.py": ["--users", "2000"],
    "peers/lol_duckdb.py": ["--matches", "5"],
    "peers/pubg_telemetry.py": ["--events", "2000", "--rounds", "1"],
    "peers/rocket_subtr_actor.py": [],
    "pubg/backfill.py": ["--matches", "2"],
    "pubg/backfill_vs_live.py": ["--history", "2", "--live", "1", "--interval", "1", "--timeout", "240"],
    "pubg/history.py": ["--matches", "5", "--players", "100", "--per-day", "2", "--tournament", "2", "--rounds", "1"],
    "pubg/match_to_lake.py": ["--matches", "2"],
    "rocket/parse_replays.py": ["--rounds", "1"],
    "rocket/peer_stats_merge.py": ["--days", "2", "--matches", "5", "--players", "50", "--stats", "3", "--rounds", "1"],
    "rocket/pipeline.py": ["--players", "20"],
    "rocket/stream.py": ["--runs", "2"],
    "rocket/uploads.py": ["--replays-count", "3", "--rate", "3600", "--timeout", "240", "--runs-grace", "60"],
    "rocket/viewer_load.py": ["--loads", "1", "--play-seconds", "2"],
}
"""Each benchmark's smallest run, by its path under `bench/`."""

NEEDS = {
    "peers/l2m_spark.py": ("module", "pyspark"),
    "crawl.py": ("program", "chromium"),
    "pages.py": ("program", "chromium"),
    "rocket/viewer_load.py": ("program", "chromium"),
}
"""The optional part a benchmark cannot run without: a Python module (the `bench` extra) or a program."""

TIMEOUT_SECONDS = 600


def scripts() -> list[str]:
    """The benchmarks as the manual lists them (`manual/benchmarks.py`), this one aside."""
    return [str(path.relative_to(BENCH)) for path in benchmark_scripts(BENCH) if path.name != "smoke.py"]


def missing(script: str) -> str | None:
    """What `script` needs and this machine lacks, if anything."""
    kind, name = NEEDS.get(script, (None, None))
    if kind == "module" and importlib.util.find_spec(name) is None:
        return f"the module {name} is not installed (pip install -e '.[bench]')"
    if kind == "program" and shutil.which(name) is None:
        return f"no {name} on PATH"
    return None


def printed_json(stdout: str) -> bool:
    """Whether `stdout` is one JSON object, printed whole or as its last line."""
    for text in (stdout, stdout.strip().rsplit("\n", 1)[-1]):
        try:
            return isinstance(json.loads(text), dict)
        except ValueError:
            continue
    return False


def smoke(script: str) -> dict:
    """`script` run once with its `TINY` arguments from its own folder: its exit code, seconds, whether it printed
    its JSON, and the end of what it wrote to stderr when it failed."""
    if script not in TINY:
        return {"passed": False, "reason": "unlisted: give its smallest arguments in TINY"}
    reason = missing(script)
    if reason:
        return {"passed": None, "reason": reason}
    path = BENCH / script
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, path.name, *TINY[script]], cwd=path.parent, capture_output=True,
                              text=True, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        return {"passed": False, "reason": f"ran longer than {TIMEOUT_SECONDS} s"}
    result = {"exit_code": done.returncode, "seconds": round(time.perf_counter() - started, 1),
              "json": printed_json(done.stdout)}
    result["passed"] = done.returncode == 0 and result["json"]
    if not result["passed"]:
        result["stderr_tail"] = done.stderr.strip().splitlines()[-5:]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", help="these scripts (paths under bench/) alone")
    args = parser.parse_args()
    results = {script: smoke(script) for script in (args.only or scripts())}
    failed = sorted(script for script, result in results.items() if result["passed"] is False)
    print(json.dumps({"benchmark": "smoke", "scripts": len(results), "failed": failed,
                      "skipped": sorted(script for script, result in results.items() if result["passed"] is None),
                      "results": results}))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
