"""The ban rate on the League tier list and champion page in headless Chromium at a desktop's and a phone's width, over a day of the synthetic ladder a
real run published (each team bans five champions among those nobody in the game plays, by popularity): every row's
ban rate and interval as `lol.champion_stats` holds it, the champion page's the same, and the ladder's bans shaped as
a ranked queue's are (the most banned champion in a large share of games, no champion banned in more games than
the queue has)."""

from __future__ import annotations

import contextlib
from urllib.parse import quote

import psycopg
import pytest

from gamestats_assets.serve.queries.lol_finding_phrases import ROLE_NAMES
from gamestats_assets_tests.serve.pages import at_phone_width, browser, check, clean_load, served


@pytest.fixture(scope="module")
def site(chromium, lol_and_l2m):
    with served(lol_and_l2m["pg_url"]) as base, browser() as page:
        yield base, page, lol_and_l2m["pg_url"]


def shown(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def published(pg_url: str, queue: str, patch: str) -> dict[tuple[str, str], tuple]:
    with psycopg.connect(pg_url) as conn:
        return {(name, role): (rate, low, high, banned, games) for name, role, rate, low, high, banned, games in
                conn.execute("SELECT champion_name, team_position, ban_rate, ban_rate_ci_low, ban_rate_ci_high, "
                             "banned_games, queue_games FROM lol.champion_stats WHERE tier = 'all' AND queue = %s "
                             "AND patch = %s", (queue, patch)).fetchall()}


WIDTHS = ("desktop", "phone")


def at(page, width: str, shot: str):
    """The block at a desktop's width, or at a phone's (where nothing may scroll sideways or be cut)."""
    return at_phone_width(page, shot) if width == "phone" else contextlib.nullcontext()


def tier_list(page, base: str) -> tuple[str, str]:
    """The tier list loaded: the queue and patch it shows."""
    clean_load(page, f"{base}/tierlist.html")
    return page.evaluate("[document.getElementById('queue').value, document.getElementById('patch').value]")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_tier_list_row_shows_its_published_ban_rate(site, request, width):
    base, page, pg_url = site
    with check(page, request), at(page, width, "phone_tierlist_bans"):
        queue, patch = tier_list(page, base)
        rows = published(pg_url, queue, patch)
        headers = page.evaluate("[...document.querySelectorAll('#champions thead th')].map((h) => h.innerText)")
        column = next(index for index, header in enumerate(headers) if header.startswith("Ban rate"))
        cells = page.evaluate(f"[...document.querySelectorAll('#champions tbody tr')].map((r) => [r.children[1]"
                              f".innerText, r.children[2].dataset.role || r.children[2].innerText, "
                              f"r.children[{column}].innerText])")
        roles = {name: role for role, name in ROLE_NAMES.items()}
        assert len(cells) == len(rows)
        for name, role, text in cells:
            rate, low, high, _, _ = rows[(name, roles.get(role, role))]
            assert text == f"{shown(rate)} [{shown(low)}–{shown(high)}]", (name, role)
        banned = sorted({(name, rate) for (name, _), (rate, *_) in rows.items()}, key=lambda row: -row[1])
        assert 0.15 <= banned[0][1] <= 0.8, "the most banned champion is banned in a large share of games"
        assert all(b <= games for (_, _, _, b, games) in rows.values())


@pytest.mark.parametrize("width", WIDTHS)
def test_the_champion_page_shows_its_ban_rate(site, request, width):
    base, page, pg_url = site
    with check(page, request), at(page, width, "phone_champion_bans"):
        queue, patch = tier_list(page, base)
        (name, _), (rate, low, high, _, games) = max(published(pg_url, queue, patch).items(), key=lambda r: r[1][0])
        clean_load(page, f"{base}/champion.html?champion={quote(name)}&queue={queue}&patch={patch}")
        kpi = page.evaluate("[...document.querySelectorAll('#summary .kpi')].map((k) => k.innerText)"
                            ".find((t) => t.startsWith('Ban rate'))")
        assert kpi.splitlines()[1] == shown(rate)
        assert f"[{shown(low)}–{shown(high)}] of {games:,} games" in kpi
