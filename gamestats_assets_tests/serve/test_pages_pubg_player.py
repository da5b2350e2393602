"""The PUBG player page in Chromium at a desktop's and a phone's width, over the tables a real pubg run published:
a player is found by part of their in-game name among the published standings, one name found opens their page,
and their matches show placement and kills in sight, as `pubg.player_match_results` holds them."""

from __future__ import annotations

import psycopg
import pytest

from gamestats_assets_tests.serve.pages import browser, check, clean_load, cut_elements, served

WIDTHS = ((1400, 900), (390, 844))


def query(pg_url: str, statement: str, *params) -> list[tuple]:
    with psycopg.connect(pg_url) as conn:
        return conn.execute(statement, params).fetchall()


@pytest.fixture(scope="module")
def site(chromium, published):
    with served(published["pg_url"]) as base, browser() as page:
        yield base, page


def search(page, text: str) -> None:
    page.evaluate(f"document.getElementById('find-name').value = {text!r};"
                  "document.getElementById('find').requestSubmit()")


@pytest.mark.parametrize("width", WIDTHS, ids=lambda w: f"{w[0]}")
def test_a_player_is_found_by_part_of_their_name(site, published, request, width):
    base, page = site
    [(name, player)] = query(published["pg_url"], "SELECT player_name, account_id FROM pubg.player_leaderboards "
                                                  "WHERE scope = 'season' ORDER BY player_name LIMIT 1")
    part = name[:5].lower()
    named = query(published["pg_url"], "SELECT DISTINCT player_name FROM pubg.player_leaderboards WHERE scope = "
                                       "'season' AND player_name ILIKE %s ORDER BY 1", f"%{part}%")
    assert len(named) > 1
    with check(page, request):
        page.viewport(*width)
        clean_load(page, f"{base}/pubg_player.html")
        search(page, part)
        page.wait_for("document.querySelectorAll('#find-results a').length > 0")
        found = page.evaluate("[...document.querySelectorAll('#find-results a')].map(a => a.innerText)")
        assert found == [n for (n,) in named]
        search(page, "nobody-is-named-so")
        page.wait_for("document.getElementById('find-results').innerText.startsWith('No player')")
        assert page.evaluate("document.documentElement.scrollWidth") <= width[0] + 1 and cut_elements(page) == []
        search(page, name.upper())
        page.wait_for("location.pathname === '/pubg_player.html' && location.search.includes('id=')")
        page.ready()
        assert page.evaluate("new URLSearchParams(location.search).get('id')") == player
        assert page.evaluate("document.getElementById('title').textContent").startswith(name)


@pytest.mark.parametrize("width", WIDTHS, ids=lambda w: f"{w[0]}")
def test_a_players_matches_show_place_and_kills_in_sight(site, published, request, width):
    base, page = site
    [(player,)] = query(published["pg_url"], "SELECT account_id FROM pubg.player_match_results "
                                             "ORDER BY kills DESC, account_id LIMIT 1")
    matches = query(published["pg_url"], "SELECT placement, kills, points FROM pubg.player_match_results "
                                         "WHERE account_id = %s ORDER BY created_at DESC NULLS LAST, match_id DESC",
                    player)
    with check(page, request):
        page.viewport(*width)
        clean_load(page, f"{base}/pubg_player.html?id={player}")
        cells = page.evaluate(
            "[...document.querySelectorAll('#matches tbody tr')].map(r => Object.fromEntries([...r.cells].map((c, i) =>"
            " [r.closest('table').querySelectorAll('th')[i].dataset.key, {text: c.innerText,"
            " seen: c.getBoundingClientRect().right <= window.innerWidth && c.getBoundingClientRect().width > 0}])))")
        assert [(int(r["place"]["text"]), int(r["kills"]["text"]), int(r["points"]["text"])) for r in cells] == [
            tuple(m) for m in matches[:len(cells)]]
        assert all(r[key]["seen"] for r in cells for key in ("when", "place", "kills")), cells[0]
        assert page.evaluate("document.documentElement.scrollWidth") <= width[0] + 1
