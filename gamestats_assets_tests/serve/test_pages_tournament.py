"""The tournament stats page in headless Chromium, over the tables a real pubg run published: it loads with no
error, the context selector changes the leaderboard, one division shows unless all are chosen, every player
shows, a chosen match shows its own standings, a column sorts, a player's weapon radar opens, the match history
lists the matches, maps, rounds, seasons and teams go by their names, "updated" is the publish time, points
come apart from kills, knocks, assists, headshots and survival, the page polls while its round is active, and
it is usable at a phone's width with its points in sight; the match page draws its fights and names its
teams and its game mode by their names (the admin page's tests are in `test_admin.py`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import time
from pathlib import Path

import psycopg
import pytest

from gamestats_assets_tests.serve.conftest import TOKEN
from gamestats_assets_tests.serve.chromium import PHONE
from gamestats_assets_tests.serve.pages import (SCREENSHOTS, at_phone_width, browser, check, clean_load, cut_elements,
                                                served)

ROWS = "[...document.querySelectorAll('#panel-{tab} tbody tr')].map(r => r.innerText)"
CELLS = ("[...document.querySelectorAll('#panel-{tab} tbody tr')].map(r => Object.fromEntries("
         "[...r.cells].map((c, i) => [r.closest('table').querySelectorAll('th')[i].dataset.key, c.innerText])))")
WIDE = (1400, 900)
REFERENCE = Path(__file__).resolve().parents[2] / "data/reference/pubg"
MAP_NAMES = json.loads((REFERENCE / "mapName.json").read_text())
"""The official dictionary of map names (pubg/api-assets, `data/reference/pubg/SOURCES.md`)."""
GAME_MODES = json.loads((REFERENCE / "gameMode.json").read_text())
"""The official dictionary of game modes (the same source)."""


def choose(page, select: str, value: str) -> None:
    """Chooses `value` in the select `select` as a user does, and waits for the data it shows."""
    page.evaluate(f"(() => {{ const s = document.getElementById({select!r}); s.value = {value!r};"
                  " s.dispatchEvent(new Event('change')); })()")
    page.ready()


def number(text: str) -> int:
    return int(text.replace(",", ""))


def query(pg_url: str, statement: str, *params) -> list[tuple]:
    with psycopg.connect(pg_url) as conn:
        return conn.execute(statement, params).fetchall()


@pytest.fixture(scope="module")
def site(chromium, published):
    with served(published["pg_url"], api_token=TOKEN) as base, browser() as page:
        yield base, page


def test_the_home_page_links_every_page(site, request):
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/")
        links = page.evaluate("[...document.querySelectorAll('main a')].map(a => a.getAttribute('href'))")
        assert {"tournament.html", "champion.html", "player.html", "kpi.html"} <= set(links)
        assert page.evaluate("fetch('/api/v1/tournaments/seasons').then(r => r.status)") == 200


def test_the_team_leaderboard_loads_and_its_context_selector_changes_it(site, request):
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/tournament.html")
        page.screenshot(SCREENSHOTS / "pages" / "tournament_teams.png")
        overall = page.evaluate(ROWS.format(tab="teams"))
        assert len(overall) == 16 and page.evaluate("document.getElementById('match').disabled")
        assert page.evaluate("document.querySelector('#panel-teams svg.spark polyline') !== null")
        rounds = page.evaluate("[...document.querySelectorAll('#round option')].map(o => o.value)")
        assert rounds[0] == "overall" and len(rounds) >= 3
        divisions = page.evaluate("[...document.querySelectorAll('#division option')].map(o => o.value)")
        assert {"all", "Pro", "Challenger"} <= set(divisions)
        page.evaluate("(() => { const s = document.getElementById('division'); s.value = 'Pro';"
                      " s.dispatchEvent(new Event('change')); })()")
        page.ready()
        page.evaluate("(() => { const s = document.getElementById('round'); s.value = s.options[1].value;"
                      " s.dispatchEvent(new Event('change')); })()")
        page.ready()
        one_round = page.evaluate(ROWS.format(tab="teams"))
        assert one_round and one_round != overall and len(one_round) == 16
        assert not page.evaluate("document.getElementById('match').disabled")
        assert "division=Pro" in page.evaluate("location.search")
        assert not page.errors


def test_sorting_a_column_reorders_the_leaderboard(site, request):
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/tournament.html")
        column = "[...document.querySelectorAll('#panel-teams tbody tr')].map(r => r.cells[{i}].innerText)"
        by_rank = page.evaluate(column.format(i=1))
        page.evaluate("document.querySelector('#panel-teams th[data-key=kills] button').click()")
        kills = [int(k.replace(",", "")) for k in page.evaluate(column.format(i=4))]
        assert kills == sorted(kills, reverse=True)
        assert page.evaluate("document.querySelector('#panel-teams th[data-key=kills]').getAttribute('aria-sort')") == "descending"
        page.evaluate("document.querySelector('#panel-teams th[data-key=team] button').click()")
        names = page.evaluate(column.format(i=1))
        assert names == sorted(names, key=str.lower) or names == sorted(names)
        assert names != by_rank


def test_a_players_weapon_radar_opens(site, request):
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/tournament.html?tab=players")
        assert page.evaluate("document.getElementById('tab-players').getAttribute('aria-selected')") == "true"
        page.evaluate("document.querySelector('#panel-players tbody tr').focus()")
        page.call("Input.dispatchKeyEvent", type="keyDown", key="Enter", code="Enter", windowsVirtualKeyCode=13)
        page.call("Input.dispatchKeyEvent", type="keyUp", key="Enter", code="Enter", windowsVirtualKeyCode=13)
        page.wait_for("document.getElementById('weapons').open && document.getElementById('radar').dataset.drawn")
        chart = page.evaluate("(() => { const c = Chart.getChart(document.getElementById('radar'));"
                              " return {type: c.config.type, labels: c.data.labels,"
                              " total: c.data.datasets[0].data.reduce((a, b) => a + b, 0)}; })()")
        assert chart["type"] == "radar" and "AR" in chart["labels"] and round(chart["total"]) in (0, 100)
        page.screenshot(SCREENSHOTS / "pages" / "tournament_radar.png")
        assert not page.errors


def test_a_players_page_opens_from_the_standings_with_their_published_matches_and_career(site, request, published):
    """The standings' first player, opened by their name: their page shows their career by kind of match, their
    season's standing and their tournament matches newest first, each figure as the published tables hold it, the
    match linked to its page; it fits a phone."""
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/tournament.html?tab=players")
        page.evaluate("document.querySelector('#panel-players tbody tr a').click()")
        page.wait_for("location.pathname === '/pubg_player.html'")
        page.ready()
        player = page.evaluate("new URLSearchParams(location.search).get('id')")
        matches = query(published["pg_url"], "SELECT match_id, kills, knocks, assists, round(damage_dealt), points, "
                                             "player_name FROM pubg.player_match_results WHERE account_id = %s "
                                             "ORDER BY created_at DESC NULLS LAST, match_id DESC", player)
        assert matches and page.evaluate("document.getElementById('title').textContent").startswith(matches[0][6])
        shown = page.evaluate(CELLS.replace("#panel-{tab}", "#matches"))
        assert len(shown) == min(20, len(matches))
        for row, (match_id, kills, knocks, assists, damage, points, _) in zip(shown, matches):
            assert [number(row[k]) for k in ("kills", "knocks", "assists", "damage", "points")] == [
                kills, knocks, assists, damage, points], match_id
        links = page.evaluate("[...document.querySelectorAll('#matches tbody a')].map(a => a.getAttribute('href'))")
        assert links[0] == f"match.html?id={matches[0][0]}"
        career = query(published["pg_url"], "SELECT match_type, matches, kills FROM pubg.player_advanced_career_stats "
                                            "WHERE account_id = %s ORDER BY match_type <> 'all', match_type", player)
        careers = page.evaluate(CELLS.replace("#panel-{tab}", "#career"))
        assert [(number(r["matches"]), number(r["kills"])) for r in careers] == [(m, k) for _, m, k in career]
        (season_rank,) = query(published["pg_url"], "SELECT rank FROM pubg.player_leaderboards WHERE scope = 'season' "
                                                    "AND account_id = %s", player)[0]
        assert [number(r["rank"]) for r in page.evaluate(CELLS.replace("#panel-{tab}", "#seasons"))] == [season_rank]
        page.screenshot(SCREENSHOTS / "pages" / "pubg_player.png")
        assert "NaN" not in page.evaluate("document.querySelector('main').innerText")
        assert cut_elements(page) == []
    with check(page, request), at_phone_width(page, "pubg_player_phone"):
        clean_load(page, f"{base}/pubg_player.html?id={player}")
    with check(page, request):
        page.goto(f"{base}/pubg_player.html?id=account.nobody")
        page.wait_for("document.body.dataset.state !== 'loading'")
        assert "has played no published tournament match" in page.evaluate("document.getElementById('errors').innerText")


def test_a_match_page_lists_every_players_result_and_the_kill_feed_in_time(site, request, published):
    """A scored match's page: one row per player of `pubg.match_summaries` with their kills and damage, their
    knocks and survival from the tournament's scoring, and the distances the match object's file states; the kill
    feed lists every kill of `pubg.kill_positions` in the order of the match's time, killer and victim named."""
    pg_url = published["pg_url"]
    (match_id,) = query(pg_url, "SELECT o.match_id FROM pubg.tournament_match_outcomes o WHERE o.scored AND EXISTS "
                                "(SELECT 1 FROM pubg.kill_positions k WHERE k.match_id = o.match_id) "
                                "ORDER BY 1 LIMIT 1")[0]
    players = {name: (kills, knocks, survival) for name, kills, knocks, survival in query(
        pg_url, "SELECT s.player_name, s.kills, r.knocks, r.survival_s FROM pubg.match_summaries s "
                "JOIN pubg.player_match_results r USING (match_id, account_id) WHERE s.match_id = %s", match_id)}
    kills = query(pg_url, "SELECT k.elapsed_s, killer.player_name, victim.player_name FROM pubg.kill_positions k "
                          "LEFT JOIN pubg.match_summaries killer ON killer.match_id = k.match_id "
                          "AND killer.account_id = k.killer_account_id JOIN pubg.match_summaries victim "
                          "ON victim.match_id = k.match_id AND victim.account_id = k.victim_account_id "
                          "WHERE k.match_id = %s ORDER BY k.event_index", match_id)
    landed = json.loads((published["data_dir"] / "landing" / "pubg" / "matches" / f"{match_id}.json").read_text())
    travelled = {item["attributes"]["stats"]["name"]: item["attributes"]["stats"] for item in landed["included"]
                 if item["type"] == "participant"}
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/match.html?id={match_id}")
        rows = page.evaluate(CELLS.replace("#panel-{tab}", "#players"))
        assert len(rows) == len(players) > 0
        for shown in rows:
            kills_of, knocks, survival = players[shown["player"]]
            assert (number(shown["kills"]), number(shown["knocks"])) == (kills_of, knocks), shown
            assert shown["survival"] == f"{int(survival // 60)}:{int(survival % 60):02d}", shown
            stats = travelled[shown["player"]]
            for cell, metres in ((shown["walked"], stats["walkDistance"]), (shown["rode"], stats["rideDistance"])):
                assert cell.endswith(" km") and abs(float(cell[:-3]) - metres / 1000) <= 0.05 + 1e-9, shown
        feed = page.evaluate("[...document.querySelectorAll('#feed li')].map(li => li.innerText)")
        assert len(feed) == len(kills)
        times = [line.split(" ")[0] for line in feed]
        assert times == [f"{int(s // 60)}:{int(s % 60):02d}" for s, _, _ in kills]
        assert all(f"→ {victim}" in line and (killer is None or line.split(" ", 1)[1].startswith(killer))
                   for line, (_, killer, victim) in zip(feed, kills))
        assert "NaN" not in page.evaluate("document.querySelector('main').innerText")
        assert cut_elements(page) == []


def test_the_match_history_lists_each_teams_placement(site, request):
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/tournament.html?tab=matches")
        items = page.evaluate("[...document.querySelectorAll('#panel-matches li')].map(li => li.innerText)")
        assert len(items) >= 2 and all("#1 " in item for item in items)
        links = page.evaluate("[...document.querySelectorAll('#panel-matches a')].map(a => a.getAttribute('href'))")
        assert all(link.startswith("match.html?id=") for link in links)


def test_the_page_fits_a_phone(site, request):
    base, page = site
    with check(page, request), at_phone_width(page, "tournament_phone"):
        clean_load(page, f"{base}/tournament.html")


DRAWN = "Object.fromEntries(Chart.getChart(document.getElementById('map')).data.datasets.map(d => [d.label, d.data.length]))"


def test_a_match_page_draws_landings_kills_circles_and_fights_on_the_map(site, request):
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/tournament.html?tab=matches")
        href = page.evaluate("document.querySelector('#panel-matches a').getAttribute('href')")
        clean_load(page, f"{base}/{href}")
        drawn = page.evaluate(DRAWN)
        assert drawn["landing"] >= 16 and drawn["kill: victim"] > 0 and drawn["kill: killer"] > 0
        assert drawn["safe zone centre"] > 0 and drawn["fight"] > 0
        assert int(page.evaluate("document.getElementById('map').dataset.circles")) == drawn["safe zone centre"]
        assert page.evaluate("document.querySelectorAll('#teams tbody tr').length") >= 16
        page.screenshot(SCREENSHOTS / "pages" / "match.png")
        team = page.evaluate("document.querySelector('#team option:nth-child(2)').value")
        page.evaluate(f"(() => {{ const s = document.getElementById('team'); s.value = {team!r};"
                      " s.dispatchEvent(new Event('change')); })()")
        one_team = page.evaluate(DRAWN)
        assert 0 < one_team["landing"] < drawn["landing"] and one_team["kill: victim"] <= drawn["kill: victim"]
        assert f"team={team}" in page.evaluate("location.search") and not page.errors
        missing = page.evaluate("fetch('/api/v1/tournaments/matches/no-such-match').then(r => r.status)")
        assert missing == 404


def test_the_match_page_fits_a_phone(site, request):
    base, page = site
    with check(page, request), at_phone_width(page, "match_390"):
        clean_load(page, f"{base}/tournament.html?tab=matches")
        href = page.evaluate("document.querySelector('#panel-matches a').getAttribute('href')")
        clean_load(page, f"{base}/{href}")


def test_the_tournament_and_match_pages_cut_no_text_on_a_desktop(site, request):
    base, page = site
    with check(page, request):
        for tab in ("teams", "players", "matches"):
            clean_load(page, f"{base}/tournament.html?tab={tab}")
            assert cut_elements(page) == [], tab
        href = page.evaluate("document.querySelector('#panel-matches a').getAttribute('href')")
        clean_load(page, f"{base}/{href}")
        assert cut_elements(page) == []


def test_the_openapi_pages_render_every_operation_with_nothing_from_outside(site, request, client):
    """`/docs` (Swagger UI) and `/redoc` take their scripts and styles from the app, as the pages do: they render
    the API on a machine without internet, which a CDN's script would leave blank; ReDoc's side menu asks for no
    logo from Redocly's CDN either, which the policy would refuse with an error."""
    base, page = site
    for path in ("/docs", "/redoc"):
        assert "https://" not in client.get(path).text
    assert b"cdn.redoc.ly" not in client.get("/docs/static/redoc.standalone.js").content
    with check(page, request):
        page.goto(f"{base}/docs")
        page.wait_for("document.querySelectorAll('.opblock').length > 20")
        page.goto(f"{base}/redoc")
        page.wait_for("document.querySelectorAll('[data-section-id^=\"operation/\"]').length > 20")
        assert not page.errors, page.errors


def test_the_seasons_endpoint_lists_the_published_season(client):
    seasons = client.get("/api/v1/tournaments/seasons").json()["data"]
    assert seasons["total_count"] == 1 and seasons["seasons"][0]["rounds"] == 2
    latest = client.get("/api/v1/tournaments/leaderboard/teams").json()["metadata"]["season_id"]
    assert seasons["seasons"][0]["season_id"] == latest


def test_the_pages_take_only_gets_of_their_files_and_leave_the_api_its_404s(client):
    assert client.get("/").headers["content-type"].startswith("text/html")
    assert client.get("/vendor/chart.umd.min.js").status_code == 200
    for method, path in (("get", "/api/v1/nothing"), ("get", "/nope.html")):
        answer = getattr(client, method)(path)
        assert (answer.status_code, answer.json()) == (404, {"detail": "Not Found"}), (method, path)
    for method, path in (("put", "/api/v1/admin/pubg/matches/..%2Fx/override"), ("post", "/tournament.html")):
        assert getattr(client, method)(path).status_code == 401, "a write without a key is refused before its route"
        answer = getattr(client, method)(path, headers={"Authorization": f"Bearer {TOKEN}"})
        assert (answer.status_code, answer.json()) == (404, {"detail": "Not Found"}), (method, path)


@contextlib.contextmanager
def active_round(pg_url: str):
    """The season's last round made active (started an hour ago, ending in an hour) as a publish of
    `pubg.tournament_rounds` would make it, its windows put back afterwards; yields the round id."""
    bump = ("UPDATE public.publish_log SET publish_id = nextval('public.publish_ids') "
            "WHERE table_name = 'pubg.tournament_rounds'")
    with psycopg.connect(pg_url, autocommit=True) as conn:
        round_id, starts, ends = conn.execute("SELECT round_id, starts_at, ends_at FROM pubg.tournament_rounds "
                                              "ORDER BY starts_at DESC LIMIT 1").fetchone()
        conn.execute("UPDATE pubg.tournament_rounds SET starts_at = now() - interval '1 hour', "
                     "ends_at = now() + interval '1 hour' WHERE round_id = %s", (round_id,))
        conn.execute(bump)
        try:
            yield round_id
        finally:
            conn.execute("UPDATE pubg.tournament_rounds SET starts_at = %s, ends_at = %s WHERE round_id = %s",
                         (starts, ends, round_id))
            conn.execute(bump)


def test_the_page_polls_every_30_s_while_its_round_is_active_and_not_after(site, published, request):
    base, page = site
    updated = "document.getElementById('status').innerText"
    with check(page, request), active_round(published["pg_url"]) as round_id:
        clean_load(page, f"{base}/tournament.html?round={round_id}")
        first = page.evaluate(updated)
        assert "updating every 30 s" in first and "(live)" in page.evaluate(
            "document.getElementById('round').selectedOptions[0].text")
        started = time.monotonic()
        page.wait_for(f"document.getElementById('status').innerText !== {first!r}", seconds=90)
        assert time.monotonic() - started > 25, "the page asks again after its period, not at once"
    with check(page, request):
        clean_load(page, f"{base}/tournament.html?round={round_id}")
        assert "updating" not in page.evaluate(updated)


def test_one_division_shows_the_organisers_top_one_first_unless_all_are_chosen(site, published, request):
    """The organiser's file lists `Pro` before `Challenger`, which sorts first by name and plays at the same times."""
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/tournament.html")
        division = page.evaluate("document.getElementById('division').value")
        teams = {row["team"] for row in page.evaluate(CELLS.format(tab="teams"))}
        expected = {name for (name,) in query(published["pg_url"], "SELECT team_name FROM pubg.team_leaderboards "
                                              "WHERE scope = 'division' AND division_id = %s", division)}
        top = query(published["pg_url"], "SELECT DISTINCT division_id FROM pubg.tournament_scheduled_matches "
                                         "WHERE division_order = 1")
        assert division == "Pro" and top == [("Pro",)] and teams == expected and len(teams) == 16
        assert division in page.evaluate("document.querySelector('#panel-teams caption').innerText")
        choose(page, "division", "all")
        together = page.evaluate(CELLS.format(tab="teams"))
        assert len(together) == 32 and "division=all" in page.evaluate("location.search")
        assert "all divisions" in page.evaluate("document.querySelector('#panel-teams caption').innerText")


def test_the_player_leaderboard_shows_every_player_and_says_how_many(site, published, request):
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/tournament.html?tab=players&division=all")
        [(players,)] = query(published["pg_url"],
                             "SELECT count(*) FROM pubg.player_leaderboards WHERE scope = 'season'")
        shown = page.evaluate(ROWS.format(tab="players"))
        caption = page.evaluate("document.querySelector('#panel-players caption').innerText")
        assert players > 100 and len(shown) == players and f"{players} players, all shown" in caption


def test_a_chosen_match_shows_that_matchs_standings_in_place(site, published, request):
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/tournament.html")
        choose(page, "round", page.evaluate("document.getElementById('round').options[1].value"))
        match_id = page.evaluate("document.getElementById('match').options[1].value")
        choose(page, "match", match_id)
        assert page.evaluate("document.getElementById('tab-teams').getAttribute('aria-selected')") == "true"
        teams = {row["team"]: number(row["points"]) for row in page.evaluate(CELLS.format(tab="teams"))}
        expected = dict(query(published["pg_url"], "SELECT team_name, points FROM pubg.team_match_results "
                                                   "WHERE match_id = %s", match_id))
        assert teams == expected and len(teams) == 16
        assert "match #" in page.evaluate("document.querySelector('#panel-teams caption').innerText")
        assert f"match={match_id}" in page.evaluate("location.search")
        page.evaluate("document.getElementById('tab-players').click()")
        page.ready()
        players = {row["player"]: number(row["points"]) for row in page.evaluate(CELLS.format(tab="players"))}
        expected = dict(query(published["pg_url"], "SELECT player_name, points FROM pubg.player_match_results "
                                                   "WHERE match_id = %s", match_id))
        assert players == expected and len(players) == 64


def test_maps_rounds_and_the_season_go_by_their_names(site, published, request):
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/tournament.html?tab=matches")
        [(season_name,)] = query(published["pg_url"], "SELECT DISTINCT season_name FROM pubg.tournament_rounds")
        assert page.evaluate("document.getElementById('season').selectedOptions[0].text") == season_name
        history = page.evaluate("document.getElementById('panel-matches').innerText")
        maps = {m for (m,) in query(published["pg_url"], "SELECT DISTINCT m.map_name FROM pubg.matches m "
                                    "JOIN pubg.tournament_match_outcomes o USING (match_id) WHERE o.scored")}
        rounds = query(published["pg_url"], "SELECT round_id, name FROM pubg.tournament_rounds")
        assert maps and all(MAP_NAMES[m] in history for m in maps) and "_Main" not in history
        assert all(name in history for _, name in rounds) and not any(r in history for r, _ in rounds)
        choose(page, "round", rounds[0][0])
        slots = page.evaluate("[...document.getElementById('match').options].slice(1).map(o => o.text)")
        assert slots and all(any(name in slot for name in MAP_NAMES.values()) and "_Main" not in slot for slot in slots)


@contextlib.contextmanager
def published_at(pg_url: str, moment: dt.datetime):
    """Every pubg table recorded in the publish log as published at `moment` (new publish ids, as a publish
    gives), put back afterwards."""
    with psycopg.connect(pg_url, autocommit=True) as conn:
        before = conn.execute("SELECT table_name, published_at FROM public.publish_log "
                              "WHERE table_name LIKE 'pubg.%'").fetchall()
        set_at = ("UPDATE public.publish_log SET publish_id = nextval('public.publish_ids'), published_at = %s "
                  "WHERE table_name = %s")
        for table, _ in before:
            conn.execute(set_at, (moment, table))
        try:
            yield
        finally:
            for table, at in before:
                conn.execute(set_at, (at, table))


def test_updated_is_when_the_results_were_published(site, published, request):
    base, page = site
    moment = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    with check(page, request), published_at(published["pg_url"], moment):
        for tab in ("teams", "players", "matches"):
            clean_load(page, f"{base}/tournament.html?tab={tab}")
            status = page.evaluate("document.getElementById('status')")
            assert page.evaluate("document.getElementById('status').dataset.published") == "2026-01-02T03:04:05Z"
            local = page.evaluate("new Date('2026-01-02T03:04:05Z').toLocaleString()")
            assert f"Updated {local}" in page.evaluate("document.getElementById('status').innerText"), status


def test_points_stay_in_sight_on_a_phone(site, request):
    base, page = site
    with check(page, request), at_phone_width(page, "tournament_points_phone"):
        for tab in ("teams", "players"):
            clean_load(page, f"{base}/tournament.html?tab={tab}")
            right = page.evaluate(f"document.querySelector('#panel-{tab} th[data-key=points]').getBoundingClientRect().right")
            assert 0 < right <= PHONE[0], (tab, right)
            page.screenshot(SCREENSHOTS / "pages" / f"tournament_{tab}_390.png")


def test_points_come_apart_from_kills_and_players_show_knocks_assists_headshots_and_survival(site, published, request):
    base, page = site
    with check(page, request):
        page.viewport(*WIDE)
        try:
            clean_load(page, f"{base}/tournament.html")
            page.screenshot(SCREENSHOTS / "pages" / "tournament_teams_1400.png")
            division = page.evaluate("document.getElementById('division').value")
            teams = page.evaluate(CELLS.format(tab="teams"))
            expected = {t: (p, k, n) for t, p, k, n in query(
                published["pg_url"], "SELECT team_name, sum(placement_points), sum(kill_points), sum(knocks) "
                "FROM pubg.team_match_results WHERE division_id = %s GROUP BY team_name", division)}
            assert {t["team"]: (number(t["placement_points"]), number(t["kill_points"]), number(t["knocks"]))
                    for t in teams} == expected
            assert all(number(t["placement_points"]) + number(t["kill_points"]) == number(t["points"]) for t in teams)
            clean_load(page, f"{base}/tournament.html?tab=players")
            page.screenshot(SCREENSHOTS / "pages" / "tournament_players_1400.png")
            players = page.evaluate(CELLS.format(tab="players"))
            expected = {name: (knocks, assists, headshots, f"{int(survival // 60)}:{round(survival % 60):02d}")
                        for name, knocks, assists, headshots, survival in query(
                            published["pg_url"], "SELECT player_name, sum(knocks), sum(assists), sum(headshot_kills), "
                            "avg(survival_s) FROM pubg.player_match_results WHERE division_id = %s "
                            "GROUP BY account_id, player_name", division)}
            assert {p["player"]: (number(p["knocks"]), number(p["assists"]), number(p["headshots"]), p["survival"])
                    for p in players} == expected
            assert sum(number(p["knocks"]) for p in players) > 0 and all(p["survival"] != "0:00" for p in players)
        finally:
            page.viewport(1280, 900)


def test_the_match_page_names_its_teams_and_tracked_players(site, published, request):
    base, page = site
    with check(page, request):
        page.viewport(*WIDE)
        try:
            [(match_id,)] = query(published["pg_url"], "SELECT p.match_id FROM pubg.player_circle_positions p "
                                  "JOIN pubg.tournament_match_outcomes o USING (match_id) WHERE o.scored "
                                  "ORDER BY o.started_at LIMIT 1")
            clean_load(page, f"{base}/match.html?id={match_id}")
            page.screenshot(SCREENSHOTS / "pages" / "match_1400.png")
            names = dict(query(published["pg_url"], "SELECT team_id, team_name FROM pubg.team_match_results "
                                                    "WHERE match_id = %s", match_id))
            shown = page.evaluate("[...document.querySelectorAll('#teams tbody tr')].map(r => r.cells[1].innerText)")
            assert sorted(shown) == sorted(names.values()) and len(shown) == 16
            chosen = page.evaluate("[...document.getElementById('team').options].slice(1).map(o => o.text)")
            assert sorted(chosen) == sorted(names.values())
            engaged = page.evaluate("[...document.querySelectorAll('#engagements tbody tr')].map(r => r.cells[1].innerText)")
            assert engaged and all(set(e.replace(" (third party)", "").split(" v ")) <= set(names.values())
                                   for e in engaged)
            legend = page.evaluate("Chart.getChart(document.getElementById('map')).data.datasets.map(d => d.label)")
            tracked = [label for label in legend if label.startswith("tracked")]
            players = {n for (n,) in query(published["pg_url"], "SELECT player_name FROM pubg.match_summaries "
                                                                "WHERE match_id = %s", match_id)}
            assert tracked and not any("account." in label for label in legend)
            assert all(any(player in label for player in players) for label in tracked)
            [(map_name, game_mode)] = query(published["pg_url"], "SELECT map_name, game_mode FROM pubg.matches "
                                                                 "WHERE match_id = %s", match_id)
            assert page.evaluate("document.getElementById('title').innerText") == f"Match on {MAP_NAMES[map_name]}"
            summary = page.evaluate("document.getElementById('summary').innerText")
            assert f" · {GAME_MODES[game_mode]} · " in summary and f" {game_mode} " not in summary, summary
        finally:
            page.viewport(1280, 900)


LEADERBOARDS = "*/api/v1/tournaments/leaderboard/*"


def pick(page, select: str, value: str) -> None:
    """Chooses `value` in the select `select` as a user does, without waiting for its answer."""
    page.evaluate(f"(() => {{ const s = document.getElementById({select!r}); s.value = {value!r};"
                  " s.dispatchEvent(new Event('change')); })()")


def test_changing_the_context_marks_the_old_standings_stale_until_the_new_answer(site, request):
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/tournament.html")
        before = page.evaluate("document.getElementById('panel-teams').innerText")
        with page.holding(LEADERBOARDS):
            pick(page, "division", "all")
            requests = page.held("leaderboard/teams")
            assert page.evaluate("(e => e.getAttribute('aria-busy') === 'true' && e.classList.contains('stale'))"
                                 "(document.getElementById('panel-teams'))")
            assert page.evaluate("document.body.dataset.state") == "loading"
            assert page.evaluate("document.getElementById('panel-teams').innerText") == before
            page.release(requests)
            page.ready()
        assert page.evaluate("document.querySelectorAll('.stale, [aria-busy]').length") == 0
        assert page.evaluate("document.getElementById('panel-teams').innerText") != before


def test_the_standings_of_a_superseded_context_are_dropped(site, request):
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/tournament.html")
        divisions = page.evaluate("[...document.getElementById('division').options].map(o => o.value)")
        with page.holding(LEADERBOARDS):
            pick(page, "division", "all")
            late = page.held("leaderboard/teams")
            pick(page, "division", divisions[1])
            page.release(page.held(f"division={divisions[1]}"))
            page.ready()
            shown = page.evaluate("document.getElementById('panel-teams').innerText")
            page.release(late)
            page.wait_for("document.body.dataset.dropped === '1'")
        assert page.evaluate("document.getElementById('panel-teams').innerText") == shown
        assert divisions[1] in page.evaluate("document.querySelector('#panel-teams caption').innerText")
