"""The test suite's cost, as the README runs it (`pytest`): its wall seconds, its CPU seconds (those of every process
it waited for), the machine's idle CPU seconds meanwhile, and where the CPU went, by test module and by folder: each
module's CPU seconds in its worker (its tests, their fixtures set up and torn down) and in the processes its worker
started and waited for (`gamestats` commands, daemons, servers, browsers), with its wall seconds; the CPU seconds
outside any test (the workers' start and collection); the slowest test phases (setup, call, teardown), those that
failed, and the modules that could not be collected.

Every worker records the CPU of each test's run (this file is also the pytest plugin, `-p suite_cost`); a fixture
shared by several modules counts where it is first set up, and a process a test starts and leaves to a later one
counts where it is waited for. Processes nobody waits for (the PostgreSQL service's backends) are in no module.
Prints one JSON object.

    python bench/suite_cost.py
    python bench/suite_cost.py --top 40 -- gamestats_assets_tests/serve
"""

import argparse
import collections
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

RECORDS_ENV = "SUITE_COST_RECORDS"
"""The folder each worker writes its modules' costs into, and the controller the phases' durations and failures."""

_modules: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0.0, 0.0, 0])
_phases: list[tuple[float, str, str]] = []
_failed: list[str] = []


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """A test's CPU seconds in this process and in the children it waited for, and its wall seconds, added to its
    module's."""
    own, children, wall = time.process_time(), _children_cpu(), time.perf_counter()
    yield
    module = _modules[item.nodeid.split("::")[0]]
    module[0] += time.process_time() - own
    module[1] += _children_cpu() - children
    module[2] += time.perf_counter() - wall
    module[3] += 1


def pytest_runtest_logreport(report) -> None:
    """Each phase's duration, and the phases that failed (in the controller, where every worker's reports arrive)."""
    _phases.append((report.duration, report.when, report.nodeid))
    if report.failed:
        _failed.append(f"{report.nodeid} ({report.when})")


def pytest_collectreport(report) -> None:
    """A module that could not be collected, listed with the failed phases."""
    if report.failed:
        _failed.append(f"{report.nodeid} (collection)")


def pytest_sessionfinish(session) -> None:
    """What this process recorded, written to the records' folder as `<worker id>.json` (`controller.json`)."""
    folder = os.environ.get(RECORDS_ENV)
    if not folder:
        return
    name = "controller" if not hasattr(session.config, "workerinput") else session.config.workerinput["workerid"]
    Path(folder, f"{name}.json").write_text(json.dumps({"modules": _modules, "phases": _phases, "failed": _failed}))


def tally(folder: Path, top: int) -> dict:
    """The modules' costs the workers recorded in `folder`, summed; the slowest phases and the failed ones."""
    modules: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0.0, 0.0, 0])
    phases, failed = [], []
    for path in folder.glob("*.json"):
        recorded = json.loads(path.read_text())
        for name, figures in recorded["modules"].items():
            modules[name] = [a + b for a, b in zip(modules[name], figures, strict=True)]
        if path.stem == "controller":
            phases, failed = recorded["phases"], recorded["failed"]
    folders: collections.Counter = collections.Counter()
    for name, (own, children, _, _) in modules.items():
        folders[str(Path(name).parent)] += own + children
    ranked = sorted(modules.items(), key=lambda item: -(item[1][0] + item[1][1]))
    return {
        "failed": failed,
        "modules_cpu_s": round(sum(own + children for own, children, _, _ in modules.values()), 1),
        "by_folder_cpu_s": {name: round(cpu, 1) for name, cpu in folders.most_common()},
        "top_modules": [{"module": name, "cpu_s_in_worker": round(own, 1), "cpu_s_in_children": round(children, 1),
                         "wall_s": round(wall, 1), "tests": int(tests)}
                        for name, (own, children, wall, tests) in ranked[:top]],
        "slowest_phases": [{"seconds": round(seconds, 1), "phase": when, "test": nodeid}
                           for seconds, when, nodeid in sorted(phases, reverse=True)[:top]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=25, help="modules and phases listed")
    parser.add_argument("pytest_args", nargs="*", help="after `--`: what pytest runs (default: the whole suite)")
    args = parser.parse_args()
    from common import MachineTimes  # here, not above: pytest loads this file as its plugin before the tests' setup

    bench = Path(__file__).resolve().parent
    with tempfile.TemporaryDirectory(prefix="suite_cost_") as records:
        env = {**os.environ, RECORDS_ENV: records,
               "PYTHONPATH": os.pathsep.join(filter(None, [str(bench), os.environ.get("PYTHONPATH")]))}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        with MachineTimes() as machine:
            finished = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "suite_cost", *args.pytest_args],
                                      cwd=bench.parent, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        summary = finished.stdout.strip().splitlines()[-1] if finished.stdout.strip() else finished.stderr[-500:]
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        costs = tally(Path(records), args.top)
        print(json.dumps({
            "benchmark": "suite_cost",
            "pytest_args": args.pytest_args,
            "exit_code": finished.returncode,
            "summary": summary,
            "wall_s": round(wall, 1),
            "cpu_s_user": round(after.ru_utime - before.ru_utime, 1),
            "cpu_s_system": round(after.ru_stime - before.ru_stime, 1),
            "machine_idle_cpu_s": machine.seconds["idle"],
            "cores": len(os.sched_getaffinity(0)),
            "cpu_s_outside_tests": round(cpu - costs["modules_cpu_s"], 1),
            **costs,
            "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        }, indent=2))


if __name__ == "__main__":
    main()
