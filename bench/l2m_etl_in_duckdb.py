"""How far the L2M item_gain ETL is from doing its work inside DuckDB's JSON reader, on the same landing file.

Times three reads of one day's `item_gain` lines, each in this process, each's wall and CPU seconds:

- `project`: the project's ETL of the source (`etl_economy`: parse, typing, every rule with its reasons,
  repeated deliveries, sums per user and key) and its write to a Delta table, as the ETL step does;
- `duckdb_whole`: one DuckDB query that parses the same columns, types the properties, flags the rows breaking
  the same kinds of rules, hashes each record's key and content, sums the good rows per user and key and writes
  them to Parquet. It finds no reasons and drops no repeated delivery, so it is less work than the ETL: a bound
  from below on what the ETL could cost if DuckDB did all of it;
- `duckdb_parse`: the parse alone, every column read.

The emitter writes the day first (not timed); the three reads then run twice, in turn, since the machine's speed
varies from minute to minute. Prints one JSON object.

    python bench/l2m_etl_in_duckdb.py --users 1000000
"""

import argparse
import datetime as dt
import json
import tempfile
import time
from pathlib import Path

import duckdb
from common import tree_cpu_seconds

from gamestats_assets.defs.l2m.transforms.etl import ITEM_GAIN, etl_economy
from gamestats_assets.generator.emitters.l2m import emit_day
from gamestats_assets.lib.lake.write import write_partitions
from gamestats_assets.sources.l2m import EVENT_PROPERTIES
from gamestats_assets.sources.thinkingdata import LineSchema

DAY = dt.date(2026, 11, 20)
PROPERTIES = tuple(EVENT_PROPERTIES[ITEM_GAIN.event])
REQUIRED = ("server_id", "level", *ITEM_GAIN.keys, ITEM_GAIN.measure)
"""The properties a line must carry, as `etl_economy` requires them (beside `#account_id`)."""
PARSED_COLUMNS = LineSchema(EVENT_PROPERTIES[ITEM_GAIN.event], event_name=ITEM_GAIN.event, record_types=("track",),
                            required=("#account_id", *REQUIRED), keep_roots=("#account_id",)).json_columns()
"""What the project's reader asks DuckDB's JSON parse for in `etl_economy`: the root keys and the properties, as
text."""


def timed(work) -> dict:
    started, cpu_started = time.perf_counter(), tree_cpu_seconds()
    result = work()
    return {"seconds": round(time.perf_counter() - started, 2),
            "cpu_seconds": round(tree_cpu_seconds() - cpu_started, 2), "rows": result}


def parsed(path: Path) -> str:
    """The DuckDB read of `path` with the columns the project's reader parses."""
    return f"read_json('{path}', columns={PARSED_COLUMNS}, format='newline_delimited')"


def checked(path: Path) -> str:
    """Every line of `path` typed, with `bad` (it breaks a rule of the ETL's kinds) and its key and content
    hashes."""
    typed = ", ".join(f"properties.{name} AS {name}_text, TRY_CAST(properties.{name} AS BIGINT) AS {name}"
                      for name in PROPERTIES)
    not_typed = " OR ".join(f"({name}_text IS NOT NULL AND {name} IS NULL)" for name in PROPERTIES)
    missing = " OR ".join(f"{name} IS NULL" for name in REQUIRED)
    return f"""
        WITH lines AS (
            SELECT "#type" AS record_type, "#account_id" AS user_id, "#event_name" AS event_name, "#uuid" AS uuid,
                   try_strptime("#time", ['%Y-%m-%d %H:%M:%S.%g', '%Y-%m-%d %H:%M:%S']) AS event_time, {typed}
            FROM {parsed(path)})
        SELECT *,
               record_type IS DISTINCT FROM 'track' OR event_time IS NULL OR event_name IS DISTINCT FROM '{ITEM_GAIN.event}'
               OR CAST(event_time AS DATE) <> DATE '{DAY}' OR {not_typed} OR coalesce(user_id, '') = '' OR {missing}
               OR contains(user_id, chr(0)) OR length(user_id) > 256 AS bad,
               hash(record_type, event_name, uuid) AS record_key,
               hash(user_id, {", ".join(PROPERTIES)}) AS content
        FROM lines"""


def connect() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    return connection


def duckdb_whole(path: Path, out: Path) -> int:
    """The good lines of `path` summed per user and key into `out`; each sum keeps the smallest key and content
    hash of its lines, so that the hashes are computed as a deduplication would need them."""
    keys = ", ".join(("user_id", "server_id", *ITEM_GAIN.keys))
    measure = ITEM_GAIN.measure
    query = f"""COPY (SELECT {keys}, max(level) AS level, sum({measure}) AS {measure}, count(*) AS events,
                             min(record_key) AS any_key, min(content) AS any_content
                      FROM ({checked(path)}) WHERE NOT bad GROUP BY {keys})
                TO '{out}' (FORMAT parquet)"""
    with connect() as connection:
        return connection.execute(query).fetchone()[0]


def duckdb_parse(path: Path) -> int:
    lengths = " + ".join([f'length("{root}")' for root in PARSED_COLUMNS if root != "properties"]
                         + [f"length(properties.{name})" for name in PROPERTIES])
    with connect() as connection:
        return connection.execute(f"SELECT count(*), sum({lengths}) FROM {parsed(path)}").fetchone()[0]


def project(day_dir: Path, table_uri: str) -> int:
    read = etl_economy(ITEM_GAIN, day_dir, DAY)
    return write_partitions(table_uri, read.frame, "date", [DAY], physical_partitioning=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="l2m_etl_in_duckdb_") as folder:
        landing = Path(folder) / "landing"
        emit_day(landing, DAY, seed=7, n_users=args.users)
        day_dir = landing / DAY.isoformat()
        path = day_dir / f"{ITEM_GAIN.event}.jsonl"
        reads = {
            "project": lambda: project(day_dir, f"{folder}/etl_item_gain"),
            "duckdb_whole": lambda: duckdb_whole(path, Path(folder) / "sums.parquet"),
            "duckdb_parse": lambda: duckdb_parse(path),
        }
        figures = {name: [] for name in reads}
        for _ in range(2):
            for name, read in reads.items():
                figures[name].append(timed(read))
        size = path.stat().st_size
    print(json.dumps({
        "benchmark": "l2m_etl_in_duckdb",
        "users": args.users,
        "item_gain_bytes": size,
        **figures,
        "project_to_duckdb_whole_cpu_ratio": round(min(run["cpu_seconds"] for run in figures["project"])
                                                   / min(run["cpu_seconds"] for run in figures["duckdb_whole"]), 2),
    }))


if __name__ == "__main__":
    main()
