"""Where the platform keeps its files and where data comes from: the resource every domain's assets take."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import dagster as dg

from gamestats_assets.lib.core.settings import PROJECT_ROOT, Settings

class PlatformResource(dg.ConfigurableResource):
    """Where the platform keeps its files and where data comes from, as the settings chose them.

    Assets take it instead of reading the environment at run time, so a test runs any asset with
    `build_asset_context(partition_key=..., resources=location_resources(settings))` (`gamestats_assets.definitions`).
    """

    data_dir: str
    source: str = "files"
    seed: int = 42
    users: int = 2000
    start_date: str
    anchor_date: str
    live_keys: list[str] = []
    """The environment variables of the live APIs' keys, as the domains declare them."""

    @classmethod
    def from_settings(cls, settings: Settings, live_keys: Sequence[str] = ()) -> PlatformResource:
        return cls(data_dir=str(settings.data_dir), source=settings.source, seed=settings.seed,
                   users=settings.users, start_date=settings.start_date, anchor_date=settings.anchor_date,
                   live_keys=list(live_keys))

    @property
    def generates(self) -> bool:
        """Whether an empty landing partition is filled by the domain's synthetic emitter: only with
        `GAMESTATS_SOURCE=synthetic` and no live API key set, so real and synthetic data never meet."""
        return self.source == "synthetic" and not any(os.environ.get(name) for name in self.live_keys)

    def landing_dir(self, domain: str) -> Path:
        """`<data_dir>/landing/<domain>`: where the domain's source files arrive."""
        return Path(self.data_dir) / "landing" / domain

    def reference_dir(self, domain: str) -> Path:
        """`data/reference/<domain>` of the project: small reference files shipped with the code."""
        return PROJECT_ROOT / "data" / "reference" / domain

    def roster_path(self, domain: str) -> Path:
        """`<data_dir>/reference/<domain>/players.csv`: the players a domain tracks, one per line."""
        return Path(self.data_dir) / "reference" / domain / "players.csv"

    @property
    def quarantine_dir(self) -> Path:
        """`<data_dir>/quarantine`: input that could not be read, with the reasons."""
        return Path(self.data_dir) / "quarantine"
