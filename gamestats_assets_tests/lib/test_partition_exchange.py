"""Daily tables partitioned in PostgreSQL: the migration keeps their rows, a publish exchanges whole
partitions atomically (also under a concurrent reader), and binary COPY stores what CSV would."""

import datetime as dt
import threading

import dagster as dg
import polars as pl
import psycopg
import pytest

from gamestats_assets.defs import demo_data, l2m
from gamestats_assets.lib.authoring.publish_steps import PublishMode
from gamestats_assets.lib.publish import copy_encoding
from gamestats_assets.lib.publish.postgres import apply_migrations, connect
from gamestats_assets.lib.publish.publisher import PublishError, copy_rows, partitioned_by, publish_partitions

D1, D2, D3 = dt.date(2026, 1, 1), dt.date(2026, 1, 2), dt.date(2026, 1, 3)


@pytest.fixture
def plays(pg_url):
    """t_part.plays with rows on two days, converted to a partitioned table by the project's helper."""
    apply_migrations(pg_url)
    with connect(pg_url) as conn:
        conn.execute("DROP SCHEMA IF EXISTS t_part, t_part_partitions CASCADE")
        conn.execute("CREATE SCHEMA t_part")
        conn.execute('CREATE TABLE t_part.plays (date date NOT NULL, player text NOT NULL, "points ""x""" bigint, '
                     "PRIMARY KEY (date, player))")
        conn.execute("CREATE INDEX plays_points_idx ON t_part.plays (\"points \"\"x\"\"\")")
        conn.execute("INSERT INTO t_part.plays VALUES ('2026-01-01', 'a', 1), ('2026-01-01', 'b', 2), "
                     "('2026-01-02', 'a', 3)")
        conn.execute("SELECT public.gamestats_partition_table('t_part', 'plays', 'date')")
    return pg_url


def frame(day, players, points):
    return pl.DataFrame({"date": [day] * len(players), "player": players, 'points "x"': points})


def rows(conn):
    return conn.execute('SELECT date, player, "points ""x""" FROM t_part.plays ORDER BY 1, 2').fetchall()


def partitions(conn):
    return conn.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                        "WHERE i.inhparent = 't_part.plays'::regclass ORDER BY 1").fetchall()


def test_the_helper_partitions_a_table_keeping_its_rows_keys_and_indexes(plays):
    with connect(plays) as conn:
        assert partitioned_by(conn, "t_part.plays") == "date"
        assert rows(conn) == [(D1, "a", 1), (D1, "b", 2), (D2, "a", 3)]
        assert partitions(conn) == [("plays_p20260101",), ("plays_p20260102",)]
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute("INSERT INTO t_part.plays VALUES ('2026-01-01', 'a', 9)")
        indexes = conn.execute("SELECT count(*) FROM pg_indexes WHERE schemaname = 't_part_partitions' "
                               "AND tablename = 'plays_p20260101'").fetchone()[0]
        assert indexes == 2
        listed = conn.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 't_part'")
        assert listed.fetchall() == [("plays",)]
        conn.execute("SELECT public.gamestats_partition_table('t_part', 'plays', 'date')")
        assert rows(conn) == [(D1, "a", 1), (D1, "b", 2), (D2, "a", 3)]


def test_publishing_exchanges_exactly_the_run_partitions_and_reruns_are_idempotent(plays):
    with connect(plays) as conn:
        publish_partitions(conn, "t_part.plays", frame(D1, ["c"], [7]), "date", [D1])
        publish_partitions(conn, "t_part.plays", frame(D1, ["c"], [7]), "date", [D1])
        assert rows(conn) == [(D1, "c", 7), (D2, "a", 3)]
        both = pl.concat([frame(D2, ["x", "y"], [1, 2]), frame(D3, ["z"], [3])])
        assert publish_partitions(conn, "t_part.plays", both, "date", [D2, D3]) == 3
        assert rows(conn) == [(D1, "c", 7), (D2, "x", 1), (D2, "y", 2), (D3, "z", 3)]
        publish_partitions(conn, "t_part.plays", frame(D3, [], []), "date", [D3])
        assert rows(conn) == [(D1, "c", 7), (D2, "x", 1), (D2, "y", 2)]
        assert partitions(conn) == [("plays_p20260101",), ("plays_p20260102",), ("plays_p20260103",)]
        primary = conn.execute("SELECT count(*) FROM pg_constraint WHERE contype = 'p' "
                               "AND conrelid = 't_part_partitions.plays_p20260102'::regclass").fetchone()[0]
        assert primary == 1


def test_a_failed_exchange_leaves_the_previous_partition_and_no_staging_table(plays, monkeypatch):
    monkeypatch.setattr(copy_encoding, "COPY_BATCH_ROWS", 1)
    with connect(plays) as conn:
        with pytest.raises(psycopg.errors.UniqueViolation):
            publish_partitions(conn, "t_part.plays", frame(D1, ["x", "y", "x"], [1, 2, 3]), "date", [D1])
        with pytest.raises(PublishError, match="outside the partitions"):
            publish_partitions(conn, "t_part.plays", frame(D2, ["x"], [1]), "date", [D1])
        assert rows(conn) == [(D1, "a", 1), (D1, "b", 2), (D2, "a", 3)]
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname LIKE 't_part%'").fetchone()[0]
        assert tables == 3


def test_a_concurrent_reader_sees_the_old_partition_or_the_new_never_a_mix(plays):
    """Two versions of a day alternate; a reader counting and summing the day in a loop, and another
    reading it twice inside one repeatable-read transaction, only ever see one whole version."""
    old = frame(D1, [f"p{i}" for i in range(3000)], [1] * 3000)
    new = frame(D1, [f"q{i}" for i in range(2000)], [5] * 2000)
    versions = {(3000, 3000), (2000, 10000)}
    with connect(plays) as conn:
        publish_partitions(conn, "t_part.plays", old, "date", [D1])
    seen, stop, failures = set(), threading.Event(), []

    def read_day():
        try:
            with connect(plays) as conn:
                while not stop.is_set():
                    seen.add(conn.execute('SELECT count(*), sum("points ""x""") FROM t_part.plays '
                                          "WHERE date = '2026-01-01'").fetchone())
                    with conn.transaction():
                        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                        first = conn.execute('SELECT count(*), sum("points ""x""") FROM t_part.plays').fetchone()
                        again = conn.execute('SELECT count(*), sum("points ""x""") FROM t_part.plays').fetchone()
                        if first != again:
                            failures.append((first, again))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    reader = threading.Thread(target=read_day)
    reader.start()
    try:
        with connect(plays) as conn:
            for version in (new, old, new, old, new):
                publish_partitions(conn, "t_part.plays", version, "date", [D1])
    finally:
        stop.set()
        reader.join()
    assert not failures
    assert seen and seen <= versions


def test_binary_copy_stores_what_csv_would(pg_url):
    """Every column type the binary path encodes (and a `numeric` column, which sends the frame as CSV)."""
    frame_ = pl.DataFrame({
        "date": [D1, D1],
        "n16": pl.Series([1, None], dtype=pl.Int64),
        "n32": [2, 3],
        "n64": [2**40, -1],
        "f4": [0.5, None],
        "f8": [1.25, float("nan")],
        "flag": [True, None],
        "label": ["plain", 'quote " comma , line\nbreak'],
        "props": ['{"a": 1}', None],
        "at": pl.Series([dt.datetime(2026, 1, 1, 12, 30), None], dtype=pl.Datetime("ms")),
        "at_tz": pl.Series([dt.datetime(2026, 1, 1, 12, 30)], dtype=pl.Datetime("us")).dt.replace_time_zone(
            "Europe/Paris").extend_constant(None, 1),
    })
    ddl = ("(date date, n16 smallint, n32 integer, n64 bigint, f4 real, f8 double precision, flag boolean, "
           "label text, props jsonb, at timestamp, at_tz timestamptz{})")
    with connect(pg_url) as conn:
        conn.execute("SET TIME ZONE 'UTC'")
        conn.execute("DROP SCHEMA IF EXISTS t_copy CASCADE")
        conn.execute("CREATE SCHEMA t_copy")
        conn.execute(f"CREATE TABLE t_copy.binary {ddl.format('')}")
        conn.execute(f"CREATE TABLE t_copy.text {ddl.format(', amount numeric')}")
        types = dict(conn.execute("SELECT column_name, udt_name FROM information_schema.columns "
                                  "WHERE table_schema = 't_copy' AND table_name = 'text'").fetchall())
        with_amount = frame_.with_columns(amount=pl.lit(1.5))
        assert copy_encoding.encode(with_amount, types).format == "csv"
        assert copy_encoding.encode(frame_, types).format == "binary"
        copy_rows(conn, "t_copy.binary", frame_)
        copy_rows(conn, "t_copy.text", with_amount)
        columns = ", ".join(frame_.columns)
        binary = conn.execute(f"SELECT {columns} FROM t_copy.binary ORDER BY n32").fetchall()
        text = conn.execute(f"SELECT {columns} FROM t_copy.text ORDER BY n32").fetchall()
    assert binary[0][:3] == (D1, 1, 2) and binary[0][8] == {"a": 1}
    assert binary[0][10] == dt.datetime(2026, 1, 1, 11, 30, tzinfo=dt.UTC)
    assert repr(binary) == repr(text)


def test_every_daily_published_table_of_l2m_and_demo_data_is_partitioned_by_its_column(pg_url):
    apply_migrations(pg_url)
    daily = [spec for spec in [*l2m.domain.publish_specs, *demo_data.domain.publish_specs] if spec.mode is PublishMode.PARTITION
             and isinstance(spec.partitions_def, dg.TimeWindowPartitionsDefinition)]
    assert len(daily) >= 12
    with connect(pg_url) as conn:
        assert {spec.table: partitioned_by(conn, spec.table) for spec in daily} == {
            spec.table: spec.partition_column for spec in daily
        }
