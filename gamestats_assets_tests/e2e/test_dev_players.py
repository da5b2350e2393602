"""The uses of `gamestats dev` for tracked players, end to end under its daemon: LoL and Rocket League players
added to their rosters wait, with the reason on the sensor's tick, for the API key they need, and are
backfilled once it is set. The Riot and ballchasing APIs are served on loopback from their recorded answers
(the Riot game moved to three days ago, so that a tracked player's history holds it and the every-ten-minutes
discovery does not)."""

from __future__ import annotations

import shutil

import dagster as dg
import pytest

from gamestats_assets.lib.intake.tracking import PLAYER_TAG
from gamestats_assets_tests.e2e.dev import wait_until
from gamestats_assets_tests.e2e.site import GAME_DAY, LOL_PLAYER, completed_backfill, execute, failed_ticks, rows, ticks
from gamestats_assets_tests.rocket.test_live import PLAYER as ROCKET_PLAYER
from gamestats_assets_tests.rocket.test_live import TOKEN

pytestmark = pytest.mark.slow


def test_players_wait_for_a_missing_key_with_the_reason_on_the_tick(site, dev, module_pg_url):
    execute(module_pg_url, "INSERT INTO lol.players (player_id) VALUES (%s)", LOL_PLAYER)
    (site[0] / "reference" / "rocket").mkdir(parents=True, exist_ok=True)
    (site[0] / "reference" / "rocket" / "players.csv").write_text(f"player_id\n{ROCKET_PLAYER}\n")

    def reasons():
        latest = {name: found[0] for name, found in ticks(dev).items() if found}
        waiting = [latest.get(name, {}).get("skipReason") or "" for name in
                   ("lol_newly_tracked_players", "rocket_newly_tracked_players")]
        return waiting if all("wait" in reason for reason in waiting) else None

    lol, rocket = wait_until(reasons, 200, "the tracked-player sensors to say why the players wait", dev)
    assert "GAMESTATS_RIOT_API_KEY is not set" in lol and LOL_PLAYER in lol
    assert "GAMESTATS_BALLCHASING_TOKEN is not set" in rocket and ROCKET_PLAYER in rocket
    assert not [b for b in dev.instance().get_backfills() if b.tags.get(PLAYER_TAG) in (LOL_PLAYER, ROCKET_PLAYER)]


def test_with_the_keys_set_the_waiting_players_are_backfilled(site, dev, module_pg_url):
    dev.stop()
    dev.env.update(GAMESTATS_RIOT_API_KEY="test-key", GAMESTATS_BALLCHASING_TOKEN=TOKEN)
    dev.start()
    instance = dev.instance()
    wait_until(lambda: completed_backfill(instance, LOL_PLAYER), 500, "the LoL player's backfill", dev)
    wait_until(lambda: completed_backfill(instance, ROCKET_PLAYER), 500, "the Rocket League player's backfill", dev)
    assert (site[0] / "landing" / "lol" / GAME_DAY).is_dir()
    assert rows(module_pg_url, "SELECT count(*) FROM rocket.matches")[0][0] > 0
    lol_days = instance.get_materialized_partitions(dg.AssetKey(["lol", "landing", "games"]))
    assert GAME_DAY in lol_days


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
