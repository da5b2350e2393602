"""The uses of `gamestats dev` for tracked players, end to end under its daemon: LoL and Rocket League players
on their rosters when `gamestats dev` starts with the API keys they need are backfilled (`test_dev` shows them
waiting, with the reason on the sensor's tick, while a key is missing); with the PUBG key set, a tournament player's
match is found on the API and run by the tournament discovery. The Riot, ballchasing and PUBG APIs are served on
loopback from their recorded answers (the Riot game moved to three days ago, so that a tracked player's history
holds it and the every-ten-minutes discovery does not)."""

from __future__ import annotations

import json
import shutil

import dagster as dg
import pytest

from gamestats_assets.defs.pubg.sensors import API_URL_ENV as PUBG_URL_ENV
from gamestats_assets.lib.publish.postgres import apply_migrations
from gamestats_assets.sources.pubg.client import API_KEY_ENV as PUBG_KEY_ENV
from gamestats_assets_tests.e2e.dev import Dev, wait_until
from gamestats_assets_tests.e2e.site import (
    GAME_DAY,
    LOL_PLAYER,
    completed_backfill,
    cursors,
    execute,
    failed_ticks,
    finished_runs,
    free_port,
    rows,
    serve,
)
from gamestats_assets_tests.pubg.test_live import MATCH_ID as PUBG_MATCH
from gamestats_assets_tests.pubg.test_live import PLAYER as PUBG_PLAYER
from gamestats_assets_tests.pubg.test_live import _Api as PubgApi
from gamestats_assets_tests.rocket.test_live import PLAYER as ROCKET_PLAYER
from gamestats_assets_tests.rocket.test_live import TOKEN

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pubg_api():
    """The PUBG API on loopback, answering with the recorded match (`pubg/test_live`)."""
    server = serve(PubgApi)
    PubgApi.base = f"http://127.0.0.1:{server.server_port}"
    yield PubgApi.base
    server.shutdown()


@pytest.fixture(scope="module")
def rosters(site, module_pg_url):
    """A LoL player added to `lol.players` of a database gamestats has set up, and a Rocket League player to the
    roster file, before `gamestats dev` starts."""
    apply_migrations(module_pg_url)
    execute(module_pg_url, "INSERT INTO lol.players (player_id) VALUES (%s)", LOL_PLAYER)
    (site[0] / "reference" / "rocket").mkdir(parents=True, exist_ok=True)
    (site[0] / "reference" / "rocket" / "players.csv").write_text(f"player_id\n{ROCKET_PLAYER}\n")


@pytest.fixture(scope="module")
def dev(site, rosters, pubg_api, tmp_path_factory):
    """`gamestats dev` started with the Riot, ballchasing and PUBG keys set, and a tournament of the PUBG player
    in the organisers' folder."""
    data, env = site
    env.update(GAMESTATS_RIOT_API_KEY="test-key", GAMESTATS_BALLCHASING_TOKEN=TOKEN,
               **{PUBG_KEY_ENV: "test-key", PUBG_URL_ENV: pubg_api})
    organisers = data / "landing" / "pubg" / "tournament"
    organisers.mkdir(parents=True, exist_ok=True)
    team = {"team_name": "T", "division_id": "Pro", "group_id": "A",
            "players": [{"account_id": PUBG_PLAYER, "name": "x"}]}
    (organisers / "S1.json").write_text(json.dumps({"season": {"season_id": "S1"}, "teams": [team], "rounds": [],
                                                    "schedule": []}))
    running = Dev(env, free_port(), tmp_path_factory.mktemp("logs") / "dev.log")
    running.start()
    yield running
    running.stop()


def test_the_tracked_players_are_backfilled(site, dev, module_pg_url):
    instance = dev.instance()
    wait_until(lambda: completed_backfill(instance, LOL_PLAYER), 500, "the LoL player's backfill", dev)
    wait_until(lambda: completed_backfill(instance, ROCKET_PLAYER), 500, "the Rocket League player's backfill", dev)
    assert (site[0] / "landing" / "lol" / GAME_DAY).is_dir()
    assert rows(module_pg_url, "SELECT count(*) FROM rocket.matches")[0][0] > 0
    lol_days = instance.get_materialized_partitions(dg.AssetKey(["lol", "landing", "games"]))
    assert GAME_DAY in lol_days


def test_a_tournament_players_match_is_landed_and_run_once_by_the_tournament_discovery(dev, module_pg_url):
    """`pubg_tournament_discovery` lists the tournament player's matches, lands the new one and runs it: one run,
    its own; the landing sensor, which looks at the folder it lands in every 30 s, sees the files and leaves them."""
    instance = dev.instance()
    wait_until(lambda: finished_runs(instance, discovered_by="tournament", **{"dagster/partition": PUBG_MATCH}),
               500, "the tournament match's run", dev)
    wait_until(lambda: PUBG_MATCH in json.loads(cursors(dev)["pubg_landing_sensor"] or "{}"), 200,
               "the landing sensor to see the match's files", dev)
    assert len(instance.get_runs(filters=dg.RunsFilter(tags={"dagster/partition": PUBG_MATCH}))) == 1
    assert rows(module_pg_url, "SELECT discovered_by FROM pubg.matches WHERE match_id = %s", PUBG_MATCH) == [
        ("tournament",)]


def test_no_sensor_tick_failed(dev):
    assert not failed_ticks(dev)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="no chromium: `apt-get install chromium` to check the UI")
def test_the_ui_lists_the_sensors_without_failure_and_the_players_backfills(dev):
    """The Automation page and the backfills page, rendered by headless Chromium."""
    from gamestats_assets_tests.e2e.browser import rendered

    automation = rendered(f"{dev.url}/automation", "pubg_landing_sensor")
    assert "Failure" not in automation and "lol_newly_tracked_players" in automation
    backfills = rendered(f"{dev.url}/overview/backfills", f"tracked_player: {LOL_PLAYER}")
    assert f"tracked_player: {ROCKET_PLAYER}" in backfills and backfills.count("Success") >= 2
