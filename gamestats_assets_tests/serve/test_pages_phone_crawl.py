"""Every page of the site at a phone's 390×844 in headless Chromium, over the tables real runs published of each
domain (LoL and L2M, a PUBG season, a Rocket League day): each page loads without an error, scrolls no sideways,
cuts no text, and shows no table wider than its card, so no column of any table is out of a reader's sight."""

from __future__ import annotations

import psycopg
import pytest

from gamestats_assets_tests.serve.chromium import DESKTOP, PHONE
from gamestats_assets_tests.serve.conftest import TOKEN
from gamestats_assets_tests.serve.pages import (SCREENSHOTS, browser, clean_load, cut_elements, served,
                                                shot_on_failure, tables_wider_than_their_card)


def first(pg_url: str, statement: str):
    with psycopg.connect(pg_url) as conn:
        return conn.execute(statement).fetchone()[0]


def crawl(base: str, paths: list[str], name: str) -> dict[str, list[str]]:
    """What each page of `paths` shows wrong at a phone's width: its errors, cut text, sideways scroll and tables
    wider than their card (none: an empty list); a screenshot of each is kept."""
    found = {}
    with browser() as page:
        page.viewport(*PHONE)
        for path in paths:
            shot = f"crawl_{name}_{path.split('.')[0]}"
            with shot_on_failure(page, shot):
                clean_load(page, f"{base}/{path}")
                wrong = [f"cut: {cut}" for cut in cut_elements(page)]
                wrong += [f"table wider than its card: {table}" for table in tables_wider_than_their_card(page)]
                if page.evaluate("document.documentElement.scrollWidth") > PHONE[0] + 1:
                    wrong.append("the page scrolls sideways")
                tables = page.evaluate("document.querySelectorAll('main table').length")
                page.screenshot(SCREENSHOTS / "crawl" / f"{shot}.png")
            found[path] = wrong
            assert tables or path in WITHOUT_TABLES, f"{path} shows no table: nothing was crawled"
        page.viewport(*DESKTOP)
    return found


WITHOUT_TABLES = {"index.html", "admin.html"}
"""Pages with no table to show before a choice or a sign-in."""


@pytest.mark.usefixtures("chromium")
def test_the_lol_and_l2m_pages(lol_and_l2m):
    pg_url = lol_and_l2m["pg_url"]
    champion = first(pg_url, "SELECT champion_name FROM lol.champion_stats WHERE tier = 'all' ORDER BY games DESC, "
                             "champion_name LIMIT 1")
    with served(pg_url) as base:
        found = crawl(base, ["index.html", "tierlist.html", f"champion.html?champion={champion}", "findings.html",
                             "kpi.html"], "lol_l2m")
    assert found == dict.fromkeys(found, [])


@pytest.mark.usefixtures("chromium")
def test_the_pubg_pages(published):
    pg_url = published["pg_url"]
    match = first(pg_url, "SELECT match_id FROM pubg.matches ORDER BY match_id LIMIT 1")
    player = first(pg_url, "SELECT account_id FROM pubg.player_leaderboards WHERE scope = 'season' ORDER BY rank, "
                           "account_id LIMIT 1")
    with served(pg_url, api_token=TOKEN) as base:
        found = crawl(base, ["tournament.html", f"match.html?id={match}", f"pubg_player.html?id={player}",
                             "admin.html"], "pubg")
    assert found == dict.fromkeys(found, [])


@pytest.mark.usefixtures("chromium")
def test_the_rocket_league_pages(rocket_day):
    pg_url = rocket_day["pg_url"]
    match = first(pg_url, "SELECT match_id FROM rocket.matches ORDER BY match_id LIMIT 1")
    player = first(pg_url, "SELECT player_id FROM rocket.player_stats WHERE player_id NOT LIKE 'bot:%%' "
                           "GROUP BY player_id ORDER BY count(DISTINCT match_id) DESC, player_id LIMIT 1")
    with served(pg_url, data_dir=rocket_day["data_dir"]) as base:
        found = crawl(base, [f"player.html?player={player}", f"replay.html?id={match}"], "rocket")
    assert found == dict.fromkeys(found, [])
