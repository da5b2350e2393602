"""A demo_data day's files parsed once, run through Dagster: a synthetic day, then exports dropped in, changed and
removed; each rerun parses only the files new or changed since the day's last run (and those whose records they
repeat or contradict), and `etl/events`, its rejected lines and read counts equal a run from scratch over the same
files (a fresh data folder)."""

import functools
import json
import shutil
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from gamestats_assets.definitions import build_definitions
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets_tests.runs import execute_assets

pytestmark = pytest.mark.long

DAY = "2026-03-02"
EVENTS = dg.AssetKey(["demo_data", "etl", "events"])
REFERENCE = [dg.AssetKey(["demo_data", "reference", name]) for name in ("event_rules", "users")]
LANDING = dg.AssetKey(["demo_data", "landing", "event_logs"])


@pytest.fixture
def demo_env(platform_env, monkeypatch):
    monkeypatch.setenv("GAMESTATS_USERS", "150")
    monkeypatch.setenv("GAMESTATS_ANCHOR_DATE", DAY)
    return monkeypatch


@functools.cache
def dagster_of(data_dir: Path) -> tuple[dg.JobDefinition, dg.DagsterInstance]:
    """The asset job of the definitions over `data_dir` (the data folder the settings name when first asked) and
    the instance that runs it: one of each a data folder, as a user's has."""
    return build_definitions(Settings.from_env()).resolve_implicit_global_asset_job_def(), dg.DagsterInstance.ephemeral()


def run(data_dir: Path, env: pytest.MonkeyPatch, *, land: bool = True) -> tuple[dict[str, int], dict[str, bool]]:
    """The day landed (unless not `land`) and its `etl/events` materialized over `data_dir`, after the reference
    tables it reads when the data folder has none yet (a user reruns a day, not its reference): the run's file
    counts (parsed, reused ...) and whether each check of the table passed."""
    env.setenv("GAMESTATS_DATA_DIR", str(data_dir))
    job, instance = dagster_of(data_dir)
    if not (data_dir / "lake" / "demo_data" / "reference").is_dir():
        assert execute_assets(job, asset_selection=REFERENCE, instance=instance).success
    result = execute_assets(job, asset_selection=[*([LANDING] if land else []), EVENTS], partition_key=DAY,
                            instance=instance, raise_on_error=False)
    [materialization] = [m for m in result.asset_materializations_for_node("demo_data__etl__events")]
    checks = {event.asset_check_evaluation_data.asset_check_key.name: event.asset_check_evaluation_data.passed
              for event in result.all_events if event.event_type_value == "ASSET_CHECK_EVALUATION"
              and event.asset_check_evaluation_data.asset_check_key.asset_key == EVENTS}
    return {k: v.value for k, v in materialization.metadata.items() if k.startswith("files_")}, checks


def state(data_dir: Path) -> tuple[pl.DataFrame, list, dict]:
    """The day's `etl/events` rows (sorted), its rejected lines and its read counts."""
    rows = pl.read_delta(str(data_dir / "lake" / "demo_data" / "etl" / "events"))
    rows = rows.filter(pl.col("date") == pl.lit(DAY).str.to_date())
    quarantine = data_dir / "quarantine" / "demo_data" / DAY
    rejects = quarantine / "events.rejects.jsonl"
    return (rows.sort(rows.columns, nulls_last=True),
            [json.loads(line) for line in rejects.read_text().splitlines()] if rejects.exists() else [],
            json.loads((quarantine / "events.read.json").read_text()))


def assert_as_from_scratch(data_dir: Path, checks: dict[str, bool], env: pytest.MonkeyPatch, scratch: Path) -> None:
    """`data_dir`'s `etl/events` of the day (whose run's `checks` passed or failed) equals a run over a copy of its
    landing files in the fresh data folder `scratch`, given the same reference tables."""
    for folder in (Path("landing") / "demo_data" / DAY, Path("lake") / "demo_data" / "reference"):
        shutil.copytree(data_dir / folder, scratch / folder)
    _, from_scratch_checks = run(scratch, env, land=False)
    assert checks == from_scratch_checks
    incremental, from_scratch = state(data_dir), state(scratch)
    assert_frame_equal(incremental[0], from_scratch[0])
    assert incremental[1:] == from_scratch[1:]


def record(i: int, **changes) -> dict:
    return {"#type": "track", "#account_id": f"p{i % 7}", "#time": f"{DAY} 10:{i % 60:02d}:00.000",
            "#event_name": "login", "#uuid": f"u-{i}", "properties": {"#os": "iOS", "level": i % 30 + 1}, **changes}


def write(path: Path, records: list[dict | str]) -> None:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records))


def test_a_day_s_files_are_parsed_once_and_the_etl_equals_a_run_from_scratch(demo_env, tmp_path):
    data_dir = tmp_path / "data"
    folder = data_dir / "landing" / "demo_data" / DAY
    synthetic, _ = run(data_dir, demo_env)
    assert [p.name for p in folder.iterdir()] == ["synthetic-20260302.jsonl"]
    assert synthetic == {"files_parsed": 1, "files_reused": 0, "files_removed": 0, "files_quarantined": 0}
    rerun, checks = run(data_dir, demo_env)
    assert rerun == {"files_parsed": 0, "files_reused": 1, "files_removed": 0, "files_quarantined": 0}
    assert_as_from_scratch(data_dir, checks, demo_env, tmp_path / "scratch_synthetic")

    write(folder / "export_a.jsonl", [record(i) for i in range(300)] + ["{broken json"])
    dropped_in, checks = run(data_dir, demo_env)
    assert dropped_in == {"files_parsed": 1, "files_reused": 0, "files_removed": 1, "files_quarantined": 0}
    assert_as_from_scratch(data_dir, checks, demo_env, tmp_path / "scratch_dropped_in")

    write(folder / "export_c.jsonl", [record(i) for i in range(1000, 1200)])
    added, checks = run(data_dir, demo_env)
    assert added == {"files_parsed": 1, "files_reused": 1, "files_removed": 0, "files_quarantined": 0}
    assert_as_from_scratch(data_dir, checks, demo_env, tmp_path / "scratch_added")

    repeating = [record(i) for i in range(3)] + [record(3, properties={"#os": "Android", "level": 9})]
    write(folder / "export_b.jsonl", repeating + [record(i) for i in range(500, 520)])
    entangled, checks = run(data_dir, demo_env)
    assert entangled == {"files_parsed": 2, "files_reused": 1, "files_removed": 0, "files_quarantined": 0}
    assert_as_from_scratch(data_dir, checks, demo_env, tmp_path / "scratch_entangled")
    rejects = state(data_dir)[1]
    assert {r["source"] for r in rejects if "conflict" in r["reason"]} == {"export_a.jsonl", "export_b.jsonl"}

    write(folder / "export_c.jsonl", [record(i, **({"#event_name": "logout"} if i == 1100 else {}))
                                      for i in range(1000, 1190)])
    changed, checks = run(data_dir, demo_env)
    assert changed == {"files_parsed": 1, "files_reused": 2, "files_removed": 0, "files_quarantined": 0}
    assert_as_from_scratch(data_dir, checks, demo_env, tmp_path / "scratch_changed")

    (folder / "export_b.jsonl").unlink()
    removed, checks = run(data_dir, demo_env)
    assert removed == {"files_parsed": 1, "files_reused": 1, "files_removed": 1, "files_quarantined": 0}
    assert_as_from_scratch(data_dir, checks, demo_env, tmp_path / "scratch_removed")
    assert [r["line"] for r in state(data_dir)[1]] == [301]
