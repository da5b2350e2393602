"""The player page's "Your data" in headless Chromium, as a player who signed in and has not consented: the consent
dialog opens at first use with what is stored, why and for how long; once they consent, the profile form saves
their name and email (kept encrypted), the export link is offered, and deleting the account asks for its name
(a wrong one deletes nothing) and then closes it."""

from __future__ import annotations

import psycopg
import pytest
from cryptography.fernet import Fernet

from gamestats_assets.serve.crud import accounts
from gamestats_assets_tests.serve.chromium import DESKTOP, PHONE
from gamestats_assets_tests.serve.pages import SCREENSHOTS, browser, check, clean_load, cut_elements, served

ACCOUNT = "pages-your-data"
SECRET = Fernet.generate_key().decode()


@pytest.fixture(scope="module")
def site(chromium, rocket_day, tmp_path_factory):
    pg_url = rocket_day["pg_url"]
    with psycopg.connect(pg_url, autocommit=True) as conn:
        (player,) = conn.execute("SELECT player_id FROM rocket.users ORDER BY matches DESC, 1 LIMIT 1").fetchone()
        key = accounts.create(conn, ACCOUNT, "player", ("steam:76561198000000042",), by_operator=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(tmp_path_factory.mktemp("dagster_home")))
        with served(pg_url, data_dir=rocket_day["data_dir"], secret_keys=(SECRET,)) as base, browser() as page:
            yield base, page, {"player": player, "key": key, "pg_url": pg_url}


def shown(page, selector: str) -> bool:
    return page.evaluate(f"!!document.querySelector({selector!r})?.checkVisibility()")


def test_consent_at_first_use_then_profile_export_and_a_confirmed_deletion(site, request):
    base, page, who = site
    with check(page, request):
        page.goto(f"{base}/player.html")
        page.evaluate(f"sessionStorage.setItem('gamestats.apiKey', {who['key']!r})")
        clean_load(page, f"{base}/player.html?player={who['player']}")
        page.wait_for("document.getElementById('consent-dialog')?.open")
        text = page.evaluate("document.getElementById('consent-dialog').innerText")
        assert "We store:" in text and "Why:" in text and "Raw files:" in text and "Text version" in text
        assert not shown(page, "#profile-form")

        page.evaluate("document.getElementById('consent-give').click()")
        page.wait_for("document.getElementById('profile-form')")
        assert cut_elements(page) == []
        page.viewport(*PHONE)
        try:
            page.wait_for(f"document.documentElement.scrollWidth <= {PHONE[0] + 1}", seconds=10)
            assert cut_elements(page) == []
            page.screenshot(SCREENSHOTS / "rocket" / "your_data_phone.png")
        finally:
            page.viewport(*DESKTOP)
        page.evaluate("document.querySelector('#profile-form [name=display_name]').value = 'Flip Reset'")
        page.evaluate("document.querySelector('#profile-form [name=email]').value = 'flip@example.org'")
        page.evaluate("document.getElementById('profile-save').click()")
        page.wait_for("document.getElementById('your-data-status').innerText === 'Profile saved.'")
        assert shown(page, "#export-link")

        page.evaluate("document.getElementById('account-delete').click()")
        page.evaluate("document.getElementById('account-delete-name').value = 'someone-else'")
        page.evaluate("document.getElementById('account-delete-confirm').click()")
        page.wait_for("document.getElementById('your-data-status').innerText.includes('nothing deleted')")
        page.evaluate(f"document.getElementById('account-delete-name').value = {ACCOUNT!r}")
        page.evaluate("document.getElementById('account-delete-confirm').click()")
        page.wait_for("document.getElementById('your-data-status')?.innerText === 'Your account and data are deleted.'",
                      seconds=120)
        assert not page.errors
    with psycopg.connect(who["pg_url"]) as conn:
        assert conn.execute("SELECT revoked_at IS NOT NULL FROM gamestats_api.accounts WHERE name = %s",
                            (ACCOUNT,)).fetchone() == (True,)
        assert conn.execute("SELECT count(*) FROM gamestats_api.profiles WHERE account = %s",
                            (ACCOUNT,)).fetchone() == (0,)
