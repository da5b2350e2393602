"""A replay's goal timeline and boost pads, through the API and on its page in headless Chromium at a desktop's and a
phone's width, over a day the rocket assets published from a real ranked 3v3 (its raw replay and ballchasing's JSON
of it: one game) and ballchasing's JSON of another real 3v3 (no raw replay: no goal's moment).

The raw game's timeline answers its published `rocket.replay_goals` rows with the players' names and every goal of
the score; its pads are ballchasing's figures of the same game, each count within one pad or 5 % of it, the boost
of all players but one within 5 % (`sources.replays.agreement` publishes how far they agree over every paired game). The JSON-only game says why it has no
timeline, and its pads are the JSON's own. On the page, the timeline and the pads are the published rows, a goal's
time, a button, seeks the 3D viewer to it, and no element is wider than the window at 1400 or 390 px."""

from __future__ import annotations

import json
import shutil

import dagster as dg
import httpx
import psycopg
import pytest

from gamestats_assets.definitions import build_definitions
from gamestats_assets.lib.core.settings import Settings
from gamestats_assets.sources.ballchasing.replay_json import parse_replay_json
from gamestats_assets.sources.replays.agreement import TOLERANCE, agrees
from gamestats_assets_tests.rocket.conftest import BALLCHASING, FIXTURES
from gamestats_assets_tests.rocket.test_pipeline import rocket_keys, run
from gamestats_assets_tests.serve.pages import SCREENSHOTS, browser, check, clean_load, cut_elements, served

PAIR = "recent-ranked-standard-2026-03-10-b"
"""A real ranked 3v3 of nine goals, seven of them assisted, as its raw replay and ballchasing's JSON."""
RAW, RAW_JSON = FIXTURES / "paired" / f"{PAIR}.replay", FIXTURES / "paired" / f"{PAIR}.ballchasing.json"
JSON_ONLY = BALLCHASING / "replay.json"
"""Another real 3v3, known from ballchasing's JSON alone."""
DAY = "2026-03-10"
WIDTHS = ((1400, 900), (390, 844))
FIGURES = {"big": "count_collected_big", "small": "count_collected_small", "big_stolen": "count_stolen_big",
           "small_stolen": "count_stolen_small", "collected": "amount_collected", "stolen": "amount_stolen"}
"""Each figure of a pads row and ballchasing's `boost` stat of it."""


def match_id(document) -> str:
    return parse_replay_json(json.loads(document.read_text())).match_id


def ballchasing_boost(document) -> tuple[dict[str, dict], dict[int, dict]]:
    """ballchasing's `boost` figures of each player (by player id) and of each team (0 blue, 1 orange)."""
    raw = json.loads(document.read_text())
    lines = [line for color in ("blue", "orange") for line in raw[color]["players"]]
    players = {player.player_id: line["stats"]["boost"]
               for player, line in zip(parse_replay_json(raw).players, lines, strict=True)}
    return players, {team: raw[color]["stats"]["boost"] for team, color in enumerate(("blue", "orange"))}


@pytest.fixture(scope="module")
def base(tmp_path_factory, migrated_pg_url):
    """The app over the day of both games run by the rocket assets."""
    data_dir = tmp_path_factory.mktemp("replay_events") / "data"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GAMESTATS_DATA_DIR", str(data_dir))
        patch.setenv("GAMESTATS_PG_URL", migrated_pg_url)
        defs = build_definitions(Settings.from_env())
        folder = Settings.from_env().landing_dir("rocket") / DAY
        folder.mkdir(parents=True)
        shutil.copy(RAW, folder)
        shutil.copy(RAW_JSON, folder / "same_game.json")
        shutil.copy(JSON_ONLY, folder / "json_only.json")
        run(defs, rocket_keys(defs, partitioned=True), dg.DagsterInstance.ephemeral(), partition_key=DAY)
    with served(migrated_pg_url, data_dir=data_dir) as url:
        yield url


def replay_of(base: str, match: str) -> dict:
    answer = httpx.get(f"{base}/api/v1/rocket/replays/{match}", timeout=60)
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def published_goals(pg_url: str, match: str) -> list[dict]:
    with psycopg.connect(pg_url) as conn:
        conn.row_factory = psycopg.rows.dict_row
        return conn.execute(
            "SELECT g.goal, g.sample, g.team, g.scorer_id, g.assister_id, g.clock, g.game_seconds, g.overtime, "
            "g.overtime_seconds, g.score_team_0, g.score_team_1, s.name AS scorer_name, a.name AS assister_name "
            "FROM rocket.replay_goals g LEFT JOIN rocket.match_players s ON (s.match_id, s.player_id) = "
            "(g.match_id, g.scorer_id) LEFT JOIN rocket.match_players a ON (a.match_id, a.player_id) = "
            "(g.match_id, g.assister_id) WHERE g.match_id = %s ORDER BY g.goal", (match,)).fetchall()


def test_the_raw_games_timeline_is_its_published_goals_with_every_goal_of_the_score(base, migrated_pg_url):
    replay = replay_of(base, match_id(RAW_JSON))
    goals = published_goals(migrated_pg_url, replay["id"])
    assert replay["source"] == "replay" and replay["timeline"]["reason"] is None
    assert replay["timeline"]["goals"] == goals
    assert len(goals) == replay["score_team_0"] + replay["score_team_1"] == 9
    assert sum(goal["assister_id"] is not None for goal in goals) == 7
    assert all(goal["scorer_name"] for goal in goals)


def test_the_json_only_game_says_why_it_has_no_timeline_and_its_pads_are_the_jsons(base):
    replay = replay_of(base, match_id(JSON_ONLY))
    assert replay["timeline"]["goals"] == [] and "ballchasing.com JSON" in replay["timeline"]["reason"]
    players, teams = ballchasing_boost(JSON_ONLY)
    lines = replay["boost_pads"]
    for line in (line for line in lines if line["player_id"]):
        assert {figure: line[figure] for figure in FIGURES} == \
            {figure: players[line["player_id"]][stat] for figure, stat in FIGURES.items()}, line["name"]
    for line in (line for line in lines if line["player_id"] is None):
        assert {figure: line[figure] for figure in FIGURES} == \
            {figure: teams[line["team"]][stat] for figure, stat in FIGURES.items()}, line["team"]


def test_the_raw_games_pads_agree_with_ballchasings_and_each_team_total_is_its_players(base):
    replay = replay_of(base, match_id(RAW_JSON))
    players, _ = ballchasing_boost(RAW_JSON)
    lines = replay["boost_pads"]
    assert [line["team"] for line in lines] == [0, 0, 0, 0, 1, 1, 1, 1]
    mine = [line for line in lines if line["player_id"]]
    assert {line["player_id"] for line in mine} == set(players)
    for figure, stat in FIGURES.items():
        pairs = [(line[figure], players[line["player_id"]][stat]) for line in mine]
        if stat.startswith("count_"):
            assert all(abs(mine - theirs) <= max(1, TOLERANCE * theirs) for mine, theirs in pairs), (figure, pairs)
        else:
            assert sum(agrees(f"boost_{stat}", *pair) for pair in pairs) >= len(pairs) - 1, (figure, pairs)
    for total in (line for line in lines if line["player_id"] is None):
        side = [line for line in mine if line["team"] == total["team"]]
        assert total["players"] == len(side) == 3
        assert {figure: total[figure] for figure in FIGURES} == \
            {figure: sum(line[figure] for line in side) for figure in FIGURES}


@pytest.fixture(scope="module")
def page(chromium, base):
    with browser() as opened:
        yield opened


WIDER = """(() => [...document.querySelectorAll('body *')].filter((e) => {
  const box = e.getBoundingClientRect();
  return box.width && box.right > document.documentElement.clientWidth + 1;
}).map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.className} ${Math.round(e.getBoundingClientRect().right)} ${e.closest('.scroll, section')?.id}`))()"""
"""Every element of the page wider than the window or past its right edge."""


def shown_rows(page, selector: str) -> list[list[str]]:
    return page.evaluate(f"[...document.querySelectorAll({selector!r})].map((row) => "
                         "[...row.cells].map((cell) => cell.innerText.trim()))")


def moment(goal: dict) -> str:
    seconds = goal["overtime_seconds"] if goal["overtime"] else goal["game_seconds"]
    return f"{'OT +' if goal['overtime'] else ''}{seconds // 60}:{seconds % 60:02d}"


def figure(value: float, stolen: float | None = None) -> str:
    return f"{value:,.0f}" + (f" ({stolen:,.0f} stolen)" if stolen else "")


@pytest.mark.parametrize("width,height", WIDTHS)
def test_the_page_shows_the_published_timeline_and_pads_within_the_window(base, page, request, migrated_pg_url,
                                                                            width, height):
    match = match_id(RAW_JSON)
    goals = published_goals(migrated_pg_url, match)
    lines = replay_of(base, match)["boost_pads"]
    page.viewport(width, height)
    with check(page, request):
        clean_load(page, f"{base}/replay.html?id={match}")
        shown = shown_rows(page, "#timeline tbody tr")
        assert [row[:4] for row in shown] == [
            [moment(goal), goal["scorer_name"] + (f" · {('Blue', 'Orange')[goal['team']]}" if width > 600 else ""),
             goal["assister_name"] or "—", f"{goal['score_team_0']}–{goal['score_team_1']}"] for goal in goals]
        pads = shown_rows(page, "#pads tbody tr")
        expected = [[line["name"] if line["player_id"] else f"{('Blue', 'Orange')[line['team']]} total",
                     figure(line["big"], line["big_stolen"]), figure(line["small"], line["small_stolen"]),
                     figure(line["collected"], line["stolen"])] for line in lines]
        assert [[" ".join(cell.split()) for cell in row] for row in pads] == expected
        assert page.evaluate(WIDER) == [] and cut_elements(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(SCREENSHOTS / "rocket" / f"replay_events_{width}.png")
        if width == WIDTHS[0][0]:
            page.wait_for("document.getElementById('viewer').dataset.state === 'drawn'", seconds=60)
            goal = goals[3]
            page.evaluate(f"document.querySelector('#timeline tr[data-goal=\"{goal['goal']}\"] button.seek').click()")
            page.wait_for(f"document.getElementById('viewer').dataset.sample === '{goal['sample']}'")
    page.viewport(*WIDTHS[0])


@pytest.mark.parametrize("width,height", WIDTHS)
def test_the_json_only_games_page_says_why_it_has_no_timeline(base, page, request, width, height):
    page.viewport(width, height)
    with check(page, request):
        clean_load(page, f"{base}/replay.html?id={match_id(JSON_ONLY)}")
        assert "ballchasing.com JSON" in page.evaluate("document.getElementById('timeline-reason').innerText")
        assert page.evaluate("document.querySelectorAll('#pads tr.total').length") == 2
        assert page.evaluate(WIDER) == [] and cut_elements(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.viewport(*WIDTHS[0])
