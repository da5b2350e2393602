"""The League tier list and champion page and the Lineage 2M KPI page in headless Chromium, over the tables a real
run of each domain published (two L2M days, so that a D1 cohort returns): each loads with no error, the tier list
filters a role and opens a champion, the champion page switches patch, the KPI page a server, and its retention and
farms follow the server."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest

from gamestats_assets_tests.serve.pages import SCREENSHOTS, at_phone_width, browser, check, clean_load, served
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


@pytest.fixture(scope="module")
def site(chromium, lol_and_l2m):
    add_earlier_patch(lol_and_l2m["pg_url"])
    with served(lol_and_l2m["pg_url"]) as base, browser() as page:
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


@pytest.mark.parametrize("path", ["tierlist.html", "champion.html", "kpi.html"])
def test_the_pages_fit_a_phone(site, request, path):
    base, page = site
    with check(page, request), at_phone_width(page, f"phone_{path.replace('.html', '')}"):
        clean_load(page, f"{base}/{path}")
