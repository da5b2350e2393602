"""The League tier list in headless Chromium at a desktop's and a phone's width, over the tables a real run
published beside an `emerald_plus` slice written for the test (the even champions on 1000 games more, the odd ones on
their few games, one of them at a 100 % win rate): every row shows its win rate with its interval and n as
published, on a phone too (each row a card, no column cut, no table wider than its card); a row on fewer games than
the stated minimum (`low_sample`) is greyed with its n and never ranked, whatever column the list is sorted by."""

from __future__ import annotations

import psycopg
import pytest

from gamestats_assets_tests.serve.chromium import PHONE
from gamestats_assets_tests.serve.pages import (SCREENSHOTS, browser, check, clean_load, cut_elements, served,
                                                tables_wider_than_their_card)

TIER = "emerald_plus"
WIDTHS = {"desktop": (1400, 900), "phone": PHONE}


def add_slice(pg_url: str) -> str:
    """The `all` rows of `lol.champion_stats` copied as `TIER`, in place of the run's own slices: the even champions
    on 1000 games more (not a low sample), the odd ones as they are (a low sample), the first odd one won every game
    with an interval above every other's, so that a list ranking by the interval alone would put it first. Its
    name is returned."""
    with psycopg.connect(pg_url) as conn:
        conn.execute("DELETE FROM lol.champion_stats WHERE tier <> 'all'")
        conn.execute("CREATE TEMP TABLE copied AS SELECT * FROM lol.champion_stats WHERE tier = 'all'")
        conn.execute("UPDATE copied SET tier = %s, low_sample = champion_id %% 2 = 1, "
                     "games = games + CASE WHEN champion_id %% 2 = 0 THEN 1000 ELSE 0 END", (TIER,))
        lucky = conn.execute("SELECT champion_name, team_position FROM copied WHERE low_sample "
                             "ORDER BY champion_name LIMIT 1").fetchone()
        conn.execute("UPDATE copied SET win_rate = 1.0, wins = games, win_rate_ci_low = 0.99, win_rate_ci_high = 1.0 "
                     "WHERE champion_name = %s AND team_position = %s", lucky)
        conn.execute("INSERT INTO lol.champion_stats SELECT * FROM copied")
        return lucky[0]


@pytest.fixture(scope="module")
def site(chromium, lol_and_l2m):
    lucky = add_slice(lol_and_l2m["pg_url"])
    with served(lol_and_l2m["pg_url"]) as base, browser() as page:
        yield base, page, lol_and_l2m["pg_url"], lucky


def published(pg_url: str, page, tier: str) -> list[dict]:
    """The rows of the queue and patch the page shows in `tier`, in the tier list's order: the rows of a low sample
    after every other, then by the win rate's lower bound."""
    queue, patch = page.evaluate("[document.getElementById('queue').value, document.getElementById('patch').value]")
    with psycopg.connect(pg_url) as conn:
        found = conn.execute(
            "SELECT champion_name, team_position, games, win_rate, win_rate_ci_low, win_rate_ci_high, low_sample "
            "FROM lol.champion_stats WHERE tier = %s AND queue = %s AND patch = %s "
            "ORDER BY low_sample, win_rate_ci_low DESC, games DESC, champion_name, team_position",
            (tier, queue, patch)).fetchall()
    names = ("champion", "role", "games", "win_rate", "low", "high", "low_sample")
    return [dict(zip(names, row, strict=True)) for row in found]


def shown(page) -> list[dict]:
    """Each row of the tier list: its rank, champion, win-rate cell, games, whether it is greyed, and whether its
    win-rate cell lies inside the window and its card."""
    return page.evaluate("""(() => {
      const card = document.getElementById('champions').closest('.card').getBoundingClientRect();
      return [...document.querySelectorAll('#champions tbody tr')].map((r) => {
        const win = r.querySelector('td[data-label^="Win rate"]'), box = win.getBoundingClientRect();
        return { rank: r.children[0].innerText.trim(), champion: r.children[1].innerText.trim(),
                 win: win.innerText, games: r.querySelector('td[data-label="Games"]').innerText,
                 greyed: r.classList.contains('thin-row'),
                 seen: box.width > 0 && box.left >= card.left - 1 && box.right <= Math.min(card.right, innerWidth) + 1 };
      });
    })()""")


def percent(share: float) -> str:
    return f"{share * 100:,.1f}%"


@pytest.mark.parametrize("width", WIDTHS)
def test_every_rate_is_shown_and_a_low_sample_is_greyed_never_ranked(site, request, width):
    base, page, pg_url, lucky = site
    page.viewport(*WIDTHS[width])
    try:
        with check(page, request):
            clean_load(page, f"{base}/tierlist.html?tier={TIER}")
            rows, expected = shown(page), published(pg_url, page, TIER)
            assert len(rows) == len(expected) and len(rows) > 10
            ranked = 0
            for row, want in zip(rows, expected, strict=True):
                assert row["champion"] == want["champion"]
                assert f"{percent(want['win_rate'])} [{percent(want['low'])}–{percent(want['high'])}] " \
                       f"n={want['games']:,}" in row["win"]
                assert row["games"] == f"{want['games']:,}" and row["seen"], row
                assert row["greyed"] == want["low_sample"]
                if want["low_sample"]:
                    assert row["rank"] == "—"
                else:
                    ranked += 1
                    assert row["rank"] == str(ranked)
            assert not rows[0]["greyed"] and rows[0]["champion"] != lucky
            few = sum(r["low_sample"] for r in expected)
            assert f"{few} rows on fewer than 100 games are not ranked" in page.evaluate(
                "document.getElementById('sample-note').innerText")
            page.evaluate("document.querySelector('#champions th[data-key=win] button').click()")
            resorted = shown(page)
            assert [r["greyed"] for r in resorted] == sorted(r["greyed"] for r in resorted)
            assert resorted[0]["champion"] != lucky and resorted[0]["rank"] != "—"
            clean_load(page, f"{base}/tierlist.html")
            everything = published(pg_url, page, "all")
            assert all(r["low_sample"] for r in everything)
            assert all(r["rank"] == "—" and r["greyed"] and r["seen"] for r in shown(page))
            assert "none is ranked" in page.evaluate("document.getElementById('sample-note').innerText")
            assert cut_elements(page) == [] and tables_wider_than_their_card(page) == []
            assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width][0] + 1
            page.screenshot(SCREENSHOTS / "pages" / f"tierlist-{width}.png")
    finally:
        page.viewport(*WIDTHS["desktop"])
