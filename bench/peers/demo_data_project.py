"""The project's side of the demo_data peers: the taxonomy's rules, the population and one day's landing file
materialized in a data folder (as `bench/demo_data_pipeline.py` does, not timed), then the project's assets that the
published `demo_data.daily_activity` needs run through Dagster for that day, and the published rows read back."""

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
from demo_data_pipeline import ANCHOR, DAY, emit_job  # noqa: E402

ACTIVITY = dg.AssetKey(["demo_data", "postgres", "daily_activity"])
DATABASE = "gamestats_bench_peers_demo_data"


class LandedDay:
    """The emitted day: its landing files, the population as a Parquet file (what a user's own script reads
    beside the logs) and the Dagster instance the project's run is recorded in."""

    def __init__(self, files: list[Path], population: Path, instance: dg.DagsterInstance) -> None:
        self.files, self.population, self.instance = files, population, instance


@contextmanager
def landed_day(folder: Path, users: int) -> Iterator[LandedDay]:
    """Point the project at `folder` and fresh PostgreSQL databases, emit the rules, the population of `users`
    accounts and the day; the databases are dropped on the way out."""
    admin = admin_url()
    pg_url, instance_url = bench_database(admin, DATABASE), bench_database(admin, f"{DATABASE}_instance")
    os.environ.update({"GAMESTATS_DATA_DIR": str(folder / "data"), "GAMESTATS_PG_URL": pg_url,
                       "GAMESTATS_USERS": str(users), "GAMESTATS_START_DATE": ANCHOR.isoformat(),
                       "GAMESTATS_ANCHOR_DATE": ANCHOR.isoformat(), "GAMESTATS_SOURCE": "synthetic"})
    from gamestats_assets.defs.demo_data.assets import DOMAIN, day_files
    from gamestats_assets.lib.core.settings import Settings

    settings = Settings.from_env()
    try:
        with project_instance(instance_url) as instance:
            emitted = dg.execute_job(dg.reconstructable(emit_job), instance=instance,
                                     tags={"dagster/partition": DAY.isoformat()})
            if not emitted.success:
                raise RuntimeError("emitting the demo_data day failed")
            population = folder / "population.parquet"
            pl.read_delta(f"{settings.lake_uri}/demo_data/reference/users").write_parquet(population)
            yield LandedDay(day_files(settings.landing_dir(DOMAIN) / DAY.isoformat()), population, instance)
    finally:
        drop_database(admin, DATABASE)
        drop_database(admin, f"{DATABASE}_instance")


def activity_job() -> dg.JobDefinition:
    """The job over the published daily activity and every asset upstream of it but the rules and the population
    (materialized beforehand)."""
    from gamestats_assets.definitions import defs
    from gamestats_assets.defs.demo_data.assets import event_rules, users

    selection = dg.AssetSelection.assets(ACTIVITY).upstream() - dg.AssetSelection.assets(event_rules, users)
    return selection_job("demo_data_activity_bench", selection.resolve(defs.resolve_asset_graph()))


def published_activity(day: LandedDay, clock: Stopwatch) -> pl.DataFrame:
    """Run the daily activity's assets for `DAY` (timed by `clock`) and read the published rows back."""
    with clock:
        result = dg.execute_job(dg.reconstructable(activity_job), instance=day.instance,
                                tags={"dagster/partition": DAY.isoformat()})
    if not result.success:
        raise RuntimeError("the project's daily activity run failed")
    with psycopg.connect(os.environ["GAMESTATS_PG_URL"]) as conn:
        cursor = conn.execute("SELECT * FROM demo_data.daily_activity WHERE date = %s", (DAY,))
        columns = [column.name for column in cursor.description]
        return pl.DataFrame(cursor.fetchall(), schema=columns, orient="row")
