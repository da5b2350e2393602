"""Never a mix and never stale, over HTTP: while the team leaderboard is published again and again (each publish
giving every team the same points, its generation), every answer holds the rows of one publish only, and says
so; a repeated read is answered from its kept bytes until a publish changes the table, and the answers to a
request with the token are never kept for others."""

from __future__ import annotations

import threading
import time

import polars as pl
import psycopg

from gamestats_assets.lib.publish import publisher
from gamestats_assets.serve.core.fastpath import PUBLISHES_HEADER, CachedAnswers
from gamestats_assets_tests.serve.conftest import TOKEN

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


def kept_answers(client) -> CachedAnswers:
    """The app's layer of answers kept by URL and publish."""
    layer = client.app.middleware_stack
    while not isinstance(layer, CachedAnswers):
        layer = layer.app
    return layer


def test_a_repeated_read_is_answered_from_its_kept_bytes_until_a_publish_changes_it(client, published):
    kept, params = kept_answers(client), {"limit": 7}
    first = client.get(TEAMS, params=params)
    hits = kept.hits
    again = client.get(TEAMS, params=params)
    assert kept.hits == hits + 1 and again.json()["data"] == first.json()["data"]
    assert again.json()["metadata"]["timestamp"] >= first.json()["metadata"]["timestamp"]
    assert PUBLISHES_HEADER.decode() not in again.headers and PUBLISHES_HEADER.decode() not in first.headers
    with psycopg.connect(published["pg_url"]) as conn:
        cursor = conn.execute("SELECT * FROM pubg.team_leaderboards")
        board = pl.DataFrame(cursor.fetchall(), schema=[c.name for c in cursor.description], orient="row",
                             infer_schema_length=None).with_columns(pl.lit(-7, pl.Int64).alias("points"))
        publisher.record_publish(conn, "pubg.team_leaderboards", publisher.replace_snapshot(
            conn, "pubg.team_leaderboards", board))
    fresh = client.get(TEAMS, params=params).json()
    assert {team["total_points"] for team in fresh["data"]["teams"]} == {-7}
    assert fresh["metadata"]["published_at"] != first.json()["metadata"]["published_at"]


def test_an_answer_to_a_request_with_the_token_is_never_kept_for_one_without(client):
    kept, admin = kept_answers(client), "/api/v1/admin/pubg/schedule"
    assert client.get(admin, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert all(path != admin for path, _ in kept.kept)
    assert client.get(admin).status_code == 401
