"""The sweep of `test_contract_sweep.py` over who is signed in, signing out and a player's own keys: each asked
well with a player's key (its answer kept as the operation's example), malformed, without a key, past its body's
bound and past its budget, answering only what it declares. The sign-in redirects, which send a browser to the
platforms, are `test_sign_in.py`'s."""

from __future__ import annotations

from gamestats_assets_tests.serve.conftest import TOKEN, client_for
from gamestats_assets_tests.serve.test_contract_sweep import (  # noqa: F401 (document and kept are fixtures)
    AUTH, Ask, checked, document, keyed_as, kept, routes, spent_budget, sweep)

KEYS = "/api/v1/users/keys"
MINE = ("/api/v1/auth/me", "/api/v1/auth/logout", KEYS)


def test_every_sign_in_and_own_key_operation_answers_only_what_it_declares(document, migrated_pg_url, kept):
    with client_for(migrated_pg_url, api_token=TOKEN, requests_per_minute=100_000, steam_sign_in=True) as client:
        player = keyed_as(client, "player", ("steam:76561198000000001",))
        made = client.post(KEYS, headers=player).json()
        asks = [Ask("GET", "/api/v1/auth/me", "/api/v1/auth/me", headers=player),
                Ask("POST", "/api/v1/auth/logout", "/api/v1/auth/logout", headers=player),
                Ask("GET", KEYS, KEYS, headers=player), Ask("POST", KEYS, KEYS, headers=player),
                Ask("DELETE", f"{KEYS}/{{key_id}}", f"{KEYS}/{made['key_id']}", headers=player)]
        asked = sweep(document, client, asks, kept, roles={})
        gone = checked(document, asks[-1], asks[-1].send(client), 404)
        assert made["key_id"] in gone.json()["detail"]
        checked(document, asks[2], asks[2].send(client, headers=AUTH), 403)
    spent_budget(document, migrated_pg_url, asks, steam_sign_in=True)
    assert {key for key in routes() if key[1].startswith(MINE)} - asked == set()
