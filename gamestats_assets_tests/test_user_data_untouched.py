"""The suite never reads or writes the user's data folder: run in a folder whose `data/` holds a later history of
real files (a `settings.json` a demo or an operator left) and with settings exported in the shell, the tests give
the same result as on a clean clone and leave that folder as it was."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPOSITORY = Path(__file__).resolve().parents[1]
DAY_BOUND = "gamestats_assets_tests/test_definitions.py"
"""Tests that materialize a day in 2026: they fail when the daily partitions start at the user's later date."""


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_the_suite_ignores_the_users_data_folder_and_exported_settings(tmp_path):
    data = tmp_path / "data"
    (data / "landing" / "l2m" / "2031-01-01").mkdir(parents=True)
    (data / "landing" / "l2m" / "2031-01-01" / "login.jsonl").write_text('{"#type": "track"}\n')
    (data / "settings.json").write_text(json.dumps({"GAMESTATS_START_DATE": "2031-01-01",
                                                    "GAMESTATS_ANCHOR_DATE": "2031-01-01",
                                                    "GAMESTATS_SOURCE": "files"}))
    before = snapshot(data)
    shell = {**os.environ, "GAMESTATS_DATA_DIR": str(data), "GAMESTATS_START_DATE": "2031-01-01",
             "GAMESTATS_SOURCE": "files", "GAMESTATS_PG_URL": "postgresql://nobody@127.0.0.1:1/none",
             "DAGSTER_HOME": str(data / "dagster")}

    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(REPOSITORY / DAY_BOUND), "-n", "0", "-q", "-p", "no:cacheprovider",
         "--rootdir", str(REPOSITORY)],
        cwd=tmp_path, env=shell, capture_output=True, text=True, timeout=600)

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert snapshot(data) == before
    assert not (data / "postgres").exists() and not (data / "dagster").exists()
