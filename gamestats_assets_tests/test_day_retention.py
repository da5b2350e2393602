"""The retention of the ThinkingData days of `l2m` and `demo_data`, run by Dagster over two published days of each
(synthetic, as the demo generates them): the daily `landing_retention` run retires the older day whole and names the
newer one, whose file changed since its last run; the published tables stay through the retirement, a backfill over
both days and a file landing late in the retired day, which is quarantined with its reason and run once."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from gamestats_assets.definitions import DOMAINS, build_definitions
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.postgres import apply_migrations
from gamestats_assets_tests.retention_tick import retention_tick
from gamestats_assets_tests.runs import execute_assets
from gamestats_assets_tests.serve.leftovers import published

pytestmark = pytest.mark.long

DAYS = [dt.date(2026, 2, 1), dt.date(2026, 2, 2)]
RETIRED, KEPT = (day.isoformat() for day in DAYS)
WHOLE_DAY_DOMAINS = ("l2m", "demo_data")
REFERENCE = [dg.AssetKey(["demo_data", "reference", name]) for name in ("event_rules", "users")]
CHANGED = {"l2m": "login.jsonl", "demo_data": "synthetic-20260202.jsonl"}
"""The file of `KEPT` written again after its last run, in each domain."""
FOLDER_LEFT = {"l2m": "empty", "demo_data": "removed"}
"""How the retired day's folder is left before it runs again: as the retention leaves it, or removed."""


def domain(name: str):
    return next(domain for domain in DOMAINS if domain.name == name)


def days_ago(day: dt.date) -> int:
    """The retention whose last retired day is `day` today."""
    return (dt.datetime.now(dt.UTC).date() - day).days - 1


def lake_day(data_dir: Path, name: str, day: str) -> dict[str, list[tuple]]:
    """Each ETL table of domain `name`: its rows of `day`, sorted."""
    tables = {}
    for path in sorted((data_dir / "lake" / name / "etl").iterdir()):
        rows = pl.read_delta(str(path)).filter(pl.col("date") == dt.date.fromisoformat(day))
        tables[path.name] = sorted(rows.rows(), key=repr)
    return tables


BOTH_DAYS = {"dagster/asset_partition_range_start": RETIRED, "dagster/asset_partition_range_end": KEPT}
"""The tags of a run over both days (a backfill)."""


def run(defs: dg.Definitions, job: str, instance: dg.DagsterInstance, **request) -> dg.ExecuteInProcessResult:
    """`job` run for a run request's partition key or tags, successfully."""
    result = defs.resolve_job_def(job).execute_in_process(instance=instance, **request)
    assert result.success
    return result


def sensor_context(defs: dg.Definitions, instance: dg.DagsterInstance,
                   cursor: str | None = None) -> dg.SensorEvaluationContext:
    """A tick of a sensor of `defs` as the daemon evaluates it, with the cursor of the tick before."""
    return dg.build_sensor_context(instance=instance, cursor=cursor, repository_def=defs.get_repository_def(),
                                   resources={"platform": PlatformResource.from_settings(Settings.from_env())})


@pytest.fixture(scope="module")
def retired(module_pg_url, tmp_path_factory):
    """Two days of each domain published, then the retention tick with the newer day past it too, its file
    `CHANGED` (written again, then put back as its last run read it): the tick's metadata, with what was published
    and the lake's rows of the older day before it."""
    data_dir = tmp_path_factory.mktemp("day_retention") / "data"
    env = {"GAMESTATS_DATA_DIR": str(data_dir), "GAMESTATS_PG_URL": module_pg_url, "GAMESTATS_USERS": "100",
           "GAMESTATS_START_DATE": RETIRED, "GAMESTATS_ANCHOR_DATE": RETIRED}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        apply_migrations(module_pg_url)
        defs, instance = build_definitions(Settings.from_env()), dg.DagsterInstance.ephemeral()
        assert execute_assets(defs.resolve_implicit_global_asset_job_def(),
            asset_selection=REFERENCE, instance=instance).success
        for name in WHOLE_DAY_DOMAINS:
            run(defs, f"{name}_daily", instance, tags=BOTH_DAYS)
            run(defs, f"{name}_snapshots", instance)
    before = {name: published(module_pg_url, name) for name in WHOLE_DAY_DOMAINS}
    lake = {name: lake_day(data_dir, name, RETIRED) for name in WHOLE_DAY_DOMAINS}
    changed = {name: data_dir / "landing" / name / KEPT / CHANGED[name] for name in WHOLE_DAY_DOMAINS}
    for name, path in changed.items():
        shutil.copy2(path, data_dir / f"{name}.read")
        path.write_bytes(path.read_bytes() + b"\n")
    files = {name: sorted(p.name for p in (data_dir / "landing" / name / RETIRED).iterdir())
             for name in WHOLE_DAY_DOMAINS}
    tick = retention_tick(env, str(days_ago(DAYS[1])))
    for name, path in changed.items():
        shutil.copy2(data_dir / f"{name}.read", path)
    return {"data_dir": data_dir, "pg_url": module_pg_url, "env": env, "instance": instance, "tick": tick,
            "before": before, "lake": lake, "files": files}


def test_the_retention_run_retires_the_older_day_whole_and_names_the_day_not_fully_read(retired):
    tick, files = retired["tick"], retired["files"]
    assert {name: value for name, value in tick.items() if name.endswith("_retired")} == {
        "rocket_files_retired": 0, "lol_files_retired": 0, "pubg_files_retired": 0,
        "l2m_files_retired": len(files["l2m"]), "demo_data_files_retired": len(files["demo_data"]),
        "l2m_days_retired": 1, "demo_data_days_retired": 1}
    assert files["demo_data"] == ["synthetic-20260201.jsonl"] and "planted_bot_farms.json" in files["l2m"]
    assert tick["days_not_fully_read"] == {name: {KEPT: [CHANGED[name]]} for name in WHOLE_DAY_DOMAINS}
    assert tick["last_retired_day"] == KEPT


@pytest.mark.parametrize("name", WHOLE_DAY_DOMAINS)
def test_a_retired_day_keeps_its_figures_through_a_backfill_and_a_late_file(retired, name):
    data_dir, pg_url, instance = retired["data_dir"], retired["pg_url"], retired["instance"]
    today = dt.datetime.now(dt.UTC).date().isoformat()
    folder = data_dir / "landing" / name / RETIRED
    record = json.loads((data_dir / "state" / "retired" / name / f"{RETIRED}.json").read_text())
    assert list(folder.iterdir()) == [] and record["retired_on"] == today
    assert sorted(record["files"]) == retired["files"][name]
    assert (data_dir / "landing" / name / KEPT / CHANGED[name]).exists()
    assert published(pg_url, name) == retired["before"][name]

    if FOLDER_LEFT[name] == "removed":
        folder.rmdir()
    with pytest.MonkeyPatch.context() as patch:
        for setting, value in retired["env"].items():
            patch.setenv(setting, value)
        defs = build_definitions(Settings.from_env())
        backfill = run(defs, f"{name}_daily", instance, tags=BOTH_DAYS)
        run(defs, f"{name}_snapshots", instance)
        etl = [key for key in domain(name).wiring.keys["daily"] if key.path[1] == "etl"]
        assert {backfill.asset_materializations_for_node(key.to_python_identifier())[0].metadata[
            "days_retired_kept"].value for key in etl} == {1}
        assert published(pg_url, name) == retired["before"][name]
        assert lake_day(data_dir, name, RETIRED) == retired["lake"][name]

        late = folder / CHANGED[name]
        folder.mkdir(exist_ok=True)
        shutil.copy(data_dir / "landing" / name / KEPT / CHANGED[name], late)
        sensor = defs.resolve_sensor_def(f"{name}_landing_sensor")
        tick = sensor.evaluate_tick(sensor_context(defs, instance))
        assert [request.partition_key for request in tick.run_requests] == [RETIRED]
        [request] = tick.run_requests
        run(defs, sensor.job_name, instance, partition_key=request.partition_key, tags=request.tags)
        again = sensor.evaluate_tick(sensor_context(defs, instance, tick.cursor))
    assert again.run_requests == []
    assert not late.exists()
    reason = json.loads((data_dir / "quarantine" / name / RETIRED / f"{late.name}.reason.json").read_text())["reason"]
    assert f"{RETIRED} was retired on {today}" in reason and "figures are final" in reason
    assert published(pg_url, name) == retired["before"][name]
    assert lake_day(data_dir, name, RETIRED) == retired["lake"][name]
