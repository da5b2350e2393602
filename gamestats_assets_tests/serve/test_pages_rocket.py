"""The Rocket League player page and a replay's page in headless Chromium, over a synthetic day the rocket
assets published (ballchasing JSON) and a day of one real raw replay: the prediction beside its baseline, a stat
against the same-rank band, the weaknesses, the positional heatmap of a replay's player (and the note where a
player has only ballchasing JSON), and a replay's stat groups."""

from __future__ import annotations

import datetime as dt
import shutil

import dagster as dg
import psycopg
import pytest

from gamestats_assets.definitions import build_definitions
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.publish.postgres import apply_migrations
from gamestats_assets_tests.rocket.conftest import REPLAYS
from gamestats_assets_tests.rocket.test_pipeline import rocket_keys, run
from gamestats_assets_tests.serve.conftest import client_for
from gamestats_assets_tests.serve.pages import SCREENSHOTS, at_phone_width, browser, check, clean_load, served
from gamestats_assets_tests.serve.test_rocket import SYNTHETIC_DAY


REPLAY = "XBOX_PARTY.replay"
"""The real raw replay whose players get a heatmap."""


@pytest.fixture(scope="module")
def site(chromium, tmp_path_factory, module_pg_url):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GAMESTATS_DATA_DIR", str(tmp_path_factory.mktemp("pages_rocket") / "data"))
        patch.setenv("GAMESTATS_PG_URL", module_pg_url)
        patch.setenv("GAMESTATS_USERS", "200")
        apply_migrations(module_pg_url)
        defs = build_definitions(Settings.from_env())
        instance = dg.DagsterInstance.ephemeral()
        replay_day = (SYNTHETIC_DAY - dt.timedelta(days=1)).isoformat()
        folder = Settings.from_env().landing_dir("rocket") / replay_day
        folder.mkdir(parents=True)
        shutil.copy(REPLAYS / REPLAY, folder)
        for day in (replay_day, SYNTHETIC_DAY.isoformat()):
            run(defs, rocket_keys(defs, partitioned=True), instance, partition_key=day)
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


def test_a_replay_players_page_draws_their_positional_heatmap(site, request, module_pg_url):
    base, page = site
    with psycopg.connect(module_pg_url) as conn:
        player, cells = conn.execute("SELECT player_id, count(*) FROM rocket.position_heatmaps GROUP BY player_id "
                                     "ORDER BY player_id LIMIT 1").fetchone()
    with check(page, request):
        clean_load(page, f"{base}/player.html?player={player}")
        prediction = page.evaluate("document.getElementById('prediction').innerText")
        assert "No rank prediction published" in prediction and "1 published game)" in prediction, prediction
        assert "No skill scores published" in page.evaluate("document.getElementById('weaknesses').innerText")
        assert "No skill scores published" in page.evaluate("document.getElementById('recommendations').innerText")
        assert int(page.evaluate("document.getElementById('heatmap').dataset.cells")) == cells > 10
        note = page.evaluate("document.getElementById('heatmap-note').innerText")
        assert "from 1 of 1 games (raw replays)" in note
        page.screenshot(SCREENSHOTS / "pages" / "player_heatmap.png")


def test_a_player_with_only_ballchasing_json_is_told_there_are_no_positions(site, request, module_pg_url):
    base, page = site
    with psycopg.connect(module_pg_url) as conn:
        (player,) = conn.execute("SELECT player_id FROM rocket.player_stats EXCEPT SELECT player_id FROM "
                                 "rocket.position_heatmaps ORDER BY 1 LIMIT 1").fetchone()
    with check(page, request):
        clean_load(page, f"{base}/player.html?player={player}")
        assert page.evaluate("document.getElementById('heatmap').dataset.cells") == "0"
        note = page.evaluate("document.getElementById('heatmap-note').innerText")
        assert note.startswith("No positions") and "ballchasing JSON" in note


def test_the_heatmap_endpoint_shares_and_what_it_refuses(site, module_pg_url):
    with psycopg.connect(module_pg_url) as conn:
        (player,) = conn.execute("SELECT player_id FROM rocket.position_heatmaps ORDER BY 1 LIMIT 1").fetchone()
    with client_for(module_pg_url, requests_per_minute=100_000) as client:
        data = client.get("/api/v1/rocket/analytics/heatmap", params={"player_id": player}).json()["data"]
        assert data["grid"] == {"columns": 8, "rows": 10, "cell_uu": 1024.0, "own_goal_row": 0}
        assert abs(sum(c["share"] for c in data["cells"]) - 1) < 1e-9 and 0 < data["seconds"] < 400
        assert all(0 <= c["cell_x"] < 8 and 0 <= c["cell_y"] < 10 for c in data["cells"])
        assert client.get("/api/v1/rocket/analytics/heatmap", params={"player_id": "nobody"}).status_code == 404
        assert client.get("/api/v1/rocket/analytics/heatmap", params={"player_id": "../x y"}).status_code == 422


def test_the_player_page_fits_a_phone(site, request):
    base, page = site
    with check(page, request), at_phone_width(page, "phone_player"):
        clean_load(page, f"{base}/player.html")
