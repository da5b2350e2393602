"""The first completed item against gold at 15 minutes through the API, over the tables a real run published: every
row of `lol.first_item_gold` answered as published (win rate, intervals, effect, p, q, `significant`: none
recomputed), significant first, then tested by q, then the untested ones; a role or the tested or untested rows
alone narrow them, pages add up, and an unknown queue is a 404."""

from __future__ import annotations

import psycopg
import pytest

from gamestats_assets_tests.serve.conftest import client_for

KEY = ("queue", "patch", "team_position", "length_from_min", "gold_15_from", "item_id")


@pytest.fixture(scope="module")
def pg_url(lol_findings) -> str:
    return lol_findings["pg_url"]


@pytest.fixture(scope="module")
def client(pg_url):
    with client_for(pg_url, requests_per_minute=100_000) as test_client:
        yield test_client


def published(pg_url: str) -> dict[tuple, dict]:
    with psycopg.connect(pg_url, row_factory=psycopg.rows.dict_row) as conn:
        return {tuple(r[k] for k in KEY): r for r in conn.execute("SELECT * FROM lol.first_item_gold").fetchall()}


def every(client, **params) -> list[dict]:
    rows, offset = [], 0
    while True:
        answer = client.get("/api/v1/lol/first-item-gold", params={**params, "limit": 100, "offset": offset})
        assert answer.status_code == 200, answer.text
        rows += answer.json()["data"]
        offset += 100
        if offset >= answer.json()["metadata"]["total_count"]:
            return rows


def test_every_row_is_answered_as_published(client, pg_url):
    table = published(pg_url)
    assert any(r["low_sample"] for r in table.values()) and any(r["q_value"] is not None for r in table.values())
    rows = every(client)
    assert len(rows) == len(table)
    for row in rows:
        expected = table[tuple(row[k] for k in KEY)]
        assert row == {k: pytest.approx(v) if isinstance(v, float) else v for k, v in expected.items()
                       if k in row}
        assert row["significant"] == (expected["q_value"] is not None and expected["q_value"] < 0.05)
    rank = [(not r["significant"], r["q_value"] if r["q_value"] is not None else 2) for r in rows]
    assert rank == sorted(rank)


def test_a_role_or_a_sample_narrows_the_rows_and_an_unknown_queue_is_a_404(client, pg_url):
    role = max({r["team_position"] for r in published(pg_url).values()})
    rows = every(client, role=role)
    assert rows and {r["team_position"] for r in rows} == {role}
    assert len(rows) == sum(r["team_position"] == role for r in published(pg_url).values())
    untested, tested = every(client, sample="untested"), every(client, sample="tested")
    assert untested and all(r["q_value"] is None and not r["significant"] for r in untested)
    assert tested and all(r["q_value"] is not None for r in tested)
    assert len(untested) + len(tested) == len(published(pg_url))
    answer = client.get("/api/v1/lol/first-item-gold", params={"queue": "no_such_queue"})
    assert answer.status_code == 404 and "no_such_queue" in answer.text
