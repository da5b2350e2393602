"""The organisers' decisions in public, in Chromium at a desktop's and a phone's width: a match removed from the
tournament and a lobby delayed by an organiser's account through the admin API are each said, with who made it and
why, on the tournament's standings tab and match history and (the removal) on the match's own page, as
`pubg.tournament_decisions` holds them."""

from __future__ import annotations

import pytest

from gamestats_assets_tests.serve.conftest import TOKEN, client_for
from gamestats_assets_tests.serve.pages import browser, check, clean_load, cut_elements, served
from gamestats_assets_tests.serve.test_admin import ADMIN, AUTH, bearer, round_one, rows, six

WIDTHS = ((1400, 900), (390, 844))
OFFICE = "tournament-office"


@pytest.fixture(scope="module")
def decided(published) -> dict:
    """A match of the season removed and round one's Pro lobby delayed from its second match, by `OFFICE`."""
    url = published["pg_url"]
    r1 = round_one(url)
    [(removed,)] = rows(url, "SELECT match_id FROM pubg.tournament_matches ORDER BY match_id LIMIT 1")
    with client_for(url, api_token=TOKEN, requests_per_minute=100_000) as client:
        made = client.post("/api/v1/admin/accounts", json={"name": OFFICE, "role": "organiser"}, headers=AUTH)
        office = bearer(made.json()["api_key"])
        for method, path, body in (
                ("put", f"{ADMIN}/rounds/{r1['round']}/schedule",
                 {"division_id": "Pro", "group_id": "A", "reason": "slots set", "slots": six(r1["first"])}),
                ("post", f"{ADMIN}/rounds/{r1['round']}/delay",
                 {"division_id": "Pro", "group_id": "A", "from_match": 2, "minutes": 5, "reason": "lobby restart",
                  "notes": "private"}),
                ("put", f"{ADMIN}/matches/{removed}/override",
                 {"is_tournament_match": False, "reason": "a show match", "notes": "private"})):
            answer = client.request(method, path, json=body, headers=office)
            assert answer.status_code == 200, answer.text
    return {"removed": removed, "round": r1["round"]}


@pytest.fixture(scope="module")
def site(chromium, published, decided):
    with served(published["pg_url"]) as base, browser() as page:
        yield base, page


def said(page, scope: str) -> list[str]:
    return page.evaluate(f"[...document.querySelectorAll('{scope} .decided p')].map(p => p.innerText)")


def published_decisions(url: str) -> list[tuple]:
    return rows(url, "SELECT kind, made_by, reason, match_id FROM pubg.tournament_decisions WHERE made_by = %s "
                     "AND kind IN ('override', 'delay') AND undone_by IS NULL ORDER BY decision_id DESC", OFFICE)


@pytest.mark.parametrize("width", WIDTHS, ids=lambda w: f"{w[0]}")
def test_the_standings_and_match_history_say_each_decision_with_who_and_why(site, published, decided, request,
                                                                            width):
    base, page = site
    stored = published_decisions(published["pg_url"])
    assert [kind for kind, *_ in stored] == ["override", "delay"]
    with check(page, request):
        page.viewport(*width)
        for tab in ("teams", "matches"):
            clean_load(page, f"{base}/tournament.html?tab={tab}")
            page.wait_for(f"document.querySelectorAll('#panel-{tab} .decided p').length >= 2")
            shown = said(page, f"#panel-{tab}")
            for kind, made_by, reason, match_id in stored:
                [line] = [s for s in shown if reason in s]
                assert f"By {made_by}." in line and f"Why: {reason}" in line, line
                if kind == "delay":
                    assert line.startswith("Delay: Pro · ") and "match #2 +5 min" in line and "match #6 +5 min" in line
                else:
                    assert match_id[:12] in line and "not a tournament match" in line
            assert "private" not in " ".join(shown)
            assert page.evaluate("document.documentElement.scrollWidth") <= width[0] + 1 and cut_elements(page) == []


@pytest.mark.parametrize("width", WIDTHS, ids=lambda w: f"{w[0]}")
def test_the_removed_matchs_own_page_says_who_removed_it_and_why(site, published, decided, request, width):
    base, page = site
    [(made_by, reason)] = rows(published["pg_url"], "SELECT made_by, reason FROM pubg.tournament_decisions "
                                                     "WHERE match_id = %s AND kind = 'override' "
                                                     "ORDER BY decision_id DESC LIMIT 1", decided["removed"])
    with check(page, request):
        page.viewport(*width)
        clean_load(page, f"{base}/match.html?id={decided['removed']}")
        [line] = said(page, "#decided")
        assert line.startswith("Removed from the tournament: not a tournament match") and f"By {made_by}." in line
        assert f"Why: {reason}" in line
        assert page.evaluate("document.getElementById('back').getAttribute('href')").startswith("tournament.html")
        assert page.evaluate("document.documentElement.scrollWidth") <= width[0] + 1
