"""Preparing the machine for Dagster: PostgreSQL up and migrated, the instance folder and its settings.

Used by the `gamestats` CLI before it starts anything of Dagster's, so the webserver, the daemon, run
workers and `gamestats demo` all share one instance stored in the same PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

from gamestats_assets.lib.core.settings import INSTANCE_CONFIG, Settings
from gamestats_assets.lib.deploy.dagster_storage import create_tables
from gamestats_assets.lib.lake.write import settle_tables
from gamestats_assets.lib.publish import embedded_postgres
from gamestats_assets.lib.publish.postgres import apply_migrations, dagster_storage_url, resolve_url


@dataclass(frozen=True)
class PreparedEnvironment:
    """What `prepare` set up, and whether it started the embedded server (so it stops it again)."""

    settings: Settings
    pg_url: str
    started_embedded: bool


def prepare(settings: Settings) -> PreparedEnvironment:
    """Start PostgreSQL if embedded, apply the DDL, create Dagster's tables, give the lake's older tables their
    settings (`settle_tables`), and point `DAGSTER_HOME` at the instance folder. An embedded server it started is
    stopped again when any of that fails or is interrupted."""
    embedded = settings.pg_url is None
    starts_embedded = embedded and not embedded_postgres.is_running(settings.postgres_dir)
    try:
        url = resolve_url(settings)
        apply_migrations(url)
        settings.dagster_home.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(INSTANCE_CONFIG, settings.dagster_home / "dagster.yaml")
        os.environ["DAGSTER_HOME"] = str(settings.dagster_home)
        os.environ["GAMESTATS_DAGSTER_PG_URL"] = dagster_storage_url(url)
        create_tables(os.environ["GAMESTATS_DAGSTER_PG_URL"])
        settle_tables(settings.lake_uri)
    except BaseException:
        if starts_embedded:
            embedded_postgres.stop(settings.postgres_dir)
        raise
    os.environ["GAMESTATS_DATA_DIR"] = str(settings.data_dir)
    return PreparedEnvironment(settings=settings, pg_url=url, started_embedded=starts_embedded)


def release(prepared: PreparedEnvironment) -> None:
    """Stop the embedded server if `prepare` started it; leave a server that was already up running."""
    if prepared.started_embedded:
        embedded_postgres.stop(prepared.settings.postgres_dir)
