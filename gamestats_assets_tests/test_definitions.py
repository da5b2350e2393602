"""The code location loads, and every definition follows the project's conventions."""

import subprocess
import sys

import dagster as dg
import pytest

from gamestats_assets.definitions import PUBLISHED_FRESHNESS, defs


def test_code_location_loads():
    dg.Definitions.validate_loadable(defs)


def test_every_package_under_defs_is_a_domain_of_the_code_location():
    from gamestats_assets.definitions import DISCOVERIES, DOMAINS
    from gamestats_assets.lib.core.settings import PROJECT_ROOT

    folders = {p.name for p in (PROJECT_ROOT / "gamestats_assets" / "defs").iterdir() if (p / "__init__.py").exists()}
    assert {domain.name for domain in DOMAINS} == folders >= {"demo_data", "l2m"}
    assert DISCOVERIES == [discovery for domain in DOMAINS for discovery in domain.discoveries]
    groups = {defs.resolve_asset_graph().get(key).group_name for key in defs.resolve_asset_graph().materializable_asset_keys}
    assert groups == folders


def test_every_asset_is_documented_and_keyed_domain_layer_table():
    graph = defs.resolve_asset_graph()
    for key in graph.materializable_asset_keys:
        node = graph.get(key)
        assert len(key.path) == 3, key
        assert node.group_name == key.path[0], key
        assert node.description and len(node.description) > 40, key
        assert node.kinds, key


def test_every_description_renders_as_markdown_text_not_as_code():
    """A paragraph indented by four spaces is a code block in the UI's Markdown: no description has one."""
    graph = defs.resolve_asset_graph()
    for key in graph.materializable_asset_keys:
        lines = graph.get(key).description.splitlines()
        indented = [line for before, line in zip(["", *lines], lines, strict=False)
                    if not before.strip() and line.startswith("    ")]
        assert not indented, (key.to_user_string(), indented)


def test_published_assets_have_freshness_and_the_postgres_pool():
    graph = defs.resolve_asset_graph()
    published = [graph.get(k) for k in graph.materializable_asset_keys if "postgres" in graph.get(k).kinds]
    assert published
    for node in published:
        assert node.freshness_policy == PUBLISHED_FRESHNESS, node.key
        assert node.pools == {"postgres_writer"}, node.key


def test_no_job_splits_a_step_so_each_publish_step_is_one_transaction():
    """Dagster splits a multi-asset step whose assets a check or another step must run between; a publish step
    split in two would publish a day's tables in two transactions."""
    for job in defs.resolve_all_job_defs():
        steps = [node.name for node in job.graph.node_defs]
        assert len(steps) == len(set(steps)), (job.name, sorted({s for s in steps if steps.count(s) > 1}))


def test_each_domain_has_a_daily_schedule():
    schedules = {s.name for s in defs.schedules}
    assert {"demo_data_daily_schedule", "demo_data_snapshots_schedule", "l2m_daily_schedule",
            "l2m_snapshots_schedule"} <= schedules


def test_cons_tables_reach_the_warehouse_through_the_single_writer_pool():
    graph = defs.resolve_asset_graph()
    cons = {k.path[0] + "/" + k.path[2] for k in graph.materializable_asset_keys if k.path[1] == "cons"}
    warehouse = {k: graph.get(k) for k in graph.materializable_asset_keys if k.path[1] == "warehouse"}
    assert {k.path[0] + "/" + k.path[2] for k in warehouse} == cons
    assert all(node.pools == {"duckdb_writer"} and node.kinds == {"duckdb"} for node in warehouse.values())


def test_the_executor_is_chosen_by_setting(monkeypatch):
    from gamestats_assets.definitions import build_definitions
    from gamestats_assets.lib.core.settings import Settings

    monkeypatch.setenv("GAMESTATS_EXECUTOR", "multiprocess")
    assert build_definitions(Settings.from_env()).executor.name == "multiprocess"
    monkeypatch.setenv("GAMESTATS_EXECUTOR", "in_process")
    assert build_definitions(Settings.from_env()).executor.name == "in_process"
    monkeypatch.setenv("GAMESTATS_EXECUTOR", "celery")
    assert build_definitions(Settings.from_env()).executor.name == "celery"
    monkeypatch.setenv("GAMESTATS_EXECUTOR", "spark")
    with pytest.raises(ValueError, match="GAMESTATS_EXECUTOR must be one of in_process, multiprocess, celery"):
        Settings.from_env()


def test_every_asset_is_in_a_job_of_its_domain_and_in_the_demo_plan():
    from gamestats_assets.definitions import DISCOVERIES
    from gamestats_assets.lib.deploy.runner import plan

    graph = defs.resolve_asset_graph()
    in_jobs = set()
    for job in defs.jobs:
        in_jobs |= set(defs.resolve_job_def(job.name).asset_layer.selected_asset_keys)
    materializable = set(graph.materializable_asset_keys)
    assert materializable - in_jobs == set()
    assert plan(defs, DISCOVERIES).keys == materializable


def test_a_dynamic_partitions_definition_without_discovery_is_refused():
    from gamestats_assets.lib.deploy.runner import plan

    @dg.asset(partitions_def=dg.DynamicPartitionsDefinition(name="t_orphan"))
    def orphan() -> None:
        """An asset of dynamic partitions that nothing discovers."""

    with pytest.raises(ValueError, match="no discovery finds the keys of dynamic partitions"):
        plan(dg.Definitions(assets=[orphan]))


def test_each_domain_with_landing_files_has_a_landing_sensor_running_by_default():
    sensors = {s.name: s for s in defs.sensors}
    for domain in ("demo_data", "l2m"):
        assert sensors[f"{domain}_landing_sensor"].default_status == dg.DefaultSensorStatus.RUNNING


def test_an_asset_runs_alone_on_the_resources_the_definitions_choose(data_dir):
    """Settings reach assets as resources, so any asset runs with `build_asset_context`."""
    import datetime as dt

    import polars as pl

    from gamestats_assets.definitions import location_resources
    from gamestats_assets.defs.l2m.assets import TABLE_ASSETS
    from gamestats_assets.generator.emitters.l2m import emit_day
    from gamestats_assets.lib.core.settings import Settings

    emit_day(data_dir / "landing" / "l2m", dt.date(2026, 1, 5), seed=1, n_users=50)
    resources = location_resources(Settings.from_env())
    context = dg.build_asset_context(partition_key="2026-01-05",
                                     resources={"platform": resources["platform"], "lake": resources["lake"]})
    written = TABLE_ASSETS["etl/login"](context)
    frame = pl.read_delta(str(data_dir / "lake" / "l2m" / "etl" / "login"))
    assert written.metadata["files_parsed"] == 1
    assert frame.height > 0 and set(frame["date"]) == {dt.date(2026, 1, 5)}


def test_loading_the_definitions_and_using_the_lake_leave_the_heavy_optional_libraries_unimported(tmp_path):
    """Every Dagster run, worker and CLI call loads the definitions, and most read the lake: pandas and httpx (the API
    clients) and Celery (runs on the Celery executor) are imported by the code that uses them, not by the load, nor
    by writing a partition and reading it back batch by batch (which lists the table's files through delta-rs)."""
    script = f"""
import datetime as dt, sys
import polars as pl
import gamestats_assets.definitions
from gamestats_assets.lib.lake.read import read_batches
from gamestats_assets.lib.lake.write import write_partitions
day, uri = dt.date(2026, 1, 1), {str(tmp_path / "t")!r}
write_partitions(uri, pl.DataFrame({{"date": [day, day], "v": [1, 2]}}), "date", [day], physical_partitioning=True)
print(pl.concat(list(read_batches(uri, "date", [day]).batches()))["v"].to_list())
print(sorted(m for m in ("pandas", "httpx", "celery", "dagster_celery") if m in sys.modules))
"""
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert loaded.stdout.split("\n")[:2] == ["[1, 2]", "[]"]
