"""`python bench/smoke.py` as a maintainer runs it: a benchmark that runs and prints its JSON passes, a script it has
no tiny arguments for fails as unlisted, and every benchmark the manual lists has them."""

import importlib.util
import json
import subprocess
import sys

from gamestats_assets.lib.core.settings import PROJECT_ROOT

BENCH = PROJECT_ROOT / "bench"


def smoke(*scripts: str) -> tuple[int, dict]:
    done = subprocess.run([sys.executable, "smoke.py", "--only", *scripts], cwd=BENCH, capture_output=True, text=True,
                          timeout=300)
    return done.returncode, json.loads(done.stdout)


def test_a_benchmark_that_runs_passes_and_an_unlisted_script_fails():
    code, report = smoke("peers/pubg_telemetry.py", "common.py")
    assert code == 1 and report["failed"] == ["common.py"], report
    assert report["results"]["common.py"]["reason"].startswith("unlisted")
    ran = report["results"]["peers/pubg_telemetry.py"]
    assert ran["passed"] and ran["exit_code"] == 0 and ran["json"], ran


def test_every_benchmark_has_its_tiny_arguments():
    spec = importlib.util.spec_from_file_location("bench_smoke", BENCH / "smoke.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.scripts() and set(module.scripts()) == set(module.TINY)
