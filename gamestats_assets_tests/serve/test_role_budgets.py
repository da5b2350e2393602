"""Roles and their request budgets against the real app and PostgreSQL: `gamestats accounts create --role premium`
makes a premium account; each role's budget a minute comes from the settings' profile, per account whatever address
it comes from (by API key or signed-in session), and a client address without credentials that authenticate has its
own; past either, 429 with `Retry-After`, as the OpenAPI document states on every operation."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from gamestats_assets.serve.app import create_app
from gamestats_assets.serve.core.accounts import ROLES, Principal
from gamestats_assets.serve.core.budget_profiles import PROFILES
from gamestats_assets.serve.core.sessions import SESSION_COOKIE
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets.serve.crud.sessions import open_session
from gamestats_assets_tests.serve.conftest import TOKEN

OPERATOR = {"Authorization": f"Bearer {TOKEN}"}
ACCOUNTS = "/api/v1/admin/accounts"
OPENAPI = "/openapi.json"
BUDGETS = {"GAMESTATS_API_REQUESTS_PER_MINUTE": "2", "GAMESTATS_API_ROLE_REQUESTS_PER_MINUTE": "player=3,premium=5"}
"""Small budgets to spend: an address 2 a minute, a player 3, a premium 5, an organiser and an operator the
default profile's."""


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="module")
def keys(migrated_pg_url, tmp_path_factory) -> dict[str, str]:
    """An account of each role made as the manual makes them (`gamestats accounts create`), by name → its key."""
    env = {**os.environ, "GAMESTATS_PG_URL": migrated_pg_url,
           "GAMESTATS_DATA_DIR": str(tmp_path_factory.mktemp("budgets") / "data")}
    made = {}
    for role in ROLES:
        player = ["--player", "steam:76561198000000001"] if role in ("player", "premium") else []
        done = subprocess.run([str(Path(sys.executable).parent / "gamestats"), "accounts", "create", f"an-{role}",
                               "--role", role, *player], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert f"account an-{role} ({role}) created" in done.stdout
        made[role] = done.stdout.strip().splitlines()[-1]
    return made


@pytest.fixture
def apps(migrated_pg_url, monkeypatch):
    """A new app over the module's database with `BUDGETS`, each time it is called (they share the budgets)."""
    for name, value in BUDGETS.items():
        monkeypatch.setenv(name, value)
    return lambda: create_app(ServeSettings(pg_url=migrated_pg_url, api_token=TOKEN))


def spent(client: TestClient, times: int, headers: dict | None = None) -> list[int]:
    return [client.get(OPENAPI, headers=headers or {}).status_code for _ in range(times)]


def test_the_premium_role_sits_between_player_and_organiser():
    premium = Principal("p", "premium", ("steam:76561198000000001",))
    assert ROLES == ("player", "premium", "organiser", "operator")
    assert premium.has("player") and premium.has("premium") and not premium.has("organiser")
    assert Principal("o", "organiser").has("premium") and not Principal("q", "player").has("premium")


def test_an_account_is_charged_its_roles_budget_whatever_address_it_comes_from(apps, keys):
    with TestClient(apps(), client=("192.0.2.41", 50000)) as client:
        assert spent(client, 3) == [200, 200, 429], "an address without credentials: 2 a minute"
        assert spent(client, 4, bearer(keys["player"])) == [200, 200, 200, 429]
        assert spent(client, 6, bearer(keys["premium"])) == [200] * 5 + [429]
        assert spent(client, 8, bearer(keys["organiser"])) == [200] * 8
        refused = client.get(OPENAPI, headers=bearer(keys["premium"]))
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        assert "account an-premium (premium): 5 a minute" in refused.json()["detail"]
        forged = client.get(OPENAPI, headers=bearer("gsk_0000000000000000_" + "x" * 43))
        assert forged.status_code == 429 and "192.0.2.41: 2 a minute" in forged.json()["detail"], \
            "a key that does not authenticate is charged to its address"
    with TestClient(apps(), client=("192.0.2.42", 50000)) as elsewhere:
        assert spent(elsewhere, 1, bearer(keys["player"])) == [429], "the player's budget is theirs, not an address's"
        assert spent(elsewhere, 2) == [200, 200]


def test_a_signed_in_browser_is_charged_to_its_account_not_its_address(apps, migrated_pg_url):
    with TestClient(apps(), client=("192.0.2.45", 50000)) as client:
        made = client.post(ACCOUNTS, json={"name": "browsing", "role": "premium",
                                           "player_ids": ["steam:76561198000000003"]}, headers=OPERATOR)
        assert made.status_code == 201, made.text
        with psycopg.connect(migrated_pg_url) as conn:
            client.cookies.set(SESSION_COOKIE, open_session(conn, "browsing", 1, None))
        assert spent(client, 6) == [200] * 5 + [429]
        client.cookies.clear()
        assert spent(client, 2) == [200, 200], "the address's budget is untouched"


def test_the_operator_makes_a_premium_account_which_is_refused_the_operators_endpoints(apps, keys):
    with TestClient(apps(), client=("192.0.2.43", 50000)) as client:
        unnamed = client.post(ACCOUNTS, json={"name": "unnamed", "role": "premium"}, headers=OPERATOR)
        assert unnamed.status_code == 422, "a premium account acts for its own player ids"
        made = client.post(ACCOUNTS, json={"name": "subscriber", "role": "premium",
                                           "player_ids": ["steam:76561198000000002"]}, headers=OPERATOR)
        assert made.status_code == 201 and made.json()["role"] == "premium", made.text
        refused = client.get(ACCOUNTS, headers=bearer(made.json()["api_key"]))
        assert refused.status_code == 403 and "subscriber is a premium" in refused.json()["detail"]
        listed = {row["name"]: row["role"] for row in client.get(ACCOUNTS, headers=OPERATOR).json()["data"]}
        assert listed["an-premium"] == listed["subscriber"] == "premium"


def test_the_profiles_are_one_setting_and_none_stops_a_person_browsing(migrated_pg_url, monkeypatch):
    for name in (*BUDGETS, "GAMESTATS_API_BUDGET_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    browsing = ServeSettings(pg_url=migrated_pg_url).budgets
    assert browsing == dict(PROFILES["browsing"]) and min(browsing.values()) >= 600
    monkeypatch.setenv("GAMESTATS_API_BUDGET_PROFILE", "pubg")
    assert ServeSettings(pg_url=migrated_pg_url).budgets == {"public": 60, "player": 300, "premium": 600,
                                                             "organiser": 1_000, "operator": 1_000}
    monkeypatch.setenv("GAMESTATS_API_ROLE_REQUESTS_PER_MINUTE", "player=30")
    assert ServeSettings(pg_url=migrated_pg_url).budgets["player"] == 60, "never below an address's"
    monkeypatch.setenv("GAMESTATS_API_ROLE_REQUESTS_PER_MINUTE", "admin=30")
    with pytest.raises(ValueError, match="role's budget"):
        ServeSettings(pg_url=migrated_pg_url)


def test_every_operation_states_its_429_with_retry_after(apps):
    with TestClient(apps(), client=("192.0.2.44", 50000)) as client:
        document = client.get(OPENAPI).json()
    operations = [operation for path in document["paths"].values() for operation in path.values()]
    assert operations and all("429" in operation["responses"] for operation in operations)
    assert all("Retry-After" in operation["responses"]["429"]["description"] for operation in operations)
