"""The tournament page's rank changes in headless Chromium, over a season of one round of two matches as a real
pubg run published it (the demo's season has one round): every team's and player's ↑/↓ is their rank after the
round's first match against their rank now, and says so."""

from __future__ import annotations

import pytest

from gamestats_assets_tests.serve.pages import browser, check, clean_load, served

RANKS = ("Object.fromEntries([...document.querySelectorAll('#panel-{tab} tbody tr')].map(r => [r.cells[1].innerText,"
         " [parseInt(r.cells[0].innerText), r.cells[0].querySelector('span span').getAttribute('aria-label')]]))")


@pytest.fixture(scope="module")
def site(chromium, published_one_round):
    with served(published_one_round["pg_url"]) as base, browser() as page:
        yield base, page


def choose(page, select: str, value: str) -> None:
    page.evaluate(f"(() => {{ const s = document.getElementById({select!r}); s.value = {value!r};"
                  " s.dispatchEvent(new Event('change')); })()")
    page.ready()


def expected_label(before: int, now: int) -> str:
    change = before - now
    if change > 0:
        return f"up {change} since the previous match"
    return f"down {-change} since the previous match" if change < 0 else "no change since the previous match"


@pytest.mark.parametrize("tab", ["teams", "players"])
def test_rank_changes_are_since_the_previous_match_in_a_season_of_one_round(site, request, tab):
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/tournament.html?tab={tab}")
        now = page.evaluate(RANKS.format(tab=tab))
        rounds = page.evaluate("[...document.getElementById('round').options].map(o => o.value)")
        assert len(rounds) == 2
        choose(page, "round", rounds[1])
        in_round = page.evaluate(RANKS.format(tab=tab))
        assert in_round == now
        first = page.evaluate("document.getElementById('match').options[1].value")
        choose(page, "match", first)
        before = {name: rank for name, (rank, _) in page.evaluate(RANKS.format(tab=tab)).items()}
        assert set(before) == set(now) and len(now) == (16 if tab == "teams" else 64)
        assert {name: label for name, (_, label) in now.items()} == {
            name: expected_label(before[name], rank) for name, (rank, _) in now.items()}
        assert any(label.startswith(("up", "down")) for _, label in now.values())
        arrows = f"document.querySelectorAll('#panel-{tab} tbody .up, #panel-{tab} tbody .down').length"
        assert page.evaluate(arrows) == 0
