"""Running a run's steps on Celery workers (dagster-celery, `GAMESTATS_EXECUTOR=celery`), and refusing what a
remote worker could not reach. A worker started by `gamestats worker` (`start_worker`) takes steps from the
queue `GAMESTATS_CELERY_QUEUE` on the broker `GAMESTATS_CELERY_BROKER` and writes its events to the run's
Dagster instance."""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import dagster as dg
from dagster._core.definitions.executor_definition import multiple_process_executor_requirements
from dagster._core.execution.retries import RetryMode
from psycopg.conninfo import conninfo_to_dict

from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.postgres import libpq_url, redact

if TYPE_CHECKING:
    from dagster_celery.executor import CeleryExecutor


class UnreachableByWorkers(dg.DagsterError):
    """The run's configuration names storage that Celery workers on other machines could not reach."""


class CeleryNotInstalled(dg.DagsterError):
    """Runs on Celery were asked for, but the `celery` extra is not installed."""


def unreachable_by_workers(settings: Settings, instance: dg.DagsterInstance) -> list[str]:
    """What a Celery worker on another machine could not reach, each with the setting that fixes it: a lake
    on a local path (unless `GAMESTATS_LAKE_SHARED=true`), a data folder not declared shared
    (`GAMESTATS_DATA_SHARED=true`), the embedded PostgreSQL or one reached over a Unix socket, and an
    instance kept in local files."""
    problems = []
    if urlsplit(settings.lake_uri).scheme in ("", "file") and not settings.lake_shared:
        problems.append(
            f"the lake is the local path {settings.lake_uri}: put it on object storage "
            "(GAMESTATS_LAKE_URI=s3://bucket/prefix), or, if that path is a shared filesystem mounted at the "
            "same place on every worker, say so with GAMESTATS_LAKE_SHARED=true"
        )
    if not settings.data_shared:
        problems.append(
            f"the data folder {settings.data_dir} (landing files, quarantine, DuckDB warehouse) is local to "
            "this machine, while one step writes landing files that another reads: mount it at the same path "
            "on every worker and say so with GAMESTATS_DATA_SHARED=true"
        )
    if settings.pg_url is None:
        problems.append(
            "PostgreSQL is the embedded server in this machine's data folder: set GAMESTATS_PG_URL to a "
            "server the workers reach over TCP (postgresql://user:password@host:5432/database)"
        )
    elif unix_socket(settings.pg_url):
        problems.append(
            f"GAMESTATS_PG_URL {redact(settings.pg_url)} connects over a Unix socket: give a host name or "
            "address the workers reach over TCP"
        )
    storage = type(instance.run_storage).__name__
    if not instance.is_persistent or "Sqlite" in storage:
        problems.append(
            f"the Dagster instance keeps its runs in local files ({storage}): use the PostgreSQL-backed "
            "instance of dagster.yaml (the gamestats commands set it up)"
        )
    return problems


def unix_socket(url: str) -> bool:
    """Whether libpq would reach `url` through a Unix-domain socket (no host, or a socket folder)."""
    host = conninfo_to_dict(libpq_url(url)).get("host") or ""
    return not host or any(part.startswith(("/", "@")) for part in host.split(","))


def celery_app_args(settings: Settings) -> dict:
    """The Celery app of the run process and of the workers: broker, result backend, the deployment's queue."""
    broker = settings.celery_broker
    return {
        "broker": broker,
        "backend": broker if broker.startswith(("redis://", "rediss://")) else "rpc://",
        "include": [],
        "config_source": {
            "task_default_queue": settings.celery_queue,
            "worker_prefetch_multiplier": 1,
            "broker_connection_retry_on_startup": True,
        },
    }


def require_celery() -> None:
    """Fail, saying how to install it, when the `celery` extra (dagster-celery and its Redis transport) is not
    installed."""
    if importlib.util.find_spec("dagster_celery") is None:
        raise CeleryNotInstalled("GAMESTATS_EXECUTOR=celery and `gamestats worker` need the celery extra: "
                                   "pip install -c constraints.txt \"gamestats[celery]\"")


@dg.executor(name="celery", config_schema={}, requirements=multiple_process_executor_requirements())
def celery_executor(init_context: dg.InitExecutorContext) -> CeleryExecutor:
    """Each step of the run as a Celery task for `gamestats worker`; refuses, before any step is sent, a
    configuration remote workers could not reach (`unreachable_by_workers`). Celery is imported here, by the runs
    that use it, not by every process that loads the definitions."""
    require_celery()
    from dagster_celery.executor import CeleryExecutor

    settings = Settings.from_env()
    problems = unreachable_by_workers(settings, init_context.instance)
    if problems:
        raise UnreachableByWorkers(
            "This run executes on Celery workers, which may run on other machines, but "
            + "; and ".join(problems)
            + "."
        )
    return CeleryExecutor(retries=RetryMode.ENABLED, **celery_app_args(settings))


def start_worker(settings: Settings, name: str, concurrency: int, loglevel: str = "INFO") -> None:
    """Run a Celery worker for `settings`' broker and queue in this process, until it is stopped.

    Steps run in this process (`solo` pool for one at a time, `threads` for more), never in forked
    pool processes: a process forked after polars started its thread pool can deadlock in its first query.
    """
    require_celery()
    from dagster_celery.make_app import make_app
    from dagster_celery.tasks import create_task

    app = make_app(celery_app_args(settings))
    create_task(app)
    app.worker_main([
        "worker",
        "--queues", settings.celery_queue,
        "--hostname", name,
        "--concurrency", str(concurrency),
        "--pool", "solo" if concurrency == 1 else "threads",
        "--prefetch-multiplier", "1",
        "--loglevel", loglevel,
        "--without-gossip",
        "--without-mingle",
    ])
