"""What stands before the endpoints: the request budget (429 with Retry-After), the key of admin and writes
(401 without a valid one, checked over a few pooled connections), CORS only when configured, the OpenAPI page,
hostile input."""

from __future__ import annotations

import psycopg
from fastapi.testclient import TestClient

from gamestats_assets.serve.crud import accounts
from gamestats_assets.serve.app import create_app
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets_tests.serve.conftest import TOKEN, client_for

ADMIN = "/api/v1/admin/pubg"
TEAMS = "/api/v1/tournaments/leaderboard/teams"


def test_the_budget_per_address_answers_429_with_retry_after(published):
    """From an address of its own: the budgets are kept in PostgreSQL, for every app over it."""
    app = create_app(ServeSettings(pg_url=published["pg_url"], requests_per_minute=3))
    with TestClient(app, client=("192.0.2.33", 50000)) as client:
        statuses = [client.get(TEAMS).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        refused = client.get(TEAMS)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        assert "192.0.2.33: 3 a minute" in refused.json()["detail"]


def test_admin_needs_a_key_and_refuses_a_wrong_one(published):
    with client_for(published["pg_url"]) as client:
        refused = client.get(f"{ADMIN}/validation", headers={"Authorization": "Bearer anything"})
        assert refused.status_code == 401 and "GAMESTATS_API_TOKEN" in refused.json()["detail"]
        assert client.get(TEAMS).status_code == 200
    with client_for(published["pg_url"], api_token=TOKEN) as client:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN},
                        {"Authorization": f"Basic {TOKEN}"}):
            response = client.get(f"{ADMIN}/validation", headers=headers)
            assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"
        assert client.post(f"{ADMIN}/players", json={"player_id": "account.x"}).status_code == 401
        assert client.get(f"{ADMIN}/validation", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def sessions_opened(pg_url: str) -> int:
    """The connections ever opened to the database of `pg_url` (PostgreSQL's statistics)."""
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        return conn.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()").fetchone()[0]


def test_key_checks_reuse_a_few_pooled_connections(published):
    """Forty requests with an account's key (each looked up in PostgreSQL) open at most the key checks' pool of
    connections, not one each."""
    with psycopg.connect(published["pg_url"]) as conn:
        key = accounts.create(conn, "pooled-organiser", "organiser")
    with client_for(published["pg_url"], requests_per_minute=100_000) as client:
        assert client.get(f"{ADMIN}/validation", headers={"Authorization": f"Bearer {key}"}).status_code == 200
        before = sessions_opened(published["pg_url"])
        for _ in range(40):
            assert client.get(f"{ADMIN}/validation", headers={"Authorization": f"Bearer {key}"}).status_code == 200
        opened = sessions_opened(published["pg_url"]) - before - 1
    assert opened <= 4, opened


def test_no_cors_unless_configured(published):
    origin = {"Origin": "https://example.org"}
    with client_for(published["pg_url"]) as client:
        assert "access-control-allow-origin" not in client.get(TEAMS, headers=origin).headers
    with client_for(published["pg_url"], cors_origins=("https://example.org",)) as client:
        assert client.get(TEAMS, headers=origin).headers["access-control-allow-origin"] == "https://example.org"
        assert "access-control-allow-origin" not in client.get(TEAMS, headers={"Origin": "https://evil.test"}).headers


def test_the_openapi_page_lists_every_endpoint(client):
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/tournaments/leaderboard/teams", "/api/v1/tournaments/leaderboard/players",
                 "/api/v1/tournaments/matches/recent", "/api/v1/tournaments/rounds", "/api/v1/tournaments/schedule",
                 f"{ADMIN}/validation", f"{ADMIN}/schedule", f"{ADMIN}/players", f"{ADMIN}/matches/{{match_id}}/override"):
        assert path in paths


HOSTILE = ["'; DROP TABLE pubg.team_leaderboards; --", "Pro' OR '1'='1", "%s", "%(x)s", "\\x00", "Pro\x00",
           "../../etc/passwd", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "all"]


def test_hostile_input_is_refused_or_found_missing_and_changes_nothing(client, published):
    [(before,)] = psycopg.connect(published["pg_url"]).execute("SELECT count(*) FROM pubg.team_leaderboards").fetchone(),
    for value in HOSTILE:
        for name in ("season_id", "division", "group", "round"):
            response = client.get(TEAMS, params={name: value})
            assert response.status_code in (404, 422), (name, value, response.status_code)
    for number in ("-1", "99999999999999999999999", "1e9", "NaN"):
        assert client.get(TEAMS, params={"limit": number}).status_code == 422
        assert client.get(TEAMS, params={"offset": number}).status_code == 422
    headers = {"Authorization": f"Bearer {TOKEN}"}
    for value in ("../../x", "a b", "x'; DELETE FROM pubg.players; --", "a" * 200):
        assert client.post(f"{ADMIN}/players", json={"player_id": value}, headers=headers).status_code == 422
    assert client.put(f"{ADMIN}/matches/..%2F..%2Fx/override", json={"reason": "r", "round_id": "R"},
                      headers=headers).status_code in (404, 422)
    [(after,)] = psycopg.connect(published["pg_url"]).execute("SELECT count(*) FROM pubg.team_leaderboards").fetchone(),
    assert after == before
