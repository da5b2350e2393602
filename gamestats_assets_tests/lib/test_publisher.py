"""Publishing to a real PostgreSQL: idempotent, atomic, partition-isolated, race-safe, injection-safe."""

import datetime as dt

import polars as pl
import psycopg
import pytest

from gamestats_assets.lib.publish.postgres import PostgresUnavailable, connect
from gamestats_assets.lib.publish.publisher import (
    PublishError,
    insert_if_absent,
    partition_totals,
    publish_partitions,
    replace_snapshot,
)

D1, D2 = dt.date(2026, 1, 1), dt.date(2026, 1, 2)


@pytest.fixture
def scores(pg_url):
    """A fresh table t_pub."scores" with a weird column name, keyed by (date, player)."""
    with connect(pg_url) as conn:
        conn.execute('CREATE SCHEMA IF NOT EXISTS t_pub')
        conn.execute('DROP TABLE IF EXISTS t_pub.scores')
        conn.execute('CREATE TABLE t_pub.scores (date date NOT NULL, player text NOT NULL, '
                     '"score ""points""" double precision, PRIMARY KEY (date, player))')
    return pg_url


def frame(day, players, points):
    return pl.DataFrame({"date": [day] * len(players), "player": players, 'score "points"': points})


def rows(url):
    with connect(url) as conn:
        return conn.execute('SELECT date, player, "score ""points""" FROM t_pub.scores ORDER BY 1, 2').fetchall()


def test_publishing_twice_gives_the_same_rows(scores):
    with connect(scores) as conn:
        publish_partitions(conn, "t_pub.scores", frame(D1, ["a", "b"], [1.0, 2.0]), "date", [D1])
        first = rows(scores)
        publish_partitions(conn, "t_pub.scores", frame(D1, ["a", "b"], [1.0, 2.0]), "date", [D1])
    assert rows(scores) == first == [(D1, "a", 1.0), (D1, "b", 2.0)]


def test_publishing_one_day_leaves_the_other_days(scores):
    with connect(scores) as conn:
        publish_partitions(conn, "t_pub.scores", frame(D1, ["a"], [1.0]), "date", [D1])
        publish_partitions(conn, "t_pub.scores", frame(D2, ["a", "c"], [5.0, 6.0]), "date", [D2])
        publish_partitions(conn, "t_pub.scores", frame(D2, ["z"], [9.0]), "date", [D2])
    assert rows(scores) == [(D1, "a", 1.0), (D2, "z", 9.0)]


def test_a_publish_failing_midway_leaves_the_previous_rows(scores, monkeypatch):
    from gamestats_assets.lib.publish import copy_encoding

    with connect(scores) as conn:
        publish_partitions(conn, "t_pub.scores", frame(D1, ["a", "b"], [1.0, 2.0]), "date", [D1])
    monkeypatch.setattr(copy_encoding, "COPY_BATCH_ROWS", 2)
    duplicate_in_third_batch = frame(D1, ["x", "y", "z", "x"], [1.0, 2.0, 3.0, 4.0])
    with connect(scores) as conn, pytest.raises(psycopg.errors.UniqueViolation):
        publish_partitions(conn, "t_pub.scores", duplicate_in_third_batch, "date", [D1])
    assert rows(scores) == [(D1, "a", 1.0), (D1, "b", 2.0)]


def test_names_from_data_travel_as_values_never_as_sql(scores):
    hostile = ["Robert'); DROP TABLE t_pub.scores; --", 'quote " and , comma', "", "line\nbreak"]
    with connect(scores) as conn:
        publish_partitions(conn, "t_pub.scores", frame(D1, hostile, [1.0, None, 3.0, 4.0]), "date", [D1])
    assert sorted(r[1] for r in rows(scores)) == sorted(hostile)
    assert [r[2] for r in rows(scores) if r[1] == 'quote " and , comma'] == [None]


def test_snapshot_replace_swaps_all_rows_at_once(scores):
    with connect(scores) as conn:
        replace_snapshot(conn, "t_pub.scores", frame(D1, ["a", "b"], [1.0, 2.0]))
        replace_snapshot(conn, "t_pub.scores", frame(D2, ["c"], [3.0]))
    assert rows(scores) == [(D2, "c", 3.0)]


def test_insert_if_absent_keeps_existing_rows_and_adds_new_ones(scores):
    with connect(scores) as conn:
        first = insert_if_absent(conn, "t_pub.scores", frame(D1, ["a", "b"], [1.0, 2.0]), ["date", "player"])
        second = insert_if_absent(conn, "t_pub.scores", frame(D1, ["b", "c"], [20.0, 3.0]), ["date", "player"])
    assert (first, second) == (2, 1)
    assert rows(scores) == [(D1, "a", 1.0), (D1, "b", 2.0), (D1, "c", 3.0)]


def test_two_racing_discovery_paths_never_duplicate(scores):
    from concurrent.futures import ThreadPoolExecutor

    batch = frame(D1, [f"p{i}" for i in range(500)], [float(i) for i in range(500)])

    def publish(_):
        with connect(scores) as conn:
            return insert_if_absent(conn, "t_pub.scores", batch, ["date", "player"])

    with ThreadPoolExecutor(4) as pool:
        inserted = list(pool.map(publish, range(4)))
    assert sum(inserted) == 500
    assert len(rows(scores)) == 500


def test_a_frame_that_does_not_match_the_table_is_refused_by_name(scores):
    with connect(scores) as conn:
        with pytest.raises(PublishError, match=r"missing \['score \"points\"'\], unexpected \['pts'\]"):
            publish_partitions(conn, "t_pub.scores", frame(D1, ["a"], [1.0]).rename({'score "points"': "pts"}),
                               "date", [D1])
        with pytest.raises(PublishError, match="does not exist"):
            replace_snapshot(conn, "t_pub.nothing_here", frame(D1, ["a"], [1.0]))
        with pytest.raises(PublishError, match="outside the partitions"):
            publish_partitions(conn, "t_pub.scores", frame(D2, ["a"], [1.0]), "date", [D1])


def test_partition_totals_count_and_sum_one_partition(scores):
    with connect(scores) as conn:
        publish_partitions(conn, "t_pub.scores", frame(D1, ["a", "b"], [1.5, 2.0]), "date", [D1])
        publish_partitions(conn, "t_pub.scores", frame(D2, ["a"], [7.0]), "date", [D2])
        assert partition_totals(conn, "t_pub.scores", "date", [D1], 'score "points"') == (2, 3.5)


def test_an_unreachable_server_names_the_setting_and_hides_the_password():
    url = "postgresql://analyst:s3cret-pw@127.0.0.1:1/gamestats"
    with pytest.raises(PostgresUnavailable) as error, connect(url):
        pass
    assert "GAMESTATS_PG_URL" in str(error.value)
    assert "s3cret-pw" not in str(error.value)
    assert "analyst:***@127.0.0.1:1" in str(error.value)
