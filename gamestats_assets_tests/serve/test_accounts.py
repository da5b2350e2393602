"""Accounts and roles against a running `gamestats serve`: keys created and revoked by `gamestats accounts` and by
the operator's endpoints, kept only as hashes; a player writes for their own player ids only, an organiser runs
the PUBG admin, an operator everything; each account has its own request budget, shared by the workers."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from gamestats_assets.sources.replays.header import read_header_alone
from gamestats_assets_tests.rocket.conftest import REPLAYS
from gamestats_assets_tests.serve.conftest import TOKEN
from gamestats_assets_tests.serve.running import landed_upload, serving

OPERATOR = {"Authorization": f"Bearer {TOKEN}"}
ACCOUNTS = "/api/v1/admin/accounts"
VALIDATION = "/api/v1/admin/pubg/validation"
SESSIONS = "/api/v1/rocket/training/sessions"
UPLOAD = REPLAYS / "XBOX_PARTY.replay"
OWN = REPLAYS / "0_SAVES.replay"
"""A real replay of one Steam player (and a bot): the player of the manual's account below."""
OTHER = REPLAYS / "5_GOALS_6_KICKOFFS.replay"
"""A real replay of another Steam player alone."""


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def gamestats(*arguments: str) -> subprocess.CompletedProcess:
    """`gamestats` run as a user runs it, on the module's PostgreSQL."""
    return subprocess.run([str(Path(sys.executable).parent / "gamestats"), *arguments], env=dict(os.environ),
                          capture_output=True, text=True, timeout=300)


def session_of(player_id: str) -> dict:
    return {"player_id": player_id, "pack_code": "A503-264C-A7EB-D282", "started_at": "2026-02-01T18:00:00Z",
            "duration_seconds": 600, "attempts": 20, "successes": 9}


@pytest.fixture(scope="module")
def server(published):
    with serving({"GAMESTATS_API_TOKEN": TOKEN, "GAMESTATS_API_REQUESTS_PER_MINUTE": "100000"}) as running:
        yield running
    assert "Traceback" not in running.output, running.output


def test_a_player_account_from_the_command_line_writes_for_its_own_players_only(server, published):
    """The manual's command (`docs/running/accounts.md`): a player made with `--player steam:<SteamID64>` uploads a
    real replay they played and logs their sessions, and is refused another player's replay and sessions."""
    steam_id = next(p.player_id for p in read_header_alone(OWN).players if p.platform == "steam")
    assert steam_id not in {p.player_id for p in read_header_alone(OTHER).players}
    created = gamestats("accounts", "create", "alice", "--role", "player", "--player", f"Steam:{steam_id}")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip().splitlines()[-1]
    with psycopg.connect(published["pg_url"]) as conn:
        stored = conn.execute("SELECT k.key_sha256, a.role, a.player_ids FROM gamestats_api.api_keys k "
                              "JOIN gamestats_api.accounts a ON a.name = k.account WHERE a.name = 'alice'").fetchall()
        assert [(bytes(h), r, p) for h, r, p in stored] == [(hashlib.sha256(key.encode()).digest(), "player",
                                                             [f"steam:{steam_id}"])]
        dumped = conn.execute("SELECT string_agg(t::text, ' ') FROM gamestats_api.api_keys t").fetchone()[0]
        assert key not in dumped and key.split("_")[-1] not in dumped
    with server.client() as client:
        refused = client.post("/api/v1/rocket/replays/upload", content=OTHER.read_bytes(), headers=bearer(key))
        assert refused.status_code == 403 and "none of this replay's players" in refused.json()["detail"]
        accepted = client.post("/api/v1/rocket/replays/upload", content=OWN.read_bytes(), headers=bearer(key))
        assert accepted.status_code == 202, accepted.text
        own = client.post(SESSIONS, json=session_of(f"steam:{steam_id}"), headers=bearer(key))
        assert own.status_code == 202, own.text
        assert client.post(SESSIONS, json=session_of(steam_id), headers=bearer(key)).status_code == 202
        assert client.post(SESSIONS, json=session_of("steam:76561198000000002"), headers=bearer(key)).status_code == 403
        assert client.get(VALIDATION, headers=bearer(key)).status_code == 403
        assert client.get(ACCOUNTS, headers=bearer(key)).status_code == 403
        assert client.get("/api/v1/tournaments/rounds", headers=bearer(key)).status_code == 200
        assert client.post(SESSIONS, json=session_of(steam_id),
                           headers=bearer(key[:-1] + ("A" if key[-1] != "A" else "B"))).status_code == 401
    listed = gamestats("accounts", "list")
    assert listed.returncode == 0 and "alice" in listed.stdout and f"steam:{steam_id}" in listed.stdout
    assert gamestats("accounts", "revoke", "alice").returncode == 0
    with server.client() as client:
        assert client.post(SESSIONS, json=session_of(steam_id), headers=bearer(key)).status_code == 401
    again = gamestats("accounts", "revoke", "alice")
    assert again.returncode != 0 and "no account 'alice' in use" in again.stderr
    assert gamestats("accounts", "create", "bad", "--role", "player").returncode != 0
    mistyped = gamestats("accounts", "create", "eve", "--role", "player", "--player", "steam:eve")
    assert mistyped.returncode != 0 and "steam:<the 17-digit SteamID64>" in mistyped.stderr


def test_a_player_uploads_a_replay_they_played_and_not_one_they_did_not(server, published):
    players = [f"xbox:{p.player_id}" for p in read_header_alone(UPLOAD).players if p.platform == "dingo"]
    with server.client() as client:
        keys = {}
        for name, player_id in (("carol", players[0].upper().replace("XBOX:", "Xbox:")),
                                ("dave", "76561198000000001")):
            made = client.post(ACCOUNTS, json={"name": name, "role": "player", "player_ids": [player_id]},
                               headers=OPERATOR)
            assert made.status_code == 201, made.text
            assert made.json()["player_ids"] == [players[0] if name == "carol" else f"steam:{player_id}"]
            keys[name] = made.json()["api_key"]
        landing = published["data_dir"] / "landing" / "rocket"
        before = set(landing.glob("*/*.replay"))
        refused = client.post("/api/v1/rocket/replays/upload", content=UPLOAD.read_bytes(), headers=bearer(keys["dave"]))
        assert refused.status_code == 403 and "none of this replay's players" in refused.json()["detail"]
        assert set(landing.glob("*/*.replay")) == before
        accepted = client.post("/api/v1/rocket/replays/upload", content=UPLOAD.read_bytes(),
                               headers=bearer(keys["carol"]))
        assert accepted.status_code == 202, accepted.text
        assert landed_upload(published["data_dir"], accepted.json()["id"]) == published["data_dir"] / accepted.json()["landed"]


def test_an_organiser_runs_the_pubg_admin_and_the_operator_manages_accounts(server):
    with server.client() as client:
        made = client.post(ACCOUNTS, json={"name": "org", "role": "organiser"}, headers=OPERATOR)
        assert made.status_code == 201 and made.json()["api_key"].startswith("gsk_")
        organiser = bearer(made.json()["api_key"])
        assert client.get(VALIDATION, headers=organiser).status_code == 200
        assert client.post("/api/v1/admin/pubg/players", json={"player_id": "account.org1"},
                           headers=organiser).status_code == 201
        assert client.post(SESSIONS, json=session_of("steam:x"), headers=organiser).status_code == 403
        assert client.post(ACCOUNTS, json={"name": "x", "role": "operator"}, headers=organiser).status_code == 403
        assert client.post(ACCOUNTS, json={"name": "org", "role": "organiser"}, headers=OPERATOR).status_code == 409
        assert client.post(ACCOUNTS, json={"name": "p", "role": "player"}, headers=OPERATOR).status_code == 422
        assert client.post(ACCOUNTS, json={"name": "a b", "role": "player"}, headers=OPERATOR).status_code == 422
        operator = client.post(ACCOUNTS, json={"name": "ops", "role": "operator"}, headers=OPERATOR).json()
        listed = {a["name"]: a for a in client.get(ACCOUNTS, headers=bearer(operator["api_key"])).json()["data"]}
        assert listed["org"]["role"] == "organiser" and listed["org"]["keys_in_use"] == 1
        assert "api_key" not in listed["org"] and "key_sha256" not in listed["org"]
        assert client.delete(f"{ACCOUNTS}/org", headers=bearer(operator["api_key"])).status_code == 200
        assert client.get(VALIDATION, headers=organiser).status_code == 401
        assert client.delete(f"{ACCOUNTS}/org", headers=OPERATOR).status_code == 404


@pytest.fixture(scope="module")
def budgeted(published, server):
    """`gamestats serve` with two workers, 3 requests a minute per address and per organiser account, 127.0.0.2
    trusted."""
    with serving({"GAMESTATS_API_TOKEN": TOKEN, "GAMESTATS_API_REQUESTS_PER_MINUTE": "3",
                  "GAMESTATS_API_ROLE_REQUESTS_PER_MINUTE": "organiser=3",
                  "GAMESTATS_API_TRUSTED_PROXIES": "127.0.0.2"}, "--workers", "2") as running:
        yield running


def test_an_account_has_its_own_budget_whatever_address_it_comes_from(budgeted):
    with budgeted.client("127.0.0.2") as proxy:
        key = proxy.post(ACCOUNTS, json={"name": "busy", "role": "organiser"},
                         headers={**OPERATOR, "X-Forwarded-For": "192.0.2.100"}).json()["api_key"]
    statuses = []
    for n in range(5):
        with budgeted.client("127.0.0.2") as proxy:
            statuses.append(proxy.get(VALIDATION, headers={**bearer(key), "X-Forwarded-For": f"192.0.2.{n}"}))
    assert [s.status_code for s in statuses] == [200, 200, 200, 429, 429]
    assert "account busy" in statuses[-1].json()["detail"]
