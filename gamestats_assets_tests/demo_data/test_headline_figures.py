"""The demo_data headline figures on real materializations: each day's activity on its own partition, the
retention and conversion rates of the whole history, each equal to what the lake table holds."""

import dagster as dg
import polars as pl

from gamestats_assets.definitions import build_definitions
from gamestats_assets.lib.core.figures import readable
from gamestats_assets.lib.authoring.headline import rate_figures
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets_tests.runs import execute_assets

DAYS = ["2026-03-02", "2026-03-03", "2026-03-04"]


def keys(*names):
    return [dg.AssetKey(n.split("/")) for n in names]


def figures(result, key):
    return {m.partition: {name: value.value for name, value in m.metadata.items()}
            for m in result.asset_materializations_for_node("__".join(key.path))}


def test_headline_figures_equal_the_lake_tables(platform_env, monkeypatch):
    monkeypatch.setenv("GAMESTATS_USERS", "120")
    monkeypatch.setenv("GAMESTATS_START_DATE", DAYS[0])
    monkeypatch.setenv("GAMESTATS_ANCHOR_DATE", DAYS[0])
    defs = build_definitions(Settings.from_env())
    job = defs.resolve_implicit_global_asset_job_def()
    instance = dg.DagsterInstance.ephemeral()
    assert execute_assets(job, asset_selection=keys("demo_data/reference/event_rules", "demo_data/reference/users"),
                          instance=instance).success
    [activity_key] = keys("demo_data/cons/daily_activity")
    daily = execute_assets(job,
        asset_selection=keys("demo_data/landing/event_logs", "demo_data/etl/events", "demo_data/std/accounts",
                             "demo_data/cons/events", "demo_data/cons/daily_activity"),
        tags={"dagster/asset_partition_range_start": DAYS[0], "dagster/asset_partition_range_end": DAYS[-1]},
        instance=instance)
    assert daily.success
    lake = pl.read_delta(str(platform_env / "lake" / "demo_data" / "cons" / "daily_activity"))
    by_day = figures(daily, activity_key)
    assert sorted(by_day) == DAYS
    for day in DAYS:
        rows = lake.filter(pl.col("date").cast(pl.String) == day)
        for column in ("active_users", "track_events", "user_updates", "new_users"):
            assert by_day[day][column] == rows[column].sum(), (day, column)
    assert by_day[DAYS[0]]["active_users"] > 0

    [retention_key, conversion_key] = keys("demo_data/cons/retention", "demo_data/cons/conversion")
    snapshots = execute_assets(job, asset_selection=[retention_key, conversion_key], instance=instance)
    assert snapshots.success
    retention = pl.read_delta(str(platform_env / "lake" / "demo_data" / "cons" / "retention"))
    recorded = figures(snapshots, retention_key)[None]
    assert recorded["d1_n"] > 0
    for lag in ("d1", "d7"):
        expected = rate_figures(lag, retention[f"retained_{lag}"].sum(), retention[f"cohort_{lag}"].sum())
        assert {name: value for name, value in recorded.items() if name.startswith(f"{lag}_")} == {
            name: readable(value) for name, value in expected.items() if value is not None}
    conversion = pl.read_delta(str(platform_env / "lake" / "demo_data" / "cons" / "conversion"))
    converted = figures(snapshots, conversion_key)[None]
    assert converted["conversion_n"] == conversion["active_users"].sum() > 0
    assert converted["conversion_successes"] == conversion["converted_users"].sum()
    assert converted["conversion_rate"] == readable(converted["conversion_successes"] / converted["conversion_n"])
    assert converted["conversion_ci_low"] <= converted["conversion_rate"] <= converted["conversion_ci_high"]
