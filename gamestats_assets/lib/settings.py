"""The operator contract: every setting the platform reads from the environment, read in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_START_DATE = "2019-01-01"
EXECUTORS = ("in_process", "multiprocess")


@dataclass(frozen=True)
class Settings:
    """Where the platform keeps its data and which PostgreSQL it talks to.

    - ``GAMESTATS_DATA_DIR`` (default ``./data``): landing files, the Delta lake, the DuckDB warehouse,
      quarantined inputs and the embedded PostgreSQL server's data.
    - ``GAMESTATS_PG_URL``: the PostgreSQL to publish to and to hold Dagster's instance storage;
      unset means the embedded server under ``<data_dir>/postgres``.
    - ``GAMESTATS_START_DATE``: the first daily partition.
    - ``GAMESTATS_LAKE_URI`` (default ``<data_dir>/lake``): where the Delta tables live; an ``s3://``,
      ``az://`` or ``gs://`` URI puts them on object storage (credentials from the usual environment).
    - ``GAMESTATS_SEED`` and ``GAMESTATS_USERS``: the synthetic sources' seed and number of users.
    - ``GAMESTATS_ANCHOR_DATE`` (default the start date): the day the synthetic populations are defined
      on; their new users install in the days after it.
    - ``GAMESTATS_EXECUTOR`` (``in_process`` or ``multiprocess``): how a run executes its steps.
    """

    data_dir: Path
    pg_url: str | None
    start_date: str
    lake_uri: str
    seed: int
    users: int
    anchor_date: str
    executor: str

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = Path(os.environ.get("GAMESTATS_DATA_DIR", "data")).expanduser().resolve()
        executor = os.environ.get("GAMESTATS_EXECUTOR", "in_process")
        if executor not in EXECUTORS:
            raise ValueError(f"GAMESTATS_EXECUTOR must be one of {', '.join(EXECUTORS)}, not {executor!r}")
        start_date = os.environ.get("GAMESTATS_START_DATE", DEFAULT_START_DATE)
        return cls(
            data_dir=data_dir,
            pg_url=os.environ.get("GAMESTATS_PG_URL") or None,
            start_date=start_date,
            lake_uri=os.environ.get("GAMESTATS_LAKE_URI") or str(data_dir / "lake"),
            seed=int(os.environ.get("GAMESTATS_SEED", "42")),
            users=int(os.environ.get("GAMESTATS_USERS", "2000")),
            anchor_date=os.environ.get("GAMESTATS_ANCHOR_DATE", start_date),
            executor=executor,
        )

    def landing_dir(self, domain: str) -> Path:
        return self.data_dir / "landing" / domain

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def quarantine_dir(self) -> Path:
        return self.data_dir / "quarantine"

    @property
    def postgres_dir(self) -> Path:
        return self.data_dir / "postgres"

    @property
    def dagster_home(self) -> Path:
        return self.data_dir / "dagster"


PROJECT_ROOT = Path(__file__).resolve().parents[2]
SQL_DIR = PROJECT_ROOT / "sql"
