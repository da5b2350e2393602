"""The Rocket League player page in headless Chromium, as a new player meets it: "Sign in with Steam" (the only
platform offered here), through a local server playing Steam's OpenID endpoint: refused once (the page says why),
then back on the page signed in as the account the sign-in made, the session cookie out of the page's reach;
"Sign out" revokes it and the button is offered again."""

from __future__ import annotations

import pytest

from gamestats_assets_tests.serve.pages import browser, served
from gamestats_assets_tests.serve.platforms import SteamOpenId
from gamestats_assets_tests.serve.platforms import served as platform_served

BAR = "document.getElementById('sign-in-bar')?.dataset.state"


@pytest.fixture(scope="module")
def site(chromium, migrated_pg_url):
    steam = SteamOpenId(steam_id="76561198000000321")
    with platform_served(steam) as steam_base:
        steam.endpoint = f"{steam_base}/openid/login"
        with served(migrated_pg_url, steam_sign_in=True, steam_openid_endpoint=steam.endpoint) as base, \
                browser() as page:
            yield base, page, steam


def test_a_new_player_signs_in_with_steam_and_out_again(site):
    base, page, steam = site
    page.goto(f"{base}/player.html")
    assert page.wait_for(f"{BAR} === 'signed-out' && {BAR}")
    offered = page.evaluate("[...document.querySelectorAll('#sign-in-bar a')].map((a) => a.innerText)")
    assert offered == ["Sign in with Steam"], "Epic Games is not configured here, so not offered"
    steam.invalid = True
    page.evaluate("document.getElementById('sign-in-steam').click()")
    said = page.wait_for("document.getElementById('sign-in-error')?.innerText")
    assert said == "not signed in: Steam did not verify the assertion (is_valid is not true)"
    assert page.evaluate("location.search") == "", "the reason is said once, not kept in the address"
    steam.invalid = False
    page.evaluate("document.getElementById('sign-in-steam').click()")
    page.wait_for(f"location.pathname === '/player.html' && {BAR} === 'signed-in'")
    said = page.evaluate("document.getElementById('signed-in-as').innerText")
    assert said.startswith("Signed in as player-") and said.endswith(" (steam:76561198000000321)"), said
    assert "gamestats_session" not in page.evaluate("document.cookie"), "the session cookie is HttpOnly"
    page.evaluate("document.getElementById('sign-out').click()")
    page.wait_for(f"{BAR} === 'signed-out'")
    assert page.evaluate("fetch('/api/v1/auth/me').then((r) => r.json()).then((me) => me.signed_in)") is False
