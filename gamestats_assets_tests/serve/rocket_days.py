"""The rocket assets of a data folder and database of a test's own, run as the daemon runs a landed file's day, and
the synthetic days a run publishes once for the modules that start from them (`synthetic_days`)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import dagster as dg
import pytest

from gamestats_assets.definitions import build_definitions
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.postgres import apply_migrations
from gamestats_assets_tests.rocket.test_pipeline import rocket_keys, run


class RocketDays:
    """The code location over `data_dir` and `pg_url` (`users` synthetic players a day) and one instance: `run_day`
    runs a day's rocket assets and, unless told not to, the tables over every day after them. The folder and the
    database may hold what earlier runs published (a copy of `synthetic_days`): later days build on it."""

    def __init__(self, data_dir: Path, pg_url: str, users: int = 200):
        self.env = {"GAMESTATS_DATA_DIR": str(data_dir), "GAMESTATS_PG_URL": pg_url, "GAMESTATS_USERS": str(users)}
        with self.settings():
            self.defs = build_definitions(Settings.from_env())
            self.landing = Settings.from_env().landing_dir("rocket")
        self.instance = dg.DagsterInstance.ephemeral()

    @contextlib.contextmanager
    def settings(self) -> Iterator[None]:
        """The block with the folder's and database's settings in the environment."""
        with pytest.MonkeyPatch.context() as patch:
            for name, value in self.env.items():
                patch.setenv(name, value)
            yield

    def run_day(self, day: str, snapshots: bool = True) -> None:
        with self.settings():
            run(self.defs, rocket_keys(self.defs, partitioned=True), self.instance, partition_key=day)
        if snapshots:
            self.run_snapshots()

    def run_days(self, first: str, last: str) -> None:
        """The days from `first` to `last` in one run, as the landing sensor runs the days delivered together."""
        with self.settings():
            run(self.defs, rocket_keys(self.defs, partitioned=True), self.instance, tags={
                "dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last})

    def run_snapshots(self) -> None:
        """The tables over every day."""
        with self.settings():
            run(self.defs, rocket_keys(self.defs, partitioned=False), self.instance)


def synthetic_days(*days: str | tuple[str, str]) -> Callable[[Path, str], None]:
    """What publishes `days` of 200 synthetic players into a data folder and a database it prepares, each a run of
    its own (a pair: the days from its first to its last in one run), without the tables over every day: the start
    of `copied_per_module`'s copy."""

    def publish(data_dir: Path, pg_url: str) -> None:
        apply_migrations(pg_url)
        rocket = RocketDays(data_dir, pg_url)
        for day in days:
            if isinstance(day, tuple):
                rocket.run_days(*day)
            else:
                rocket.run_day(day, snapshots=False)

    return publish
