"""The Rocket League player page and a replay's page in headless Chromium, over a synthetic day the rocket
assets published (ballchasing JSON) and a day of one real raw replay: players by their names, ranks by theirs,
the prediction beside its baseline with its interval on the ladder, a stat against the same-rank band, every
stat's percentile bar labelled, the weaknesses, the positional heatmap of a replay's player (and, where a player
has only ballchasing JSON, why there is none and the control to upload a raw replay), a replay's teams, winner
and stat groups, and a signed-in player's upload followed from the page to its analysis."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import uuid

import httpx
import psycopg
import pytest
from scipy.stats import t

from gamestats_assets.generator.emitters.rocket import generate_replays
from gamestats_assets.serve.crud import accounts
from gamestats_assets.sources.ballchasing.measures import STATS
from gamestats_assets.sources.ballchasing.names import playlist_name
from gamestats_assets.sources.ballchasing.ranks import THIN_GAMES, rank_document
from gamestats_assets.sources.replays.header import read_header_alone
from gamestats_assets_tests.rocket.conftest import REPLAYS
from gamestats_assets_tests.serve.chromium import DESKTOP, PHONE
from gamestats_assets_tests.serve.conftest import client_for
from gamestats_assets_tests.serve.pages import (SCREENSHOTS, at_phone_width, browser, check, clean_load,
                                                followed_upload, served, text)
from gamestats_assets_tests.serve.rocket_days import RocketDays
from gamestats_assets_tests.serve.test_rocket import PER_GAME_PERCENTILES, SYNTHETIC_DAY


REPLAY = "XBOX_PARTY.replay"
"""The real raw replay whose players get a heatmap."""
CROWDED = "BOTS_JOINING_AND_LEAVING.replay"
"""A real raw replay of thirteen players (bots joining and leaving), whose tables must still fit the page."""
UPLOADED = REPLAYS / "0_SAVES.replay"
"""The real raw replay a signed-in player uploads from the page."""
SHOTS = SCREENSHOTS / "rocket"
"""The Rocket League pages at a desktop's and a phone's width."""


@pytest.fixture(scope="module")
def published(rocket_three_days):
    """Three synthetic days (enough games a player to find some planted weaknesses, `rocket_three_days`), then the
    day of the real raw replay and the tables over every day run by the rocket assets, with what runs another day
    (`run_day`)."""
    data_dir, pg_url = rocket_three_days["data_dir"], rocket_three_days["pg_url"]
    days = RocketDays(data_dir, pg_url)
    replay_day = (SYNTHETIC_DAY - dt.timedelta(days=1)).isoformat()
    folder = days.landing / replay_day
    folder.mkdir(parents=True)
    shutil.copy(REPLAYS / REPLAY, folder)
    shutil.copy(REPLAYS / CROWDED, folder)
    days.run_day(replay_day)

    def run_day(day: str) -> None:
        """The rocket assets of `day` run as the daemon runs a landed file's day, publishing into the database."""
        days.run_day(day, snapshots=False)

    return {"data_dir": data_dir, "pg_url": pg_url, "run_day": run_day}


@pytest.fixture(scope="module")
def rocket_pg_url(published) -> str:
    """The module's database, as `published` left it."""
    return published["pg_url"]


@pytest.fixture(scope="module")
def site(chromium, published, rocket_pg_url):
    with served(rocket_pg_url, data_dir=published["data_dir"]) as base, browser() as page:
        yield base, page


def at_width(page, width: int) -> None:
    page.viewport(width, DESKTOP[1] if width > PHONE[0] else PHONE[1])


def rows(pg_url: str, sql: str, params=()) -> list[tuple]:
    with psycopg.connect(pg_url) as conn:
        return conn.execute(sql, params).fetchall()


def a_player_with_skills(pg_url: str) -> str:
    """The synthetic player with most games, a rank prediction and a weak skill."""
    return rows(pg_url, "SELECT w.player_id FROM rocket.player_weaknesses w JOIN rocket.rank_predictions r "
                        "USING (player_id) GROUP BY w.player_id HAVING bool_or(w.is_weak) "
                        "ORDER BY max(w.matches) DESC, 1 LIMIT 1")[0][0]


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
        assert STATS[stats[-1]].label in page.evaluate("document.getElementById('stat-title').innerText")
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


def test_a_replay_players_page_draws_their_positional_heatmap(site, request, rocket_pg_url):
    base, page = site
    with psycopg.connect(rocket_pg_url) as conn:
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


def test_a_player_with_only_ballchasing_json_is_told_there_are_no_positions(site, request, rocket_pg_url):
    base, page = site
    with psycopg.connect(rocket_pg_url) as conn:
        (player,) = conn.execute("SELECT player_id FROM rocket.player_stats EXCEPT SELECT player_id FROM "
                                 "rocket.position_heatmaps ORDER BY 1 LIMIT 1").fetchone()
    with check(page, request):
        clean_load(page, f"{base}/player.html?player={player}")
        assert page.evaluate("document.getElementById('heatmap').dataset.cells") == "0"
        note = page.evaluate("document.getElementById('heatmap-note').innerText")
        assert note.startswith("No positions") and "ballchasing JSON" in note and "Upload a raw .replay" in note
        assert page.evaluate("document.querySelector('#upload-control input[type=file]').accept") == ".replay"
        assert page.evaluate("!!document.querySelector('#upload-control #upload-key')")


def test_the_heatmap_endpoint_shares_and_what_it_refuses(site, rocket_pg_url):
    with psycopg.connect(rocket_pg_url) as conn:
        (player,) = conn.execute("SELECT player_id FROM rocket.position_heatmaps ORDER BY 1 LIMIT 1").fetchone()
    with client_for(rocket_pg_url, requests_per_minute=100_000) as client:
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


def a_player_with_a_weak_stat(base: str, pg_url: str) -> str:
    """A player with skill scores whose comparison holds a weak stat (a red bar), those with a planted weakness found
    first."""
    for (player,) in rows(pg_url, "SELECT w.player_id FROM rocket.player_weaknesses w JOIN rocket.rank_predictions r "
                                  "USING (player_id) GROUP BY w.player_id "
                                  "ORDER BY bool_or(w.is_weak) DESC, max(w.matches) DESC, 1 LIMIT 100"):
        stats = httpx.get(f"{base}/api/v1/rocket/analytics/comparison", params={"player_id": player}).json()
        if any(s["weak"] for s in stats["data"]["stats"]):
            return player
    raise AssertionError("no player with a weak stat")


def expected_bars(pg_url: str, player: str) -> dict[str, tuple[float, bool]]:
    """From the published tables alone: each stat's bar for `player`, their mean percentile over their games in
    their most played band (ranked among every published value of the stat, band and playlist) turned so that 100
    is best, and whether it is weak (below 25 with the high end of its 95 % t interval below 50)."""
    ((band,),) = rows(pg_url, "SELECT rank_band FROM rocket.player_stats WHERE player_id = %s AND value IS NOT NULL "
                              "GROUP BY rank_band ORDER BY count(*) DESC, rank_band LIMIT 1", (player,))
    bars = {}
    for stat, values in rows(pg_url, PER_GAME_PERCENTILES, (player, band)):
        mean, better = sum(values) / len(values), STATS[stat].better
        if better == 0:
            bars[stat] = (mean, False)
            continue
        high = None
        if len(values) > 1:
            sd = (sum((v - mean) ** 2 for v in values) / (len(values) - 1)) ** 0.5
            half = t.ppf(0.975, len(values) - 1) * sd / len(values) ** 0.5
            high = min(100, mean + half) if better > 0 else 100 - max(0, mean - half)
        turned = mean if better > 0 else 100 - mean
        bars[stat] = (turned, high is not None and turned < 25 and high < 50)
    return bars


def test_every_percentile_bar_is_labelled_the_weak_ones_included(site, request, rocket_pg_url):
    base, page = site
    player = a_player_with_a_weak_stat(base, rocket_pg_url)
    with check(page, request):
        for width in (1400, PHONE[0]):
            at_width(page, width)
            clean_load(page, f"{base}/player.html?player={player}")
            bars = page.evaluate(
                "(() => { const c = Chart.getChart(document.getElementById('percentiles')); const y = c.scales.y;"
                " return { labels: c.data.labels, ticks: y.ticks.map(t => y.getLabelForValue(t.value)),"
                " colours: c.data.datasets[0].backgroundColor, perBar: y.height / c.data.labels.length,"
                " font: (y.options.ticks.font || Chart.defaults.font).size || 12 }; })()")
            assert len(bars["labels"]) > 30, bars["labels"]
            assert bars["ticks"] == bars["labels"], f"at {width} px only {len(bars['ticks'])} of {len(bars['labels'])}"
            assert bars["perBar"] >= bars["font"] * 1.3, f"labels overlap at {width} px: {bars}"
            weak = [label for label, colour in zip(bars["labels"], bars["colours"]) if colour == "#b42318"]
            assert weak and all(label.endswith("(weak)") and label in bars["ticks"] for label in weak)
            page.screenshot(SHOTS / f"player_{width}.png")
    at_width(page, DESKTOP[0])


def test_bars_point_the_better_way_and_are_red_only_in_the_bottom_quarter_each_measure_once(site, request,
                                                                                              rocket_pg_url):
    """Each bar is the player's mean percentile read again from the published tables, turned so that 100 is best
    (shots against: fewer is better), red exactly where it is below 25 with its interval below 50; of the stats that
    measure one thing one bar is drawn (boost collected per minute once, distances and the zero-boost share once)."""
    base, page = site
    player = a_player_with_a_weak_stat(base, rocket_pg_url)
    expected = expected_bars(rocket_pg_url, player)
    with check(page, request):
        for width in (1400, PHONE[0]):
            at_width(page, width)
            clean_load(page, f"{base}/player.html?player={player}")
            drawn = page.evaluate(
                "(() => { const c = Chart.getChart(document.getElementById('percentiles'));"
                " return { stats: document.getElementById('percentiles').dataset.stats.split(','),"
                " values: c.data.datasets[0].data, colours: c.data.datasets[0].backgroundColor,"
                " labels: c.data.labels }; })()")
            assert len(set(drawn["labels"])) == len(drawn["labels"]), drawn["labels"]
            for stat, value, colour in zip(drawn["stats"], drawn["values"], drawn["colours"]):
                want, weak = expected[stat]
                assert value == pytest.approx(want, abs=1e-6), stat
                assert (colour == "#b42318") == weak, (stat, value)
                assert value < 25 or colour != "#b42318"
            shown = set(drawn["stats"])
            assert "shots_against" in shown and "boost_bcpm" in shown and "boost_bpm" in shown
            for measure in ({"boost_bcpm", "boost_collected_per_minute"},
                            {"boost_percent_zero_boost", "time_zero_boost_share", "boost_time_zero_boost"},
                            {"positioning_avg_distance_to_ball", "avg_distance_to_ball"}):
                assert len(shown & measure) == 1, (measure, shown)
            assert len(shown & {"positioning_avg_distance_to_mates", "avg_distance_to_mates"}) <= 1
            note = text(page, "#percentiles-who")
            ((band, peers),) = rows(rocket_pg_url, "SELECT rank_band, max(players) - 1 FROM rocket.peer_stats "
                                                     "WHERE rank_band = (SELECT rank_band FROM rocket.player_stats "
                                                     "WHERE player_id = %s GROUP BY rank_band ORDER BY count(*) DESC "
                                                     "LIMIT 1) GROUP BY rank_band", (player,))
            assert f"{band.replace('-', ' ').title()} players" in note and f"({peers:,} such players" in note, note
    at_width(page, DESKTOP[0])


def test_the_skills_in_the_bottom_quarter_are_red_and_the_weakest_is_named_weakest(site, request, rocket_pg_url):
    """The weaknesses table is red exactly where the published percentile is below 25 with its interval below 50, each
    with its interval and games; the recommendation called the weakest skill is the player's lowest percentile."""
    base, page = site
    with check(page, request):
        for (player,) in rows(rocket_pg_url, "SELECT player_id FROM rocket.recommendations GROUP BY player_id "
                                               "ORDER BY player_id LIMIT 5"):
            skills = {skill: (pct, high, games) for skill, pct, high, games in rows(
                rocket_pg_url, "SELECT skill, rank_percentile, percentile_ci_high, matches FROM "
                                 "rocket.player_weaknesses WHERE player_id = %s AND z IS NOT NULL", (player,))}
            clean_load(page, f"{base}/player.html?player={player}")
            table = page.evaluate("[...document.querySelectorAll('#weaknesses tbody tr')].map(tr => ({ skill: "
                                  "tr.cells[0].querySelector('span').title, red: !!tr.querySelector('.down'), "
                                  "cells: [...tr.cells].map(td => td.innerText) }))")
            for row in table:
                if row["skill"] not in skills:
                    continue
                pct, high, games = skills[row["skill"]]
                assert row["red"] == (pct < 25 and high < 50), (player, row)
                assert row["cells"][1].startswith(f"p{round(pct)} (") and row["cells"][5] == str(games), row
            lowest = sorted(skills, key=lambda skill: skills[skill][0])
            named = page.evaluate("[...document.querySelectorAll('#recommendations li')].map(li => [li.dataset.skill,"
                                  " li.querySelector('.muted').innerText])")
            for skill, line in named:
                if ": weakest skill" in line:
                    assert skill == lowest[0], (player, skill, lowest)
                if ": second-weakest skill" in line:
                    assert skill == lowest[1], (player, skill, lowest)
                assert f"p{round(skills[skill][0])}" in line


def test_a_wide_prediction_interval_is_said_plainly_beside_the_playlists_median(site, request, rocket_pg_url):
    base, page = site
    player = a_player_with_skills(rocket_pg_url)
    held = rows(rocket_pg_url, "SELECT rank_index, predicted_rank_index, baseline_rank_index, "
                                 "rank_index BETWEEN interval_low AND interval_high FROM rocket.rank_predictions "
                                 "WHERE held_out")
    model = sum(abs(p - r) for r, p, _, _ in held) / len(held)
    baseline = sum(abs(b - r) for r, _, b, _ in held) / len(held)
    coverage = sum(inside for *_, inside in held) / len(held)
    ((playlist, low, high, games),) = rows(rocket_pg_url, "SELECT playlist, interval_low, interval_high, games "
                                                            "FROM rocket.rank_predictions WHERE player_id = %s",
                                           (player,))
    with check(page, request):
        for width in (1400, PHONE[0]):
            at_width(page, width)
            clean_load(page, f"{base}/player.html?player={player}")
            thin = text(page, "#thin-evidence")
            assert bool(thin) == (high - low > 12 or games < THIN_GAMES)
            if thin:
                assert thin.startswith("The evidence is thin")
                assert f"{high - low:.1f} divisions" in thin
            shown = text(page, "#baseline")
            assert f"MAE {model:.1f} vs {baseline:.1f} divisions" in shown, shown
            assert "median rank of the player's playlist" in shown and playlist_name(playlist) in shown
            assert playlist not in shown
            assert f"held {100 * coverage:.0f}% of them" in text(page, "#coverage")
    at_width(page, DESKTOP[0])


def signed(value: float, digits: int = 1) -> str:
    return f"{'+' if value > 0 else ''}{value:,.{digits}f}"


def test_where_the_rank_is_heading_is_said_with_its_interval_or_that_nothing_can_be_told(site, request,
                                                                                           rocket_pg_url):
    base, page = site
    outlooks = rows(rocket_pg_url, "SELECT player_id, rank_days, predicted_change, change_ci_low, change_ci_high, "
                                     "outlook, training_change, training_effect_players FROM rocket.rank_outlook "
                                     "ORDER BY rank_days DESC, player_id")
    fitted = next(row for row in outlooks if row[2] is not None)
    with check(page, request):
        for width in (1400, PHONE[0]):
            at_width(page, width)
            player, days, change, low, high, outlook, training_change, trained_players = fitted
            clean_load(page, f"{base}/player.html?player={player}")
            shown = text(page, "#outlook-change")
            assert f"{signed(change)} divisions in four weeks (95% {signed(low)} to {signed(high)})" in shown, shown
            assert shown.startswith({"rising": "Rising", "falling": "Falling"}.get(outlook, "No change can be told"))
            assert f"from {days} days with a known rank" in shown
            training = text(page, "#outlook-training")
            if training_change is None:
                assert "Not counted in the change" in training, training
            else:
                assert f"Counted in the change: {signed(training_change)} divisions" in training, training
            assert f"{trained_players} tested players" in training, training
            assert text(page, "#outlook-tested")
    at_width(page, DESKTOP[0])


def test_training_progress_counted_in_the_change_is_said_with_what_it_adds(site, request, rocket_pg_url):
    """A player's published outlook as a ladder where training is shown to matter publishes it: their progress times
    the effect added to their change, whose interval widens by the effect's. The page says the change with it, and
    that training is counted, with what it adds and the effect's interval."""
    base, page = site
    [(player, change, low, high)] = rows(
        rocket_pg_url, "SELECT player_id, predicted_change, change_ci_low, change_ci_high FROM rocket.rank_outlook "
                         "WHERE predicted_change IS NOT NULL ORDER BY player_id DESC LIMIT 1")
    moved = {"low": low + 1.2 - 0.5, "high": high + 1.2 + 0.5}
    counted = {"predicted_change": change + 1.2, "change_ci_low": moved["low"], "change_ci_high": moved["high"],
               "outlook": "rising" if moved["low"] > 0 else "falling" if moved["high"] < 0 else "no change can be told",
               "training_progress": 0.1, "training_change": 1.2, "training_effect": 12.0,
               "training_effect_ci_low": 4.0, "training_effect_ci_high": 20.0, "training_effect_players": 40,
               "training_effect_applied": True}
    assignments = ", ".join(f"{column} = %({column})s" for column in counted)
    with psycopg.connect(rocket_pg_url, autocommit=True) as conn:
        before = conn.execute("SELECT " + ", ".join(counted) + " FROM rocket.rank_outlook WHERE player_id = %s",
                              (player,)).fetchone()
        conn.execute(f"UPDATE rocket.rank_outlook SET {assignments} WHERE player_id = %(player)s",
                     {**counted, "player": player})
    try:
        with check(page, request):
            clean_load(page, f"{base}/player.html?player={player}")
            shown = text(page, "#outlook-change")
            assert (f"{signed(change + 1.2)} divisions in four weeks (95% {signed(moved['low'])} to "
                    f"{signed(moved['high'])})") in shown, shown
            training = text(page, "#outlook-training")
            assert "Counted in the change: +1.2 divisions for this player's progress" in training, training
            assert ("over 40 tested players, each 10 points of progress went with +1.20 divisions in four weeks "
                    "beyond the trend (95% +0.40 to +2.00)") in training, training
    finally:
        with psycopg.connect(rocket_pg_url, autocommit=True) as conn:
            conn.execute(f"UPDATE rocket.rank_outlook SET {assignments} WHERE player_id = %(player)s",
                         {**dict(zip(counted, before, strict=True)), "player": player})


def a_long_overtime_game(pg_url: str) -> str:
    """The synthetic three-a-side game that went longest into overtime."""
    return rows(pg_url, "SELECT match_id FROM rocket.matches WHERE source = 'ballchasing' AND overtime "
                        "AND team_size = 3 ORDER BY duration DESC, match_id LIMIT 1")[0][0]


def cells_of(page, stat: str) -> dict[str, str]:
    """Each player's cell of `stat` on a replay's page, as shown."""
    selector = json.dumps(f"#groups td[data-stat='{stat}']")
    return page.evaluate(f"Object.fromEntries([...document.querySelectorAll({selector})]"
                         ".map(td => [td.dataset.player, td.innerText]))")


def test_an_overtime_games_times_and_totals_are_ranked_per_minute_and_each_player_travels_their_own(
        site, request, rocket_pg_url):
    """The overtime's players are not all at the top: a time's percentile is read from the published counts at its
    share of the game (as the table's bin holds it), where the raw seconds would put everyone above p90; the six
    players' distances are their own published values."""
    base, page = site
    match = a_long_overtime_game(rocket_pg_url)
    stats = ("movement_time_ground", "positioning_time_defensive_half", "movement_total_distance")
    published = rows(rocket_pg_url, f"""
        SELECT s.player_id, s.stat_type, s.value, (100 * (c.games_below + c.games / 2.0) / c.total)::float,
               (SELECT 100.0 * count(*) FILTER (WHERE o.value < s.value) / count(*) FROM rocket.player_stats o
                WHERE o.stat_type = s.stat_type AND o.rank_band = s.rank_band AND o.playlist = s.playlist)::float
        FROM rocket.player_stats s JOIN LATERAL (SELECT * FROM rocket.peer_value_counts c
             WHERE c.rank_band = s.rank_band AND c.playlist = s.playlist AND c.stat_type = s.stat_type
             AND c.value_bin <= s.value_bin ORDER BY c.value_bin DESC LIMIT 1) c ON true
        WHERE s.match_id = %s AND s.stat_type = ANY(%s)""", (match, list(stats)))
    assert len({value for _, stat, value, _, _ in published if stat == "movement_total_distance"}) == 6
    assert sorted(raw for *_, raw in published)[len(published) // 2] > 90, "raw seconds would top every band"
    with check(page, request):
        for width in (1400, PHONE[0]):
            at_width(page, width)
            clean_load(page, f"{base}/replay.html?id={match}")
            for player, stat, value, percentile, _ in published:
                shown = cells_of(page, stat)[player]
                assert shown.split()[0] == f"{value:,.0f}" or shown.startswith(f"{value:,.0f} s"), (stat, shown)
                assert f"p{round(percentile)}" in shown, (stat, shown, percentile)
            assert sorted(p for *_, p, _ in published)[len(published) // 2] < 80
    at_width(page, DESKTOP[0])


def test_no_element_is_wider_than_its_viewport_and_codes_are_named(site, request, rocket_pg_url):
    base, page = site
    match, player = a_long_overtime_game(rocket_pg_url), a_player_with_skills(rocket_pg_url)
    raw_game, crowded = (read_header_alone(REPLAYS / name).match_id.lower() for name in (REPLAY, CROWDED))
    assert len(rows(rocket_pg_url, "SELECT player_id FROM rocket.match_players WHERE match_id = %s", (crowded,))) > 10
    wider = ("[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1)"
             ".map(e => `${e.tagName}#${e.id}.${e.className}`)")
    codes = ("stadium_p", "cs_day_p", "NeoTokyo_Standard_P", "ranked-standard", "ranked-doubles", "unranked-standard",
             "boost_management", "time_zero_boost_share")
    with check(page, request):
        for width in (1400, PHONE[0]):
            at_width(page, width)
            for url in (f"replay.html?id={match}", f"replay.html?id={raw_game}", f"replay.html?id={crowded}",
                        f"player.html?player={player}"):
                clean_load(page, f"{base}/{url}")
                assert page.evaluate(wider) == [], (width, url)
                assert page.evaluate("[...document.querySelectorAll('table')].every(t => t.scrollWidth <= "
                                     "t.parentElement.clientWidth + 1)"), (width, url)
                shown = page.evaluate("document.body.innerText")
                assert not [code for code in codes if code in shown], (url, [c for c in codes if c in shown])
            page.screenshot(SHOTS / f"player_named_{width}.png")
        clean_load(page, f"{base}/replay.html?id={raw_game}")
        assert page.evaluate("document.querySelector('#summary [title=\"cs_day_p\"]').innerText") == \
            "Champions Field (Day)"
        assert page.evaluate("document.querySelector('#summary [title=\"ranked-doubles\"]').innerText") == \
            "Ranked Doubles 2v2"
        clean_load(page, f"{base}/replay.html?id={crowded}")
        assert page.evaluate("document.querySelector('#summary [title=\"NeoTokyo_Standard_P\"]').innerText") == \
            "Neo Tokyo"
    at_width(page, DESKTOP[0])


def test_players_are_shown_by_their_names(site, request, rocket_pg_url):
    base, page = site
    player = a_player_with_skills(rocket_pg_url)
    ((name,),) = rows(rocket_pg_url, "SELECT name FROM rocket.users WHERE player_id = %s AND name IS NOT NULL "
                                     "ORDER BY date DESC LIMIT 1", (player,))
    with check(page, request):
        clean_load(page, f"{base}/player.html?player={player}")
        assert text(page, "#title").startswith(f"Rocket League player · {name}")
        labels = page.evaluate("[...document.querySelectorAll('#player option')].map(o => o.textContent)")
        assert f"{name} (" in " ".join(labels)
        assert not [label for label in labels if re.search(r"\d{17}", label)], labels
        replay_names = page.evaluate("[...document.querySelectorAll('#replays a')].length")
        assert replay_names > 0


def test_ranks_are_named_and_the_interval_stays_on_the_ladder(site, request, rocket_pg_url):
    base, page = site
    player = a_player_with_skills(rocket_pg_url)
    ((rank_index, predicted),) = rows(rocket_pg_url, "SELECT rank_index, predicted_rank_index FROM "
                                                     "rocket.rank_predictions WHERE player_id = %s", (player,))
    with check(page, request):
        clean_load(page, f"{base}/player.html?player={player}")
        assert rank_document(round(rank_index))["name"] in text(page, "#rank")
        shown = text(page, "#predicted")
        assert rank_document(round(predicted))["name"] in shown
        ends = re.search(r"divisions (-?[\d.]+)–(-?[\d.]+)", shown)
        assert ends and 0 <= float(ends[1]) <= float(ends[2]) <= 84, shown
        assert re.search(r"95% interval (Bronze|Silver|Gold|Platinum|Diamond|Champion|Grand Champion|Supersonic)",
                         shown), shown


def a_replay_of_the_day(pg_url: str) -> str:
    """The synthetic day's game with most players (ballchasing JSON)."""
    return rows(pg_url, "SELECT m.match_id FROM rocket.matches m JOIN rocket.match_players p USING (date, match_id) "
                        "WHERE m.source = 'ballchasing' GROUP BY m.match_id ORDER BY count(*) DESC, 1 LIMIT 1")[0][0]


def test_a_replay_page_shows_blue_and_orange_by_name_and_the_winner(site, request, rocket_pg_url):
    base, page = site
    match = a_replay_of_the_day(rocket_pg_url)
    seats = rows(rocket_pg_url, "SELECT team, name FROM rocket.match_players WHERE match_id = %s", (match,))
    ((blue, orange),) = rows(rocket_pg_url, "SELECT score_team_0, score_team_1 FROM rocket.matches "
                                            "WHERE match_id = %s", (match,))
    with check(page, request):
        for width in (1400, PHONE[0]):
            at_width(page, width)
            clean_load(page, f"{base}/replay.html?id={match}")
            for team in (0, 1):
                listed = text(page, f"#teams [data-team='{team}']")
                assert all(name in listed for seat, name in seats if seat == team), (team, listed)
            assert f"Blue {blue}" in text(page, "#score") and f"{orange} Orange" in text(page, "#score")
            assert text(page, "#winner").startswith("Blue wins" if blue > orange else "Orange wins"
                                                    if orange > blue else "Draw")
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
            page.screenshot(SHOTS / f"replay_{width}.png")
    at_width(page, DESKTOP[0])


def test_a_replay_page_prints_shares_as_percentages_in_one_positioning_group(site, request, rocket_pg_url):
    base, page = site
    match = a_replay_of_the_day(rocket_pg_url)
    with check(page, request):
        clean_load(page, f"{base}/replay.html?id={match}")
        groups = page.evaluate("[...document.querySelectorAll('#groups section[data-group]')].map(s => s.dataset.group)")
        assert "Positioning" in groups and not [g for g in groups if g.lower() == "positional"], groups
        share = page.evaluate(
            "[...document.querySelectorAll(\"#groups section[data-group='Positioning'] "
            "tr[data-stat='time_defensive_third_share'] td\")].map(td => td.innerText)")
        assert share and all(re.match(r"^\d+(\.\d)?%", cell) for cell in share), share


def test_a_replay_page_leaves_out_what_its_format_lacks_and_says_so_and_why_it_has_no_3d_replay(site, request,
                                                                                               rocket_pg_url):
    base, page = site
    match = a_replay_of_the_day(rocket_pg_url)
    with check(page, request):
        clean_load(page, f"{base}/replay.html?id={match}")
        assert "ballchasing.com JSON" in text(page, "#format")
        cells = page.evaluate("[...document.querySelectorAll('#groups tbody td:not(:first-child)')].map(td => td.innerText)")
        empty = [cell for cell in cells if cell.startswith("—")]
        assert cells and len(empty) <= len(cells) // 10, f"{len(empty)} of {len(cells)} cells empty"
        empty_rows = page.evaluate(
            "[...document.querySelectorAll('#groups tbody tr')].filter(tr => [...tr.querySelectorAll('td')]"
            ".every(td => td.innerText.startsWith('—'))).map(tr => tr.dataset.stat)")
        assert not empty_rows, f"stats of the replay empty for every player: {empty_rows}"
        assert "stats not in this replay" in text(page, "#hidden-stats")
        assert text(page, "#no-frames") == "No 3D replay and no heatmap: ballchasing JSON has no frames."


RANKED_DAY = (SYNTHETIC_DAY - dt.timedelta(days=2)).isoformat()
"""A day of one delivered ballchasing game that gives a player of the real raw replay a rank."""


def a_ranked_game_of(player_id: str, name: str, rank_index: int) -> dict:
    """A synthetic ranked-doubles game (ballchasing JSON) of `RANKED_DAY` in which `player_id` played at the rank
    `rank_index`."""
    day = dt.date.fromisoformat(RANKED_DAY)
    document = next(d for d in generate_replays(day, seed=11, n_players=40, anchor=day)
                    if d["playlist_id"] == "ranked-doubles")
    document |= {"id": str(uuid.UUID(int=82)), "rocket_league_id": "82" * 16}
    document["blue"]["players"][0] |= {"name": name, "id": {"platform": "steam", "id": player_id},
                                       "rank": rank_document(rank_index)}
    return document


def compared_with_shown(page, player_id: str) -> str:
    selector = json.dumps(f"#teams li[data-player='{player_id}'] .compared")
    return page.evaluate(f"document.querySelector({selector}).innerText")


def test_an_uploaders_replay_says_whom_it_compares_with_then_their_known_band(site, published, request,
                                                                              rocket_pg_url):
    """A raw replay carries no rank: its players are compared with the players of unranked games of the playlist,
    as many as the published counts hold, and the page says so; once a game of theirs with a rank is published, the
    player's values are ranked in that band, as its published counts give them."""
    base, page = site
    match = read_header_alone(REPLAYS / REPLAY).match_id.lower()
    seats = dict(rows(rocket_pg_url, "SELECT player_id, name FROM rocket.match_players WHERE match_id = %s",
                      (match,)))
    ((playlist,),) = rows(rocket_pg_url, "SELECT playlist FROM rocket.matches WHERE match_id = %s", (match,))

    def values_of(band: str) -> int:
        return rows(rocket_pg_url, "SELECT max(total) FROM rocket.peer_value_counts WHERE rank_band = %s "
                                     "AND playlist = %s", (band, playlist))[0][0]

    with check(page, request):
        clean_load(page, f"{base}/replay.html?id={match}")
        for player, name in seats.items():
            said = compared_with_shown(page, player)
            assert said.startswith(f"Compared with {values_of('unranked')} games of players of unranked games in "
                                   f"{playlist_name(playlist)}") and "carries no rank" in said, said
        assert "those percentiles say little" in text(page, "#unranked-note")
        uploader, name = sorted(seats.items())[-1]
        folder = published["data_dir"] / "landing" / "rocket" / RANKED_DAY / "ballchasing"
        folder.mkdir(parents=True)
        ((known,),) = rows(rocket_pg_url, "SELECT min(rank_index) FROM rocket.player_stats WHERE playlist = %s AND "
                                            "rank_band = (SELECT rank_band FROM rocket.peer_value_counts WHERE "
                                            "playlist = %s AND rank_band <> 'unranked' GROUP BY rank_band "
                                            "ORDER BY max(total) DESC LIMIT 1)", (playlist, playlist))
        (folder / "ranked.json").write_text(json.dumps(a_ranked_game_of(uploader, name, known)))
        published["run_day"](RANKED_DAY)
        ((band, rank_index),) = rows(rocket_pg_url, "SELECT rank_band, rank_index FROM rocket.users "
                                                      "WHERE player_id = %s AND rank_band <> 'unranked'", (uploader,))
        clean_load(page, f"{base}/replay.html?id={match}")
        said = compared_with_shown(page, uploader)
        assert said.startswith(f"Compared with {values_of(band)} games of {band.replace('-', ' ').title()} players in "
                               f"{playlist_name(playlist)}") and rank_document(rank_index)["name"] in said, said
        assert "unranked games" in compared_with_shown(page, sorted(seats)[0])
        ranked = rows(rocket_pg_url, """
            SELECT s.stat_type, (100 * (c.games_below + c.games / 2.0) / c.total)::float FROM rocket.player_stats s
            JOIN LATERAL (SELECT * FROM rocket.peer_value_counts c WHERE c.rank_band = %s AND c.playlist = s.playlist
                 AND c.stat_type = s.stat_type AND c.value_bin <= s.value_bin ORDER BY c.value_bin DESC LIMIT 1) c
                 ON true
            WHERE s.match_id = %s AND s.player_id = %s AND s.stat_type = ANY(%s)""",
                      (band, match, uploader, ["score", "goals", "shots", "boost_bcpm", "movement_avg_speed"]))
        assert len(ranked) >= 3
        for stat, percentile in ranked:
            better = percentile if STATS[stat].better >= 0 else 100 - percentile
            assert f"p{round(better)}" in cells_of(page, stat)[uploader], stat


def test_a_signed_in_player_uploads_a_replay_from_the_page_and_follows_it_to_its_analysis(site, published, request,
                                                                                          rocket_pg_url):
    """Last of the module: the upload publishes one more game."""
    base, page = site
    header = read_header_alone(UPLOADED)
    human = next(p for p in header.players if not p.player_id.startswith("bot:"))
    with psycopg.connect(rocket_pg_url) as conn:
        key = accounts.create(conn, "pages-rocket-player", "player", (human.player_id,))
    match = header.match_id.lower()
    with check(page, request):
        clean_load(page, f"{base}/player.html")
        page.evaluate(f"(() => {{ document.getElementById('upload-key').value = {key!r}; }})()")
        node = page.call("DOM.querySelector", nodeId=page.call("DOM.getDocument")["root"]["nodeId"],
                         selector="#upload-file")["nodeId"]
        page.call("DOM.setFileInputFiles", nodeId=node, files=[str(UPLOADED)])
        page.evaluate("document.getElementById('upload-send').click()")
        page.wait_for("document.getElementById('upload').dataset.status === 'processing'")
        page.wait_for("document.getElementById('upload').dataset.pipeline === 'stopped'")
        assert text(page, "#upload-status").startswith("Saved, but the pipeline is not running"), \
            "no daemon runs beside this app: the page says so rather than spin"
        assert page.evaluate("sessionStorage.getItem('gamestats.apiKey')") == key
        assert page.evaluate("document.getElementById('upload-key').value") == ""
        followed_upload(page, base, published["run_day"], published["data_dir"], match)
        assert human.name in text(page, "#teams")
        assert "raw .replay" in text(page, "#format")
        page.screenshot(SHOTS / "replay_uploaded_1400.png")


def test_an_upload_without_a_valid_key_is_refused_on_the_page_and_nothing_lands(site, request):
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/player.html")
        page.evaluate("(() => { sessionStorage.clear(); document.getElementById('upload-key').value = 'gsk_wrong'; })()")
        node = page.call("DOM.querySelector", nodeId=page.call("DOM.getDocument")["root"]["nodeId"],
                         selector="#upload-file")["nodeId"]
        page.call("DOM.setFileInputFiles", nodeId=node, files=[str(REPLAYS / "5_GOALS_6_KICKOFFS.replay")])
        page.evaluate("document.getElementById('upload-send').click()")
        page.wait_for("document.getElementById('upload').dataset.status === 'refused'")
        assert text(page, "#upload-status").startswith("Not uploaded: 401")
        assert page.evaluate("sessionStorage.getItem('gamestats.apiKey')") is None


PLAYER_API = "*/api/v1/rocket/*player_id=*"
"""The player page's requests of one player's numbers (ten a player)."""
PLAYER_ANSWERS = 11


def choose_player(page, player: str) -> None:
    page.evaluate(f"(() => {{ const s = document.getElementById('player'); s.value = {player!r};"
                  " s.dispatchEvent(new Event('change')); })()")


def players_by_games(pg_url: str) -> list[str]:
    return [p for (p,) in rows(pg_url, "SELECT player_id FROM rocket.player_weaknesses GROUP BY player_id "
                                       "ORDER BY max(matches) DESC, 1 LIMIT 3")]


def test_switching_player_marks_the_old_numbers_stale_until_the_new_answer(site, request, rocket_pg_url):
    base, page = site
    first, second, _ = players_by_games(rocket_pg_url)
    with check(page, request):
        clean_load(page, f"{base}/player.html?player={first}")
        before = text(page, "#replays")
        with page.holding(PLAYER_API):
            choose_player(page, second)
            requests = page.held(f"player_id={second}", PLAYER_ANSWERS)
            stale = page.evaluate("[...document.querySelectorAll('#prediction, #weaknesses, #recommendations, "
                                  "#replays')].map(e => e.getAttribute('aria-busy') === 'true' "
                                  "&& e.classList.contains('stale'))")
            assert stale == [True] * 4 and page.evaluate("document.body.dataset.state") == "loading"
            assert text(page, "#replays") == before
            page.release(requests)
            page.ready()
        assert page.evaluate("document.querySelectorAll('.stale, [aria-busy]').length") == 0
        assert text(page, "#replays") != before


def test_the_answer_of_a_superseded_player_is_dropped(site, request, rocket_pg_url):
    base, page = site
    first, second, third = players_by_games(rocket_pg_url)
    with check(page, request):
        clean_load(page, f"{base}/player.html?player={first}")
        with page.holding(PLAYER_API):
            choose_player(page, second)
            late = page.held(f"player_id={second}", PLAYER_ANSWERS)
            choose_player(page, third)
            page.release(page.held(f"player_id={third}", PLAYER_ANSWERS))
            page.ready()
            shown = text(page, "#replays") + text(page, "#prediction")
            page.release(late)
            page.wait_for("document.body.dataset.dropped === '1'")
        assert text(page, "#replays") + text(page, "#prediction") == shown
        assert third in text(page, "#player-meta") and f"player={third}" in page.evaluate("location.search")
