"""Never a mix, over HTTP: while the team leaderboard is published again and again (each publish giving every
team the same points, its generation), every answer holds the rows of one publish only, and says so."""

from __future__ import annotations

import threading
import time

import polars as pl
import psycopg

from gamestats_assets.lib.publish import publisher

TEAMS = "/api/v1/tournaments/leaderboard/teams"


def test_answers_during_publishes_are_each_one_publish(client, published):
    url = published["pg_url"]
    with psycopg.connect(url) as conn:
        cursor = conn.execute("SELECT * FROM pubg.team_leaderboards")
        board = pl.DataFrame(cursor.fetchall(), schema=[c.name for c in cursor.description], orient="row",
                             infer_schema_length=None)
    stop, generations = threading.Event(), []

    def publish(conn: psycopg.Connection, generation: int) -> None:
        frame = board.with_columns(pl.lit(generation, pl.Int64).alias("points"))
        with conn.transaction():
            rows = publisher.replace_snapshot(conn, "pubg.team_leaderboards", frame)
            publisher.record_publish(conn, "pubg.team_leaderboards", rows)
        generations.append(generation)

    def publishing():
        with psycopg.connect(url, autocommit=True) as conn:
            while not stop.is_set():
                publish(conn, generations[-1] + 1)

    with psycopg.connect(url, autocommit=True) as conn:
        publish(conn, 1000)
    thread = threading.Thread(target=publishing)
    thread.start()
    served, answers, deadline = set(), 0, time.monotonic() + 120
    try:
        while (len(served) < 3 or answers < 30) and time.monotonic() < deadline:
            answer = client.get(TEAMS, params={"limit": 100})
            answers += 1
            assert answer.status_code in (200, 503), answer.text
            if answer.status_code == 200:
                points = {team["total_points"] for team in answer.json()["data"]["teams"]}
                assert len(points) == 1, points
                served |= points
    finally:
        stop.set()
        thread.join()
    assert len(served) >= 3, f"{answers} answers saw {sorted(served)} while {len(generations)} publishes ran"
