"""A player comes in by themselves: signing in with Steam (OpenID 2.0) or Epic Games (OAuth 2.0 with PKCE) against
local servers that play the platforms (`platforms.py`), the account made at the first sign-in, the session cookie
with its CSRF token, signing out, linking the other platform, and the player's own API keys."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import psycopg
import pytest
from fastapi.testclient import TestClient

from gamestats_assets.serve.crud import accounts
from gamestats_assets_tests.serve.conftest import client_for
from gamestats_assets_tests.serve.platforms import EpicOAuth, SteamOpenId, served

AUTH = "/api/v1/auth"
KEYS = "/api/v1/users/keys"
CALLBACK = "http://testserver/api/v1/auth/steam/callback"


@pytest.fixture(scope="module")
def steam() -> Iterator[SteamOpenId]:
    platform = SteamOpenId()
    with served(platform) as base:
        platform.endpoint = f"{base}/openid/login"
        yield platform


@pytest.fixture(scope="module")
def epic() -> Iterator[tuple[EpicOAuth, str]]:
    platform = EpicOAuth()
    with served(platform) as base:
        yield platform, base


@pytest.fixture
def signing_in(migrated_pg_url, steam, epic) -> Iterator[TestClient]:
    """The API offering both platforms, each the local one, as a browser (cookies kept) reaches it."""
    platform, base = epic
    steam.steam_id, steam.invalid = "76561198000000001", False
    with client_for(migrated_pg_url, requests_per_minute=100_000, steam_sign_in=True,
                    steam_openid_endpoint=steam.endpoint, epic_client_id=platform.client_id,
                    epic_client_secret=platform.client_secret, epic_authorize_url=f"{base}/id/authorize",
                    epic_token_url=f"{base}/epic/oauth/v2/token") as client:
        yield client


def at_platform(client: TestClient, provider: str, next_page: str = "/player.html") -> str:
    """Start signing in with `provider` and sign in at the platform: where the platform sends the browser back."""
    left = client.get(f"{AUTH}/{provider}/login", params={"next": next_page}, follow_redirects=False)
    assert left.status_code == 303, left.text
    back = httpx.get(left.headers["location"], follow_redirects=False)
    assert back.status_code == 302, back.text
    return back.headers["location"]


def come_back(client: TestClient, location: str) -> httpx.Response:
    parts = urlsplit(location)
    return client.get(f"{parts.path}?{parts.query}", follow_redirects=False)


def sign_in(client: TestClient, provider: str = "steam") -> httpx.Response:
    return come_back(client, at_platform(client, provider))


def plant(client: TestClient, cookie: str) -> None:
    """The browser's session cookie set to `cookie`, as the server would set it (a planted or an old one)."""
    client.cookies.set("gamestats_session", cookie, domain="testserver.local")


def me(client: TestClient) -> dict:
    return client.get(f"{AUTH}/me").json()


def account_of(pg_url: str, platform_id: str) -> list[tuple]:
    with psycopg.connect(pg_url) as conn:
        return conn.execute("SELECT name, role, player_ids FROM gamestats_api.accounts WHERE %s = ANY(player_ids)",
                            (platform_id,)).fetchall()


def test_a_first_steam_sign_in_makes_a_player_account_and_a_session(signing_in, migrated_pg_url):
    assert me(signing_in)["signed_in"] is False
    assert {p["id"] for p in me(signing_in)["providers"]} == {"steam", "epic"}
    back = sign_in(signing_in)
    assert back.status_code == 303 and back.headers["location"] == "/player.html"
    cookie = back.headers["set-cookie"]
    assert "gamestats_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie, "plain http here: a Secure cookie would never come back"
    who = me(signing_in)
    assert who["signed_in"] and who["via"] == "session" and who["role"] == "player"
    assert who["player_ids"] == ["steam:76561198000000001"] and who["csrf_token"]
    assert account_of(migrated_pg_url, "steam:76561198000000001") == [
        (who["name"], "player", ["steam:76561198000000001"])]
    assert who["name"].startswith("player-") and "76561198000000001" not in who["name"]
    session = signing_in.cookies["gamestats_session"]
    with psycopg.connect(migrated_pg_url) as conn:
        kept = conn.execute("SELECT session_sha256 FROM gamestats_api.sessions WHERE account = %s",
                            (who["name"],)).fetchall()
    assert [bytes(row[0]) for row in kept] == [hashlib.sha256(session.encode()).digest()]


def test_the_session_is_secure_when_the_service_is_reached_over_tls(migrated_pg_url, steam):
    with client_for(migrated_pg_url, requests_per_minute=100_000, steam_sign_in=True,
                    steam_openid_endpoint=steam.endpoint, public_url="https://testserver") as client:
        left = client.get(f"{AUTH}/steam/login", follow_redirects=False)
        assert "Secure" in left.headers["set-cookie"]
        assert dict(parse_qsl(urlsplit(left.headers["location"]).query))["openid.realm"] == "https://testserver/"


def test_a_forged_assertion_is_refused(signing_in, steam):
    """The claimed id changed after Steam signed: Steam answers `is_valid:false`."""
    at_platform(signing_in, "steam")
    forged = steam.assertion(CALLBACK, **{"openid.claimed_id": "https://steamcommunity.com/openid/id/76561198000000666",
                                          "openid.identity": "https://steamcommunity.com/openid/id/76561198000000666"})
    refused = come_back(signing_in, f"{CALLBACK}?{urlencode(forged)}")
    assert refused.status_code == 403 and "is_valid" in refused.json()["detail"]
    assert me(signing_in)["signed_in"] is False


def test_an_assertion_steam_calls_invalid_is_refused(signing_in, steam):
    steam.invalid = True
    refused = sign_in(signing_in)
    assert refused.status_code == 403 and "is_valid is not true" in refused.json()["detail"]
    assert "gamestats_session" not in signing_in.cookies


def test_a_replayed_assertion_is_refused(signing_in):
    location = at_platform(signing_in, "steam")
    assert come_back(signing_in, location).status_code == 303
    at_platform(signing_in, "steam")
    replayed = come_back(signing_in, location)
    assert replayed.status_code == 403 and "nonce is spent" in replayed.json()["detail"]


def test_an_assertion_for_another_realm_or_return_to_is_refused(signing_in, steam):
    at_platform(signing_in, "steam")
    other_realm = steam.assertion(CALLBACK, **{"openid.realm": "https://elsewhere.example/"})
    refused = come_back(signing_in, f"{CALLBACK}?{urlencode(other_realm)}")
    assert refused.status_code == 403 and "another realm" in refused.json()["detail"]
    at_platform(signing_in, "steam")
    elsewhere = steam.assertion("https://elsewhere.example/api/v1/auth/steam/callback")
    refused = come_back(signing_in, f"{CALLBACK}?{urlencode(elsewhere)}")
    assert refused.status_code == 403 and "another return_to" in refused.json()["detail"]
    assert me(signing_in)["signed_in"] is False


def test_an_assertion_brought_to_a_browser_that_did_not_start_the_sign_in_is_refused(signing_in, steam):
    """Someone else's valid assertion, brought to this browser (a login CSRF), signs no one in."""
    refused = come_back(signing_in, f"{CALLBACK}?{urlencode(steam.assertion(CALLBACK))}")
    assert refused.status_code == 403 and "no sign-in with Steam was started" in refused.json()["detail"]


def test_a_cookie_planted_before_the_sign_in_is_not_the_session_after(signing_in):
    plant(signing_in, "planted-by-someone-else")
    sign_in(signing_in)
    first = signing_in.cookies["gamestats_session"]
    assert first != "planted-by-someone-else" and me(signing_in)["signed_in"]
    sign_in(signing_in)
    assert signing_in.cookies["gamestats_session"] != first
    plant(signing_in, first)
    assert me(signing_in)["signed_in"] is False, "the browser's previous session is closed at a new sign-in"


def test_a_write_by_cookie_needs_its_csrf_token(signing_in):
    sign_in(signing_in)
    without = signing_in.post(KEYS)
    assert without.status_code == 403 and "X-CSRF-Token" in without.json()["detail"]
    assert signing_in.post(KEYS, headers={"X-CSRF-Token": "not-the-token"}).status_code == 403
    made = signing_in.post(KEYS, headers={"X-CSRF-Token": me(signing_in)["csrf_token"]})
    assert made.status_code == 201, made.text
    key = made.json()["api_key"]
    script = TestClient(signing_in.app)
    keyed = script.get(KEYS, headers={"Authorization": f"Bearer {key}"})
    assert keyed.status_code == 200 and [k["key_id"] for k in keyed.json()["data"]] == [made.json()["key_id"]]
    assert script.post(KEYS, headers={"Authorization": f"Bearer {key}"}).status_code == 201, "a key needs no CSRF"


def test_logout_revokes_the_session_on_the_server(signing_in):
    sign_in(signing_in)
    cookie = signing_in.cookies["gamestats_session"]
    out = signing_in.post(f"{AUTH}/logout", headers={"X-CSRF-Token": me(signing_in)["csrf_token"]})
    assert out.status_code == 200 and out.json() == {"signed_out": True}
    plant(signing_in, cookie)
    assert me(signing_in)["signed_in"] is False
    assert signing_in.get(KEYS).status_code == 401


def test_a_player_makes_lists_and_revokes_their_own_keys(signing_in):
    sign_in(signing_in)
    csrf = {"X-CSRF-Token": me(signing_in)["csrf_token"]}
    made = [signing_in.post(KEYS, headers=csrf).json() for _ in range(2)]
    listed = signing_in.get(KEYS).json()["data"]
    assert {k["key_id"] for k in listed} >= {m["key_id"] for m in made}
    assert all("api_key" not in k for k in listed)
    assert signing_in.delete(f"{KEYS}/{made[0]['key_id']}", headers=csrf).json() == {
        "key_id": made[0]["key_id"], "revoked": True}
    assert signing_in.delete(f"{KEYS}/{made[0]['key_id']}", headers=csrf).status_code == 404
    script = TestClient(signing_in.app)
    assert script.get(KEYS, headers={"Authorization": f"Bearer {made[0]['api_key']}"}).status_code == 401
    assert script.get(KEYS, headers={"Authorization": f"Bearer {made[1]['api_key']}"}).status_code == 200


def test_an_epic_sign_in_proves_the_account_id_of_the_token_answer(signing_in, epic, migrated_pg_url):
    platform, _ = epic
    platform.account_id = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
    back = sign_in(signing_in, "epic")
    assert back.status_code == 303, back.text
    assert me(signing_in)["player_ids"] == ["epic:0a1b2c3d4e5f60718293a4b5c6d7e8f9"]
    assert account_of(migrated_pg_url, "epic:0a1b2c3d4e5f60718293a4b5c6d7e8f9")[0][1] == "player"


def test_an_epic_answer_with_another_state_is_refused(signing_in):
    location = at_platform(signing_in, "epic")
    answer = dict(parse_qsl(urlsplit(location).query))
    refused = come_back(signing_in, f"{AUTH}/epic/callback?{urlencode({**answer, 'state': 'another'})}")
    assert refused.status_code == 403 and "state" in refused.json()["detail"]


def test_an_epic_code_exchanged_with_another_verifier_is_refused(signing_in, migrated_pg_url):
    """A code taken from another browser's sign-in, brought back with this browser's own `state`: the exchange
    carries this browser's verifier, which is not the other's challenge, and Epic refuses it."""
    victims = at_platform(signing_in, "epic")
    attacker = TestClient(signing_in.app)
    own = dict(parse_qsl(urlsplit(at_platform(attacker, "epic")).query))
    stolen = dict(parse_qsl(urlsplit(victims).query))["code"]
    refused = come_back(attacker, f"{AUTH}/epic/callback?{urlencode({'code': stolen, 'state': own['state']})}")
    assert refused.status_code == 403 and "invalid_grant" in refused.json()["detail"]


def test_an_operator_made_account_holding_the_id_is_the_same_account(signing_in, steam, migrated_pg_url):
    steam.steam_id = "76561198000000077"
    with psycopg.connect(migrated_pg_url) as conn:
        accounts.create(conn, "alice", "player", ("steam:76561198000000077",))
    sign_in(signing_in)
    assert me(signing_in)["name"] == "alice"
    assert len(account_of(migrated_pg_url, "steam:76561198000000077")) == 1


def test_an_organiser_s_id_never_signs_in(signing_in, steam, migrated_pg_url):
    steam.steam_id = "76561198000000088"
    with psycopg.connect(migrated_pg_url) as conn:
        accounts.create(conn, "organiser-with-steam", "organiser", ("steam:76561198000000088",))
    refused = sign_in(signing_in)
    assert refused.status_code == 403 and "not a player's" in refused.json()["detail"]
    assert me(signing_in)["signed_in"] is False


def test_a_signed_in_player_links_their_epic_account(signing_in, steam, epic, migrated_pg_url):
    platform, _ = epic
    steam.steam_id, platform.account_id = "76561198000000099", "99999999999999999999999999999999"
    sign_in(signing_in)
    name = me(signing_in)["name"]
    linked = sign_in(signing_in, "epic")
    assert linked.status_code == 303, linked.text
    assert me(signing_in)["name"] == name and me(signing_in)["player_ids"] == [
        "steam:76561198000000099", "epic:99999999999999999999999999999999"]
    other = TestClient(signing_in.app)
    steam.steam_id = "76561198000000100"
    sign_in(other)
    refused = sign_in(other, "epic")
    assert refused.status_code == 403 and "belongs to another account" in refused.json()["detail"]


def test_a_platform_not_configured_is_not_offered(migrated_pg_url):
    with client_for(migrated_pg_url, requests_per_minute=100_000) as client:
        assert client.get(f"{AUTH}/me").json()["providers"] == []
        for provider, setting in (("steam", "GAMESTATS_STEAM_SIGN_IN"), ("epic", "GAMESTATS_EPIC_CLIENT_ID")):
            refused = client.get(f"{AUTH}/{provider}/login", follow_redirects=False)
            assert refused.status_code == 404 and setting in refused.json()["detail"]


def test_a_browser_refused_is_sent_back_to_its_page_with_the_reason(signing_in, steam):
    """A browser (it accepts HTML) is not left on an API answer: it goes back to the page it left, which says why."""
    steam.invalid = True
    left = signing_in.get(f"{AUTH}/steam/login", params={"next": "/player.html?player=steam:1#games"},
                          follow_redirects=False)
    location = httpx.get(left.headers["location"], follow_redirects=False).headers["location"]
    parts = urlsplit(location)
    back = signing_in.get(f"{parts.path}?{parts.query}", headers={"Accept": "text/html"}, follow_redirects=False)
    assert back.status_code == 303
    page = urlsplit(back.headers["location"])
    assert page.path == "/player.html" and not page.fragment
    assert dict(parse_qsl(page.query)) == {"player": "steam:1", "sign_in_error": (
        "not signed in: Steam did not verify the assertion (is_valid is not true)")}
