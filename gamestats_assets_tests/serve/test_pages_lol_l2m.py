"""The League tier list and champion page and the Lineage 2M KPI page in headless Chromium, over the tables a real
run of each domain published (two L2M days, so that a D1 cohort returns): each loads with no error, the tier list
filters a role and opens a champion, the champion page switches patch, the KPI page a server, and its retention and
farms follow the server. Then what a user trusts: roles named one way, an unknown champion said so, enough-sample
rows first and the recommended build, runes and spells, a trend axis that fits, ARPU apart from ARPPU, and under
latency (the page's requests held by the test) a loading state, stale numbers marked, a superseded answer dropped,
an error banner cleared by the next answer; an unknown page is an HTML 404 for a browser."""

from __future__ import annotations

import contextlib
import datetime as dt
from urllib.parse import quote, quote_plus

import httpx
import psycopg
import pytest

from gamestats_assets.sources.riot.league import ALL
from gamestats_assets_tests.serve.pages import (SCREENSHOTS, at_phone_width, browser, check, clean_load, cut_elements,
                                                served)
from gamestats_assets_tests.serve.conftest import DAY, client_for

NEXT_DAY = DAY + dt.timedelta(days=1)

LOL_TABLES = ("champion_stats", "item_build_stats", "skill_order_stats", "lane_matchups", "length_win_rates", "patch_trend")
EARLIER_PATCH = "12.20"


def add_earlier_patch(pg_url: str) -> None:
    """The generator plays one patch (12.21); its rows copied as patch `EARLIER_PATCH` (win rates halved in the
    trend) give the patch selector and the trend line a second patch."""
    with psycopg.connect(pg_url) as conn:
        for table in LOL_TABLES:
            conn.execute(f"CREATE TEMP TABLE copied AS SELECT * FROM lol.{table}")
            conn.execute("UPDATE copied SET patch = %s", (EARLIER_PATCH,))
            if table == "patch_trend":
                conn.execute("UPDATE copied SET win_rate = win_rate / 2, win_rate_ci_low = win_rate_ci_low / 2, "
                             "win_rate_ci_high = win_rate_ci_high / 2")
            conn.execute(f"INSERT INTO lol.{table} SELECT * FROM copied")
            conn.execute("DROP TABLE copied")


MOST, BEST, LUCKY = (300, 150, 0.444, 0.556, False), (150, 90, 0.520, 0.674, False), (20, 18, 0.699, 0.972, True)
"""(games, wins, win rate interval, low sample) of three choices: the most played, the best lower bound of those with
enough games, and a lucky one on few games whose lower bound is highest of all."""
CHOICES = {
    "item_build_stats": (("depth", "core_path"), {
        MOST: (3, "Kraken Slayer > Infinity Edge > Bloodthirster"),
        BEST: (3, "Kraken Slayer > Rapid Firecannon > Infinity Edge"),
        LUCKY: (3, "Essence Reaver > Navori Quickblades > Infinity Edge")}),
    "keystone_stats": (("keystone_id", "keystone_name", "primary_style_name"), {
        MOST: (8008, "Lethal Tempo", "Precision"), BEST: (8010, "Conqueror", "Precision"),
        LUCKY: (8128, "Dark Harvest", "Domination")}),
    "rune_page_stats": (("rune_page", "keystone_id", "keystone_name", "rune_names", "primary_style_name",
                         "sub_style_name"), {
        MOST: ("8008-9111-9104-8014-8304-8347", 8008, "Lethal Tempo",
               "Lethal Tempo / Triumph / Legend: Alacrity / Coup de Grace / Magical Footwear / Cosmic Insight",
               "Precision", "Inspiration"),
        BEST: ("8010-9111-9105-8299-8446-8473", 8010, "Conqueror",
               "Conqueror / Triumph / Legend: Haste / Last Stand / Demolish / Bone Plating", "Precision", "Resolve"),
        LUCKY: ("8128-8126-8138-8135-8304-8347", 8128, "Dark Harvest",
                "Dark Harvest / Cheap Shot / Eyeball Collection / Treasure Hunter / Magical Footwear / Cosmic Insight",
                "Domination", "Inspiration")}),
    "starting_item_stats": (("starting_items", "starting_item_names"), {
        MOST: ("1055+2003", "Doran's Blade + Health Potion"), BEST: ("1036+2003+2003", "Long Sword + Health Potion + Health Potion"),
        LUCKY: ("1083+2003", "Cull + Health Potion")}),
    "spell_pair_stats": (("spell_pair", "spell_1_id", "spell_2_id", "spell_names"), {
        MOST: ("4+7", 4, 7, "Flash + Heal"), BEST: ("4+14", 4, 14, "Flash + Ignite"),
        LUCKY: ("4+21", 4, 21, "Flash + Barrier")}),
}
"""The three choices of each table the champion page recommends from, with their keys and Data Dragon names."""
CHAMPION_GAMES = 500


def add_sampled_choices(pg_url: str, champion: str, patch: str) -> None:
    """A day of one patch has too few games for any choice to have enough; the champion's rows of `CHOICES` on
    `patch` are replaced by the three choices there, of all games (tier `ALL`), as a larger sample publishes them."""
    with psycopg.connect(pg_url) as conn:
        for table, (columns, choices) in CHOICES.items():
            template = (f"SELECT * FROM lol.{table} WHERE champion_name = %s AND patch = %s AND tier = %s "
                        "ORDER BY games DESC LIMIT 1")
            conn.execute(f"CREATE TEMP TABLE template AS {template}", (champion, patch, ALL))
            conn.execute(f"DELETE FROM lol.{table} WHERE champion_name = %s AND patch = %s", (champion, patch))
            for (games, wins, low, high, low_sample), keys in choices.items():
                assigned = ", ".join(f"{column} = %s" for column in columns)
                conn.execute(f"UPDATE template SET {assigned}, games = %s, wins = %s, win_rate = %s, "
                             "win_rate_ci_low = %s, win_rate_ci_high = %s, low_sample = %s, champion_games = %s, "
                             "pick_rate = %s", (*keys, games, wins, wins / games, low, high, low_sample,
                                                CHAMPION_GAMES, games / CHAMPION_GAMES))
                conn.execute(f"INSERT INTO lol.{table} SELECT * FROM template")
            conn.execute("DROP TABLE template")


def champions_by_games(pg_url: str) -> list[str]:
    with psycopg.connect(pg_url) as conn:
        return [r[0] for r in conn.execute("SELECT champion_name FROM lol.patch_trend GROUP BY champion_name "
                                           "ORDER BY sum(games) DESC, champion_name").fetchall()]


@pytest.fixture(scope="module")
def site(chromium, lol_and_l2m):
    """The pages over the published rows, with a second patch, the most played champion's choices sampled enough on
    the latest patch, and the least played champion on one patch only."""
    pg_url = lol_and_l2m["pg_url"]
    add_earlier_patch(pg_url)
    champions = champions_by_games(pg_url)
    add_sampled_choices(pg_url, champions[0], "12.21")
    with psycopg.connect(pg_url) as conn:
        conn.execute("DELETE FROM lol.patch_trend WHERE champion_name = %s AND patch = %s", (champions[-1], EARLIER_PATCH))
    with served(pg_url) as base, browser() as page:
        yield base, page


def test_the_selectors_endpoints_and_the_cohort_ranges(site, lol_and_l2m):
    with client_for(lol_and_l2m["pg_url"], requests_per_minute=100_000) as client:
        champions = client.get("/api/v1/lol/champions").json()["data"]["champions"]
        assert champions and champions[0]["games"] >= champions[-1]["games"]
        assert set(champions[0]["patches"]) == {"12.21", EARLIER_PATCH}
        servers = client.get("/api/v1/l2m/servers").json()["data"]["servers"]
        assert servers and all(s["first_day"] == DAY.isoformat() and s["last_day"] == NEXT_DAY.isoformat() for s in servers)
        day = {"from": DAY.isoformat(), "to": DAY.isoformat()}
        assert client.get("/api/v1/l2m/farms", params=day).json()["data"]
        whole = client.get("/api/v1/l2m/retention", params=day).json()["data"]
        assert [(r["day_n"], r["date"]) for r in whole] == [(1, NEXT_DAY.isoformat())]
        per_server = [client.get("/api/v1/l2m/retention", params={**day, "server_id": s["server_id"]}).json()["data"]
                      for s in servers]
        assert all(r["server_id"] == s["server_id"] for rows, s in zip(per_server, servers) for r in rows)
        for column in ("cohort_size", "retained_users"):
            assert sum(r[column] for rows in per_server for r in rows) == whole[0][column]
        farms = client.get("/api/v1/l2m/farms", params=day).json()["data"]
        server_farms = [r for s in servers for r in
                        client.get("/api/v1/l2m/farms", params={**day, "server_id": s["server_id"]}).json()["data"]]
        assert sum(r["accounts"] for r in server_farms) == sum(r["accounts"] for r in farms)
        assert client.get("/api/v1/l2m/farms", params={**day, "server_id": -1}).status_code == 422
        for path in ("/api/v1/l2m/farms", "/api/v1/l2m/retention"):
            assert client.get(path, params={"from": "2026-02-02", "to": "2026-02-01"}).status_code == 422
            assert client.get(path, params={"from": "2020-01-01", "to": "2026-02-01"}).status_code == 422
            assert client.get(path, params={"from": "x", "to": "2026-02-01"}).status_code == 422


def test_the_champion_page_shows_builds_with_intervals_and_switches_patch(site, request):
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/champion.html")
        patches = page.evaluate("[...document.querySelectorAll('#patch option')].map(o => o.value)")
        assert patches == ["12.21", EARLIER_PATCH]
        assert page.evaluate("document.querySelectorAll('#builds tbody tr').length") > 0
        assert "n=" in page.evaluate("document.querySelector('#builds tbody tr').innerText")
        assert page.evaluate("document.querySelectorAll('#builds .thin').length") > 0
        trend = page.evaluate("Chart.getChart(document.getElementById('trend')).data.labels")
        assert trend == [EARLIER_PATCH, "12.21"]
        page.screenshot(SCREENSHOTS / "pages" / "champion.png")
        before = page.evaluate("document.getElementById('summary').innerText")
        page.evaluate("(() => { const s = document.getElementById('patch'); s.value = '12.20';"
                      " s.dispatchEvent(new Event('change')); })()")
        page.ready()
        assert "patch 12.20" in page.evaluate("document.getElementById('title').innerText")
        assert page.evaluate("document.getElementById('summary').innerText") != before
        assert "patch=12.20" in page.evaluate("location.search") and not page.errors


def test_the_tier_list_filters_a_role_and_opens_the_champions_page(site, request):
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/tierlist.html")
        patches = page.evaluate("[...document.querySelectorAll('#patch option')].map(o => o.value)")
        assert patches == ["12.21", EARLIER_PATCH]
        queues = page.evaluate("[...document.querySelectorAll('#queue option')].map(o => [o.value, o.textContent])")
        assert ["ranked_solo", "Ranked Solo/Duo"] in queues, queues
        assert page.evaluate("document.getElementById('title').textContent").startswith(
            "Tier list · Ranked Solo/Duo · patch 12.21"), "a queue is named as Riot's client names it"
        rows = page.evaluate("[...document.querySelectorAll('#champions tbody tr')].map(r => r.innerText)")
        assert rows and all("n=" in row for row in rows)
        page.screenshot(SCREENSHOTS / "pages" / "tierlist.png")
        page.evaluate("(() => { const s = document.getElementById('role'); s.value = 'JUNGLE';"
                      " s.dispatchEvent(new Event('change')); })()")
        page.ready()
        jungle = page.evaluate("[...document.querySelectorAll('#champions tbody tr')].map(r => r.innerText)")
        assert jungle and len(jungle) < len(rows) and all("Jungle" in row for row in jungle)
        assert "role=JUNGLE" in page.evaluate("location.search")
        page.evaluate("(() => { const s = document.getElementById('min-games'); s.value = '2';"
                      " s.dispatchEvent(new Event('change')); })()")
        page.ready()
        assert "min_games=2" in page.evaluate("location.search")
        first = page.evaluate("document.querySelector('#champions tbody tr td:nth-child(2)').innerText")
        page.evaluate("document.querySelector('#champions tbody tr').click()")
        page.wait_for("location.pathname === '/champion.html'")
        page.ready()
        assert page.evaluate("location.pathname") == "/champion.html"
        assert page.evaluate("document.getElementById('champion').value") == first
        assert page.evaluate("document.querySelectorAll('#roles tbody tr').length") > 0 and not page.errors


def test_the_demos_own_games_give_rank_slices_and_a_chosen_rank_shows_its_published_rows(site, lol_and_l2m, request):
    """The generator writes each game's league entries as the Riot client does, so the rank selector offers the
    tiers of the demo's games; choosing the tier with the most games shows that slice's rows of
    `lol.champion_stats`, counted as the table counts them."""
    pg_url = lol_and_l2m["pg_url"]
    with psycopg.connect(pg_url) as conn:
        tiers = [t for (t,) in conn.execute("SELECT DISTINCT tier FROM lol.champion_stats WHERE patch = '12.21' "
                                            "AND tier <> %s ORDER BY 1", (ALL,)).fetchall()]
        (busiest, queue_games), = conn.execute(
            "SELECT tier, max(queue_games) FROM lol.champion_stats WHERE patch = '12.21' AND tier <> %s "
            "AND tier NOT LIKE '%%\\_plus' GROUP BY tier ORDER BY 2 DESC, 1 LIMIT 1", (ALL,)).fetchall()
        rows = conn.execute("SELECT count(*) FROM lol.champion_stats WHERE patch = '12.21' AND tier = %s "
                            "AND queue = 'ranked_solo'", (busiest,)).fetchone()[0]
    assert {"silver", "gold", "platinum", "emerald_plus"} <= set(tiers), tiers
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/tierlist.html")
        offered = page.evaluate("[...document.querySelectorAll('#tier option')].map(o => o.value)")
        assert set(tiers) <= set(offered) and "" in offered, offered
        page.evaluate(f"(() => {{ const s = document.getElementById('tier'); s.value = '{busiest}';"
                      " s.dispatchEvent(new Event('change')); })()")
        page.ready()
        assert f"tier={busiest}" in page.evaluate("location.search")
        assert page.evaluate("document.querySelectorAll('#champions tbody tr').length") == rows
        caption = page.evaluate("document.querySelector('#champions caption').textContent")
        assert caption.startswith(f"{queue_games:,} games of this queue and patch"), caption


def test_the_kpi_page_shows_the_days_and_switches_server_with_its_retention_and_farms(site, request):
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/kpi.html")
        assert page.evaluate("document.getElementById('from').value") == DAY.isoformat()
        every = page.evaluate("document.querySelector('#days tbody tr').innerText")
        assert DAY.isoformat() in every and "n=" in every
        assert page.evaluate("Chart.getChart(document.getElementById('dau')).data.datasets[0].data[0]") > 0
        assert page.evaluate("Chart.getChart(document.getElementById('farms')).data.datasets[0].data[0]") > 0
        assert "farms" in page.evaluate("document.getElementById('farms-note').innerText")
        retention = page.evaluate("document.getElementById('retention-note').innerText")
        assert retention.startswith("D1 ") and "n=" in retention
        assert "all servers" in page.evaluate("document.getElementById('retention-title').innerText")
        page.screenshot(SCREENSHOTS / "pages" / "kpi.png")
        server = page.evaluate("document.getElementById('server').options[1].value")
        page.evaluate(f"(() => {{ const s = document.getElementById('server'); s.value = {server!r};"
                      " s.dispatchEvent(new Event('change')); })()")
        page.ready()
        assert page.evaluate("document.querySelector('#days tbody tr').innerText") != every and not page.errors
        assert f"server {server}" in page.evaluate("document.getElementById('retention-title').innerText")
        assert f"server {server}" in page.evaluate("document.getElementById('farms-note').innerText")
        one_server = page.evaluate("document.getElementById('retention-note').innerText")
        assert one_server != retention and f"server_id={server}" in page.evaluate("location.search")


@pytest.mark.parametrize("path", ["tierlist.html", "champion.html", "kpi.html", "index.html"])
def test_the_pages_fit_a_phone(site, request, path):
    base, page = site
    with check(page, request), at_phone_width(page, f"phone_{path.replace('.html', '')}"):
        clean_load(page, f"{base}/{path}")


@pytest.mark.parametrize("path", ["tierlist.html", "champion.html", "kpi.html", "index.html"])
def test_the_pages_cut_no_text_on_a_desktop(site, request, path):
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/{path}")
        assert cut_elements(page) == []


ROLE_NAMES = {"Top", "Jungle", "Mid", "Bot", "Support"}
CHAMPION_API = "*/api/v1/lol/champions/*"
CHAMPION_TABLES = 13
"""The champion page's requests for one choice: the patch trend and twelve tables of the queue and patch."""


def held_tables(page, contains: str, count: int = CHAMPION_TABLES) -> list[dict]:
    """The champion page's `count` held requests whose URL contains `contains`, once its read of the champion's
    ranks (`/tiers`), which comes first and decides the rank the tables are asked for, has been let through."""
    page.release(page.held("/tiers?"))
    return page.held(contains, count)


def texts(page, selector: str, text: str = "innerText") -> list[str]:
    """The text of every element of `selector`: as shown (`innerText`), or also where folded away (`textContent`)."""
    return page.evaluate(f"[...document.querySelectorAll({selector!r})].map(e => e.{text}.trim())")


def cells(page, selector: str) -> list[list[str]]:
    """The text of each cell of every row of `selector`, also where folded away."""
    return page.evaluate(f"[...document.querySelectorAll({selector!r})]"
                         ".map(r => [...r.querySelectorAll('td')].map(td => td.textContent.trim()))")


def choose(page, select: str, value: str) -> None:
    page.evaluate(f"(() => {{ const s = document.getElementById({select!r}); s.value = {value!r};"
                  f" s.dispatchEvent(new Event('change')); }})()")


def test_roles_are_named_one_way_on_every_page(site, lol_and_l2m, request):
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/tierlist.html")
        tier_roles = texts(page, "#champions tbody td:nth-child(3)")
        options = texts(page, "#role option")[1:]
        assert set(tier_roles) == ROLE_NAMES and options == ["Top", "Jungle", "Mid", "Bot", "Support"]
        for champion in champions_by_games(lol_and_l2m["pg_url"])[:3]:
            clean_load(page, f"{base}/champion.html?champion={champion}&patch=12.21")
            roles = (texts(page, "#roles tbody td:first-child", "textContent")
                     + texts(page, "#matchups tbody td:nth-child(2)", "textContent"))
            assert roles and set(roles) <= ROLE_NAMES, roles


def test_an_unknown_champion_says_so_with_the_way_back(site, request):
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/champion.html?champion=Nobodyx")
        assert "Nobodyx" in page.evaluate("document.getElementById('title').innerText")
        assert "Nobodyx" in page.evaluate("document.getElementById('notice').innerText")
        assert page.evaluate("document.querySelector('#notice a').getAttribute('href')") == "tierlist.html"
        assert page.evaluate("document.getElementById('champion-data').hidden")
        assert page.evaluate("document.getElementById('champion').value") == ""
        clean_load(page, f"{base}/champion.html?champion=eZreal")
        assert page.evaluate("document.getElementById('title').innerText").startswith("Ezreal")


def test_the_build_list_shows_enough_sample_rows_first_and_folds_the_few(site, lol_and_l2m, request):
    base, page = site
    champion = champions_by_games(lol_and_l2m["pg_url"])[0]
    with check(page, request):
        clean_load(page, f"{base}/champion.html?champion={champion}&patch=12.21")
        builds = CHOICES["item_build_stats"][1]
        shown = texts(page, "#builds > div > table tbody tr")
        assert [row.split("\t")[0] for row in shown] == [builds[MOST][1], builds[BEST][1]]
        assert all("n=" in row and "[" in row and "low sample" not in row for row in shown)
        folded = page.evaluate("document.querySelector('#builds details')")
        assert folded is not None and not page.evaluate("document.querySelector('#builds details').open")
        few = texts(page, "#builds details tbody tr", "textContent")
        assert builds[LUCKY][1] in "\n".join(few) and all("n=" in row for row in few)
        assert page.evaluate("document.querySelectorAll('#builds details tbody .thin').length") == len(few)
        assert "low-sample builds" in page.evaluate("document.querySelector('#builds details summary').innerText")


def test_the_champion_page_recommends_the_most_played_then_the_best_with_enough_games(site, lol_and_l2m, request):
    base, page = site
    champion = champions_by_games(lol_and_l2m["pg_url"])[0]
    with check(page, request):
        clean_load(page, f"{base}/champion.html?champion={champion}&patch=12.21")
        for card, table in (("pick-starting", "starting_item_stats"), ("pick-build", "item_build_stats"), ("pick-keystone", "keystone_stats"),
                            ("pick-page", "rune_page_stats"), ("pick-spells", "spell_pair_stats")):
            columns, choices = CHOICES[table]
            name = {"pick-starting": 1, "pick-build": 1, "pick-keystone": 1, "pick-page": 3, "pick-spells": 3}[card]
            names = texts(page, f"#{card} dd.name")
            assert len(names) == 2, (card, names)
            assert names[0].startswith(str(choices[MOST][name])) and f"n={MOST[0]}" in texts(page, f"#{card} dd")[1]
            assert names[1].startswith(str(choices[BEST][name])) and f"n={BEST[0]}" in texts(page, f"#{card} dd")[3]
            assert str(choices[LUCKY][name]) not in page.evaluate(f"document.getElementById('{card}').innerText")
        assert "Conqueror (Precision)" in texts(page, "#pick-keystone dd.name")[1]
        assert "Precision + Resolve" in texts(page, "#pick-page dd.name")[1]
        assert texts(page, "#keystones > div > table tbody tr") and texts(page, "#spells > div > table tbody tr")


@pytest.mark.parametrize("phone", (False, True))
def test_the_champion_page_shows_the_skill_path_late_items_and_boots_as_published(site, lol_and_l2m, request, phone):
    """The most played skill path drawn level by level with its rate and games, every published path listed; the
    fourth to sixth items by place and the boots each with their games; each section says what it counts; on a
    desktop and on a phone, where nothing scrolls sideways."""
    pg_url = lol_and_l2m["pg_url"]
    champion = champions_by_games(pg_url)[0]
    with psycopg.connect(pg_url) as conn:
        (queue,) = conn.execute("SELECT queue FROM lol.champion_stats WHERE champion_name = %s AND patch = '12.21' "
                                "AND tier = %s ORDER BY games DESC LIMIT 1", (champion, ALL)).fetchone()
        mine = "WHERE champion_name = %s AND queue = %s AND patch = '12.21' AND tier = %s"
        paths = conn.execute(f"SELECT skill_path, games, champion_games FROM lol.skill_path_stats {mine} "
                             "ORDER BY games DESC, win_rate_ci_low DESC, skill_path", (champion, queue, ALL)).fetchall()
        boots = conn.execute(f"SELECT item_name, games FROM lol.boots_stats {mine}", (champion, queue, ALL)).fetchall()
        late = conn.execute(f"SELECT slot, item_name, games, champion_games FROM lol.late_item_stats {mine}",
                            (champion, queue, ALL)).fetchall()
    assert paths and boots and 4 in {slot for slot, *_ in late}
    base, page = site
    with check(page, request), at_phone_width(page, "phone_champion_reached") if phone else contextlib.nullcontext():
        clean_load(page, f"{base}/champion.html?champion={quote_plus(champion)}&queue={queue}&patch=12.21")
        marked = page.evaluate("[...document.querySelectorAll('#skill-path tbody tr')].map(r => [r.querySelector('th')"
                               ".innerText, [...r.querySelectorAll('td')].map(td => td.classList.contains('taken'))])")
        drawn = "".join(next(skill for skill, taken in marked if taken[level]) for level in range(15))
        top, games, reached = paths[0]
        assert drawn == top and [skill for skill, _ in marked] == ["Q", "W", "E", "R"]
        line = page.evaluate("document.querySelector('#skill-path .path-rate').innerText")
        assert " ".join(top) in line and f"n={games:,}" in line and f"of {reached:,} players with 15 points" in line
        listed = texts(page, "#skill-paths tbody tr td:first-child", "textContent")
        assert sorted(listed) == sorted(" ".join(path) for path, _, _ in paths)
        for slot in (4, 5, 6):
            items = [(name, games, reached) for place, name, games, reached in late if place == slot]
            rows = cells(page, f"#late-items [data-slot='{slot}'] tbody tr")
            if not items:
                assert not rows, f"no build reached item {slot}: the page shows no place for it"
                continue
            assert sorted((row[0], row[1]) for row in rows) == sorted((name, f"{games:,}") for name, games, _ in items)
            assert all(f"n={row[1]}" in row[3] for row in rows)
            heading = page.evaluate(f"document.querySelector(\"#late-items [data-slot='{slot}'] h3\").innerText")
            assert f"{items[0][2]:,} builds reached it" in heading
        shown_boots = cells(page, "#boots tbody tr")
        assert sorted((row[0], row[1]) for row in shown_boots) == sorted((name, f"{games:,}") for name, games in boots)
        notes = page.evaluate("[...document.querySelectorAll('section.card p.muted')].map(p => p.innerText).join(' ')")
        assert "at least 15" in notes and "reached that place" in notes and "finished a pair" in notes
        assert not page.errors


def test_the_patch_trend_axis_fits_its_rates_and_one_patch_says_so(site, lol_and_l2m, request):
    base, page = site
    champions = champions_by_games(lol_and_l2m["pg_url"])
    with check(page, request):
        clean_load(page, f"{base}/champion.html?champion={champions[0]}")
        axis = page.evaluate("(() => { const c = Chart.getChart(document.getElementById('trend'));"
                             " return [c.scales.y.min, c.scales.y.max, c.data.datasets.flatMap(d => d.data)]; })()")
        low, high, values = axis
        assert low <= min(values) and high >= max(values) and high - low <= max(values) - min(values) + 25, axis
        clean_load(page, f"{base}/champion.html?champion={champions[-1]}")
        assert "one patch (12.21)" in page.evaluate("document.getElementById('trend-note').innerText")
        assert page.evaluate("document.getElementById('trend-chart').hidden")
        assert page.evaluate("Chart.getChart(document.getElementById('trend')) === undefined")


def test_arpu_is_not_drawn_on_arppus_axis(site, request):
    base, page = site
    with check(page, request):
        clean_load(page, f"{base}/kpi.html")
        arpu, arppu = (page.evaluate(f"(() => {{ const c = Chart.getChart(document.getElementById('{name}'));"
                                     " return [c.data.datasets.map(d => d.label), c.data.datasets[0].data, c.scales.y.max]; })()")
                       for name in ("arpu", "arppu"))
        assert [label.split(":")[0] for label in arpu[0] + arppu[0]] == ["ARPU", "ARPPU"]
        assert max(arpu[1]) < 5 < min(arppu[1]), (arpu[1], arppu[1])
        assert arpu[2] < min(arppu[1]) and max(arpu[1]) > arpu[2] / 10, arpu


@pytest.mark.parametrize(("path", "held", "count", "region"), [
    ("champion.html", CHAMPION_API, CHAMPION_TABLES, "summary"), ("tierlist.html", "*/api/v1/lol/tier-list*", 1, "champions"),
    ("kpi.html", "*/api/v1/l2m/kpis*", 1, "totals")])
def test_a_page_says_it_is_loading_until_its_answer_comes(site, request, path, held, count, region):
    base, page = site
    with check(page, request), page.holding(held):
        page.goto(f"{base}/{path}")
        requests = (held_tables(page, held.strip("*").split("*")[0]) if path == "champion.html"
                    else page.held(held.strip("*").split("*")[0], count))
        page.wait_for("document.getElementById('loading-note')?.offsetParent !== null")
        assert page.evaluate("document.body.dataset.state") == "loading"
        assert "Loading" in page.evaluate("document.getElementById('loading-note').innerText")
        page.release(requests)
        page.ready()
        page.wait_for(f"document.getElementById('{region}').innerText.includes('n=')")
        assert page.evaluate("document.getElementById('loading-note').offsetParent") is None


def test_switching_champion_marks_the_old_numbers_stale_until_the_new_answer(site, lol_and_l2m, request):
    base, page = site
    first, second = champions_by_games(lol_and_l2m["pg_url"])[:2]
    with check(page, request):
        clean_load(page, f"{base}/champion.html?champion={first}")
        before = page.evaluate("document.getElementById('summary').innerText")
        with page.holding(CHAMPION_API):
            choose(page, "champion", second)
            requests = held_tables(page, f"/champions/{quote(second)}/")
            assert page.evaluate("document.getElementById('title').innerText").startswith(second)
            stale = page.evaluate("[...document.querySelectorAll('#summary, #builds, #recommended, #roles')]"
                                  ".map(e => e.getAttribute('aria-busy') === 'true' && e.classList.contains('stale'))")
            assert stale == [True] * 4 and page.evaluate("document.body.dataset.state") == "loading"
            page.release(requests)
            page.ready()
        assert page.evaluate("document.querySelectorAll('.stale, [aria-busy]').length") == 0
        assert page.evaluate("document.getElementById('summary').innerText") != before


def test_the_answer_of_a_superseded_choice_is_dropped(site, lol_and_l2m, request):
    base, page = site
    first, second, third = champions_by_games(lol_and_l2m["pg_url"])[:3]
    with check(page, request):
        clean_load(page, f"{base}/champion.html?champion={first}")
        with page.holding(CHAMPION_API):
            choose(page, "champion", second)
            late = held_tables(page, f"/champions/{quote(second)}/")
            choose(page, "champion", third)
            page.release(held_tables(page, f"/champions/{quote(third)}/"))
            page.ready()
            shown = page.evaluate("document.getElementById('recommended').innerText")
            page.release(late)
            page.wait_for("document.body.dataset.dropped === '1'")
        assert page.evaluate("document.getElementById('title').innerText").startswith(third)
        assert page.evaluate("document.getElementById('recommended').innerText") == shown
        assert f"champion={quote_plus(third)}" in page.evaluate("location.search")


def test_an_error_banner_clears_when_the_next_answer_comes(site, lol_and_l2m, request):
    base, page = site
    champion = champions_by_games(lol_and_l2m["pg_url"])[0]
    with check(page, request):
        clean_load(page, f"{base}/champion.html?champion={champion}&patch=12.21")
        with page.holding(CHAMPION_API):
            choose(page, "patch", EARLIER_PATCH)
            page.fail(held_tables(page, f"patch={EARLIER_PATCH}", CHAMPION_TABLES - 1) + page.held("patch-trend"))
            page.ready()
            assert "the server failed" in page.evaluate("document.getElementById('errors').innerText")
            assert page.evaluate("document.querySelectorAll('#errors p').length") == 1, "the newest error, not a stack"
            assert page.evaluate("document.getElementById('summary').getAttribute('aria-busy')") == "true"
            choose(page, "patch", "12.21")
            page.release(held_tables(page, "patch=12.21", CHAMPION_TABLES - 1) + page.held("patch-trend"))
            page.ready()
        assert page.evaluate("document.getElementById('errors').innerText") == ""
        assert page.evaluate("document.querySelectorAll('#errors p').length") == 0


def test_an_unknown_page_is_a_page_for_a_browser_and_json_for_the_api(site, request):
    base, page = site
    with check(page, request):
        page.goto(f"{base}/no-such-page.html")
        page.wait_for("document.readyState === 'complete' && document.title.includes('not found')")
        assert page.evaluate("document.querySelector('main a').getAttribute('href')") == "/"
    browser_like = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    answer = httpx.get(f"{base}/no-such-page.html", headers=browser_like)
    assert answer.status_code == 404 and answer.headers["content-type"].startswith("text/html")
    for path, headers in (("/api/v1/no-such", browser_like), ("/no-such-page.html", {"Accept": "application/json"}),
                          ("/api/v1/lol/champions/Nobodyx/builds", browser_like)):
        answer = httpx.get(f"{base}{path}", headers=headers)
        assert answer.status_code == 404 and answer.headers["content-type"] == "application/json", path
        assert "detail" in answer.json()
