"""L2M against Spark in local mode: the same day's ETL → STD → CONS, from the same landing files, in one run.

Emits one day of `--users` accounts (not timed), then times the project's run of the assets the published
`l2m.l2m_daily_kpis` needs (landing → ETL → STD → CONS → PostgreSQL, checks included, through Dagster on an
instance stored in PostgreSQL) and the Spark job of `l2m_spark_job.py` on every core of the machine (landing →
Parquet layers), the Spark session's start included (`spark_session_start_seconds` says how much of it), and
checks that Spark's KPIs equal the published ones. CPU seconds are this process's and its children's, the JVM's
included. Prints one JSON line.

    python bench/peers/l2m_spark.py --users 1000000
PostgreSQL: GAMESTATS_PG_URL (an admin URL), else the service on 127.0.0.1:5432, else the embedded server.
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

import l2m_spark_job
import polars as pl
from l2m_project import DAY, KPI_KEYS, landed_day, published_kpis
from side_by_side import Stopwatch, difference, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=1_000_000)
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    project, peer = Stopwatch(), Stopwatch()
    with tempfile.TemporaryDirectory(prefix="peers_l2m_spark_") as folder, \
            landed_day(Path(folder) / "data", args.users) as day_dir:
        landing_bytes = sum(path.stat().st_size for path in day_dir.iterdir())
        published = published_kpis(project)
        with peer:
            started = time.perf_counter()
            spark = l2m_spark_job.session(cores)
            session_seconds = time.perf_counter() - started
            out = l2m_spark_job.run(spark, day_dir, DAY, Path(folder) / "spark")
        spark.stop()
        mismatch = difference(published, pl.read_parquet(out / "*.parquet"), KPI_KEYS)
    report("l2m_spark", "spark", project, peer, mismatch, users=args.users, landing_bytes=landing_bytes,
           kpi_rows=published.height, cores=cores, spark_session_start_seconds=round(session_seconds, 1))


if __name__ == "__main__":
    main()
