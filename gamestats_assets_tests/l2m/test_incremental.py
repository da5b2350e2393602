"""A day of L2M files parsed once, run through Dagster: each rerun of the ETL parses only the files new or changed
since the day's last run, and after every arrival, change and removal each ETL table, its rejected lines and its
read counts equal a run from scratch over the same files (a fresh data folder)."""

import datetime as dt
import json
import shutil
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from gamestats_assets.definitions import build_definitions
from gamestats_assets.defs.l2m.tables import ETL_TABLES
from gamestats_assets.generator.emitters.l2m import emit_day
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.sources.l2m import TRUTH_FILE
from gamestats_assets_tests.runs import execute_assets

DAY = dt.date(2026, 5, 1)
NAMES = [table.name for table in ETL_TABLES]


@pytest.fixture
def l2m_env(migrated_pg_url, monkeypatch):
    for name, value in {"GAMESTATS_PG_URL": migrated_pg_url, "GAMESTATS_USERS": "300",
                        "GAMESTATS_START_DATE": DAY.isoformat(), "GAMESTATS_SOURCE": "files"}.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def run_etl(data_dir: Path, env: pytest.MonkeyPatch) -> tuple[dict[str, dict[str, int]], dict[str, bool]]:
    """The day's ETL tables materialized over `data_dir`: each table's run metadata (files parsed, reused ...), and
    whether each of their checks passed (a blocking one fails the run, when few lines are read and some rejected)."""
    env.setenv("GAMESTATS_DATA_DIR", str(data_dir))
    defs = build_definitions(Settings.from_env())
    result = execute_assets(defs.resolve_implicit_global_asset_job_def(),
        asset_selection=[dg.AssetKey(["l2m", "etl", name]) for name in NAMES], partition_key=DAY.isoformat(),
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    metadata = {name: {key: value.value for key, value in
                       result.asset_materializations_for_node(f"l2m__etl__{name}")[0].metadata.items()
                       if key.startswith("files_")} for name in NAMES}
    checks = {check.asset_check_key.to_user_string(): check.passed for check in
              (event.asset_check_evaluation_data for event in result.all_events
               if event.event_type_value == "ASSET_CHECK_EVALUATION")}
    return metadata, checks


def state(data_dir: Path) -> dict[str, tuple[pl.DataFrame, list, dict]]:
    """Each ETL table's rows of the day (sorted), its rejected lines and its read counts."""
    quarantine = data_dir / "quarantine" / "l2m" / DAY.isoformat()
    tables = {}
    for name in NAMES:
        rows = pl.read_delta(str(data_dir / "lake" / "l2m" / "etl" / name)).filter(pl.col("date") == DAY)
        rejects = quarantine / f"{name}.rejects.jsonl"
        tables[name] = (rows.sort(rows.columns, nulls_last=True),
                        [json.loads(line) for line in rejects.read_text().splitlines()] if rejects.exists() else [],
                        json.loads((quarantine / f"{name}.read.json").read_text()))
    return tables


def assert_as_from_scratch(data_dir: Path, checks: dict[str, bool], env: pytest.MonkeyPatch, scratch: Path) -> None:
    """`data_dir`'s ETL of the day (whose run's `checks` passed or failed) equals a run over a copy of its landing
    files in the fresh data folder `scratch`."""
    folder = Path("landing") / "l2m" / DAY.isoformat()
    shutil.copytree(data_dir / folder, scratch / folder)
    _, from_scratch_checks = run_etl(scratch, env)
    assert checks == from_scratch_checks
    incremental, from_scratch = state(data_dir), state(scratch)
    for name in NAMES:
        assert "source_file" in incremental[name][0].columns, name
        assert_frame_equal(incremental[name][0], from_scratch[name][0], check_column_order=False)
        assert incremental[name][1:] == from_scratch[name][1:], name


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line]


def write(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(record) + "\n" for record in records))


def test_a_day_s_files_are_parsed_once_and_the_etl_equals_a_run_from_scratch(l2m_env, tmp_path):
    data_dir = tmp_path / "data"
    folder = data_dir / "landing" / "l2m" / DAY.isoformat()
    emit_day(folder.parent, DAY, seed=7, n_users=300)
    (folder / TRUTH_FILE).unlink()
    first, _ = run_etl(data_dir, l2m_env)
    assert all(first[name]["files_parsed"] == 1 and first[name]["files_reused"] == 0 for name in NAMES)

    login, recharge = lines(folder / "login.jsonl"), lines(folder / "recharge.jsonl")
    write(folder / "login_late.jsonl", [{**record, "#uuid": f"late-{i}"} for i, record in enumerate(login[:5])])
    conflicting = {**recharge[3], "properties": {**recharge[3]["properties"], "amount": 12345}}
    write(folder / "recharge_again.jsonl", [*recharge[:3], conflicting])
    added, checks = run_etl(data_dir, l2m_env)
    assert added["login"] == {"files_parsed": 1, "files_reused": 1, "files_removed": 0, "files_quarantined": 0}
    assert added["recharge"]["files_parsed"] == 2, "recharge.jsonl holds records of the new file: read again"
    assert all(added[name]["files_parsed"] == 0 for name in NAMES if name not in ("login", "recharge"))
    assert_as_from_scratch(data_dir, checks, l2m_env, tmp_path / "scratch_added")
    rejects = state(data_dir)["recharge"][1]
    assert sorted(r["source"] for r in rejects) == ["recharge.jsonl", "recharge_again.jsonl"]

    logout = lines(folder / "logout.jsonl")
    write(folder / "logout.jsonl", [{**logout[0], "properties": {**logout[0]["properties"], "online_seconds": 7}},
                                    *logout[1:-10]])
    changed, checks = run_etl(data_dir, l2m_env)
    assert changed["logout"]["files_parsed"] == 1
    assert sum(changed[name]["files_parsed"] for name in NAMES) == 1
    assert_as_from_scratch(data_dir, checks, l2m_env, tmp_path / "scratch_changed")

    (folder / "recharge_again.jsonl").unlink()
    (folder / "login_late.jsonl").unlink()
    record = data_dir / "state" / "parsed" / "l2m" / "login" / f"{DAY}.json"
    unrecorded = json.loads(record.read_text())
    del unrecorded["files"]["login_late.jsonl"]
    record.write_text(json.dumps(unrecorded))  # as a run that failed after recording only the unchanged files
    removed, checks = run_etl(data_dir, l2m_env)
    assert removed["login"] == {"files_parsed": 0, "files_reused": 1, "files_removed": 1, "files_quarantined": 0}
    assert removed["recharge"]["files_removed"] == 1
    assert removed["recharge"]["files_parsed"] == 1, "recharge.jsonl's records met the removed file's: read again"
    assert_as_from_scratch(data_dir, checks, l2m_env, tmp_path / "scratch_removed")
    assert state(data_dir)["recharge"][1] == []
