"""The Rocket League player page and a replay's page in headless Chromium, over a synthetic day the rocket
assets published: the prediction beside its baseline, a stat against the same-rank band, the weaknesses, and a
replay's stat groups."""

from __future__ import annotations

import dagster as dg
import pytest

from gamestats_assets.definitions import build_definitions
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.postgres import apply_migrations
from gamestats_assets_tests.rocket.test_pipeline import rocket_keys, run
from gamestats_assets_tests.serve.pages import SCREENSHOTS, browser, check, clean_load, served
from gamestats_assets_tests.serve.test_rocket import SYNTHETIC_DAY


@pytest.fixture(scope="module")
def site(chromium, tmp_path_factory, module_pg_url):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GAMESTATS_DATA_DIR", str(tmp_path_factory.mktemp("pages_rocket") / "data"))
        patch.setenv("GAMESTATS_PG_URL", module_pg_url)
        patch.setenv("GAMESTATS_USERS", "200")
        apply_migrations(module_pg_url)
        defs = build_definitions(Settings.from_env())
        instance = dg.DagsterInstance.ephemeral()
        run(defs, rocket_keys(defs, partitioned=True), instance, partition_key=SYNTHETIC_DAY.isoformat())
        run(defs, rocket_keys(defs, partitioned=False), instance)
    with served(module_pg_url) as base, browser() as page:
        yield base, page


def test_the_player_page_shows_prediction_band_and_weaknesses(site, request):
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/player.html")
        assert "Predicted" in page.evaluate("document.getElementById('prediction').innerText")
        assert "baseline" in page.evaluate("document.getElementById('prediction').innerText")
        labels = page.evaluate("Chart.getChart(document.getElementById('progress')).data.datasets.map(d => d.label)")
        assert labels[-1] == "player's daily mean" and any(label.startswith("same-rank band") for label in labels)
        assert page.evaluate("document.querySelectorAll('#weaknesses tbody tr').length") > 0
        thirds = page.evaluate("document.querySelector('#field svg').getAttribute('aria-label')")
        assert all(third in thirds for third in ("defensive third", "neutral third", "offensive third"))
        page.screenshot(SCREENSHOTS / "pages" / "player.png")
        stats = page.evaluate("[...document.querySelectorAll('#stat option')].map(o => o.value)")
        page.evaluate(f"(() => {{ const s = document.getElementById('stat'); s.value = {stats[-1]!r};"
                      " s.dispatchEvent(new Event('change')); })()")
        assert stats[-1].replace("_", " ") in page.evaluate("document.getElementById('stat-title').innerText")
        assert not page.errors


def test_a_replay_page_shows_its_stat_groups(site, request):
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/player.html")
        href = page.evaluate("document.querySelector('#replays a').getAttribute('href')")
        clean_load(page, f"{base}/{href}")
        assert page.evaluate("document.querySelectorAll('#groups section').length") >= 2
        assert page.evaluate("document.querySelectorAll('#groups tbody tr').length") >= 2
        page.screenshot(SCREENSHOTS / "pages" / "replay.png")
