"""Landing: where a domain's source files arrive, and what happens when a partition has none.

``GAMESTATS_SOURCE=synthetic`` (the default) fills an empty day from the domain's emitter;
``GAMESTATS_SOURCE=files`` never invents data: a day without files fails with the folder it looked in.
A day that ever had delivered files is remembered (``<data_dir>/state/delivered/<domain>/<day>``) and is
never generated again, whatever later happens to its files: real data is never replaced by synthetic data.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import dagster as dg

from gamestats_assets.lib.partitions import daily_partitions
from gamestats_assets.lib.resources import PlatformResource


def landing_asset(domain: str, name: str, *, partitions_def: dg.PartitionsDefinition | None = daily_partitions,
                  **kwargs: Any):
    """``dg.asset`` for ``[domain, "landing", name]``: the source files of a partition as they were delivered
    (kind ``file``; a range of keys in one run). Day-keyed domains keep them in ``landing/<domain>/<day>/``,
    match-keyed ones in ``landing/<domain>/<kind>/`` with the key inside the file. It returns a
    ``MaterializeResult``; the ETL assets that read the files depend on it."""
    return dg.asset(
        key=[domain, "landing", name],
        group_name=domain,
        kinds={"file"},
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run() if partitions_def else None,
        **kwargs,
    )


def delivered_marker(platform: PlatformResource, domain: str, key: str) -> Path:
    """The file that records that partition ``key`` of ``domain`` once had delivered (real) files."""
    return Path(platform.data_dir) / "state" / "delivered" / domain / key


def ensure_day(folder: Path, delivered: bool, generate: Callable[[], None], platform: PlatformResource,
               domain: str) -> bool:
    """Make sure ``folder`` holds the day's source files; return whether they were generated.

    Delivered files are kept as they are, and the day is remembered as delivered. A day that was delivered
    once is never generated: without its files it fails, naming where they may have gone. Otherwise a
    synthetic source generates the day, and a files-only source raises, naming the folder.
    """
    marker = delivered_marker(platform, domain, folder.name)
    if delivered:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
        return False
    if marker.exists():
        raise dg.Failure(
            description=f"{folder} had delivered files and holds none now: a delivered day is never replaced "
            f"by synthetic data. Put the files back (see {platform.quarantine_dir / domain / folder.name} for "
            f"files that were quarantined), or delete {marker} to let the day be generated."
        )
    if not platform.generates:
        raise dg.Failure(
            description=f"No source files in {folder} (GAMESTATS_SOURCE={platform.source}): deliver the day's "
            "files there, or set GAMESTATS_SOURCE=synthetic to generate them."
        )
    folder.mkdir(parents=True, exist_ok=True)
    generate()
    return True
