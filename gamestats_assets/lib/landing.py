"""Landing: where a domain's source files arrive, and what happens when a partition has none.

``GAMESTATS_SOURCE=synthetic`` (the default) fills an empty day from the domain's emitter;
``GAMESTATS_SOURCE=files`` never invents data: a day without files fails with the folder it looked in.
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


def ensure_day(folder: Path, delivered: bool, generate: Callable[[], None], platform: PlatformResource) -> bool:
    """Make sure ``folder`` holds the day's source files; return whether they were generated.

    Delivered files are kept as they are. Otherwise a synthetic source generates the day, and a
    files-only source raises, naming the folder.
    """
    if delivered:
        return False
    if not platform.generates:
        raise dg.Failure(
            description=f"No source files in {folder} (GAMESTATS_SOURCE={platform.source}): deliver the day's "
            "files there, or set GAMESTATS_SOURCE=synthetic to generate them."
        )
    folder.mkdir(parents=True, exist_ok=True)
    generate()
    return True
