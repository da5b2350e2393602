"""A new player in headless Chromium at a desktop's and at a phone's width, end to end against a running `gamestats serve` over a real run's Rocket League
day, with Steam sign-in played by a local server in Steam's OpenID shape: "Sign in with Steam" as the SteamID64 of a
player of a real ranked game, back on the page signed in, consent, the game's raw replay uploaded from the page,
its day run by Dagster on the platform's instance (no daemon runs beside the server: the page says so), followed
to its analysis, everything held about them downloaded (the zip holds the replay), the account deleted with its
confirm step; then their id and name are nowhere: landing, lake, state, PostgreSQL, nor any text of Dagster's
instance (events, runs and their tags, ticks) or file of its folder. Each width is another player of another
game; at a phone's width no page of the way scrolls sideways or cuts any text."""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path

import dagster as dg
import psycopg
import pytest

from gamestats_assets.definitions import build_definitions
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.deploy.instance import prepare
from gamestats_assets.lib.erasure.instance_texts import forms, text_columns
from gamestats_assets.lib.publish.postgres import DAGSTER_SCHEMA
from gamestats_assets.sources.replays.header import read_header_alone
from gamestats_assets_tests.rocket.test_pipeline import rocket_keys, run
from gamestats_assets_tests.serve.chromium import DESKTOP, PHONE, Browser
from gamestats_assets_tests.serve.leftovers import anywhere, in_files
from gamestats_assets_tests.serve.pages import (SCREENSHOTS, browser, check, clean_load, cut_elements, followed_upload,
                                                text)
from gamestats_assets_tests.serve.platforms import SteamOpenId
from gamestats_assets_tests.serve.platforms import served as platform_served
from gamestats_assets_tests.serve.running import serving

pytestmark = pytest.mark.long

REPLAYS = Path(__file__).parents[1] / "fixtures" / "rocketleague" / "replays"
GAMES = {"desktop": (DESKTOP, REPLAYS / "2114.replay"), "phone": (PHONE, REPLAYS / "6d1b.replay")}
"""Each width's game: a real ranked doubles game of four Steam players (their origin and licence in `SOURCES.md`),
whose first player signs in by the SteamID64 the replay names them by."""
BAR = "document.getElementById('sign-in-bar')?.dataset.state"


def settings_env(data_dir: Path, pg_url: str) -> dict[str, str]:
    return {"GAMESTATS_DATA_DIR": str(data_dir), "GAMESTATS_PG_URL": pg_url}


@pytest.fixture(scope="module")
def site(chromium, rocket_day):
    """The running server (Steam sign-in at the local Steam), a browser, and the platform's Dagster instance (its
    storage in the server's PostgreSQL, as `gamestats serve` prepared it) with what runs a day of the rocket
    assets on it."""
    data_dir, pg_url = rocket_day["data_dir"], rocket_day["pg_url"]
    steam = SteamOpenId()
    with platform_served(steam) as steam_base:
        steam.endpoint = f"{steam_base}/openid/login"
        env = {**settings_env(data_dir, pg_url), "GAMESTATS_API_REQUESTS_PER_MINUTE": "100000",
               "GAMESTATS_STEAM_SIGN_IN": "true", "GAMESTATS_STEAM_OPENID_ENDPOINT": steam.endpoint}
        with serving(env) as server, browser() as page, pytest.MonkeyPatch.context() as patch:
            for name, value in {**settings_env(data_dir, pg_url), "GAMESTATS_USERS": "200",
                                "DAGSTER_HOME": "", "GAMESTATS_DAGSTER_PG_URL": ""}.items():
                patch.setenv(name, value)
            prepare(Settings.from_env())
            defs = build_definitions(Settings.from_env())
            with dg.DagsterInstance.get() as instance:
                def run_day(day: str) -> None:
                    """`day` of the rocket assets and the tables over every day, as the daemon runs a landed file's
                    day, on the platform's instance."""
                    run(defs, rocket_keys(defs, partitioned=True), instance, partition_key=day)
                    run(defs, rocket_keys(defs, partitioned=False), instance)

                yield {"base": server.base, "page": page, "steam": steam, "data_dir": data_dir, "pg_url": pg_url,
                       "run_day": run_day}
        assert "Traceback" not in server.output, server.output


def dagster_texts_naming(pg_url: str, needles: list[str]) -> list[str]:
    """`table.column` of every text of Dagster's schema (events, runs and their tags, ticks, backfills) holding any
    form of `needles` (as it is, JSON-escaped, escaped twice)."""
    found = []
    with psycopg.connect(pg_url) as conn:
        columns = text_columns(conn, DAGSTER_SCHEMA)
        assert {"event_logs", "runs", "run_tags", "job_ticks"} <= {table for table, _ in columns}
        for table, column in columns:
            (count,) = conn.execute(
                f'SELECT count(*) FROM "{DAGSTER_SCHEMA}"."{table}" t WHERE EXISTS '
                f'(SELECT FROM unnest(%s::text[]) f WHERE strpos(t."{column}", f) > 0)', (forms(needles),)).fetchone()
            if count:
                found.append(f"{table}.{column}")
    return found


def downloaded(folder: Path, name: str, seconds: float = 60) -> bytes:
    """The file `name` the browser saved into `folder`, once whole."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        path = folder / name
        if path.exists() and not list(folder.glob("*.crdownload")):
            return path.read_bytes()
        time.sleep(0.2)
    raise AssertionError(f"{name} not downloaded into {folder} within {seconds} s: {list(folder.iterdir())}")


def fits(page: Browser, width: str) -> None:
    """At a phone's width, the page neither scrolls sideways nor cuts any text."""
    if width == "phone":
        page.wait_for(f"document.documentElement.scrollWidth <= {PHONE[0] + 1}", seconds=10)
        assert cut_elements(page) == []


@pytest.mark.parametrize("width", GAMES)
def test_a_new_player_signs_in_consents_uploads_exports_and_deletes_and_is_left_nowhere(site, request, width,
                                                                                        tmp_path):
    base, page, data_dir, pg_url = site["base"], site["page"], site["data_dir"], site["pg_url"]
    size, replay_file = GAMES[width]
    header = read_header_alone(replay_file)
    player = header.players[0]
    site["steam"].steam_id = player.player_id
    needles = [player.player_id, player.name]
    match = header.match_id.lower()
    assert anywhere(data_dir, pg_url, needles) == [] and dagster_texts_naming(pg_url, needles) == [], \
        "the player is new here"
    page.viewport(*size)
    with check(page, request):
        clean_load(page, f"{base}/player.html")
        page.wait_for(f"{BAR} === 'signed-out'")
        page.evaluate("document.getElementById('sign-in-steam').click()")
        page.wait_for(f"location.pathname === '/player.html' && {BAR} === 'signed-in'")
        page.ready()
        said = text(page, "#signed-in-as")
        assert said.endswith(f" (steam:{player.player_id})"), said
        account = said.removeprefix("Signed in as ").split(" ")[0]
        assert account.startswith("player-")

        page.wait_for("document.getElementById('consent-dialog')?.open")
        assert "Nothing of yours is stored until you consent." in text(page, "#your-data-panel")
        page.evaluate("document.getElementById('consent-give').click()")
        page.wait_for("!!document.getElementById('profile-form')")
        assert f"steam:{player.player_id}" in text(page, "#profile-form")
        assert text(page, "#upload-who") == "Signed in with your platform account."
        fits(page, width)
        page.screenshot(SCREENSHOTS / "rocket" / f"new_player_signed_in_{width}.png")

        node = page.call("DOM.querySelector", nodeId=page.call("DOM.getDocument")["root"]["nodeId"],
                         selector="#upload-file")["nodeId"]
        page.call("DOM.setFileInputFiles", nodeId=node, files=[str(replay_file)])
        page.evaluate("document.getElementById('upload-send').click()")
        page.wait_for("document.getElementById('upload').dataset.pipeline === 'stopped'")
        assert text(page, "#upload-status").startswith("Saved, but the pipeline is not running")
        followed_upload(page, base, site["run_day"], data_dir, match)
        href = f"replay.html?id={match}"
        assert player.name in text(page, "#teams")
        fits(page, width)
        page.screenshot(SCREENSHOTS / "rocket" / f"new_player_replay_{width}.png")
        assert dagster_texts_naming(pg_url, needles), "the day's run recorded the player in Dagster's instance"
        assert anywhere(data_dir, pg_url, needles)

        clean_load(page, f"{base}/player.html")
        page.wait_for("!!document.getElementById('export-link')")
        page.send("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(tmp_path))
        page.evaluate("document.getElementById('export-link').click()")
        archive = zipfile.ZipFile(io.BytesIO(downloaded(tmp_path, "your-data.zip")))
        data = json.loads(archive.read("data.json"))
        (replay,) = [held["path"] for held in data["files"] if held["path"].endswith(".replay")]
        assert archive.read(f"files/{replay}") == replay_file.read_bytes()
        assert data["account_rows"]["gamestats_api.accounts"][0]["name"] == account
        assert any(row["player_id"] == player.player_id for row in data["published"]["rocket.player_stats"])

        page.evaluate("document.getElementById('account-delete').click()")
        page.wait_for("document.getElementById('account-delete-dialog').open")
        fits(page, width)
        page.evaluate("document.getElementById('account-delete-name').value = 'someone-else'")
        page.evaluate("document.getElementById('account-delete-confirm').click()")
        page.wait_for("document.getElementById('your-data-status').innerText.includes('nothing deleted')")
        assert anywhere(data_dir, pg_url, needles)
        page.evaluate(f"document.getElementById('account-delete-name').value = {account!r}")
        page.evaluate("document.getElementById('account-delete-confirm').click()")
        page.wait_for("document.getElementById('your-data-status')?.innerText === 'Your account and data are deleted.'",
                      seconds=600)
        assert not page.errors
        clean_load(page, f"{base}/player.html")
        page.wait_for(f"{BAR} === 'signed-out'")
        clean_load(page, f"{base}/{href}")
        teams = text(page, "#teams")
        assert player.name not in teams and all(p.name in teams for p in header.players[1:]), teams
        assert "a deleted player" in teams and "deleted:" not in teams, "the deleted player keeps their place, unnamed"
        fits(page, width)
        page.screenshot(SCREENSHOTS / "rocket" / f"new_player_replay_after_deletion_{width}.png")

    assert anywhere(data_dir, pg_url, needles) == []
    assert dagster_texts_naming(pg_url, needles) == []
    assert in_files(data_dir / "dagster", needles) == [], "nor the instance's folder (its compute logs)"
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT player_ids, revoked_at IS NOT NULL FROM gamestats_api.accounts WHERE name = %s",
                            (account,)).fetchone() == ([], True)
