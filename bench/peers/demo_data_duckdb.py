"""demo_data against one DuckDB SQL script: the same day's activity per segment, from the same landing file and
population, in one run.

Materializes the taxonomy's rules, a population of `--users` accounts and one day's landing file (not timed),
then times the project's run of the assets the published `demo_data.daily_activity` needs (landing → ETL → CONS →
PostgreSQL, checks included, through Dagster on an instance stored in PostgreSQL) and the plain DuckDB script of
`demo_data_sql.py` (landing and population → Parquet), and checks that the script's rows equal the published ones.
Beside them, DuckDB's parse of every field of the same file (`every_field.py`): the part of the project's work a
script that reads four fields skips. Prints one JSON line.

    python bench/peers/demo_data_duckdb.py --users 100000
PostgreSQL: GAMESTATS_PG_URL (an admin URL), else the service on 127.0.0.1:5432, else the embedded server.
"""

import argparse
import tempfile
from pathlib import Path

import demo_data_sql
import polars as pl
from demo_data_project import DAY, landed_day, published_activity
from every_field import read_every_field
from side_by_side import Stopwatch, difference, report

from gamestats_assets.sources.thinkingdata import LineSchema

KEYS = ("date", "segment")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=100_000)
    args = parser.parse_args()
    project, peer, every_field = Stopwatch(), Stopwatch(), Stopwatch()
    with tempfile.TemporaryDirectory(prefix="peers_demo_data_duckdb_") as folder, \
            landed_day(Path(folder), args.users) as day:
        landing_bytes = sum(path.stat().st_size for path in day.files)
        published = published_activity(day, project)
        out = Path(folder) / "daily_activity.parquet"
        with peer:
            demo_data_sql.run(day.files, day.population, DAY, out)
        mismatch = difference(published, pl.read_parquet(out), KEYS)
        with every_field:
            read_every_field((path, LineSchema({}, raw_properties=True)) for path in day.files)
    report("demo_data_duckdb", "duckdb", project, peer, mismatch, users=args.users, landing_bytes=landing_bytes,
           active_users=int(published["active_users"].sum()), duckdb_reading_every_field=every_field.as_dict(),
           gamestats_to_duckdb_reading_every_field_ratio=round(project.seconds / every_field.seconds, 2))


if __name__ == "__main__":
    main()
