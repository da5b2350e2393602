"""The sweep of `test_contract_sweep.py` over a player's own data (`/api/v1/users/consent`, `profile`, `stats`,
`export`, `account`): each asked well with a player's key (its answer kept as the operation's example), malformed,
without a key, past its body's bound and past its budget, answering only what it declares. What each does is
`test_user_data.py`'s."""

from __future__ import annotations

from cryptography.fernet import Fernet

from gamestats_assets_tests.serve.conftest import TOKEN, client_for
from gamestats_assets_tests.serve.test_contract_sweep import (  # noqa: F401 (document and kept are fixtures)
    AUTH, Ask, checked, document, keyed_as, kept, routes, spent_budget, sweep)

USERS = "/api/v1/users"
MINE = tuple(f"{USERS}/{resource}" for resource in ("consent", "profile", "stats", "export", "account"))


def test_every_own_data_operation_answers_only_what_it_declares(document, migrated_pg_url, kept, tmp_path,
                                                               monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    (tmp_path / "dagster").mkdir()
    with client_for(migrated_pg_url, api_token=TOKEN, requests_per_minute=100_000, data_dir=tmp_path / "data",
                    secret_keys=(Fernet.generate_key().decode(),)) as client:
        player = keyed_as(client, "player", ("steam:76561198000000001",))
        consent = client.get(f"{USERS}/consent", headers=player).json()
        asks = [Ask("GET", f"{USERS}/consent", f"{USERS}/consent", headers=player),
                Ask("POST", f"{USERS}/consent", f"{USERS}/consent", headers=player,
                    body={"text_version": consent["text"]["version"]}),
                Ask("GET", f"{USERS}/profile", f"{USERS}/profile", headers=player),
                Ask("PUT", f"{USERS}/profile", f"{USERS}/profile", headers=player,
                    body={"display_name": "Sweeper", "email": "sweeper@example.org"}),
                Ask("GET", f"{USERS}/stats", f"{USERS}/stats", headers=player),
                Ask("GET", f"{USERS}/export", f"{USERS}/export", headers=player),
                Ask("GET", f"{USERS}/export/archive", f"{USERS}/export/archive", headers=player),
                Ask("DELETE", f"{USERS}/consent", f"{USERS}/consent", headers=player),
                Ask("DELETE", f"{USERS}/account", f"{USERS}/account", headers=player,
                    body={"confirm": consent["account"]})]
        for ask in asks[:2]:
            checked(document, ask, ask.send(client, headers=AUTH), 403)
        wrong = Ask("DELETE", f"{USERS}/account", f"{USERS}/account", headers=player, body={"confirm": "x"})
        checked(document, wrong, wrong.send(client), 400)
        asked = sweep(document, client, asks, kept, roles={})
    spent_budget(document, migrated_pg_url, asks)
    assert {key for key in routes() if key[1].startswith(MINE)} - asked == set()
