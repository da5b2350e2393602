"""The Rocket League player page of a player who uploads raw replays, in headless Chromium at a desktop's and a
phone's width: they state their rank (shown as stated, not verified), their uploaded game is then shown against that
band's single games as the published counts give it (one game: a hint, not a verdict, with packs for its hints), and
they log a training session whose pack's success rate and Wilson interval the page shows once it is published."""

from __future__ import annotations

import psycopg
import pytest

from gamestats_assets.lib.core.stats import wilson_bounds
from gamestats_assets.serve.crud import accounts
from gamestats_assets.sources.ballchasing.measures import SKILL_INDICATORS, STATS
from gamestats_assets_tests.serve.chromium import DESKTOP, PHONE
from gamestats_assets_tests.serve.pages import SCREENSHOTS, browser, check, clean_load, cut_elements, served
from gamestats_assets_tests.serve.rocket_days import RocketDays
from gamestats_assets_tests.serve.test_rocket import UPLOAD_DAY
from gamestats_assets_tests.serve.test_rocket_profile import (
    MATCH,
    UPLOAD,
    UPLOADER,
    busiest_band,
    expected_game,
    rows,
    today,
)

SHOTS = SCREENSHOTS / "rocket"
WIDE = 1400


@pytest.fixture(scope="module")
def published(rocket_one_day):
    """A published synthetic day (`rocket_one_day`) and the day of the real raw replay (landed as an upload is),
    with a player account for `UPLOADER` and what runs a day and the tables over every day (`run_day`)."""
    data_dir, pg_url = rocket_one_day["data_dir"], rocket_one_day["pg_url"]
    days = RocketDays(data_dir, pg_url)
    folder = days.landing / UPLOAD_DAY
    folder.mkdir(parents=True)
    (folder / f"{MATCH}.replay").write_bytes(UPLOAD.read_bytes())
    days.run_day(folder.name)
    with psycopg.connect(pg_url) as conn:
        key = accounts.create(conn, "pages-rocket-trainee", "player", (UPLOADER,))
    return {"data_dir": data_dir, "pg_url": pg_url, "run_day": days.run_day, "key": key}


@pytest.fixture(scope="module")
def rocket_pg_url(published) -> str:
    """The module's database, as `published` left it."""
    return published["pg_url"]


@pytest.fixture(scope="module")
def site(chromium, published, rocket_pg_url):
    with served(rocket_pg_url, data_dir=published["data_dir"]) as base, browser() as page:
        yield base, page


def text(page, selector: str) -> str:
    return page.evaluate(f"document.querySelector({selector!r})?.innerText || ''")


def set_value(page, selector: str, value) -> None:
    page.evaluate(f"(() => {{ const input = document.querySelector({selector!r}); input.value = {str(value)!r};"
                  " input.dispatchEvent(new Event('input')); })()")


def shown_stats(page) -> dict[str, str]:
    """Each stat row of the one-game table: its percentile cell, as shown."""
    return page.evaluate("Object.fromEntries([...document.querySelectorAll('#one-game-stats tbody tr')]"
                         ".map(tr => [tr.dataset.stat, tr.children[2].innerText]))")


def at(page, width: int) -> None:
    page.viewport(width, DESKTOP[1] if width > PHONE[0] else PHONE[1])


def test_a_player_states_a_rank_sees_one_game_against_it_and_logs_training(site, published, request,
                                                                           rocket_pg_url):
    base, page = site
    ((playlist,),) = rows(rocket_pg_url, "SELECT playlist FROM rocket.matches WHERE match_id = %s", (MATCH,))
    band = busiest_band(rocket_pg_url, playlist)
    ((tier,),) = rows(rocket_pg_url, "SELECT min(rank_index) / 4 + 1 FROM rocket.player_stats WHERE rank_band = %s",
                      (band,))
    with check(page, request):
        at(page, WIDE)
        clean_load(page, f"{base}/player.html?player={UPLOADER}")
        assert text(page, "#one-game-note").startswith("No rank known: state yours")
        assert page.evaluate("document.querySelectorAll('#one-game-who, #one-game-stats, #one-game-packs').length") == 0
        assert text(page, "#stated-now").startswith("No rank stated")
        assert "No training session published" in text(page, "#training-progress")

        set_value(page, "#stated-key", published["key"])
        set_value(page, "#stated-tier", tier)
        set_value(page, "#stated-division", 2)
        page.evaluate("document.getElementById('stated-send').click()")
        page.wait_for("document.getElementById('state-rank').dataset.status === 'processing'")
        assert page.evaluate("sessionStorage.getItem('gamestats.apiKey')") == published["key"]
        published["run_day"](today())
        page.wait_for("document.getElementById('stated-now')?.innerText.includes('stated, not verified')", seconds=60)
        page.ready()
        band_name = band.replace("-", " ").title()
        assert "(stated, not verified)" in text(page, "#player-meta")
        who = text(page, "#one-game-who")
        assert band_name in who and "stated, not verified" in who, who
        expected = expected_game(rocket_pg_url, band)
        shown = shown_stats(page)
        assert shown and set(shown) <= set(expected)
        for stat, cell in shown.items():
            assert cell.startswith(f"p{round(expected[stat][0])} of "), (stat, cell, expected[stat])
        hinted = page.evaluate("[...document.querySelectorAll('#one-game-stats tr.hint')].map(tr => tr.dataset.stat)")
        assert set(hinted) == {stat for stat in shown if expected[stat][1]}
        assert all(STATS[stat].label in text(page, "#one-game-hints") for stat in hinted)
        packs = page.evaluate("[...document.querySelectorAll('#one-game-packs li')].map(li => li.dataset.skill)")
        hints = {stat for stat, (_, hint) in expected.items() if hint}
        read = {skill for skill, stats in SKILL_INDICATORS.items() if hints & set(stats)}
        assert set(packs) == read, (packs, hints)
        page.screenshot(SHOTS / "player_stated_rank_1400.png")

        ((pack,),) = rows(rocket_pg_url, "SELECT code FROM rocket.training_packs ORDER BY code LIMIT 1")
        set_value(page, "#session-pack", pack)
        set_value(page, "#session-attempts", 20)
        set_value(page, "#session-successes", 7)
        assert page.evaluate("document.querySelector('#session-key').closest('label').hidden"), "signed in already"
        page.evaluate("document.getElementById('session-send').click()")
        page.wait_for("document.getElementById('log-session').dataset.status === 'processing'")
        published["run_day"](today())
        page.wait_for(f"!!document.querySelector('#training-progress tr[data-pack=\"{pack}\"]')", seconds=60)
        page.ready()
        low, high = wilson_bounds(7, 20)
        row = text(page, f"#training-progress tr[data-pack='{pack}']")
        assert f"35.0% [{low * 100:.1f}%–{high * 100:.1f}%] n=20" in row, row
        assert rows(rocket_pg_url, "SELECT attempts, successes FROM rocket.training_sessions WHERE player_id = %s",
                    (UPLOADER,)) == [(20, 7)]
        page.screenshot(SHOTS / "player_training_1400.png")

        at(page, PHONE[0])
        try:
            clean_load(page, f"{base}/player.html?player={UPLOADER}")
            assert "stated, not verified" in text(page, "#stated-now")
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0] + 1
            assert cut_elements(page) == []
            page.screenshot(SHOTS / "player_training_390.png")
        finally:
            at(page, WIDE)
