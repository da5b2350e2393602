"""The 3D replay viewer on a real raw replay's page in headless Chromium, over the day the rocket assets published
from it: the frames answer is columnar, ten samples a second, with the replay's goals; the viewer draws a first
frame after the page's analysis, a goal on its timeline seeks there, and the score and the cars it then draws are
the frames' at that sample; a game without frames and a malformed id are refused."""

from __future__ import annotations

import datetime as dt
import math
import shutil

import dagster as dg
import httpx
import psycopg
import pytest

from gamestats_assets.definitions import build_definitions
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.sources.replays.header import read_header_alone
from gamestats_assets_tests.rocket.conftest import REPLAYS
from gamestats_assets_tests.rocket.test_pipeline import rocket_keys, run
from gamestats_assets_tests.serve.pages import SCREENSHOTS, browser, check, clean_load, served

REPLAY = REPLAYS / "OCE_RLCS_7_CARS.replay"
"""A real 3v3 raw replay (an RLCS game, six goals, a seventh car that joined)."""
DAY = "2026-03-01"


@pytest.fixture(scope="module")
def site(chromium, tmp_path_factory, migrated_pg_url):
    """The app over the day of `REPLAY` run by the rocket assets, and a browser."""
    data_dir = tmp_path_factory.mktemp("replay_viewer") / "data"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GAMESTATS_DATA_DIR", str(data_dir))
        patch.setenv("GAMESTATS_PG_URL", migrated_pg_url)
        defs = build_definitions(Settings.from_env())
        folder = Settings.from_env().landing_dir("rocket") / DAY
        folder.mkdir(parents=True)
        shutil.copy(REPLAY, folder)
        run(defs, rocket_keys(defs, partitioned=True), dg.DagsterInstance.ephemeral(), partition_key=DAY)
    with served(migrated_pg_url, data_dir=data_dir) as base, browser() as page:
        yield base, page


def frames_of(base: str, match: str) -> dict:
    return httpx.get(f"{base}/api/v1/rocket/replays/{match}/frames", timeout=60).json()["data"]


def test_the_frames_answer_is_the_replays_samples_with_its_goals(site, migrated_pg_url):
    base, _ = site
    header = read_header_alone(REPLAY)
    frames = frames_of(base, header.match_id)
    assert frames["rate"] == 10
    steps = sorted(b - a for a, b in zip(frames["time"], frames["time"][1:]))
    assert steps[0] > 0 and abs(steps[len(steps) // 2] - 1 / frames["rate"]) < 0.01
    assert frames["samples"] >= 0.95 * header.num_frames / header.record_fps * frames["rate"]
    assert all(len(frames[key]) == frames["samples"] for key in ("time", "clock", "score_team_0", "score_team_1"))
    assert [goal["team"] for goal in frames["goals"]] == [team for _, team in header.goal_scorers]
    assert (frames["score_team_0"][-1], frames["score_team_1"][-1]) == (header.score_team_0, header.score_team_1)
    with psycopg.connect(migrated_pg_url) as conn:
        seats = dict(conn.execute("SELECT player_id, team FROM rocket.match_players WHERE match_id = %s",
                                  (header.match_id,)).fetchall())
    assert {car["player_id"]: car["team"] for car in frames["cars"]}.items() >= seats.items()
    assert all(-4200 < x < 4200 for car in frames["cars"] for x in car["x"] if x is not None)


def test_a_game_without_frames_and_a_malformed_id_are_refused(site):
    base, _ = site
    assert httpx.get(f"{base}/api/v1/rocket/replays/{'0' * 32}/frames").status_code == 404
    assert httpx.get(f"{base}/api/v1/rocket/replays/..%2F..%2Fetc/frames").status_code in (404, 422)
    assert httpx.get(f"{base}/api/v1/rocket/replays/{'z' * 32}/frames").status_code == 422


def test_the_viewer_seeks_to_a_goal_and_draws_its_score_and_cars(site, request):
    base, page = site
    match = read_header_alone(REPLAY).match_id
    frames = frames_of(base, match)
    with check(page, request):
        clean_load(page, f"{base}/replay.html?id={match}")
        page.wait_for("document.getElementById('viewer').dataset.state === 'drawn'", seconds=60)
        assert page.evaluate("performance.getEntriesByName('viewer-first-frame').length") == 1
        assert page.evaluate("performance.getEntriesByName('viewer-first-frame')[0].startTime "
                             ">= performance.getEntriesByName('data-shown')[0].startTime")
        assert page.evaluate("document.querySelectorAll('#viewer .viewer-goal').length") == len(frames["goals"])
        goal = frames["goals"][2]
        page.evaluate("document.querySelectorAll('#viewer .viewer-goal')[2].click()")
        page.wait_for(f"document.getElementById('viewer').dataset.sample === '{goal['sample']}'")
        page.wait_for("window.replayViewer.framesDrawn > 1")
        assert page.evaluate("document.getElementById('viewer').dataset.score") == \
            f"{goal['score_team_0']}-{goal['score_team_1']}"
        shown = page.evaluate("document.querySelector('#viewer .viewer-score').innerText")
        assert f"Blue {goal['score_team_0']}" in shown and f"{goal['score_team_1']} Orange" in shown
        drawn = {car["player_id"]: car for car in page.evaluate("window.replayViewer.cars()")}
        expected = {car["player_id"]: car for car in frames["cars"] if car["x"][goal["sample"]] is not None}
        assert drawn.keys() == expected.keys() and len(drawn) >= 6
        for player, car in expected.items():
            at = goal["sample"]
            assert math.dist((drawn[player]["x"], drawn[player]["y"], drawn[player]["z"]),
                             (car["x"][at], car["y"][at], car["z"][at])) < 1, player
        ball = page.evaluate("window.replayViewer.ball()")
        at = goal["sample"]
        assert math.dist((ball["x"], ball["y"]), (frames["ball"]["x"][at], frames["ball"]["y"][at])) < 1
        assert abs(frames["ball"]["y"][goal["sample"]]) > 5000, "at a goal the ball is in a goal"
        page.screenshot(SCREENSHOTS / "rocket" / "replay_viewer_goal.png")


def test_the_viewer_plays_at_a_chosen_speed_following_a_player(site, request):
    base, page = site
    match = read_header_alone(REPLAY).match_id
    frames = frames_of(base, match)
    player = frames["cars"][0]["player_id"]
    with check(page, request):
        clean_load(page, f"{base}/replay.html?id={match}")
        page.wait_for("document.getElementById('viewer').dataset.state === 'drawn'", seconds=60)
        page.evaluate(f"(() => {{ const camera = document.querySelector('#viewer .viewer-camera'); "
                      f"camera.value = {player!r}; camera.dispatchEvent(new Event('change')); "
                      f"const speed = document.querySelector('#viewer .viewer-speed'); speed.value = '4'; "
                      f"speed.dispatchEvent(new Event('change')); "
                      f"document.querySelector('#viewer .viewer-play').click(); }})()")
        page.wait_for("window.replayViewer.sample > 20")
        assert page.evaluate("window.replayViewer.follow") == player
        assert page.evaluate("window.replayViewer.speed") == 4
        page.evaluate("document.querySelector('#viewer .viewer-play').click()")
        assert page.evaluate("window.replayViewer.playing") is False
        assert page.evaluate("document.querySelectorAll('#viewer .viewer-boosts li').length") == len(frames["cars"])
