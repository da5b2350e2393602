"""Publish throughput, lake → PostgreSQL, for one 5 M-row daily partition, held against raw COPY.

Writes a synthetic partition to a Delta table, then times what the publish asset does: stream the partition
from the lake (`read_batches`, a Parquet row group at a time, as the asset's `lake.batches`) and publish it into a table partitioned by day (load a new table, exchange it for the
partition), into an empty partition and replacing the 5 M rows already there, in `--rounds` rounds. The limit
it is held against is measured in the same run on the same server, right before each publish (a shared
machine's load drifts): a plain `COPY` of the same rows, already encoded in memory, into an unindexed,
unpartitioned table (`raw_copy_rows_per_second`, binary; CSV once, for comparison).
`publish_to_copy_ratio` = publish rate / raw binary COPY rate (target ≥ 0.9), the median over the rounds, each
round's in `publish_to_copy_ratios`; the seconds and rates are medians too. What separates the two:
the lake read, encoding the rows while the server ingests them (on a machine whose cores are busy, the
client's encoding competes with the server's parsing; `load_average_1min` says how busy it was), and
`COPY FREEZE` (see `staging.stage_partition`).
The table has no secondary index: with one partition per day, the date index that made the old
`DELETE` fast has no use. Prints one JSON object.
PostgreSQL: GAMESTATS_PG_URL, else the service on 127.0.0.1:5432, else the embedded server; the benchmark
works in a database of its own, dropped at the end.
"""

import argparse
import datetime as dt
import json
import os
import statistics
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import polars as pl
from common import admin_url

from gamestats_assets.lib.lake.read import read_batches
from gamestats_assets.lib.lake.write import write_partitions
from gamestats_assets.lib.publish import copy_encoding
from gamestats_assets.lib.publish.postgres import apply_migrations, connect
from gamestats_assets.lib.publish.copying import column_types
from gamestats_assets.lib.publish.publisher import PARTITION_SCHEMA_SUFFIX, partition_name, publish_partitions

DAY = dt.date(2026, 11, 20)
TARGET_RATIO = 0.9
CASES = ("empty_partition", "replacing_partition")
COLUMNS = ("date date NOT NULL, user_id bigint, item_id integer, amount bigint, price_usd double precision, "
           "event_time timestamp, server text")


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


@contextmanager
def scratch_database(url: str):
    """A new database on the server of `url`, migrated, dropped afterwards."""
    name = f"gamestats_bench_{uuid.uuid4().hex[:8]}"
    with connect(url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    database_url = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    try:
        apply_migrations(database_url)
        yield database_url
    finally:
        with connect(url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def raw_copy_seconds(conn, frame: pl.DataFrame, encoding: str) -> float:
    """Seconds for the server to take `frame`, encoded beforehand, by one plain COPY in one transaction."""
    conn.execute("DROP TABLE IF EXISTS bench.raw_copy")
    conn.execute(f"CREATE TABLE bench.raw_copy ({COLUMNS})")
    types = column_types(conn, "bench.raw_copy")
    payload = copy_encoding.encode(frame, types if encoding == "binary" else {})
    chunks = [bytes(chunk) for chunk in payload.chunks]
    started = time.perf_counter()
    with conn.transaction(), conn.cursor() as cursor:
        with cursor.copy(f"COPY bench.raw_copy FROM STDIN (FORMAT {payload.format})") as copy:
            for chunk in chunks:
                copy.write(chunk)
    seconds = time.perf_counter() - started
    conn.execute("DROP TABLE bench.raw_copy")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rows = partition(args.rows)
    with tempfile.TemporaryDirectory() as lake, scratch_database(admin_url()) as url, connect(url) as conn:
        uri = str(Path(lake) / "economy")
        write_partitions(uri, rows, "date", [DAY], physical_partitioning=True)
        conn.execute("CREATE SCHEMA bench")
        raw_csv_s = raw_copy_seconds(conn, rows, "csv")
        conn.execute(f"CREATE TABLE bench.economy ({COLUMNS})")
        conn.execute("SELECT public.gamestats_partition_table('bench', 'economy', 'date')")
        measured = {case: [] for case in CASES}
        for _ in range(args.rounds):
            conn.execute(f"DROP TABLE IF EXISTS bench{PARTITION_SCHEMA_SUFFIX}.{partition_name(conn, 'economy', DAY)}")
            for case in CASES:
                raw_s = raw_copy_seconds(conn, rows, "binary")
                started = time.perf_counter()
                published = publish_partitions(conn, "bench.economy", read_batches(uri, "date", [DAY]), "date", [DAY])
                measured[case].append((time.perf_counter() - started, raw_s))
        in_postgres = conn.execute("SELECT count(*) FROM bench.economy").fetchone()[0]
    figures = {"benchmark": "publish_throughput", "rows": published,
               "rows_in_postgres_after_republish": in_postgres,
               "raw_copy_rows_per_second_csv": round(args.rows / raw_csv_s)}
    ratios = []
    for case, rounds in measured.items():
        publish_s, raw_s = (statistics.median(seconds) for seconds in zip(*rounds))
        ratio = statistics.median(raw / publish for publish, raw in rounds)
        ratios.append(ratio)
        figures |= {
            f"raw_copy_rows_per_second_binary_{case}": round(args.rows / raw_s),
            f"seconds_publish_{case}": round(publish_s, 2),
            f"rows_per_second_publish_{case}": round(published / publish_s),
            f"publish_to_copy_ratio_{case}": round(ratio, 3),
            f"publish_to_copy_ratios_{case}": [round(raw / publish, 3) for publish, raw in rounds],
        }
    print(json.dumps(figures | {
        "target_publish_to_copy_ratio": TARGET_RATIO,
        "target_met": all(ratio >= TARGET_RATIO for ratio in ratios),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "cores": os.cpu_count(),
    }))


if __name__ == "__main__":
    main()
