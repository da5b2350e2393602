"""L2M against one DuckDB SQL script: the same day's KPIs, from the same landing files, in one run.

Emits one day of `--users` accounts (not timed), then times the project's run of the assets the published
`l2m.l2m_daily_kpis` needs (landing → ETL → STD → CONS → PostgreSQL, checks included, through Dagster on an
instance stored in PostgreSQL) and the plain DuckDB script of `l2m_sql.py` (landing → Parquet), and checks that
the script's KPIs equal the published ones. Beside them, DuckDB's parse of every field of the same files
(`every_field.py`): the part of the project's work a script that reads five fields skips. Prints one JSON line.

    python bench/peers/l2m_duckdb.py --users 1000000
PostgreSQL: GAMESTATS_PG_URL (an admin URL), else the service on 127.0.0.1:5432, else the embedded server.
"""

import argparse
import tempfile
from pathlib import Path

import l2m_sql
import polars as pl
from every_field import read_every_field
from l2m_project import DAY, KPI_KEYS, landed_day, published_kpis
from side_by_side import Stopwatch, difference, report

from gamestats_assets.sources.l2m import EVENT_PROPERTIES, PROFILE_PROPERTIES, PROFILE_STEM, source_files
from gamestats_assets.sources.thinkingdata import LineSchema


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=1_000_000)
    args = parser.parse_args()
    project, peer, every_field = Stopwatch(), Stopwatch(), Stopwatch()
    with tempfile.TemporaryDirectory(prefix="peers_l2m_duckdb_") as folder, \
            landed_day(Path(folder) / "data", args.users) as day_dir:
        landing_bytes = sum(path.stat().st_size for path in day_dir.iterdir())
        published = published_kpis(project)
        out = Path(folder) / "kpis.parquet"
        with peer:
            l2m_sql.run(day_dir, DAY, out)
        mismatch = difference(published, pl.read_parquet(out), KPI_KEYS)
        schemas = {**EVENT_PROPERTIES, PROFILE_STEM: PROFILE_PROPERTIES}
        with every_field:
            read_every_field((path, LineSchema(properties)) for stem, properties in schemas.items()
                             for path in source_files(day_dir, stem))
    report("l2m_duckdb", "duckdb", project, peer, mismatch, users=args.users, landing_bytes=landing_bytes,
           kpi_rows=published.height, duckdb_reading_every_field=every_field.as_dict(),
           gamestats_to_duckdb_reading_every_field_ratio=round(project.seconds / every_field.seconds, 2))


if __name__ == "__main__":
    main()
