"""The operator contract: every setting the platform reads, read in one place.

A setting comes from the environment; failing that, from `<data_dir>/settings.json`, where
`gamestats demo` records the choices a data folder was built with (its first day, its synthetic
population), so that `gamestats dev` and later runs keep working on the same history; failing that,
from its default.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_START_DATE = "2019-01-01"
EXECUTORS = ("in_process", "multiprocess", "celery")
SOURCES = ("synthetic", "files")
SAVED_SETTINGS = "settings.json"
SAVED_NAMES = ("GAMESTATS_START_DATE", "GAMESTATS_ANCHOR_DATE", "GAMESTATS_USERS", "GAMESTATS_SEED", "GAMESTATS_SOURCE")


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _flag(name: str) -> bool:
    return _choice(name, os.environ.get(name) or "false", ("true", "false")) == "true"


def _count(name: str, value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, not {value!r}")
    return int(value)


def env_count(name: str, default: int, unit: str) -> int:
    """The environment variable `name`, a whole number of `unit` of at least 1 (`default` when unset or empty); a
    `ValueError` naming it otherwise."""
    value = os.environ.get(name) or str(default)
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a whole number of {unit} of at least 1, not {value!r}")
    return int(value)


def _minutes(name: str, value: str) -> int:
    if _count(name, value) > 60:
        raise ValueError(f"{name} must be a whole number of minutes from 1 to 60, not {value!r}")
    return int(value)


DEFAULT_PUBLISH_CONNECTIONS = min(4, os.cpu_count() or 1)


@dataclass(frozen=True)
class Settings:
    """Where the platform keeps its data, which PostgreSQL it talks to, and where data comes from.

    - `GAMESTATS_DATA_DIR` (default `./data`): landing files, the Delta lake, the DuckDB warehouse,
      quarantined inputs and the embedded PostgreSQL server's data.
    - `GAMESTATS_PG_URL`: the PostgreSQL to publish to and to hold Dagster's instance storage;
      unset means the embedded server under `<data_dir>/postgres`.
    - `GAMESTATS_START_DATE`: the first daily partition, where each table's history begins.
    - `GAMESTATS_LAKE_URI` (default `<data_dir>/lake`): where the Delta tables live; an `s3://`,
      `az://` or `gs://` URI puts them on object storage (credentials from the usual environment).
    - `GAMESTATS_SOURCE`: `files` (default) never generates, and an empty folder is an error;
      `synthetic` (what `gamestats demo` records in its data folder) generates a day whose landing
      folder is empty.
    - `GAMESTATS_SEED` and `GAMESTATS_USERS`: the synthetic sources' seed and number of users.
    - `GAMESTATS_ANCHOR_DATE` (default the start date): the day the synthetic populations are defined
      on; their new users install in the days after it.
    - `GAMESTATS_EXECUTOR` (`in_process`, `multiprocess` or `celery`): how a run executes its steps;
      `celery` sends each step to Celery workers (`gamestats worker`), see `lib/deploy/celery_workers.py`.
    - `GAMESTATS_CELERY_BROKER` (default `redis://127.0.0.1:6379/0`): the Celery broker, a Redis
      (`redis://`) or RabbitMQ (`amqp://`) URL; `GAMESTATS_CELERY_QUEUE` (default `gamestats`): the
      queue a deployment's runs and workers share.
    - `GAMESTATS_LAKE_SHARED` (`true`/`false`, default false): a local `GAMESTATS_LAKE_URI` is a
      shared filesystem mounted at the same path on every Celery worker (NFS, EFS); without it a run on
      Celery refuses a local lake, which workers on other machines could not reach.
    - `GAMESTATS_DATA_SHARED` (`true`/`false`, default false): the data folder (landing files,
      quarantine, DuckDB warehouse) is a shared filesystem mounted at the same path on every Celery worker;
      without it a run on Celery refuses to start, since one step writes landing files that another reads.
    - `GAMESTATS_PUBLISH_CONNECTIONS` (default the machine's cores, at most 4): connections a large
      partition is loaded into PostgreSQL over at once (`lib/publish/ranged_load.py`); 1 loads every partition over
      one.
    - `GAMESTATS_MAX_DECOMPRESSED_BYTES` (default 2 GiB): the most one gzip file or answer may expand to; read
      where files are read (`lib/core/inputs.py`).
    - `GAMESTATS_SNAPSHOT_DELAY_MINUTES` (default 2, at most 60): the longest a snapshot waits for the runs of
      its inputs to end once they were updated; past it, it is rebuilt from what they committed so far.
    - `GAMESTATS_PARSE_BATCH_FILES` (default 2,000) and `GAMESTATS_BY_KEY_BATCH_KEYS` (default 2,000): the most
      fresh files of a day an ETL parses at once and the most games a table computed by game computes at once; read
      where they are used (`lib/intake/file_rows.py`, `lib/refresh/by_key.py`).
    - `GAMESTATS_LANDING_RETENTION_DAYS` (unset: kept): raw landing files whose day is older than this many days
      are retired, their rows kept, a whole day at once for the domains that retire their days whole (`gamestats
      landing retire`, the daily `landing_retention_schedule`, `lib/intake/retention.py`).
    """

    data_dir: Path
    pg_url: str | None
    start_date: str
    lake_uri: str
    source: str
    seed: int
    users: int
    anchor_date: str
    executor: str
    celery_broker: str = "redis://127.0.0.1:6379/0"
    celery_queue: str = "gamestats"
    lake_shared: bool = False
    data_shared: bool = False
    publish_connections: int = 1
    snapshot_delay_minutes: int = 2
    landing_retention_days: int | None = None

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = Path(os.environ.get("GAMESTATS_DATA_DIR", "data")).expanduser().resolve()
        saved = read_saved(data_dir)

        def setting(name: str, default: str) -> str:
            return os.environ.get(name) or saved.get(name) or default

        start_date = setting("GAMESTATS_START_DATE", DEFAULT_START_DATE)
        return cls(
            data_dir=data_dir,
            pg_url=os.environ.get("GAMESTATS_PG_URL") or None,
            start_date=start_date,
            lake_uri=os.environ.get("GAMESTATS_LAKE_URI") or str(data_dir / "lake"),
            source=_choice("GAMESTATS_SOURCE", setting("GAMESTATS_SOURCE", "files"), SOURCES),
            seed=int(setting("GAMESTATS_SEED", "42")),
            users=int(setting("GAMESTATS_USERS", "2000")),
            anchor_date=setting("GAMESTATS_ANCHOR_DATE", start_date),
            executor=_choice("GAMESTATS_EXECUTOR", setting("GAMESTATS_EXECUTOR", "in_process"), EXECUTORS),
            celery_broker=os.environ.get("GAMESTATS_CELERY_BROKER") or cls.celery_broker,
            celery_queue=os.environ.get("GAMESTATS_CELERY_QUEUE") or cls.celery_queue,
            lake_shared=_flag("GAMESTATS_LAKE_SHARED"),
            data_shared=_flag("GAMESTATS_DATA_SHARED"),
            publish_connections=_count("GAMESTATS_PUBLISH_CONNECTIONS",
                                       os.environ.get("GAMESTATS_PUBLISH_CONNECTIONS") or str(DEFAULT_PUBLISH_CONNECTIONS)),
            snapshot_delay_minutes=_minutes("GAMESTATS_SNAPSHOT_DELAY_MINUTES",
                                            os.environ.get("GAMESTATS_SNAPSHOT_DELAY_MINUTES") or "2"),
            landing_retention_days=_count("GAMESTATS_LANDING_RETENTION_DAYS",
                                          os.environ["GAMESTATS_LANDING_RETENTION_DAYS"])
            if os.environ.get("GAMESTATS_LANDING_RETENTION_DAYS") else None,
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


def read_saved(data_dir: Path) -> dict[str, str]:
    """The settings recorded in `<data_dir>/settings.json`, empty if none were."""
    path = data_dir / SAVED_SETTINGS
    return json.loads(path.read_text()) if path.exists() else {}


def save(data_dir: Path, values: Mapping[str, str]) -> None:
    """Record `values` (only the names in `SAVED_NAMES`) in `<data_dir>/settings.json`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    kept = {name: str(value) for name, value in values.items() if name in SAVED_NAMES}
    (data_dir / SAVED_SETTINGS).write_text(json.dumps(kept, indent=2, sort_keys=True) + "\n")


PROJECT_ROOT = Path(__file__).resolve().parents[3]
SQL_DIR = PROJECT_ROOT / "sql"
INSTANCE_CONFIG = PROJECT_ROOT / "gamestats_assets" / "dagster.yaml"
"""The Dagster instance's configuration, copied into `DAGSTER_HOME`; kept in the package, not the project root,
where `dg dev` would take it for a misplaced instance."""
