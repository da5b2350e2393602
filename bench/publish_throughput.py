"""Publish throughput, lake → PostgreSQL, for one 5 M-row daily partition (rows/s end to end).

Writes a synthetic partition to a Delta table, then times reading that partition back from the lake and
publishing it (DELETE + COPY in one transaction), as the publish asset does: once into an empty
partition, once replacing the 5 M rows already there. Prints one JSON object.
PostgreSQL: GAMESTATS_PG_URL, else the service on 127.0.0.1:5432, else the embedded server.
"""

import argparse
import datetime as dt
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl
from common import admin_url

from gamestats_assets.lib.lake import read_partitions, write_partitions
from gamestats_assets.lib.postgres import connect
from gamestats_assets.lib.publisher import publish_partitions

DAY = dt.date(2026, 11, 20)


def partition(rows: int) -> pl.DataFrame:
    """A day of economy rows: user, item, amount, price, timestamp, server name."""
    rng = np.random.default_rng(7)
    start = np.datetime64("2026-11-20T00:00:00", "us")
    return pl.DataFrame({
        "date": pl.repeat(DAY, rows, eager=True),
        "user_id": rng.integers(1, 1_000_000, rows),
        "item_id": rng.integers(1, 52, rows).astype(np.int32),
        "amount": rng.integers(1, 500, rows),
        "price_usd": rng.random(rows) * 50,
        "event_time": start + rng.integers(0, 86_400_000_000, rows).astype("timedelta64[us]"),
        "server": pl.Series(rng.choice(["Aden 01", "Giran 02", "Oren's 03"], rows)),
    })


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5_000_000)
    args = parser.parse_args()
    url = admin_url()
    with tempfile.TemporaryDirectory() as lake, connect(url) as conn:
        uri = str(Path(lake) / "economy")
        write_partitions(uri, partition(args.rows), "date", [DAY], physical_partitioning=True)
        conn.execute("CREATE SCHEMA IF NOT EXISTS bench")
        conn.execute("DROP TABLE IF EXISTS bench.economy")
        conn.execute("CREATE TABLE bench.economy (date date NOT NULL, user_id bigint, item_id integer, amount bigint, "
                     "price_usd double precision, event_time timestamp, server text)")
        conn.execute("CREATE INDEX ON bench.economy (date)")
        timings = []
        for _attempt in ("first", "replace"):
            started = time.perf_counter()
            frame = read_partitions(uri, "date", [DAY]).collect()
            read_s = time.perf_counter() - started
            rows = publish_partitions(conn, "bench.economy", frame, "date", [DAY])
            timings.append((time.perf_counter() - started, read_s))
        published = conn.execute("SELECT count(*) FROM bench.economy").fetchone()[0]
        conn.execute("DROP SCHEMA bench CASCADE")
    (first_s, read_s), (replace_s, _) = timings
    print(json.dumps({
        "benchmark": "publish_throughput",
        "rows": rows,
        "rows_in_postgres_after_republish": published,
        "seconds_lake_read": round(read_s, 2),
        "seconds_first_publish": round(first_s, 2),
        "rows_per_second_first_publish": round(rows / first_s),
        "seconds_republish_replacing_partition": round(replace_s, 2),
        "rows_per_second_republish": round(rows / replace_s),
    }))


if __name__ == "__main__":
    main()
