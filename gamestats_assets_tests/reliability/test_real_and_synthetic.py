"""Real and synthetic data never meet: a generated L2M day replaced by a delivery into its folder, run through
Dagster into a real PostgreSQL, and nothing generated outside an explicit synthetic setting."""

import datetime as dt
import shutil

import dagster as dg
import polars as pl
import pytest

from gamestats_assets.definitions import DOMAINS, build_definitions, location_resources
from gamestats_assets.defs.l2m.assets import landing_logs
from gamestats_assets.defs.l2m.checks import CHECKS
from gamestats_assets.generator.emitters.l2m import emit_day
from gamestats_assets.generator.sources import synthetic_sources
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.intake.synthetic import (
    DaySource,
    SyntheticSource,
    TournamentSource,
    resource_key,
)
from gamestats_assets.lib.publish.held import HELD_PARTITIONS
from gamestats_assets.lib.publish.postgres import connect
from gamestats_assets.sources.l2m import TRUTH_FILE
from gamestats_assets_tests.l2m.test_delivery_faults import daily_keys, run
from gamestats_assets_tests.runs import execute_assets

DAY = dt.date(2026, 5, 1)


@pytest.fixture
def settings(platform_env, monkeypatch):
    for name, value in {"GAMESTATS_USERS": "300", "GAMESTATS_START_DATE": DAY.isoformat()}.items():
        monkeypatch.setenv(name, value)
    return platform_env


def source_of(url, key):
    with connect(url) as conn:
        return conn.execute("SELECT source FROM public.partition_sources WHERE domain = 'l2m' AND partition_key = %s",
                            (key,)).fetchone()[0]


def test_real_files_dropped_into_a_generated_day_replace_its_synthetic_files(settings, pg_url, monkeypatch,
                                                                             tmp_path):
    monkeypatch.setenv("GAMESTATS_SOURCE", "synthetic")
    defs = build_definitions(Settings.from_env())
    assert run(defs, DAY).success
    folder = settings / "landing" / "l2m" / DAY.isoformat()
    assert (folder / TRUTH_FILE).exists() and source_of(pg_url, DAY.isoformat()) == "synthetic"

    delivery = tmp_path / "delivery"
    emit_day(delivery, DAY, seed=99, n_users=200)
    (delivery / DAY.isoformat() / TRUTH_FILE).unlink()
    real = sorted(path.name for path in (delivery / DAY.isoformat()).iterdir())
    shutil.copy(delivery / DAY.isoformat() / "recharge.jsonl", folder / "recharge.jsonl")
    shutil.copy(delivery / DAY.isoformat() / "login.jsonl", folder / "login_delivered.jsonl")
    result = run(defs, DAY)
    assert result.success
    assert sorted(path.name for path in folder.iterdir()) == ["login_delivered.jsonl", "recharge.jsonl"]
    assert "recharge.jsonl" in real and source_of(pg_url, DAY.isoformat()) == "files"
    lines = (folder / "recharge.jsonl").read_text().count("\n")
    recharge = result.asset_materializations_for_node("l2m__etl__recharge")[0].metadata
    assert recharge["lines"].value == lines


def test_nothing_is_generated_without_the_synthetic_setting_or_with_a_live_key(settings, monkeypatch):
    monkeypatch.delenv("GAMESTATS_SOURCE")
    defs = build_definitions(Settings.from_env())
    empty = execute_assets(defs.resolve_implicit_global_asset_job_def(),
        asset_selection=daily_keys(defs), partition_key=DAY.isoformat(), instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False)
    assert not empty.success and "GAMESTATS_SOURCE=files" in str(empty.all_events)
    monkeypatch.setenv("GAMESTATS_SOURCE", "synthetic")
    monkeypatch.setenv("GAMESTATS_PUBG_API_KEY", "a-real-key")
    keyed = run(build_definitions(Settings.from_env()), DAY)
    assert not keyed.success and not (settings / "landing" / "l2m" / DAY.isoformat()).exists()


def test_the_settings_choose_each_domains_synthetic_source(monkeypatch, tmp_path):
    """With `files` no domain's source writes a file; with `synthetic` each is the generator's, of the type its
    domain asks for."""
    monkeypatch.setenv("GAMESTATS_SOURCE", "files")
    real = synthetic_sources(Settings.from_env())
    monkeypatch.setenv("GAMESTATS_SOURCE", "synthetic")
    generated = synthetic_sources(Settings.from_env())
    assert set(real) == set(generated) == {resource_key(domain.name) for domain in DOMAINS}
    for key, source in real.items():
        with pytest.raises(dg.Failure, match="needs a synthetic source"):
            if isinstance(source, DaySource):
                source.emit_day(tmp_path, DAY, seed=1)
            elif isinstance(source, TournamentSource):
                source.build_tournament(1, DAY)
            else:
                source.write_day(None, pl.DataFrame(), DAY, 1, DAY, tmp_path / "day.jsonl")
        asked_for = next(kind for kind in type(source).__mro__ if SyntheticSource in kind.__bases__)
        assert isinstance(generated[key], asked_for)
    assert {type(source).__module__ for source in generated.values()} == {"gamestats_assets.generator.sources"}
    assert not any(tmp_path.iterdir())


def test_a_day_to_generate_without_a_synthetic_source_fails_saying_so(settings, monkeypatch):
    monkeypatch.setenv("GAMESTATS_SOURCE", "synthetic")
    resources = {**location_resources(Settings.from_env()), resource_key("l2m"): DaySource()}
    result = dg.materialize([landing_logs], partition_key=DAY.isoformat(), resources=resources, raise_on_error=False)
    assert not result.success and "needs a synthetic source" in str(result.all_events)
    assert not any((settings / "landing" / "l2m" / DAY.isoformat()).iterdir())


def test_a_day_holding_synthetic_and_delivered_files_is_held_by_its_check(settings, monkeypatch, tmp_path):
    """A delivery that lands after the landing step of a generated day (so beside its synthetic files) fails
    `one_source_per_partition`, which names both kinds; landing the day again lets the delivery replace them."""
    monkeypatch.setenv("GAMESTATS_SOURCE", "synthetic")
    resources = location_resources(Settings.from_env())
    day = DAY.isoformat()
    check = dg.AssetCheckKey(landing_logs.key, "one_source_per_partition")
    definitions = [landing_logs, *(c for c in CHECKS if check in c.check_keys)]
    assert dg.materialize(definitions, selection=[landing_logs.key], partition_key=day, resources=resources).success
    emit_day(tmp_path, DAY, seed=99, n_users=50)
    shutil.copy(tmp_path / day / "recharge.jsonl", settings / "landing" / "l2m" / day / "recharge_delivered.jsonl")

    check_alone = dg.define_asset_job("check_alone", selection=dg.AssetSelection.checks(check))
    mixed = dg.Definitions(assets=[landing_logs], asset_checks=definitions[1:], jobs=[check_alone],
                           resources=resources).resolve_job_def("check_alone").execute_in_process(
        tags={"dagster/partition": day}, raise_on_error=False)
    [found] = [e.asset_check_evaluation_data for e in mixed.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    assert not found.passed and found.metadata["delivered_files"].value == 1
    assert "recharge_delivered.jsonl" in found.metadata[HELD_PARTITIONS].value[day]

    landed = dg.materialize(definitions, selection=dg.AssetSelection.assets(landing_logs)
                            | dg.AssetSelection.checks(check), partition_key=day, resources=resources)
    [after] = [e.asset_check_evaluation_data for e in landed.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    assert after.passed and after.metadata["synthetic_files"].value == 0
