"""A large partition loaded over several connections at once: cut by an integer key column into slices, each
loaded frozen by its own connection, committed together, exchanged whole; failures and crashes leave the
previous partition and, in the end, no slice behind."""

import datetime as dt
import json
import threading
import time

import dagster as dg
import polars as pl
import psycopg
import pytest

from gamestats_assets.lib.authoring.publish_steps import PublishSpec, build_publish_definitions
from gamestats_assets.lib.lake.io_manager import DeltaLakeIOManager
from gamestats_assets.lib.lake.rows import WRITE_BATCH_ROWS
from gamestats_assets.lib.publish import ranged_load
from gamestats_assets.lib.publish.postgres import PostgresResource, apply_migrations, connect
from gamestats_assets.lib.publish.publisher import PublishError, publish_partitions
from gamestats_assets.lib.publish.ranged_load import RangeCuts, quantile_cuts

D1, D2 = dt.date(2026, 1, 1), dt.date(2026, 1, 2)
TABLE = "t_slice.lines"


@pytest.fixture
def lines(pg_url):
    """t_slice.lines keyed by (date, line) with a jsonb column under a GIN index, partitioned by date, with ten
    lines published on D1."""
    apply_migrations(pg_url)
    with connect(pg_url) as conn:
        conn.execute("DROP SCHEMA IF EXISTS t_slice, t_slice_partitions CASCADE")
        conn.execute("CREATE SCHEMA t_slice")
        conn.execute('CREATE TABLE t_slice.lines (date date NOT NULL, line bigint NOT NULL, "said ""x""" jsonb, '
                     "PRIMARY KEY (date, line))")
        conn.execute('CREATE INDEX lines_said_idx ON t_slice.lines USING gin ("said ""x""")')
        conn.execute("SELECT public.gamestats_partition_table('t_slice', 'lines', 'date')")
        publish_partitions(conn, TABLE, day_lines(D1, range(10)), "date", [D1])
    return pg_url


def day_lines(day, numbers, tag="a") -> pl.DataFrame:
    numbers = list(numbers)
    return pl.DataFrame({"date": [day] * len(numbers), "line": numbers,
                         'said "x"': [json.dumps({"tag": tag, "n": n}) for n in numbers]},
                        schema={"date": pl.Date, "line": pl.Int64, 'said "x"': pl.String})


def cut(url, *points, day=D1) -> RangeCuts:
    return RangeCuts("line", {day: list(points)}, lambda: connect(url))


def stored(conn, day=D1):
    return conn.execute("SELECT count(*), sum(line), min(\"said \"\"x\"\"\"->>'tag'), max(\"said \"\"x\"\"\"->>'tag') "
                        "FROM t_slice.lines WHERE date = %s", (day,)).fetchone()


def leftover_tables(conn) -> list[str]:
    """Tables of t_slice_partitions that are not the partitions or slices of a published day."""
    return [r[0] for r in conn.execute(
        "SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 't_slice_partitions' AND c.relkind IN ('r', 'p') "
        "AND (relname LIKE '%\\_slice\\_%' OR relname LIKE '%\\_staging\\_%') ORDER BY 1").fetchall()]


def test_cuts_split_each_large_partition_into_ranges_of_about_equal_rows(monkeypatch):
    monkeypatch.setattr(ranged_load, "RANGED_LOAD_MIN_ROWS", 100)
    scan = pl.concat([day_lines(D1, range(1000)), day_lines(D2, range(50)),
                      day_lines(dt.date(2026, 1, 3), [7] * 300)]).lazy()
    cuts = quantile_cuts(scan, "date", "line", 4)
    assert cuts == {D1: [249, 499, 749], dt.date(2026, 1, 3): []}
    assert quantile_cuts(scan, "date", "line", 1) == {}
    bounds = RangeCuts("line", cuts, connect).bounds(D1)
    assert bounds == [(None, 249), (249, 499), (499, 749), (749, None)]
    assert RangeCuts("line", cuts, connect).bounds(D2) == [(None, None)]


def test_a_cut_partition_is_loaded_in_slices_and_exchanged_whole(lines):
    with connect(lines) as conn:
        assert publish_partitions(conn, TABLE, day_lines(D1, range(1000), "b"), "date", [D1],
                                  cut(lines, 300, 700)) == 1000
        assert stored(conn) == (1000, sum(range(1000)), "b", "b")
        slices = conn.execute(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c "
            "ON c.oid = i.inhrelid WHERE i.inhparent = 't_slice_partitions.lines_p20260101'::regclass ORDER BY 1"
        ).fetchall()
        assert slices == [("lines_p20260101_s0", "FOR VALUES FROM (MINVALUE) TO ('300')"),
                          ("lines_p20260101_s1", "FOR VALUES FROM ('300') TO ('700')"),
                          ("lines_p20260101_s2", "FOR VALUES FROM ('700') TO (MAXVALUE)")]
        counts = [conn.execute(f"SELECT count(*) FROM t_slice_partitions.{name}").fetchone()[0] for name, _ in slices]
        assert counts == [300, 400, 300]
        indexes = conn.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'lines_p20260101_s1'").fetchone()[0]
        assert indexes == 2
        with pytest.raises(psycopg.errors.UniqueViolation):
            conn.execute("INSERT INTO t_slice.lines VALUES ('2026-01-01', 500, '{}')")
        publish_partitions(conn, TABLE, day_lines(D1, range(0, 2000, 2), "c"), "date", [D1], cut(lines, 1000))
        assert stored(conn) == (1000, sum(range(0, 2000, 2)), "c", "c")
        publish_partitions(conn, TABLE, day_lines(D1, range(5), "d"), "date", [D1])
        assert stored(conn) == (5, 10, "d", "d")
        assert leftover_tables(conn) == []


def test_a_table_with_a_unique_key_without_the_cutting_column_is_loaded_in_one_piece(lines):
    with connect(lines) as conn:
        conn.execute('CREATE UNIQUE INDEX lines_said_unique ON t_slice.lines (date, "said ""x""")')
        publish_partitions(conn, TABLE, day_lines(D1, range(1000), "b"), "date", [D1], cut(lines, 500))
        assert stored(conn) == (1000, sum(range(1000)), "b", "b")
        children = conn.execute("SELECT count(*) FROM pg_inherits WHERE inhparent = "
                                "'t_slice_partitions.lines_p20260101'::regclass").fetchone()[0]
        assert children == 0


def test_a_reader_whose_snapshot_predates_the_exchange_sees_the_new_slices_rows(lines):
    with connect(lines) as reader, connect(lines) as publisher:
        with reader.transaction():
            reader.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            reader.execute("SELECT count(*) FROM pg_class").fetchone()
            publish_partitions(publisher, TABLE, day_lines(D1, range(100), "b"), "date", [D1], cut(lines, 50))
            assert stored(reader) == (100, sum(range(100)), "b", "b")


def other_backends(conn: psycopg.Connection) -> set[int]:
    """The server processes of `conn`'s database other than its own (the test session's other connections among
    them)."""
    return {pid for (pid,) in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                           "AND pid <> pg_backend_pid()").fetchall()}


def backends_added_since(conn: psycopg.Connection, before: set[int], seconds: float = 10) -> set[int]:
    """The server processes of `conn`'s database that were not among `before`, once those of closed connections
    have gone: a backend exits a moment after its client closes the connection, so it may be listed briefly."""
    deadline = time.monotonic() + seconds
    while (added := other_backends(conn) - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    return added


def test_a_slice_that_fails_rolls_every_slice_back_and_keeps_the_previous_partition(lines):
    duplicated = pl.concat([day_lines(D1, range(1000), "b"), day_lines(D1, [800], "b")])
    with connect(lines) as conn:
        before = other_backends(conn)
        with pytest.raises(psycopg.errors.UniqueViolation):
            publish_partitions(conn, TABLE, duplicated, "date", [D1], cut(lines, 300, 700))
        with pytest.raises(PublishError, match="outside the partitions"):
            publish_partitions(conn, TABLE, pl.concat([day_lines(D1, range(500), "b"), day_lines(D2, [1], "b")]),
                               "date", [D1], cut(lines, 300))
        assert stored(conn) == (10, sum(range(10)), "a", "a")
        assert leftover_tables(conn) == []
        assert backends_added_since(conn, before) == set()


def test_each_slice_reads_its_own_range_so_slices_load_side_by_side_whatever_the_rows_order(pg_url):
    """Rows stored in the cutting column's order: every slice still gets rows before any slice has taken all of
    its own (each waits, holding its first batch, for the others to get theirs)."""
    rows = day_lines(D1, range(8 * WRITE_BATCH_ROWS))
    all_started = threading.Barrier(2, timeout=30)

    def load_range(conn, index, slice_rows):
        taken = 0
        for batch in slice_rows.batches():
            if not taken:
                all_started.wait()
            taken += batch.height
        return taken

    bounds = [(None, 4 * WRITE_BATCH_ROWS), (4 * WRITE_BATCH_ROWS, None)]
    loaded = ranged_load.load_concurrently(rows.lazy(), "line", bounds, lambda: connect(pg_url), load_range)
    assert loaded == [4 * WRITE_BATCH_ROWS, 4 * WRITE_BATCH_ROWS]


def test_slices_of_a_publish_that_failed_after_loading_are_dropped_by_the_next_publish(lines):
    """Slices commit before the exchange; when the publish's own transaction then rolls back (as when a later
    table of its step fails, or its process dies), they are left detached until the table's next publish, which
    drops them, but not those of a load still under way (its advisory lock held)."""
    with connect(lines) as conn:
        with pytest.raises(RuntimeError, match="a later table failed"):
            with conn.transaction():
                publish_partitions(conn, TABLE, day_lines(D1, range(1000), "b"), "date", [D1], cut(lines, 500))
                raise RuntimeError("a later table failed")
        assert stored(conn) == (10, sum(range(10)), "a", "a")
        orphans = leftover_tables(conn)
        assert len(orphans) == 2 and all("_slice_" in name for name in orphans)
        in_progress = "lines_slice_0123456789ab"
        conn.execute(f"CREATE TABLE t_slice_partitions.{in_progress}_0 (LIKE t_slice.lines)")
        with connect(lines) as loader, loader.transaction():
            loader.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (in_progress,))
            publish_partitions(conn, TABLE, day_lines(D1, range(3), "c"), "date", [D1])
            assert leftover_tables(conn) == [f"{in_progress}_0"]
        publish_partitions(conn, TABLE, day_lines(D1, range(4), "d"), "date", [D1])
        assert leftover_tables(conn) == []
        assert stored(conn) == (4, 6, "d", "d")


def test_a_concurrent_reader_of_a_day_loaded_in_slices_sees_one_whole_version(lines):
    old, new = day_lines(D1, range(3000), "old"), day_lines(D1, range(0, 4000, 2), "new")
    versions = {(3000, sum(range(3000))), (2000, sum(range(0, 4000, 2)))}
    with connect(lines) as conn:
        publish_partitions(conn, TABLE, old, "date", [D1], cut(lines, 1500))
    seen, stop, failures = set(), threading.Event(), []

    def read_day():
        try:
            with connect(lines) as conn:
                while not stop.is_set():
                    seen.add(conn.execute("SELECT count(*), sum(line) FROM t_slice.lines WHERE date = %s",
                                          (D1,)).fetchone())
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    reader = threading.Thread(target=read_day)
    reader.start()
    try:
        with connect(lines) as conn:
            for version, points in ((new, [1000, 3000]), (old, [1000]), (new, [2000])):
                publish_partitions(conn, TABLE, version, "date", [D1], cut(lines, *points))
    finally:
        stop.set()
        reader.join()
    assert not failures
    assert seen and seen <= versions


@dg.asset(key=["t_slice", "cons", "lines"], partitions_def=dg.DailyPartitionsDefinition(start_date="2026-01-01"),
          io_manager_key="lake", metadata={"partition_column": "date"}, backfill_policy=dg.BackfillPolicy.single_run())
def lake_lines(context: dg.AssetExecutionContext) -> pl.DataFrame:
    """A thousand lines a day."""
    return pl.concat([day_lines(dt.date.fromisoformat(key), range(1000), key) for key in context.partition_keys])


LINES_PUBLISH, LINES_CHECKS = build_publish_definitions([PublishSpec(lake_lines, TABLE, ("date", "line"),
                                                                     sum_column="line")])


def test_the_publish_step_loads_each_large_day_of_its_run_in_slices_and_reconciles(lines, tmp_path, monkeypatch):
    monkeypatch.setattr(ranged_load, "RANGED_LOAD_MIN_ROWS", 500)
    monkeypatch.setenv("GAMESTATS_PUBLISH_CONNECTIONS", "3")
    result = dg.materialize(
        [lake_lines, *LINES_PUBLISH, *LINES_CHECKS],
        resources={"lake": DeltaLakeIOManager(root=str(tmp_path / "lake")), "postgres": PostgresResource(url=lines)},
        tags={"dagster/asset_partition_range_start": "2026-01-01", "dagster/asset_partition_range_end": "2026-01-02"})
    assert result.success
    checks = [e.asset_check_evaluation_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    assert checks and all(check.passed for check in checks)
    with connect(lines) as conn:
        assert stored(conn, D1) == (1000, sum(range(1000)), "2026-01-01", "2026-01-01")
        assert stored(conn, D2) == (1000, sum(range(1000)), "2026-01-02", "2026-01-02")
        slices = conn.execute("SELECT count(*) FROM pg_inherits WHERE inhparent IN "
                              "('t_slice_partitions.lines_p20260101'::regclass, "
                              "'t_slice_partitions.lines_p20260102'::regclass)").fetchone()[0]
        assert slices == 6
        assert leftover_tables(conn) == []
