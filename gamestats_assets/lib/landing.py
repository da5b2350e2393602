"""Landing folders: where each day's source files arrive, and what happens when a day has none.

``GAMESTATS_SOURCE=synthetic`` (the default) fills an empty day from the domain's emitter;
``GAMESTATS_SOURCE=files`` never invents data: a day without files fails with the folder it looked in.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import dagster as dg

from gamestats_assets.lib.partitions import daily_partitions
from gamestats_assets.lib.settings import Settings


def landing_asset(domain: str, name: str, **kwargs: Any):
    """``dg.asset`` for ``[domain, "landing", name]``: a day's source files in ``landing/<domain>/<day>/``
    (kind ``file``, daily, a range of days in one run). It returns a ``MaterializeResult``; the ETL
    assets that read the folder depend on it."""
    return dg.asset(
        key=[domain, "landing", name],
        group_name=domain,
        kinds={"file"},
        partitions_def=daily_partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        **kwargs,
    )


def ensure_day(folder: Path, delivered: bool, generate: Callable[[], None], settings: Settings) -> bool:
    """Make sure ``folder`` holds the day's source files; return whether they were generated.

    Delivered files are kept as they are. Otherwise a synthetic source generates the day, and a
    files-only source raises, naming the folder.
    """
    if delivered:
        return False
    if settings.source != "synthetic":
        raise dg.Failure(
            description=f"No source files in {folder} (GAMESTATS_SOURCE={settings.source}): deliver the day's "
            "files there, or set GAMESTATS_SOURCE=synthetic to generate them."
        )
    folder.mkdir(parents=True, exist_ok=True)
    generate()
    return True
