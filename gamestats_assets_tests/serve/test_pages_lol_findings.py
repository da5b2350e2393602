"""The League findings page and the champion page's findings in headless Chromium, over the tables a real run
published with findings planted beside them (`planted_findings`): each section lists as many findings as the
published table has on enough games, each sentence with the table's n and q; choosing a champion lists its
patterns alone, one of an earlier patch that is not found again marked; sorting by effect orders the effects; a
slice of ranks the tables do not count is said, a slice and a role list the patterns published for them, named in
each sentence; the champion page shows its champion's patterns with their role and ranks; both fit a phone
and a desktop without cutting text, and the newer sections (objective timing, dragon against herald, build paths, skill
n-grams, coordination, the objective tree) show their values, sort and filter at a desktop's and a phone's width."""

from __future__ import annotations

import psycopg
import pytest

from gamestats_assets_tests.serve.chromium import DESKTOP
from gamestats_assets_tests.serve.pages import at_phone_width, browser, check, clean_load, cut_elements, served
from gamestats_assets_tests.serve.planted_findings import EARLIER, plant

FEWEST = 30
ROLES = {"TOP": "top", "JUNGLE": "jungle", "MIDDLE": "mid", "BOTTOM": "bot", "UTILITY": "support"}
COUNTS = {
    "patterns": "SELECT count(*) FROM lol.discovered_patterns WHERE tier = 'all' AND n >= 30 AND n_baseline >= 30",
    "correlations": "SELECT count(*) FROM lol.correlations WHERE n >= 30 AND pearson_r IS NOT NULL "
                    "AND pearson_q IS NOT NULL",
    "objectives": "SELECT count(*) FROM lol.objective_stats WHERE games >= 30",
    "objective-timing": "SELECT count(*) FROM lol.objective_timing WHERE games >= 30 AND q_value IS NOT NULL",
    "dragon-vs-herald": "SELECT count(*) FROM lol.dragon_vs_herald WHERE q_value IS NOT NULL "
                        "AND same_length_dragon_games >= 30 AND same_length_herald_games >= 30",
    "win-model": "SELECT count(*) FROM lol.win_model WHERE term <> 'const' AND n_train >= 30",
}
"""The findings each section lists, counted in the published tables (vision's comparisons are the API test's)."""


@pytest.fixture(scope="module")
def site(chromium, lol_findings):
    planted = plant(lol_findings["pg_url"])
    with served(lol_findings["pg_url"]) as base, browser() as page:
        yield base, page, lol_findings["pg_url"], planted


def count(pg_url: str, query: str, *params) -> int:
    with psycopg.connect(pg_url) as conn:
        return conn.execute(query, params).fetchone()[0]


def rows(page, section: str) -> list[dict]:
    """The findings a section shows (those folded as not significant too): each row's sentence, effect, n and q as
    the page writes them."""
    return page.evaluate(f"""[...document.querySelectorAll('#section-{section} tbody tr')].map((r) => ({{
        sentence: r.children[0].textContent, effect: r.children[1].textContent, n: r.children[2].textContent,
        q: r.children[3].textContent, outdated: !!r.querySelector('.finding.outdated') }}))""")


def said(page, section: str) -> str:
    return page.evaluate(f"document.getElementById('section-{section}').innerText")


def choose(page, select: str, value: str) -> None:
    page.evaluate(f"(() => {{ const s = document.getElementById({select!r}); s.value = {value!r};"
                  " s.dispatchEvent(new Event('change')); })()")
    page.ready()


def q_text(q: float) -> str:
    return "< 0.001" if q < 0.001 else f"{q:.2g}"


def test_each_section_lists_the_published_findings_with_their_n_and_q(site, request):
    base, page, pg_url, _ = site
    with check(page, request):
        clean_load(page, f"{base}/findings.html")
        for section, query in COUNTS.items():
            total = count(pg_url, query)
            assert len(rows(page, section)) == min(total, 50), section
            assert f"{total:,} findings" in said(page, section)
        with psycopg.connect(pg_url) as conn:
            patterns = conn.execute("SELECT subject, condition, n, q_value FROM lol.discovered_patterns "
                                    "WHERE tier = 'all' AND n >= 30 AND n_baseline >= 30 "
                                    "ORDER BY q_value, n DESC").fetchall()
        shown = rows(page, "patterns")
        assert [(r["n"], r["q"]) for r in shown] == [(f"{n:,}", q_text(q)) for _, _, n, q in patterns]
        for (subject, condition, n, q), row in zip(patterns, shown, strict=True):
            assert f"n = {n:,}" in row["sentence"] and ("q < 0.001" if q < 0.001 else f"q = {q:.2g}") in row["sentence"]


def test_choosing_a_champion_shows_its_patterns_the_stale_one_marked(site, request):
    base, page, pg_url, planted = site
    with check(page, request):
        clean_load(page, f"{base}/findings.html")
        choose(page, "champion", planted.champion)
        assert f"champion={planted.champion.replace(' ', '+')}" in page.evaluate("location.search") or \
            f"champion={planted.champion}" in page.evaluate("decodeURIComponent(location.search)")
        shown = rows(page, "patterns")
        with psycopg.connect(pg_url) as conn:
            expected = conn.execute("SELECT patch, condition, value_with, n FROM lol.discovered_patterns WHERE "
                                    "subject = %s AND tier = 'all' AND n >= 30 AND n_baseline >= 30",
                                    (planted.champion,)).fetchall()
        assert len(shown) == len(expected) == 3
        for patch, condition, value_with, n in expected:
            row = next(r for r in shown if f" {patch}: {condition} first" in r["sentence"])
            assert f"{value_with * 100:.1f} %" in row["sentence"] and row["n"] == f"{n:,}"
            stale = patch == EARLIER and condition == "Muramana"
            assert row["outdated"] == stale
            assert (f"No longer found on the current patch {planted.current}" in row["sentence"]) == stale
        for section in ("correlations", "objectives", "objective-timing", "dragon-vs-herald", "vision", "win-model"):
            assert "not about one champion" in said(page, section)
        choose(page, "champion", "")
        choose(page, "sort", "effect")
        for group in ("significant", "not-significant"):
            effects = [abs(float(r["effect"].split()[0].replace(",", ""))) for r in rows(page, f"objectives .{group}")]
            assert effects == sorted(effects, reverse=True), group
        assert "sort=effect" in page.evaluate("location.search")
        tiers = page.evaluate("[...document.querySelectorAll('#tier option')].map((o) => o.value).filter(Boolean)")
        assert tiers
        choose(page, "tier", tiers[0])
        assert all("games of every rank" in said(page, section) for section in COUNTS if section != "patterns")
        total = count(pg_url, COUNTS["patterns"].replace("tier = 'all'", "tier = %s"), tiers[0])
        assert len(rows(page, "patterns")) == min(total, 50)


def test_the_champion_page_shows_its_champions_findings(site, request):
    base, page, pg_url, planted = site
    with check(page, request):
        clean_load(page, f"{base}/champion.html?champion={planted.champion}&queue={planted.queue}")
        shown = page.evaluate("[...document.querySelectorAll('#findings tbody tr')].map((r) => "
                              "[r.children[0].innerText, r.children[2].innerText, r.children[3].innerText])")
        with psycopg.connect(pg_url) as conn:
            expected = conn.execute("SELECT patch, condition, n, q_value FROM lol.discovered_patterns WHERE "
                                    "subject = %s AND tier = 'all' AND n >= 30 AND n_baseline >= 30 ORDER BY q_value",
                                    (planted.champion,)).fetchall()
        assert [(n, q) for _, n, q in shown] == [(f"{n:,}", q_text(q)) for _, _, n, q in expected]
        assert all(sentence.startswith(f"{planted.champion}, {ROLES[planted.role]}, all ranks, ")
                   for sentence, _, _ in shown)
        link = page.evaluate("document.getElementById('findings-link').getAttribute('href')")
        assert link.startswith("findings.html?") and f"queue={planted.queue}" in link


def test_a_role_and_a_slice_of_ranks_list_their_patterns(site, request):
    """Choosing a slice of ranks and a role lists the patterns published for them, the sentences naming both; the
    champion page at a slice of ranks shows its champion's patterns of that slice."""
    base, page, pg_url, _ = site
    with psycopg.connect(pg_url) as conn:
        tier, role = conn.execute(
            "SELECT tier, role FROM lol.discovered_patterns WHERE tier <> 'all' AND n >= 30 AND n_baseline >= 30 "
            "AND pattern_type IN ('first_core_item', 'skill_max_order') GROUP BY tier, role "
            "ORDER BY count(*) DESC, tier, role LIMIT 1").fetchone()
        expected = conn.execute(
            "SELECT subject, n, q_value FROM lol.discovered_patterns WHERE tier = %s AND role = %s AND n >= 30 "
            "AND n_baseline >= 30 ORDER BY q_value, n DESC", (tier, role)).fetchall()
    ranks = tier.replace("_plus", "+").title()
    with check(page, request):
        clean_load(page, f"{base}/findings.html")
        choose(page, "tier", tier)
        choose(page, "role", role)
        shown = rows(page, "patterns")
        assert [(r["n"], r["q"]) for r in shown] == [(f"{n:,}", q_text(q)) for _, n, q in expected][:50]
        for row in shown:
            assert f", {ROLES[role]}, {ranks}, " in row["sentence"] or f"{ROLES[role].title()} players, {ranks}, " \
                in row["sentence"]
        assert f"tier={tier}" in page.evaluate("location.search") and f"role={role}" in page.evaluate("location.search")
        champion = next(subject for subject, _, _ in expected if subject not in ROLES)
        clean_load(page, f"{base}/champion.html?champion={champion}&tier={tier}")
        sentences = page.evaluate("[...document.querySelectorAll('#findings tbody tr')].map((r) => "
                                  "r.children[0].innerText)")
        assert sentences and all(s.startswith(f"{champion}, ") and f", {ranks}, " in s for s in sentences)
        assert f"tier={tier}" in page.evaluate("document.getElementById('findings-link').getAttribute('href')")


@pytest.mark.parametrize("path", ["findings.html", "champion.html"])
def test_the_findings_fit_a_phone_and_a_desktop(site, request, path):
    base, page, _, planted = site
    url = f"{base}/{path}?champion={planted.champion}"
    with check(page, request):
        with at_phone_width(page, f"phone_{path.replace('.html', '')}_findings"):
            clean_load(page, url)
        clean_load(page, url)
        assert cut_elements(page) == []


NEW_SECTIONS = {
    "objective-timing": "SELECT patch, games, q_value FROM lol.objective_timing WHERE games >= 30 "
                        "AND q_value IS NOT NULL",
    "dragon-vs-herald": "SELECT patch, same_length_dragon_games, q_value FROM lol.dragon_vs_herald WHERE q_value "
                        "IS NOT NULL AND same_length_dragon_games >= 30 AND same_length_herald_games >= 30",
    "skill-ngrams": "SELECT patch, games, q FROM lol.skill_ngrams, LATERAL (VALUES (q_value), (dpm_q_value)) AS t(q) "
                    "WHERE p_value IS NOT NULL AND games >= 30 AND other_games >= 30",
    "coordination": "SELECT patch, sum(takes)::bigint, min(q_value) FROM lol.coordination_outcomes "
                    "WHERE q_value IS NOT NULL GROUP BY queue, patch, objective HAVING sum(takes) >= 30",
    "build-paths": "SELECT patch, games, q_value FROM lol.item_build_stats WHERE tier = 'all' AND q_value IS NOT NULL "
                   "AND kda_vs_others IS NOT NULL AND games >= 30 AND champion_games - games >= 30",
    "objective-tree": "SELECT patch, n_train, q_value FROM lol.objective_tree WHERE n_train >= 30 "
                      "AND q_value IS NOT NULL",
}
"""The findings of the newer sections: their patch, n and q, as their tables publish them."""


def published_findings(pg_url: str, section: str) -> list[tuple]:
    with psycopg.connect(pg_url) as conn:
        return conn.execute(NEW_SECTIONS[section]).fetchall()


def q_number(text: str) -> float:
    return 0.0 if text.startswith("<") else float(text)


def effect_size(text: str) -> float:
    return abs(float(text.split()[0].replace(",", "").replace("−", "-")))


SECTIONS = tuple(NEW_SECTIONS)


@pytest.mark.parametrize("width", [1400, 390])
def test_the_newer_sections_at_a_desktop_and_a_phone(site, request, width):
    """Each of the objective timing, dragon-against-herald, build path, skill n-gram, coordination and objective
    tree sections lists the published rows on enough games by evidence (the first 50), each sentence with its n
    and q, the effect with its interval beside; its effect column sorts it by the largest effect; a patch narrows
    it; nothing is cut nor scrolls sideways."""
    base, page, pg_url, planted = site
    with check(page, request):
        page.viewport(width, 900)
        try:
            clean_load(page, f"{base}/findings.html")
            for section in SECTIONS:
                published = sorted(published_findings(pg_url, section), key=lambda row: (row[2], -row[1]))[:50]
                shown = rows(page, section)
                assert sorted((r["n"], r["q"]) for r in shown) == sorted((f"{n:,}", q_text(q)) for _, n, q in published)
                assert shown, section
                assert [q_number(r["q"]) for r in shown] == sorted(q_number(r["q"]) for r in shown)
                for row in shown:
                    said_q = "q < 0.001" if row["q"] == "< 0.001" else f"q = {row['q']}"
                    assert f"n = {row['n']}" in row["sentence"] and said_q in row["sentence"]
                    assert "[" in row["effect"] and " to " in row["effect"]
                    assert row["effect"].endswith((" pts", " DPM") if section == "skill-ngrams" else
                                                  " KDA" if section == "build-paths" else " pts")
                page.evaluate(f"document.querySelectorAll('#section-{section} th[data-key=effect] button')"
                              ".forEach((b) => b.click())")
                for group in ("significant", "not-significant"):
                    effects = [effect_size(r["effect"]) for r in rows(page, f"{section} .{group}")]
                    assert effects == sorted(effects, reverse=True), (section, group)
            assert cut_elements(page) == []
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
            choose(page, "patch", planted.current)
            for section in SECTIONS:
                on_patch = [row for row in published_findings(pg_url, section) if row[0] == planted.current]
                shown = rows(page, section)
                assert len(shown) == min(len(on_patch), 50)
                assert all(f" {planted.current}: " in r["sentence"] for r in shown)
        finally:
            page.viewport(*DESKTOP)


SIGNIFICANT = {
    "patterns": "SELECT count(*) FILTER (WHERE significant), count(*) FROM lol.discovered_patterns WHERE tier = 'all' "
                "AND n >= 30 AND n_baseline >= 30",
    "objectives": "SELECT count(*) FILTER (WHERE significant), count(*) FROM lol.objective_stats WHERE games >= 30 "
                  "AND q_value IS NOT NULL",
    "objective-timing": "SELECT count(*) FILTER (WHERE significant), count(*) FROM lol.objective_timing "
                        "WHERE games >= 30 AND q_value IS NOT NULL",
    "build-paths": "SELECT count(*) FILTER (WHERE significant), count(*) FROM lol.item_build_stats WHERE tier = 'all' "
                   "AND q_value IS NOT NULL AND kda_vs_others IS NOT NULL AND games >= 30 "
                   "AND champion_games - games >= 30",
    "vision": "SELECT count(*) FILTER (WHERE significant), count(*) FROM lol.vision_stats WHERE games >= 30 "
              "AND other_games >= 30 AND q_value IS NOT NULL",
    "win-model": "SELECT count(*) FILTER (WHERE significant), count(*) FROM lol.win_model WHERE term <> 'const' "
                 "AND n_train >= 30 AND q_value IS NOT NULL",
    "skill-ngrams": "SELECT count(*) FILTER (WHERE s), count(*) FROM lol.skill_ngrams, "
                    "LATERAL (VALUES (significant), (dpm_significant)) AS t(s) WHERE p_value IS NOT NULL "
                    "AND games >= 30 AND other_games >= 30",
}
"""Of each section's findings (the first 50 by evidence), how many its table publishes as significant, and all."""


def grouped(page, section: str) -> dict[str, list[dict]]:
    """The q of each finding a section lists as significant and of each it folds as not, and whether its sentence
    says it measures something other than winning."""
    return page.evaluate(f"""Object.fromEntries(['significant', 'not-significant'].map((group) => [group,
        [...document.querySelectorAll('#section-{section} .' + group + ' tbody tr')].map((r) => ({{
          q: r.children[3].textContent, effect: r.children[1].textContent,
          measure: r.querySelector('.measure')?.textContent || '' }}))]))""")


@pytest.mark.parametrize("width", [1400, 390])
def test_only_significant_findings_are_listed_as_significant(site, request, width):
    """Each section lists as significant exactly the findings its table publishes as significant (q below 0.05), the
    others folded below as not; a finding whose effect is not a win rate's says it measures something other than
    winning, and the page says "helps win" of win-rate effects alone."""
    base, page, pg_url, _ = site
    with check(page, request):
        page.viewport(width, 900 if width > 600 else 844)
        try:
            clean_load(page, f"{base}/findings.html")
            intro = page.evaluate("document.querySelector('main > p.muted').innerText")
            assert "helps win" not in intro.replace("Only an effect on the win rate says what helps win", "")
            for section, query in SIGNIFICANT.items():
                significant, total = count_both(pg_url, query)
                groups = grouped(page, section)
                assert len(groups["significant"]) == min(significant, 50), section
                assert len(groups["significant"]) + len(groups["not-significant"]) == min(total, 50), section
                assert all(q_number(r["q"]) < 0.05 for r in groups["significant"]), section
                assert all(q_number(r["q"]) >= 0.05 for r in groups["not-significant"]), section
                said = said_of(page, section)
                assert f"{min(significant, 50):,} significant (q below 0.05), " in said, said
                for row in groups["significant"] + groups["not-significant"]:
                    assert (row["measure"] == "") == row["effect"].endswith(" pts"), (section, row)
            assert cut_elements(page) == []
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
        finally:
            page.viewport(*DESKTOP)


def count_both(pg_url: str, query: str) -> tuple[int, int]:
    with psycopg.connect(pg_url) as conn:
        return conn.execute(query).fetchone()


def said_of(page, section: str) -> str:
    return page.evaluate(f"document.querySelector('#section-{section} > div > p.muted').innerText")
