"""The code location (`dg`'s `code_location_target_module`): every domain package under `defs/`, with
the project-wide policy applied once, and what the platform in `lib/` takes from the domains' declarations (how
their landing files are retired, which columns name a player)."""

from collections.abc import Callable
from datetime import timedelta

import dagster as dg

from gamestats_assets.defs import demo_data, l2m, lol, pubg, rocket
from gamestats_assets.generator.sources import synthetic_sources
from gamestats_assets.lib.core.lanes import SNAPSHOTS
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.deploy.alerts import build_alert_sensors
from gamestats_assets.lib.deploy.celery_workers import celery_executor
from gamestats_assets.lib.deploy.resources import build_resources
from gamestats_assets.lib.intake.retention_schedule import build_landing_retention
from gamestats_assets.published.players import PLAYERS

DOMAINS = [demo_data.domain, l2m.domain, lol.domain, pubg.domain, rocket.domain]
"""Every domain (`lib/authoring/domain.py`): a folder under `defs/` whose `__init__` builds its `domain`."""

DISCOVERIES = [discovery for domain in DOMAINS for discovery in domain.discoveries]

RETENTIONS = {domain.name: domain.retention for domain in DOMAINS if domain.retention is not None}
"""How each domain's landing files are retired past the retention (`lib/intake/retention.py`)."""

LIVE_KEYS = [domain.live_key for domain in DOMAINS if domain.live_key]
"""The environment variables of the live APIs' keys: with one of them set, nothing synthetic is generated."""

LANDING_RETENTION, LANDING_RETENTION_SCHEDULE = build_landing_retention(RETENTIONS)

PUBLISHED_FRESHNESS = dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=30), warn_window=timedelta(hours=26))
"""A published table is expected to refresh daily: warn after 26 hours, fail after 30."""


EXECUTORS = {
    "in_process": dg.in_process_executor,
    "multiprocess": dg.multiprocess_executor.configured({"start_method": {"forkserver": {}}}),
    "celery": celery_executor,
}
"""Steps of a run in one process (the default: polars already uses every core inside a step, and a
process per step costs its start-up), or one process per step, started
from a warm forkserver, for machines with cores to spare. Runs themselves go in parallel through the
run queue. On `celery`, each step runs on a Celery worker (`gamestats worker`), on this machine or
others (lib/deploy/celery_workers.py)."""


def snapshot_automation(snapshots: dg.AssetSelection, delay_minutes: int = 2) -> dg.AutomationCondition:
    """A snapshot (an unpartitioned table built over other tables) is rebuilt once its inputs were updated, every
    snapshot it reads exists and no build of it is in progress, as soon as no run or backfill of its inputs is in
    progress either, and, while runs of them keep coming, at the latest at the first tick of a
    `delay_minutes` clock (`*/delay_minutes` minutes past the hour) after they were first updated since its last
    build: a Delta table is read as of its last committed version, so a run still writing is not half read. A
    new match, day or tracked player's backfill reaches the leaderboards and career tables on its own. Unlike
    `eager`, it does not wait for every daily partition since the start date to exist."""
    built = (dg.AutomationCondition.newly_requested() | dg.AutomationCondition.newly_updated()
             | dg.AutomationCondition.initial_evaluation())
    updated = dg.AutomationCondition.any_deps_updated().since(built).with_label("inputs updated since its build")
    quiet = (~dg.AutomationCondition.any_deps_in_progress()).with_label("no run of its inputs in progress")
    overdue = dg.AutomationCondition.cron_tick_passed(f"*/{delay_minutes} * * * *").with_label(
        f"a {delay_minutes} minutes' tick passed")
    return (
        updated
        & ~dg.AutomationCondition.any_deps_missing().allow(snapshots)
        & (quiet | overdue)
        & ~dg.AutomationCondition.in_progress()
    ).with_label("after new data")


AUTOMATION_SENSOR = dg.AutomationConditionSensorDefinition(
    "gamestats_automation", target=dg.AssetSelection.all(), default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30, run_tags=SNAPSHOTS,
    description="Rebuilds the snapshot tables (leaderboards, career stats, every table over all partitions) "
    "after the tables they read were updated: once no run of them is in progress, or within "
    "GAMESTATS_SNAPSHOT_DELAY_MINUTES while runs keep coming. Their runs yield the cores to the day's runs and the "
    "uploads' parses (`gamestats/lane: snapshots`).")


def platform_policy(assets: list, snapshot_delay_minutes: int = 2) -> Callable[[dg.AssetSpec], dg.AssetSpec]:
    """Published (PostgreSQL) assets carry the daily freshness policy; snapshots among `assets` follow their
    inputs within `snapshot_delay_minutes` (`snapshot_automation`)."""
    snapshots = [spec.key for asset in assets for spec in getattr(asset, "specs", []) if spec.partitions_def is None]
    automation = snapshot_automation(dg.AssetSelection.assets(*snapshots), snapshot_delay_minutes)

    def apply(spec: dg.AssetSpec) -> dg.AssetSpec:
        if "postgres" in spec.kinds:
            spec = spec.replace_attributes(freshness_policy=PUBLISHED_FRESHNESS)
        if spec.partitions_def is None and spec.deps:
            spec = spec.replace_attributes(automation_condition=automation)
        return spec

    return apply


def location_resources(settings: Settings) -> dict[str, dg.ConfigurableResource | dg.ConfigurableIOManager]:
    """Every resource the assets take, chosen from `settings`: the platform's (`lib/deploy/resources.py`, its lake
    redacting the players of the domains that have them, `published/players.py`) and each domain's synthetic source
    (`generator/sources.py`)."""
    return {**build_resources(settings, PLAYERS, LIVE_KEYS), **synthetic_sources(settings)}


def build_definitions(settings: Settings) -> dg.Definitions:
    """The definitions of every domain in `DOMAINS` on the resources chosen from `settings`."""
    merged = dg.Definitions.merge(*(domain.defs for domain in DOMAINS))
    assets = list(merged.assets or [])
    return dg.Definitions(
        assets=dg.map_asset_specs(platform_policy(assets, settings.snapshot_delay_minutes), assets),
        asset_checks=merged.asset_checks,
        jobs=[*merged.jobs, LANDING_RETENTION],
        schedules=[*merged.schedules, LANDING_RETENTION_SCHEDULE],
        sensors=[*merged.sensors, AUTOMATION_SENSOR, *build_alert_sensors()],
        resources=location_resources(settings),
        executor=EXECUTORS[settings.executor],
    )


defs = build_definitions(Settings.from_env())
