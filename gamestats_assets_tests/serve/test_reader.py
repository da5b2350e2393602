"""Reads under the read-only role, answers cached under publish ids within a bound of bytes, and never a mix of
two publishes."""

from __future__ import annotations

import datetime as dt
import sys
import threading
import tracemalloc

import polars as pl
import psycopg
import pydantic_core
import pytest
from pydantic import BaseModel, TypeAdapter

from gamestats_assets.lib.publish import publisher
from gamestats_assets.serve.core.reader import Answer, AnswerCache, PublishRace, Reader, footprint

TABLES = ("pubg.players", "pubg.tournament_rounds")


@pytest.fixture(scope="module")
def reader(migrated_pg_url):
    reader = Reader(migrated_pg_url, size=2)
    reader.open()
    yield reader
    reader.close()


def publish_rounds(pg_url: str, names: list[str]) -> int:
    """A snapshot publish of `pubg.tournament_rounds` as the publish step writes one (rows and log together)."""
    frame = pl.DataFrame({"season_id": ["S"] * len(names), "round_id": names, "name": names,
                          "date": [None] * len(names), "starts_at": [None] * len(names),
                          "ends_at": [None] * len(names), "time_zone": [None] * len(names),
                          "season_name": ["Season S"] * len(names)},
                         schema_overrides={"date": pl.Date, "starts_at": pl.Datetime("us", "UTC"),
                                           "ends_at": pl.Datetime("us", "UTC"), "time_zone": pl.String})
    with psycopg.connect(pg_url, autocommit=True) as conn, conn.transaction():
        rows = publisher.replace_snapshot(conn, "pubg.tournament_rounds", frame)
        return publisher.record_publish(conn, "pubg.tournament_rounds", rows)


def test_reads_run_as_the_read_only_role_which_cannot_write(reader):
    with reader.pool.connection() as conn:
        assert conn.execute("SELECT current_user AS who").fetchone()["who"] == "gamestats_reader"
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("INSERT INTO pubg.players (player_id) VALUES ('x')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("BEGIN READ WRITE; INSERT INTO pubg.players (player_id) VALUES ('x')")
        conn.execute("ROLLBACK")


def test_answers_are_read_without_jit_compilation(reader):
    """Compiling the plan of an index lookup over a table's daily partitions took over a second; running it, 20 ms."""
    with reader.pool.connection() as conn:
        assert conn.execute("SHOW jit").fetchone()["jit"] == "off"


def test_an_answer_is_cached_until_its_table_is_published_again(reader, migrated_pg_url):
    publish_rounds(migrated_pg_url, ["a"])
    computed = []

    def compute(conn):
        computed.append(1)
        return [r["round_id"] for r in conn.execute("SELECT round_id FROM pubg.tournament_rounds ORDER BY 1")]

    first = reader.read(TABLES, "rounds", compute)
    assert reader.read(TABLES, "rounds", compute) is first and len(computed) == 1
    publish_rounds(migrated_pg_url, ["a", "b"])
    again = reader.read(TABLES, "rounds", compute)
    assert again.data == ["a", "b"] and len(computed) == 2
    assert again.published_at["pubg.tournament_rounds"] > first.published_at["pubg.tournament_rounds"]
    assert again.published_at["pubg.players"] is None


def test_a_publish_between_two_statements_of_an_answer_is_never_mixed_into_it(reader, migrated_pg_url):
    """The first attempt reads the count, a publish commits, then it reads the names: a mix of both publishes.
    The reader sees the publish id change and computes again, answering from the new publish alone."""
    publish_rounds(migrated_pg_url, ["a"])
    publishes = iter([["a", "b", "c"]])

    def compute(conn):
        count = conn.execute("SELECT count(*) AS n FROM pubg.tournament_rounds").fetchone()["n"]
        names = next(publishes, None)
        if names:
            publish_rounds(migrated_pg_url, names)
        listed = [r["round_id"] for r in conn.execute("SELECT round_id FROM pubg.tournament_rounds ORDER BY 1")]
        return count, listed

    assert reader.read(TABLES, "mixed", compute).data == (3, ["a", "b", "c"])


def test_endless_publishes_end_in_publish_race(reader, migrated_pg_url):
    def compute(conn):
        publish_rounds(migrated_pg_url, ["x"])
        return None

    with pytest.raises(PublishRace):
        reader.read(TABLES, "endless", compute)


def test_answers_during_a_stream_of_publishes_are_each_one_publish(reader, migrated_pg_url):
    """While a thread publishes generation after generation (every row naming its generation), each answer's
    rows name one generation only."""
    stop = threading.Event()

    def publishing():
        generation = 0
        while not stop.is_set():
            generation += 1
            publish_rounds(migrated_pg_url, [f"g{generation}-{i}" for i in range(20)])

    def compute(conn):
        first = conn.execute("SELECT round_id FROM pubg.tournament_rounds ORDER BY 1 LIMIT 10").fetchall()
        rest = conn.execute("SELECT round_id FROM pubg.tournament_rounds ORDER BY 1 OFFSET 10").fetchall()
        return {r["round_id"].split("-")[0] for r in first + rest}

    thread = threading.Thread(target=publishing)
    thread.start()
    try:
        answers = []
        for attempt in range(40):
            try:
                answers.append(reader.read(TABLES, ("stream", attempt), compute).data)
            except PublishRace:
                continue
    finally:
        stop.set()
        thread.join()
    assert answers and all(len(generations) == 1 for generations in answers)


class Weapon(BaseModel):
    damage: float
    kills: int


class Standing(BaseModel):
    player_id: str
    kills: int
    at: dt.datetime
    weapons: dict[str, Weapon]


def rows_of(n: int, rows: int) -> list[dict]:
    return [{"player_id": f"account.{n}.{i}", "kills": i, "at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
             "weapons": {c: {"damage": n + i / 2, "kills": i} for c in ("AR", "DMR", "SR", "SMG")}}
            for i in range(rows)]


STANDINGS = TypeAdapter(list[Standing])


def test_an_answer_is_measured_as_the_memory_it_takes():
    """`footprint` of a validated answer against the memory Python allocated to build it (tracemalloc): no less,
    and within half again."""
    rows = rows_of(1, 50)
    STANDINGS.validate_python(rows)
    tracemalloc.start()
    answer = STANDINGS.validate_python(rows)
    allocated, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert allocated <= footprint(answer) <= 1.5 * allocated


def test_the_answers_kept_take_at_most_the_bound_encodings_included():
    """Two thousand distinct answers, each encoded once kept: the cache holds what the bound allows, the least
    recently used gone, and its byte count is the measure of the answers it still holds."""
    cache = AnswerCache(max_bytes=2 * 1024 * 1024)
    for n in range(2000):
        answer = Answer(STANDINGS.validate_python(rows_of(n, 20)), {})
        cache.put(("standings", n), answer)
        answer.encoded(None, pydantic_core.to_json)
        assert cache.bytes <= cache.max_bytes
    kept = {n: answer for n in range(2000) if (answer := cache.get(("standings", n))) is not None}
    assert 1999 in kept and 0 not in kept and len(kept) < 2000
    assert cache.bytes == sum(footprint(a.data) + sys.getsizeof(a.encoded(None, pydantic_core.to_json))
                              for a in kept.values())
