"""The findings page's first completed item against gold at 15 minutes in headless Chromium, on a desktop and a
phone, over the tables a real run published with one tested row planted significant: only the rows
`lol.first_item_gold` calls significant are listed as significant, the other tested ones folded with their effect,
interval and q, the untested ones folded apart, the low samples greyed with their n; a role narrows them and a
champion is said to be no filter of theirs."""

from __future__ import annotations

import contextlib

import psycopg
import pytest

from gamestats_assets_tests.serve.pages import at_phone_width, browser, check, clean_load, served

SECTION = "#section-first-item-gold"
ROLE_NAMES = {"TOP": "Top", "JUNGLE": "Jungle", "MIDDLE": "Mid", "BOTTOM": "Bot", "UTILITY": "Support"}
ROWS = (f"[...document.querySelectorAll('{SECTION} {{part}} tbody tr')].map((r) => "
        "({{cells: [...r.cells].map((c) => c.textContent.trim()), thin: r.classList.contains('thin-row'), "
        "greyed: !!r.cells[4].querySelector('.thin')}}))")


@pytest.fixture(scope="module")
def site(chromium, lol_findings):
    pg_url = lol_findings["pg_url"]
    with psycopg.connect(pg_url) as conn:
        conn.execute("UPDATE lol.first_item_gold SET p_value = 0.0004, q_value = 0.001, significant = true WHERE (queue, patch, "
                     "team_position, length_from_min, gold_15_from, item_id) = (SELECT queue, patch, team_position, "
                     "length_from_min, gold_15_from, item_id FROM lol.first_item_gold WHERE NOT low_sample "
                     "AND q_value IS NOT NULL ORDER BY games DESC, item_id LIMIT 1)")
    with served(pg_url) as base, browser() as page:
        yield base, page, pg_url


def published(pg_url: str, where: str) -> list[tuple]:
    """(item, games, win rate, q) of the rows `where` picks."""
    with psycopg.connect(pg_url) as conn:
        return conn.execute(f"SELECT coalesce(item_name, 'item ' || item_id), games, win_rate, q_value "
                            f"FROM lol.first_item_gold WHERE {where}").fetchall()


def shown(page, part: str) -> list[dict]:
    return page.evaluate(ROWS.format(part=part))


def as_cells(rows: list[dict]) -> list[tuple]:
    return sorted((r["cells"][3], int(r["cells"][4].rsplit("n=", 1)[1].replace(",", ""))) for r in rows)


@pytest.mark.parametrize("phone", (False, True))
def test_only_the_significant_rows_are_listed_as_significant(site, request, phone):
    base, page, pg_url = site
    with check(page, request), at_phone_width(page, "phone_first_item_gold") if phone else contextlib.nullcontext():
        clean_load(page, f"{base}/findings.html")
        held = published(pg_url, "significant")
        assert len(held) == 1
        significant = shown(page, ".significant")
        assert as_cells(significant) == sorted((item, games) for item, games, _, _ in held)
        item, games, rate, q = held[0]
        cells = significant[0]["cells"]
        assert cells[4].startswith(f"{rate * 100:.1f}% [") and cells[6].endswith("pts") and cells[7] == "0.001"
        weak, tested = shown(page, ".not-significant"), published(pg_url, "q_value IS NOT NULL")
        assert len(weak) == min(len(tested), 100) - 1
        assert set(as_cells(weak)) <= {(i, g) for i, g, _, _ in tested}
        assert all("[" in r["cells"][6] and r["cells"][7] != "—" for r in weak)
        low, few = shown(page, ".low-sample"), published(pg_url, "q_value IS NULL")
        assert few and len(low) == min(len(few), 100) and set(as_cells(low)) <= {(i, g) for i, g, _, _ in few}
        assert all(r["cells"][6] == "untested" and r["cells"][7] == "—" for r in low)
        every = [*significant, *weak, *low]
        assert any(r["thin"] for r in every) and all(r["thin"] == r["greyed"] for r in every)
        counts = page.evaluate(f"document.querySelector('{SECTION} [data-counts]').textContent")
        assert counts.startswith(f"{len(tested):,}") and f"tested: 1 significant (q below 0.05), {len(weak)} not; " \
            f"{len(few):,}" in counts


def test_a_role_narrows_the_rows_and_a_champion_is_said_to_be_no_filter(site, request):
    base, page, pg_url = site
    with check(page, request):
        with psycopg.connect(pg_url) as conn:
            ((role, _),) = conn.execute("SELECT team_position, count(*) FROM lol.first_item_gold GROUP BY 1 "
                                           "ORDER BY 2 DESC, 1 LIMIT 1").fetchall()
            (champion,) = conn.execute("SELECT champion_name FROM lol.champion_stats LIMIT 1").fetchone()
        clean_load(page, f"{base}/findings.html?role={role}")
        with psycopg.connect(pg_url) as conn:
            split = dict(conn.execute("SELECT q_value IS NULL, count(*) FROM lol.first_item_gold "
                                      "WHERE team_position = %s GROUP BY 1", (role,)).fetchall())
        tested = [*shown(page, ".significant"), *shown(page, ".not-significant")]
        assert len(tested) == min(split.get(False, 0), 100)
        assert len(shown(page, ".low-sample")) == min(split.get(True, 0), 100)
        assert {r["cells"][0] for r in tested} <= {ROLE_NAMES[role]}
        clean_load(page, f"{base}/findings.html?champion={champion}")
        assert "choose every champion" in page.evaluate(f"document.querySelector('{SECTION}').innerText")
