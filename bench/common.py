"""What the benchmarks share: a PostgreSQL server to measure against."""

import os
import tempfile
from pathlib import Path

import psycopg

from gamestats_assets.lib import embedded_postgres

SERVICE_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def admin_url() -> str:
    """GAMESTATS_PG_URL if set, else the service on 127.0.0.1:5432 if it answers, else an embedded server."""
    if os.environ.get("GAMESTATS_PG_URL"):
        return os.environ["GAMESTATS_PG_URL"]
    try:
        psycopg.connect(SERVICE_URL, connect_timeout=3).close()
        return SERVICE_URL
    except psycopg.OperationalError:
        return embedded_postgres.start(Path(tempfile.mkdtemp()) / "pg")
