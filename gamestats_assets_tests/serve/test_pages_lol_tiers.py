"""The ranked tier selector of the League tier list and champion page in headless Chromium, over the tables a real
run published (all ranks) beside an `emerald_plus` slice written for the test in place of the run's own slices
(half the champions, each row with 1000 games more, so its numbers cannot be mistaken for all ranks'): the
selector lists the tiers the API lists, choosing one shows that tier's rows (the champion page's patch trend and
win rates by length too) and keeps it in the address, a reload and the champion page opened from a row keep it, and
all ranks come back when chosen again."""

from __future__ import annotations

import psycopg
import pytest

from gamestats_assets_tests.serve.pages import browser, check, clean_load, served

TIER = "emerald_plus"
TABLES = ("champion_stats", "item_build_stats", "skill_order_stats", "lane_matchups", "patch_trend", "length_win_rates")
"""The tiered tables the two pages read."""


def add_tier(pg_url: str) -> None:
    """The `all` rows of each table's even champions copied as `TIER`, with 1000 games more, in place of every rank
    slice the run published of the generator's ranked games."""
    with psycopg.connect(pg_url) as conn:
        for table in TABLES:
            conn.execute(f"DELETE FROM lol.{table} WHERE tier <> 'all'")
            conn.execute(f"CREATE TEMP TABLE copied AS SELECT * FROM lol.{table} WHERE tier = 'all' "
                         "AND champion_id % 2 = 0")
            conn.execute("UPDATE copied SET tier = %s, games = games + 1000", (TIER,))
            conn.execute(f"INSERT INTO lol.{table} SELECT * FROM copied")
            conn.execute("DROP TABLE copied")


def games_of(pg_url: str, page, table: str, tier: str, champion: str | None = None) -> list[tuple[str, int]]:
    """The (champion, games) rows of `table` in `tier` and the queue and patch `page` shows, of `champion` or all."""
    queue, patch = page.evaluate("[document.getElementById('queue').value, document.getElementById('patch').value]")
    with psycopg.connect(pg_url) as conn:
        return sorted(conn.execute(
            f"SELECT champion_name, games FROM lol.{table} WHERE tier = %s AND queue = %s AND patch = %s "
            "AND (%s::text IS NULL OR champion_name = %s)", (tier, queue, patch, champion, champion)).fetchall())


@pytest.fixture(scope="module")
def site(chromium, lol_and_l2m):
    add_tier(lol_and_l2m["pg_url"])
    with served(lol_and_l2m["pg_url"]) as base, browser() as page:
        yield base, page


def choose(page, select: str, value: str) -> None:
    page.evaluate(f"(() => {{ const s = document.getElementById({select!r}); s.value = {value!r};"
                  " s.dispatchEvent(new Event('change')); })()")
    page.ready()


def cells(page, table: str, index: int) -> list[str]:
    """The text of column `index` of each row of the table in `#table`."""
    return page.evaluate(f"[...document.querySelectorAll('#{table} tbody tr')].map(r => r.children[{index}].textContent)")


def games(texts: list[str]) -> list[int]:
    return sorted(int(text.replace(",", "")) for text in texts)


def tier_list(page) -> list[tuple[str, int]]:
    """The tier list's (champion, games) rows, the games column found by its heading."""
    headers = page.evaluate("[...document.querySelectorAll('#champions thead th')].map(h => h.innerText.trim())")
    column = next(index for index, header in enumerate(headers) if header.startswith("Games"))
    return sorted((name, int(n.replace(",", ""))) for name, n in
                  zip(cells(page, "champions", 1), cells(page, "champions", column), strict=True))


def test_choosing_a_tier_shows_its_rows_and_the_address_keeps_it(site, lol_and_l2m, request):
    base, page = site
    pg_url = lol_and_l2m["pg_url"]
    with check(page, request):
        clean_load(page, f"{base}/tierlist.html")
        choices = page.evaluate("[...document.querySelectorAll('#tier option')].map(o => [o.value, o.innerText])")
        assert choices == [["", "All ranks"], [TIER, "Emerald+"]]
        assert tier_list(page) == games_of(pg_url, page, "champion_stats", "all")
        assert "All ranks" in page.evaluate("document.getElementById('title').innerText")
        choose(page, "tier", TIER)
        emerald = games_of(pg_url, page, "champion_stats", TIER)
        assert tier_list(page) == emerald
        assert f"tier={TIER}" in page.evaluate("location.search")
        assert "Emerald+" in page.evaluate("document.getElementById('title').innerText")
        assert "Emerald+ games only" in page.evaluate("document.getElementById('tier-note').innerText")
        clean_load(page, page.evaluate("location.href"))
        assert page.evaluate("document.getElementById('tier').value") == TIER
        assert tier_list(page) == emerald
        champion = page.evaluate("document.querySelector('#champions tbody tr td:nth-child(2)').innerText")
        page.evaluate("document.querySelector('#champions tbody tr').click()")
        page.wait_for("location.pathname === '/champion.html'")
        page.ready()
        assert f"tier={TIER}" in page.evaluate("location.search") and not page.errors
        assert page.evaluate("document.getElementById('tier').value") == TIER
        assert "Emerald+" in page.evaluate("document.getElementById('title').innerText")
        assert games(cells(page, "roles", 1)) == sorted(g for _, g in games_of(pg_url, page, "champion_stats", TIER, champion))
        for element, index in (("builds", 2), ("skills", 1)):
            shown = games(cells(page, element, index))
            assert shown and min(shown) > 1000, element
        [(_, trend_games)] = games_of(pg_url, page, "patch_trend", TIER, champion)
        assert f"n={trend_games:,}" in page.evaluate("document.getElementById('summary').innerText")
        assert "The summary, the charts and the tables count these games" in page.evaluate(
            "document.getElementById('tier-note').innerText")
        lengths = page.evaluate(f"fetch('/api/v1/lol/champions/{champion}/length-win-rates?tier={TIER}')"
                                ".then(r => r.json())")
        assert lengths["data"] and min(r["games"] for r in lengths["data"]) > 1000
        assert {r["tier"] for r in lengths["data"]} == {TIER}
        choose(page, "tier", "")
        assert "tier=" not in page.evaluate("location.search")
        assert games(cells(page, "roles", 1)) == sorted(g for _, g in games_of(pg_url, page, "champion_stats", "all", champion))
        assert "All ranks" in page.evaluate("document.getElementById('tier-note').innerText") and not page.errors


def test_the_champion_page_offers_the_ranks_the_champion_has_games_of(site, lol_and_l2m, request):
    """A champion without `TIER` rows is offered all ranks alone, even when the address asks for `TIER`, and shows
    its all-rank rows; one with them is offered both and keeps the address's choice: the ranks of the champion in
    the queue and patch shown, not those of every champion (`/champions/{champion}/tiers`)."""
    base, page = site
    pg_url = lol_and_l2m["pg_url"]
    with psycopg.connect(pg_url) as conn:
        picked = {parity: (name, queue, patch) for parity, name, queue, patch in conn.execute(
            "SELECT DISTINCT ON (champion_id % 2) champion_id % 2, champion_name, queue, patch FROM lol.champion_stats "
            "WHERE tier = 'all' ORDER BY champion_id % 2, games DESC, champion_name").fetchall()}
    with check(page, request):
        for parity, offered, kept in ((1, [["", "All ranks"]], ""),
                                      (0, [["", "All ranks"], [TIER, "Emerald+"]], TIER)):
            champion, queue, patch = picked[parity]
            clean_load(page, f"{base}/champion.html?champion={champion}&queue={queue}&patch={patch}&tier={TIER}")
            assert page.evaluate("[...document.querySelectorAll('#tier option')].map(o => [o.value, o.innerText])") \
                == offered, champion
            assert page.evaluate("document.getElementById('tier').value") == kept
            shown = games(cells(page, "roles", 1))
            assert shown == sorted(g for _, g in games_of(pg_url, page, "champion_stats", kept or "all", champion))
            answer = page.evaluate(f"fetch('/api/v1/lol/champions/{champion.lower()}/tiers"
                                   f"?queue={queue}&patch={patch}').then(r => r.json())")
            assert answer["data"]["tiers"] == [value or "all" for value, _ in offered]
            assert answer["metadata"]["champion"] == champion.lower() and not page.errors
        assert page.evaluate("fetch('/api/v1/lol/champions/Nobody/tiers').then(r => r.status)") == 404
