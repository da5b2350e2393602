"""The PUBG match page in Chromium at a desktop's and a phone's width, over the tables a real pubg run published:
each player linked to their page and the page back to the tournament, every column of the teams and players tables
whole (the damage included) as `pubg.match_summaries` holds it (the distances walked and driven included), and the kill feed's distances those of
`pubg.kill_positions`, the distance between where the killer stood and where the victim fell, within a rifle's
reach."""

from __future__ import annotations

import math

import psycopg
import pytest

from gamestats_assets_tests.serve.pages import SCREENSHOTS, browser, check, clean_load, cut_elements, served

WIDTHS = ((1400, 900), (390, 844))
COLUMNS = ("[...document.querySelectorAll('#{table} tbody tr')].map(r => Object.fromEntries([...r.cells].map((c, i) =>"
           " [r.closest('table').querySelectorAll('th')[i].dataset.key, c.innerText])))")


def query(pg_url: str, statement: str, *params) -> list[tuple]:
    with psycopg.connect(pg_url) as conn:
        return conn.execute(statement, params).fetchall()


@pytest.fixture(scope="module")
def site(chromium, published):
    with served(published["pg_url"]) as base, browser() as page:
        yield base, page


@pytest.fixture(scope="module")
def match_id(published) -> str:
    [(found,)] = query(published["pg_url"], "SELECT o.match_id FROM pubg.tournament_match_outcomes o WHERE o.scored "
                                            "AND EXISTS (SELECT FROM pubg.kill_positions k WHERE k.match_id = "
                                            "o.match_id AND k.killer_x_m IS NOT NULL) ORDER BY 1 LIMIT 1")
    return found


def whole(page, table: str) -> list[str]:
    """The header cells of `#table` that its scrolling box does not show whole once scrolled to them."""
    return page.evaluate(f"""(() => {{
      const box = document.querySelector('#{table}');
      const cut = [];
      for (const th of box.querySelectorAll('th')) {{
        box.scrollLeft = th.offsetLeft;
        const edge = box.getBoundingClientRect(), cell = th.getBoundingClientRect();
        if (cell.width > edge.width + 1 || th.scrollWidth > th.clientWidth + 1) cut.push(th.dataset.key);
      }}
      box.scrollLeft = 0;
      return cut;
    }})()""")


@pytest.mark.parametrize("width", WIDTHS, ids=lambda w: f"{w[0]}")
def test_each_player_links_to_their_page_and_every_column_is_whole(site, published, match_id, request, width):
    base, page = site
    players = {name: (account, round(damage)) for name, account, damage in query(
        published["pg_url"], "SELECT player_name, account_id, damage_dealt FROM pubg.match_summaries "
                             "WHERE match_id = %s", match_id)}
    travelled = {name: (walked, rode) for name, walked, rode in query(
        published["pg_url"], "SELECT player_name, walk_distance_m, ride_distance_m FROM pubg.match_summaries "
                             "WHERE match_id = %s", match_id)}
    assert any(rode > 0 for _, rode in travelled.values()), "the match object states who drove"
    teams = query(published["pg_url"], "SELECT min(placement), round(round(sum(damage_dealt)::numeric, 1)) "
                                       "FROM pubg.match_summaries WHERE match_id = %s GROUP BY team_id ORDER BY 1",
                  match_id)
    with check(page, request):
        page.viewport(*width)
        clean_load(page, f"{base}/match.html?id={match_id}")
        links = page.evaluate("[...document.querySelectorAll('#players tbody a')].map(a => [a.innerText,"
                              " a.getAttribute('href')])")
        assert sorted(links) == sorted([name, f"pubg_player.html?id={account}"]
                                       for name, (account, _) in players.items())
        shown = page.evaluate(COLUMNS.format(table="players"))
        assert {r["player"]: (r["walked"], r["rode"]) for r in shown} == {
            n: (f"{w / 1000:.1f} km", f"{r / 1000:.1f} km") for n, (w, r) in travelled.items()}
        assert {r["player"]: int(r["damage"].replace(",", "")) for r in shown} == {
            n: d for n, (_, d) in players.items()}
        shown_teams = page.evaluate(COLUMNS.format(table="teams"))
        assert [(int(r["placement"]), int(float(r["damage"].replace(",", "")) + 0.5)) for r in shown_teams] == [
            (p, int(d)) for p, d in teams]
        assert whole(page, "players") == [] and whole(page, "teams") == []
        if width[0] >= 1400:
            assert page.evaluate("(() => { const b = document.getElementById('teams');"
                                 " return b.scrollWidth <= b.clientWidth + 1; })()"), "the teams' damage is cut"
        assert page.evaluate("document.getElementById('back').getAttribute('href')").startswith("tournament.html")
        assert page.evaluate("document.documentElement.scrollWidth") <= width[0] + 1 and cut_elements(page) == []
        page.screenshot(SCREENSHOTS / "pages" / f"match_{width[0]}.png")


def test_the_feeds_distances_are_the_tables_and_the_maps(site, published, match_id, request):
    base, page = site
    kills = query(published["pg_url"], "SELECT distance_m, killer_x_m, killer_y_m, victim_x_m, victim_y_m FROM "
                                       "pubg.kill_positions WHERE match_id = %s ORDER BY event_index", match_id)
    with check(page, request):
        clean_load(page, f"{base}/match.html?id={match_id}")
        feed = page.evaluate("[...document.querySelectorAll('#feed li')].map(li => li.innerText)")
        assert len(feed) == len(kills)
        for line, (distance, kx, ky, vx, vy) in zip(feed, kills):
            if distance is None:
                assert not line.endswith(" m")
                continue
            assert line.endswith(f" · {round(distance):,} m") and distance < 1_000, line
            if kx is not None:
                assert abs(math.dist((kx, ky), (vx, vy)) - distance) < 5, line
