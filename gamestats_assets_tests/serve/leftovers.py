"""What is left of a player after their deletion, looked for everywhere a user could: every table of PostgreSQL
(all schemas but Dagster's), every file of every Delta table (each Parquet file left, of any version, and the log),
and every file of the data folder's landing, quarantine and state; and the published tables as rows, to compare
before and after."""

from __future__ import annotations

import gzip
import math
from pathlib import Path

import psycopg
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

SKIPPED_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast", "dagster")


def in_postgres(pg_url: str, needles: list[str]) -> list[str]:
    """`schema.table` of every table of the database whose rows, as text, hold any of `needles`."""
    found = []
    with psycopg.connect(pg_url) as conn:
        tables = conn.execute(
            "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname <> ALL(%s) AND n.nspname NOT LIKE 'pg_temp%%'",
            (list(SKIPPED_SCHEMAS),)).fetchall()
        for schema, table in tables:
            query = f'SELECT count(*) FROM "{schema}"."{table}" t WHERE ' + " OR ".join(
                "strpos(t::text, %s) > 0" for _ in needles)
            if conn.execute(query, needles).fetchone()[0]:
                found.append(f"{schema}.{table}")
    return found


def in_column(column: pa.ChunkedArray, needles: list[str]) -> bool:
    """Whether any value of `column`, as text, holds any of `needles`: searched by Arrow where the values cast to
    text, else in the values' Python text (nested values, bytes that are no text)."""
    if not pa.types.is_nested(column.type):
        try:
            text = column if pa.types.is_string(column.type) else pc.cast(column, pa.large_string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
        else:
            return any(pc.any(pc.match_substring(text, needle)).as_py() for needle in needles)
    values = str(column.to_pylist())
    return any(needle in values for needle in needles)


def in_lake(lake: Path, needles: list[str]) -> list[str]:
    """Every file of the lake (data files of any version left, log entries, checkpoints) holding any of
    `needles`."""
    found = []
    for path in sorted(p for p in lake.rglob("*") if p.is_file()):
        if path.suffix == ".parquet":
            held = any(in_column(column, needles) for column in pq.read_table(path).columns)
        else:
            text = path.read_bytes().decode("utf-8", "replace")
            held = any(needle in text for needle in needles)
        if held:
            found.append(str(path.relative_to(lake)))
    return found


def in_files(folder: Path, needles: list[str]) -> list[str]:
    """Every file under `folder` whose bytes (gunzipped when gzip) hold any of `needles`."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        if any(needle.encode() in data for needle in needles):
            found.append(str(path.relative_to(folder)))
    return found


def anywhere(data_dir: Path, pg_url: str, needles: list[str]) -> list[str]:
    """Where any of `needles` is left: PostgreSQL's tables, the lake's files, landing, quarantine and state."""
    return ([f"postgres {t}" for t in in_postgres(pg_url, needles)]
            + [f"lake {f}" for f in in_lake(data_dir / "lake", needles)]
            + [f"{folder} {f}" for folder in ("landing", "quarantine", "state")
               for f in in_files(data_dir / folder, needles)])


def normal(value):
    return round(value, 9) if isinstance(value, float) and math.isfinite(value) else value


def published(pg_url: str, schema: str) -> dict[str, list[tuple]]:
    """Every published table of `schema` (a partitioned one as one table): its rows as sorted tuples of
    `(column, value)`, floats to 9 places."""
    with psycopg.connect(pg_url) as conn:
        tables = [t for (t,) in conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s "
            "AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1", (schema,)).fetchall()]
        rows = {}
        for table in tables:
            cursor = conn.execute(f'SELECT * FROM "{schema}"."{table}"')
            names = [d.name for d in cursor.description]
            rows[table] = sorted((tuple((n, normal(v)) for n, v in zip(names, row)) for row in cursor.fetchall()),
                                 key=repr)
    return rows


def redacted(tables: dict[str, list[tuple]], player_id: str, token: str, own: set[str],
             names: tuple[str, ...] = ("name",), column: str = "player_id",
             others: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """`tables` as a deletion of `player_id` (in `column`) leaves them: rows of the `own` tables gone, the id and
    the `names` of its rows replaced by `token` in the others, and the id replaced by it in the `others` columns
    that name a player (a goal's scorer)."""
    expected = {}
    for table, rows in tables.items():
        kept = []
        for row in rows:
            values = dict(row)
            if values.get(column) == player_id:
                if table in own:
                    continue
                values = {n: token if n == column or n in names else v for n, v in values.items()}
            values = {n: token if n in others and v == player_id else v for n, v in values.items()}
            kept.append(tuple(values.items()))
        expected[table] = sorted(kept, key=repr)
    return expected
