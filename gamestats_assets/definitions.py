"""The code location (``dg``'s ``code_location_target_module``): every domain package under ``defs/``, with
the project-wide policy applied once."""

import importlib
import pkgutil
from datetime import timedelta
from types import ModuleType

import dagster as dg

from gamestats_assets import defs as defs_folder
from gamestats_assets.lib.celery_workers import celery_executor
from gamestats_assets.lib.resources import build_resources
from gamestats_assets.lib.settings import Settings


def load_domains() -> list[ModuleType]:
    """Every package under ``defs/``, by name: a domain joins the code location by having a folder there
    whose ``__init__`` exports ``defs`` and ``DISCOVERIES``."""
    domains = [importlib.import_module(f"{defs_folder.__name__}.{module.name}")
               for module in sorted(pkgutil.iter_modules(defs_folder.__path__), key=lambda m: m.name)
               if module.ispkg]
    for domain in domains:
        missing = [name for name in ("defs", "DISCOVERIES") if not hasattr(domain, name)]
        if missing:
            raise ImportError(f"the domain package {domain.__name__} must export {' and '.join(missing)}")
    return domains


DOMAINS = load_domains()
"""Every domain package: its ``defs`` and the ``DISCOVERIES`` that find its partitions in landing."""

DISCOVERIES = [discovery for domain in DOMAINS for discovery in domain.DISCOVERIES]

PUBLISHED_FRESHNESS = dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=30), warn_window=timedelta(hours=26))
"""A published table is expected to refresh daily: warn after 26 hours, fail after 30."""


EXECUTORS = {
    "in_process": dg.in_process_executor,
    "multiprocess": dg.multiprocess_executor.configured({"start_method": {"forkserver": {}}}),
    "celery": celery_executor,
}
"""Steps of a run in one process (the default: polars already uses every core inside a step, and a
process per step costs about a second each, see bench/l2m_pipeline.py), or one process per step, started
from a warm forkserver, for machines with cores to spare. Runs themselves go in parallel through the
run queue. On ``celery``, each step runs on a Celery worker (``gamestats worker``), on this machine or
others (lib/celery_workers.py)."""


def with_publish_policy(spec: dg.AssetSpec) -> dg.AssetSpec:
    """Published (PostgreSQL) assets carry the daily freshness policy."""
    if "postgres" in spec.kinds:
        return spec.replace_attributes(freshness_policy=PUBLISHED_FRESHNESS)
    return spec


def build_definitions(settings: Settings) -> dg.Definitions:
    """The definitions of every domain in ``DOMAINS`` on the resources chosen from ``settings``."""
    merged = dg.Definitions.merge(*(domain.defs for domain in DOMAINS))
    return dg.Definitions(
        assets=dg.map_asset_specs(with_publish_policy, list(merged.assets or [])),
        asset_checks=merged.asset_checks,
        jobs=merged.jobs,
        schedules=merged.schedules,
        sensors=merged.sensors,
        resources=build_resources(settings),
        executor=EXECUTORS[settings.executor],
    )


defs = build_definitions(Settings.from_env())
