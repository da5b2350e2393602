"""The project's side of the L2M peers: one day's landing files emitted into a data folder, then the project's
assets that the published `l2m.l2m_daily_kpis` needs (landing → ETL → STD → CONS → PostgreSQL, with their
checks) run through Dagster for that day, and the published KPIs read back."""

import datetime as dt
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import polars as pl
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import Stopwatch, admin_url, bench_database, drop_database, project_instance, selection_job  # noqa: E402

DAY = dt.date(2026, 11, 20)
KPIS = dg.AssetKey(["l2m", "postgres", "l2m_daily_kpis"])
KPI_KEYS = ("date", "country_code", "server_id")
"""The key of `l2m.l2m_daily_kpis`, on which a peer's KPIs are compared with the published ones."""
DATABASE = "gamestats_bench_peers_l2m"


@contextmanager
def landed_day(data_dir: Path, users: int) -> Iterator[Path]:
    """Point the project at `data_dir` and a fresh PostgreSQL database, emit the day there (`users` accounts),
    and give its landing folder; the databases are dropped on the way out."""
    admin = admin_url()
    pg_url = bench_database(admin, DATABASE)
    os.environ.update({"GAMESTATS_DATA_DIR": str(data_dir), "GAMESTATS_PG_URL": pg_url,
                       "GAMESTATS_USERS": str(users), "GAMESTATS_START_DATE": DAY.isoformat()})
    from gamestats_assets.generator.emitters.l2m import emit_day
    from gamestats_assets.lib.core.settings import Settings

    settings = Settings.from_env()
    emit_day(settings.landing_dir("l2m"), DAY, seed=settings.seed, n_users=users)
    try:
        yield settings.landing_dir("l2m") / DAY.isoformat()
    finally:
        drop_database(admin, DATABASE)
        drop_database(admin, f"{DATABASE}_instance")


def kpi_job() -> dg.JobDefinition:
    """The job over the published KPIs and every asset upstream of them."""
    from gamestats_assets.definitions import defs

    keys = dg.AssetSelection.assets(KPIS).upstream().resolve(defs.resolve_asset_graph())
    return selection_job("l2m_kpis_bench", keys)


def published_kpis(clock: Stopwatch) -> pl.DataFrame:
    """Run the KPIs' assets for `DAY` (timed by `clock`) and read the published rows back from PostgreSQL."""
    pg_url = os.environ["GAMESTATS_PG_URL"]
    instance_url = bench_database(admin_url(), f"{DATABASE}_instance")
    with project_instance(instance_url) as instance:
        with clock:
            result = dg.execute_job(dg.reconstructable(kpi_job), instance=instance,
                                    tags={"dagster/partition": DAY.isoformat()})
    if not result.success:
        raise RuntimeError("the project's KPI run failed")
    with psycopg.connect(pg_url) as conn:
        cursor = conn.execute("SELECT * FROM l2m.l2m_daily_kpis WHERE date = %s", (DAY,))
        columns = [column.name for column in cursor.description]
        return pl.DataFrame(cursor.fetchall(), schema=columns, orient="row")
