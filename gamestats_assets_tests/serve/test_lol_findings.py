"""The LoL findings through HTTP (`/api/v1/lol/patterns`, `correlations`, `objectives`, `vision`, `win-model`) over
the tables a real run published, with findings planted beside them (`planted_findings`): every row of each table on
enough games is a finding with its effect, n and q as published, its interval and q recomputed here independently
(statsmodels, scipy over the fact table's games), its sentence saying them; the filters, orders and threshold hold,
and a finding of an earlier patch says whether it still holds on the current one."""

from __future__ import annotations

import math

import numpy as np
import psycopg
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from gamestats_assets_tests.serve.conftest import client_for
from gamestats_assets_tests.serve.planted_findings import EARLIER, plant

API = "/api/v1/lol"
FEWEST = 30


@pytest.fixture(scope="module")
def site(lol_and_l2m):
    planted = plant(lol_and_l2m["pg_url"])
    with client_for(lol_and_l2m["pg_url"], requests_per_minute=100_000) as client:
        yield client, lol_and_l2m["pg_url"], planted


def every(client, path: str, **params) -> list[dict]:
    answer = client.get(f"{API}/{path}", params={"limit": 100, **params})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    rows = body["data"]
    while len(rows) < body["metadata"]["total_count"]:
        rows += client.get(f"{API}/{path}", params={"limit": 100, "offset": len(rows), **params}).json()["data"]
    return rows


def table(pg_url: str, query: str, *params) -> list[dict]:
    with psycopg.connect(pg_url, row_factory=psycopg.rows.dict_row) as conn:
        return conn.execute(query, params).fetchall()


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def q_text(q: float) -> str:
    return "q < 0.001" if q < 0.001 else f"q = {q:.2g}"


def test_every_pattern_on_enough_games_is_a_finding_with_its_interval(site):
    client, pg_url, planted = site
    found = {(f["patch"], f["kind"], f["subject"], f["condition"]): f for f in every(client, "patterns")}
    rows = table(pg_url, "SELECT * FROM lol.discovered_patterns WHERE n >= %s AND n_baseline >= %s", FEWEST, FEWEST)
    assert len(rows) == len(found) and {r["pattern_type"] for r in rows} >= {"first_core_item", "vision_deaths"}
    for row in rows:
        f = found[(row["patch"], row["pattern_type"], row["subject"], row["condition"])]
        assert (f["n"], f["queue"]) == (row["n"], row["queue"])
        assert close(f["effect"], row["effect"]) and close(f["q_value"], row["q_value"])
        assert f["effect_ci_low"] <= f["effect"] <= f["effect_ci_high"]
        assert f"n = {row['n']:,}" in f["sentence"] and q_text(row["q_value"]) in f["sentence"]
        if row["pattern_type"] == "first_core_item":
            wins, rest = round(row["value_with"] * row["n"]), round(row["baseline"] * row["n_baseline"])
            low, high = confint_proportions_2indep(wins, row["n"], rest, row["n_baseline"], method="newcomb",
                                                   compare="diff")
            assert close(f["effect_ci_low"], low) and close(f["effect_ci_high"], high)
            assert f["champion"] == row["subject"] and f"{row['value_with'] * 100:.1f} %" in f["sentence"]
            assert f"{row['condition']} first" in f["sentence"]
        if row["pattern_type"] == "vision_deaths":
            players = table(pg_url, "SELECT vision_per_min, deaths_per_10 FROM lol.participant_query_facts WHERE "
                            "counted AND summoners_rift AND queue = %s AND patch = %s AND team_position = %s AND "
                            "vision_per_min IS NOT NULL AND deaths_per_10 IS NOT NULL",
                            row["queue"], row["patch"], row["subject"])
            fit = stats.linregress([p["vision_per_min"] for p in players], [p["deaths_per_10"] for p in players])
            half = stats.t.ppf(0.975, len(players) - 2) * fit.stderr
            assert len(players) == row["n"] and f["role"] == row["subject"]
            assert math.isclose(f["effect_ci_low"], fit.slope - half, rel_tol=1e-6)
            assert math.isclose(f["effect_ci_high"], fit.slope + half, rel_tol=1e-6)


def test_a_finding_of_an_earlier_patch_says_whether_it_holds_on_the_current_one(site):
    client, _, planted = site
    findings = every(client, "patterns", champion=planted.champion.upper())
    by = {(f["patch"], f["condition"]): f for f in findings}
    assert set(by) == {(planted.current, "Eclipse"), (EARLIER, "Eclipse"), (EARLIER, "Muramana")}, \
        "the champion's patterns, Sundered Sky on 20 games left out"
    assert all(f["current_patch"] == planted.current for f in findings)
    assert by[(planted.current, "Eclipse")]["holds_on_current_patch"] is None
    assert by[(EARLIER, "Eclipse")]["holds_on_current_patch"] is True
    assert f"Still holds on the current patch {planted.current}" in by[(EARLIER, "Eclipse")]["sentence"]
    assert by[(EARLIER, "Muramana")]["holds_on_current_patch"] is False
    assert f"No longer found on the current patch {planted.current}" in by[(EARLIER, "Muramana")]["sentence"]
    correlations = {(f["patch"], f["role"], f["condition"]): f for f in every(client, "correlations")}
    held, dropped = (correlations[(EARLIER, role, f"{x} ~ {y}")] for role, x, y in (planted.held_pair,
                                                                                    planted.dropped_pair))
    assert held["holds_on_current_patch"] is True and dropped["holds_on_current_patch"] is False
    there = correlations[(planted.current, planted.dropped_pair[0], f"{planted.dropped_pair[1]} ~ "
                                                                    f"{planted.dropped_pair[2]}")]
    assert f"No longer holds on the current patch {planted.current} ({q_text(there['q_value'])} there)" in \
        dropped["sentence"]


def test_correlations_objectives_vision_and_the_win_model_in_the_same_honest_form(site):
    client, pg_url, _ = site
    correlations = every(client, "correlations")
    rows = table(pg_url, "SELECT * FROM lol.correlations WHERE n >= %s AND pearson_r IS NOT NULL "
                         "AND pearson_q IS NOT NULL", FEWEST)
    assert len(correlations) == len(rows) > 0
    for f in correlations[:20]:
        z, half = math.atanh(f["effect"]), 1.959963984540054 / math.sqrt(f["n"] - 3)
        assert math.isclose(f["effect_ci_low"], math.tanh(z - half), rel_tol=1e-6, abs_tol=1e-9)
        assert math.isclose(f["effect_ci_high"], math.tanh(z + half), rel_tol=1e-6, abs_tol=1e-9)

    objectives = {f["condition"]: f for f in every(client, "objectives")}
    rows = table(pg_url, "SELECT * FROM lol.objective_stats WHERE games > 0 ORDER BY objective")
    q = multipletests([stats.binomtest(r["wins"], r["games"], 0.5).pvalue for r in rows], method="fdr_bh")[1]
    listed = [(r, value) for r, value in zip(rows, q, strict=True) if r["games"] >= FEWEST]
    assert len(objectives) == len(listed) > 0
    for row, value in listed:
        f = objectives[f"first {row['objective']}"]
        low, high = proportion_confint(row["wins"], row["games"], method="wilson")
        assert f["n"] == row["games"] and close(f["q_value"], value)
        assert math.isclose(f["effect_ci_low"], low - 0.5, abs_tol=1e-9)
        assert math.isclose(f["effect_ci_high"], high - 0.5, abs_tol=1e-9)
        assert f"{row['wins'] / row['games'] * 100:.1f} %" in f["sentence"] and q_text(value) in f["sentence"]

    vision = every(client, "vision")
    rows = table(pg_url, "SELECT *, (sum(games) OVER role - games)::bigint AS rest, "
                         "(sum(wins) OVER role - wins)::bigint AS rest_wins FROM lol.vision_stats WHERE games > 0 "
                         "WINDOW role AS (PARTITION BY queue, patch, team_position) "
                         "ORDER BY queue, patch, team_position, vision_band")
    tested = [r for r in rows if r["rest"] > 0]
    p = [stats.chi2_contingency([[r["wins"], r["games"] - r["wins"]], [r["rest_wins"], r["rest"] - r["rest_wins"]]],
                                correction=False).pvalue for r in tested]
    q = dict(zip([(r["team_position"], r["vision_band"]) for r in tested],
                 multipletests(p, method="fdr_bh")[1], strict=True))
    assert len(vision) == sum(1 for r in tested if r["games"] >= FEWEST and r["rest"] >= FEWEST) > 0
    for f in vision:
        assert math.isclose(f["q_value"], q[(f["role"], int(f["condition"].split()[-1]))], rel_tol=1e-6)

    model = every(client, "win-model")
    rows = table(pg_url, "SELECT * FROM lol.win_model WHERE term <> 'const'")
    q = multipletests([r["p_value"] for r in rows], method="fdr_bh")[1]
    expected = {(r["minute"], r["term"]): (r, value) for r, value in zip(rows, q, strict=True)}
    assert len(model) == sum(1 for r in rows if r["n_train"] >= FEWEST) > 0
    for f in model:
        row, value = expected[(int(f["subject"].split()[0]), f["condition"])]
        assert close(f["effect"], row["coefficient"]) and close(f["q_value"], value)
        assert math.isclose(f["effect_ci_high"] - f["effect"], 1.959963984540054 * row["std_error"], rel_tol=1e-9)
        assert f"× {math.exp(row['coefficient']):.2f}" in f["sentence"] and f"n = {row['n_train']:,}" in f["sentence"]


@pytest.mark.parametrize("path", ["patterns", "correlations", "objectives", "vision", "win-model"])
def test_filters_orders_and_the_threshold(site, path):
    client, _, planted = site
    findings = every(client, path)
    assert findings and all(f["n"] >= FEWEST and (f["n_baseline"] is None or f["n_baseline"] >= FEWEST)
                            for f in findings)
    assert [(f["q_value"], -f["n"]) for f in findings] == sorted((f["q_value"], -f["n"]) for f in findings)
    by_effect = every(client, path, sort="effect")
    assert [(f["kind"], -abs(f["effect"])) for f in by_effect] == sorted((f["kind"], -abs(f["effect"]))
                                                                         for f in by_effect)
    by_games = every(client, path, sort="games")
    assert [f["n"] for f in by_games] == sorted((f["n"] for f in by_games), reverse=True)
    more = max(f["n"] for f in findings)
    assert every(client, path, min_games=more) == [f for f in findings if f["n"] >= more
                                                   and (f["n_baseline"] is None or f["n_baseline"] >= more)]
    assert client.get(f"{API}/{path}", params={"min_games": FEWEST - 1}).status_code == 422
    assert every(client, path, patch=planted.current) == [f for f in findings if f["patch"] == planted.current]
    roles = {f["role"] for f in findings} - {None}
    for role in roles:
        assert every(client, path, role=role) == [f for f in findings if f["role"] == role]
    for refused in ({"champion": "Nobody"}, {"queue": "nowhere"}, {"patch": "1.1"}):
        answer = client.get(f"{API}/{path}", params=refused)
        assert answer.status_code == 404 and next(iter(refused.values())) in answer.json()["detail"]
    assert client.get(f"{API}/{path}", params={"sort": "luck"}).status_code == 422


def test_a_slice_of_ranks_the_tables_do_not_count_is_said(site):
    client, pg_url, _ = site
    held = {r["tier"] for r in table(pg_url, "SELECT DISTINCT tier FROM lol.champion_stats")} - {"all"}
    if not held:
        pytest.skip("the run published no slice of ranked tiers but all")
    answer = client.get(f"{API}/patterns", params={"tier": sorted(held)[0]})
    assert answer.status_code == 404 and "every rank" in answer.json()["detail"]
    assert all(f["tier"] == "all" for f in every(client, "patterns"))


def test_the_kinds_of_patterns_filter(site):
    client, _, _ = site
    findings = every(client, "patterns")
    for kind in {f["kind"] for f in findings}:
        assert every(client, "patterns", kind=kind) == [f for f in findings if f["kind"] == kind]
    assert client.get(f"{API}/patterns", params={"kind": "luck"}).status_code == 422
    assert np.all([f["table"] == "discovered_patterns" for f in findings])
