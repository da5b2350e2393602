"""A domain is a folder of declarations under `defs/<domain>/`; `build_domain` turns them into its Dagster
definitions: the publish steps and checks of the tables declared `Publish`, the warehouse tables of its CONS
tables, one job per partitions definition, the morning schedules and a landing sensor per discovery; and keeps what
the platform asks of the domain beside them (how its landing files are retired)."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from gamestats_assets.lib.authoring.automation import build_jobs, build_schedules, keys_by_partitions
from gamestats_assets.lib.authoring.publish_steps import PublishSpec, build_publish_definitions, published_specs
from gamestats_assets.lib.core.partitions import partitions_name
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.intake.discovery import PartitionDiscovery
from gamestats_assets.lib.intake.retention import Retention
from gamestats_assets.lib.intake.sensors import build_landing_sensor
from gamestats_assets.lib.publish.warehouse import build_warehouse_tables


@dataclass(frozen=True)
class Wiring:
    """A domain's jobs and the asset keys each runs, by `partitions_name` (`daily`, `snapshots`, or a dynamic
    partitions definition's name): what its sensors target."""

    jobs: Mapping[str, UnresolvedAssetJobDefinition]
    keys: Mapping[str, list[dg.AssetKey]]


@dataclass(frozen=True)
class Domain:
    """A domain's definitions as the code location loads them, with the parts its tests and CLI name."""

    name: str
    defs: dg.Definitions
    wiring: Wiring
    discoveries: Sequence[PartitionDiscovery]
    publish_specs: Sequence[PublishSpec]
    publish_assets: Sequence[dg.AssetsDefinition]
    publish_checks: Sequence[dg.AssetChecksDefinition]
    warehouse_assets: Sequence[dg.AssetsDefinition]
    prepare_demo: Callable[[PlatformResource, list[str]], None] | None = None
    """What `gamestats demo` does before its runs (drop real sample files into its first day)."""
    retention: Retention | None = None
    """How its landing files are retired past the retention (`lib/intake/retention.py`); kept when None."""
    live_key: str | None = None
    """The environment variable holding its live API's key: with it set, nothing synthetic is generated."""

    def sensor(self, name: str) -> dg.SensorDefinition:
        return next(sensor for sensor in self.defs.sensors or [] if sensor.name == name)


def build_domain(
    name: str,
    assets: Sequence[dg.AssetsDefinition],
    *,
    checks: Sequence[dg.AssetChecksDefinition] = (),
    discoveries: Sequence[PartitionDiscovery] = (),
    sensors: Callable[[Wiring], Sequence[dg.SensorDefinition]] | None = None,
    prepare_demo: Callable[[PlatformResource, list[str]], None] | None = None,
    retention: Retention | None = None,
    live_key: str | None = None,
) -> Domain:
    """The domain `name` from its lake `assets`, their `checks`, the `discoveries` that find its partitions in
    landing, for sensors beyond landing (APIs, tracked players) `sensors(wiring)`, what `gamestats demo`
    prepares for it, how its landing files are retired, and the environment variable of its live API's key."""
    specs = published_specs(assets)
    publish_assets, publish_checks = build_publish_definitions(specs)
    warehouse_assets = build_warehouse_tables(assets)
    everything = [*assets, *publish_assets, *warehouse_assets]
    keys = keys_by_partitions(everything)
    calendar = next((a.partitions_def for a in everything if partitions_name(a.partitions_def) == "daily"), None)
    jobs = build_jobs(name, keys)
    wiring = Wiring(jobs, keys)
    defs = dg.Definitions(
        assets=everything,
        asset_checks=[*checks, *publish_checks],
        jobs=list(jobs.values()),
        schedules=build_schedules(jobs, calendar),
        sensors=[*(build_landing_sensor(d, jobs[partitions_name(d.partitions_def)]) for d in discoveries),
                 *(sensors(wiring) if sensors else ())],
    )
    return Domain(name, defs, wiring, list(discoveries), specs, publish_assets, publish_checks, warehouse_assets,
                  prepare_demo, retention, live_key)
