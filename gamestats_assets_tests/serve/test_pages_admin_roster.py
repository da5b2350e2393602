"""The PUBG roster on the admin page in Chromium, against a running `gamestats serve` whose Dagster instance the test
writes to: the roster file's players listed, a backfill previewed before tracking, a running backfill cancelled and
its queue row true to the published tables at both widths, asked for again, a built player's re-trigger saying there
is nothing to build, and a removal confirmed first."""

from __future__ import annotations

import contextlib
import json

import dagster as dg
import pytest

from gamestats_assets.defs.pubg.assets import LANDING
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.lib.intake.tracking import PLAYER_TAG
from gamestats_assets.lib.publish.postgres import dagster_storage_url
from gamestats_assets_tests.serve.pages import check
from gamestats_assets_tests.serve.test_admin import find, keys, open_admin, page, server  # noqa: F401 - fixtures
from gamestats_assets_tests.serve.test_admin_roster import (ADMIN, AUTH, backfill_daemon_iteration, file_players,
                                                            gated, rows, submitted, tick)  # noqa: F401 - fixture




@contextlib.contextmanager
def serve_instance(published):
    """The Dagster instance `gamestats serve` reads (the data folder's), opened by the test, holding the season's
    matches as the landing sensor adds them."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(published["data_dir"] / "dagster"))
        patch.setenv("GAMESTATS_DAGSTER_PG_URL", dagster_storage_url(published["pg_url"]))
        with dg.DagsterInstance.get() as instance:
            keys = LANDING.find(PlatformResource.from_settings(Settings.from_env()))
            instance.add_dynamic_partitions("pubg_match", sorted(set(keys) - set(instance.get_dynamic_partitions(
                "pubg_match"))))
            yield instance


def cell_of(player: str) -> str:
    return find(f"#roster .progress[data-player='{player}']")


def test_the_page_lists_the_roster_files_players_and_previews_a_backfill_before_tracking(page, server, published,
                                                                                          gated, request):
    """Every tracked player is listed, the roster file's first; a player found by in-game name shows what their
    backfill would find (matches, with telemetry) before they are tracked; tracked, they show with name, team and
    division, and their backfill's progress appears as the pipeline submits it, with no click."""
    url = published["pg_url"]
    player, matches, _ = gated["failed"]
    [(name, team, division)] = rows(url, "SELECT player_name, team_name, division_id FROM pubg.player_leaderboards "
                                         "WHERE scope = 'group' AND account_id = %s", player)
    with server.client() as client:
        client.delete(f"{ADMIN}/players/{player}", headers=AUTH)
    with check(page, request):
        open_admin(page, server)
        for listed in file_players(published):
            page.wait_for(f"!!{cell_of(listed)}")
            assert "the roster file" in page.evaluate(f"{cell_of(listed)}.closest('tr').innerText")
        assert "No player tracked" not in page.evaluate("document.getElementById('roster').innerText")
        page.evaluate(f"document.getElementById('player-id').value = {json.dumps(name)};"
                      "document.getElementById('add-player').requestSubmit()")
        page.wait_for("!document.getElementById('backfill-preview').hidden")
        shown = page.evaluate("document.getElementById('backfill-preview').innerText")
        assert f"Historical matches found: {len(matches)}" in shown and "Telemetry available: " \
            f"{len(matches) - 1}" in shown and "1 unreadable" in shown and player in shown
        assert rows(url, "SELECT count(*) FROM pubg.players WHERE player_id = %s", player) == [(0,)]
        page.evaluate("document.getElementById('track-player').click()")
        page.wait_for(f"!!{cell_of(player)}")
        row = page.evaluate(f"{cell_of(player)}.closest('tr').innerText")
        assert name in row and player in row and team in row and division in row
        with serve_instance(published) as instance:
            [wanted] = [r for r in tick(instance).run_requests if r.tags[PLAYER_TAG] == player]
            submitted(instance, wanted)
        page.wait_for(f"{cell_of(player)}.innerText.includes('Running: 0 of {len(matches) - 1} match')")
        assert "1 match left out" in page.evaluate(f"{cell_of(player)}.innerText")


def test_an_organiser_cancels_a_backfill_on_the_page_and_asks_for_it_again(page, server, published, gated, request):
    """The queue shows the running backfill with a Cancel button; cancelled (Dagster's backfill daemon ends it), its
    row reads true at both widths (`queue_reads_true`) and the player's row offers to backfill again, which waits for
    the pipeline's sensor until it takes it up."""
    player, matches, _ = gated["missing"]
    with server.client() as client:
        client.post(f"{ADMIN}/players", json={"player_id": player}, headers=AUTH)
    queued = "[...document.querySelectorAll('#backfills tr')]"
    with serve_instance(published) as instance, check(page, request):
        [wanted] = [r for r in tick(instance).run_requests if r.tags[PLAYER_TAG] == player]
        backfill_id = submitted(instance, wanted)
        open_admin(page, server)
        button = f"{find(f'#backfills [data-backfill={json.dumps(backfill_id)}]')}?.closest('tr').querySelector(" \
                 "'button.cancel')"
        page.wait_for(f"!!{button}")
        page.evaluate(f"{button}.click()")
        page.wait_for(f"{queued}.some(r => r.innerText.includes('Cancelling'))")
        assert instance.get_backfill(backfill_id).status.value == "CANCELING"
        backfill_daemon_iteration(instance)
        again = f"{cell_of(player)}?.querySelector('button.retrigger')"
        page.wait_for(f"{cell_of(player)}?.innerText.startsWith('Cancelled') && !!{again}")
        for width, height in ((1400, 900), (390, 844)):
            page.viewport(width, height)
            queue_reads_true(page, server, published, backfill_id, player)
        page.viewport(1400, 900)
        page.evaluate(f"{again}.click()")
        page.wait_for(f"{cell_of(player)}.innerText.includes('The pipeline is not running')")
        page.wait_for(f"{queued}.some(r => r.innerText.includes('waiting for the pipeline'))")
        [retriggered] = [r for r in tick(instance, json.dumps(file_players(published) + [player])).run_requests
                         if r.tags[PLAYER_TAG] == player]
        submitted(instance, retriggered)
        page.wait_for(f"{cell_of(player)}.innerText.startsWith('Running: 0 of {len(matches) - 1} match')")


def queue_reads_true(page, server, published, backfill_id: str, player: str) -> None:
    """The queue's row of the cancelled backfill `backfill_id` as the page shows it: the player by the published
    name, its matches done of all with the share those counts make, and its unbuilt matches said to be the cancel's,
    never failed."""
    [(name,)] = rows(published["pg_url"], "SELECT max(player_name) FROM pubg.match_summaries WHERE account_id = %s",
                     player)
    with server.client() as client:
        [listed] = [b for b in client.get(f"{ADMIN}/backfills", headers=AUTH).json()["data"]["backfills"]
                    if b["backfill_id"] == backfill_id]
    row = f"{find(f'#backfills [data-backfill={json.dumps(backfill_id)}]')}.closest('tr')"
    page.wait_for(f"!!{find(f'#backfills [data-backfill={json.dumps(backfill_id)}]')}")
    cells = page.evaluate(f"[...{row}.cells].map(c => c.innerText)")
    done, total = listed["matches_done"], listed["matches_total"]
    assert total > done and cells[0] == name, cells
    assert cells[1] == (f"Cancelled: {done} of {total} matches ({round(100 * done / total)}%), "
                        f"{total - done} left unbuilt by the cancel"), cells
    assert listed["progress"] == round(done / total, 3) and "failed" not in cells[1] and "NaN" not in " ".join(cells)


def test_backfilling_a_built_player_again_says_there_is_nothing_to_build(page, server, published, request):
    """A player of the roster file whose every match with telemetry is built, once the sensor has handled them: the
    page's "Backfill again" says at both widths that there is nothing to build, with the counts the published
    tables hold, and asks for no backfill."""
    player = file_players(published)[0]
    with server.client() as client:
        found = client.get(f"{ADMIN}/players/preview", params={"player_id": player}, headers=AUTH).json()["data"]
    assert found["to_build"] == 0 and found["already_built"] > 0, found
    [(built,)] = rows(published["pg_url"], "SELECT count(DISTINCT match_id) FROM pubg.player_backfill_status "
                                           "WHERE player_id = %s", player)
    again = f"{cell_of(player)}?.querySelector('button.retrigger')"
    with serve_instance(published) as instance, check(page, request):
        tick(instance)
        for width, height in ((1400, 900), (390, 844)):
            page.viewport(width, height)
            open_admin(page, server)
            page.wait_for(f"!!{again}")
            page.evaluate(f"{again}.click()")
            page.wait_for("document.getElementById('roster-status').innerText.startsWith('Nothing to backfill')")
            said = page.evaluate("document.getElementById('roster-status').innerText")
            assert f"their {found['already_built']} match" in said and "no backfill asked" in said, said
            assert found["already_built"] <= built
            with server.client() as client:
                waiting = client.get(f"{ADMIN}/backfills", headers=AUTH).json()["data"]["waiting"]
            assert player not in [w["player_id"] for w in waiting]
        page.viewport(1400, 900)


def test_removing_a_player_asks_for_confirmation_first(page, server, published, request):
    url = published["pg_url"]
    tracked = "SELECT player_id FROM pubg.players WHERE player_id = 'account.leaving'"
    with server.client() as client:
        assert client.post(f"{ADMIN}/players", json={"player_id": "account.leaving"}, headers=AUTH).status_code == 201
    button = "[...document.querySelectorAll('#roster tr')].find(r => r.innerText.includes('account.leaving'))" \
             "?.querySelector('button.remove')"
    with check(page, request):
        open_admin(page, server)
        page.evaluate(f"{button}.click()")
        assert page.evaluate("document.getElementById('confirm-remove').open")
        assert "account.leaving" in page.evaluate("document.getElementById('confirm-remove-text').innerText")
        page.evaluate("document.getElementById('confirm-remove-cancel').click()")
        page.wait_for("!document.getElementById('confirm-remove').open")
        assert rows(url, tracked) == [("account.leaving",)] and page.evaluate(f"!!{button}")
        page.evaluate(f"{button}.click()")
        page.evaluate("document.getElementById('confirm-remove-ok').click()")
        page.wait_for(f"!{button}")
    assert rows(url, tracked) == []
