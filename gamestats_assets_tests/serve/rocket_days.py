"""The rocket assets of a data folder and database of a test's own, run as the daemon runs a landed file's day."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from gamestats_assets.definitions import build_definitions
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets_tests.rocket.test_pipeline import rocket_keys, run


class RocketDays:
    """The code location over `data_dir` and `pg_url` (`users` synthetic players a day) and one instance: `run_day`
    runs a day's rocket assets and, unless told not to, the tables over every day after them."""

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
                run(self.defs, rocket_keys(self.defs, partitioned=False), self.instance)
