"""The Rocket League player page in headless Chromium at a desktop's and a phone's width, over a day a real run
published, with a player account: once the player signs in from any of the page's forms, none of its three API-key
fields (upload, stated rank, training session) is seen any more, signing out shows them again, and a request the
API refuses is said in words in the error banner, never as raw validation JSON."""

from __future__ import annotations

import psycopg
import pytest

from gamestats_assets.serve.crud import accounts
from gamestats_assets_tests.serve.chromium import PHONE
from gamestats_assets_tests.serve.pages import SCREENSHOTS, browser, check, clean_load, cut_elements, served

WIDTHS = {"desktop": (1400, 900), "phone": PHONE}
FIELDS = ("#upload-key", "#stated-key", "#session-key")
"""The page's three API-key inputs."""


@pytest.fixture(scope="module")
def site(chromium, rocket_day):
    pg_url = rocket_day["pg_url"]
    with psycopg.connect(pg_url) as conn:
        player, games = conn.execute(
            "SELECT player_id, count(DISTINCT match_id) FROM rocket.player_stats WHERE player_id NOT LIKE 'bot:%%' "
            "GROUP BY player_id ORDER BY 2 DESC, player_id LIMIT 1").fetchone()
        key = accounts.create(conn, "pages-rocket-signed-in", "player", (player,))
    with served(pg_url, data_dir=rocket_day["data_dir"]) as base, browser() as page:
        yield base, page, {"player": player, "games": games, "key": key}


def seen(page) -> dict[str, bool]:
    """Whether each key field is seen on the page (laid out and not hidden by any ancestor)."""
    return page.evaluate(f"Object.fromEntries({list(FIELDS)!r}.map((s) => [s, !!document.querySelector(s)"
                         "?.checkVisibility({ visibilityProperty: true })]))")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_key_fields_go_once_signed_in_and_come_back_on_signing_out(site, request, width):
    base, page, who = site
    page.viewport(*WIDTHS[width])
    try:
        with check(page, request):
            page.goto(f"{base}/player.html")
            page.evaluate("sessionStorage.clear()")
            clean_load(page, f"{base}/player.html?player={who['player']}")
            meta = page.evaluate("document.getElementById('player-meta').innerText")
            assert f"{who['games']:,} games" in meta, meta
            assert seen(page) == dict.fromkeys(FIELDS, True)
            page.evaluate(f"document.getElementById('upload-key').value = {who['key']!r}")
            page.evaluate("document.getElementById('upload-send').click()")
            page.wait_for("sessionStorage.getItem('gamestats.apiKey')")
            assert seen(page) == dict.fromkeys(FIELDS, False)
            assert "Signed in" in page.evaluate("document.getElementById('upload-who').innerText")
            assert page.evaluate("document.getElementById('upload-signout').checkVisibility()")
            clean_load(page, f"{base}/player.html?player={who['player']}")
            assert seen(page) == dict.fromkeys(FIELDS, False), "a reload keeps the tab signed in"
            assert cut_elements(page) == []
            page.screenshot(SCREENSHOTS / "rocket" / f"player_signed_in_{width}.png")
            page.evaluate("document.getElementById('upload-signout').click()")
            assert seen(page) == dict.fromkeys(FIELDS, True)
            assert not page.evaluate("sessionStorage.getItem('gamestats.apiKey')")
    finally:
        page.viewport(*WIDTHS["desktop"])


@pytest.mark.parametrize("width", WIDTHS)
def test_a_refused_request_is_said_in_words(site, request, width):
    """A page asked for a value the API refuses (a stat name the schema's pattern does not allow) shows which value
    and why, not the API's validation JSON."""
    base, page, _ = site
    page.viewport(*WIDTHS[width])
    try:
        with check(page, request):
            page.goto(f"{base}/player.html?player=not%20a%20player%20id")
            page.ready()
            banner = page.wait_for("document.getElementById('errors').innerText")
            assert "player_id \"not a player id\": not a value accepted here" in banner, banner
            assert "[{" not in banner and "string_pattern_mismatch" not in banner and "422" not in banner
            assert cut_elements(page) == []
    finally:
        page.viewport(*WIDTHS["desktop"])
