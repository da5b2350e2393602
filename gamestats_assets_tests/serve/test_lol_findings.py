"""The LoL findings through HTTP (`/api/v1/lol/patterns`, `correlations`, `objectives`, `objective-timing`,
`dragon-vs-herald`, `build-paths`, `skill-ngrams`, `coordination`, `objective-tree`, `vision`, `win-model`) over the tables a real run published, with findings planted beside them
(`planted_findings`): every row of each table on enough games is a finding with its effect, n and q as published,
its interval and q recomputed here independently (statsmodels, scipy over the fact table's games), its sentence
saying them; the filters, orders and threshold hold, and a finding of an earlier patch says whether it still holds
on the current one."""

from __future__ import annotations

import gzip
import json
import math

import numpy as np
import psycopg
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from gamestats_assets_tests.serve.conftest import client_for
from gamestats_assets_tests.serve.planted_findings import EARLIER, plant

API = "/api/v1/lol"
FEWEST = 30
ROLES = {"TOP": "top", "JUNGLE": "jungle", "MIDDLE": "mid", "BOTTOM": "bot", "UTILITY": "support"}


@pytest.fixture(scope="module")
def site(lol_findings):
    planted = plant(lol_findings["pg_url"])
    with client_for(lol_findings["pg_url"], requests_per_minute=100_000) as client:
        yield client, lol_findings["pg_url"], planted


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


RANKS = ("IRON", "BRONZE", "SILVER", "GOLD", "PLATINUM", "EMERALD", "DIAMOND", "MASTER", "GRANDMASTER", "CHALLENGER")
STEPS = {"IV": 0, "III": 1, "II": 2, "I": 3}


def slices_of_games(data_dir, pg_url: str) -> dict[str, set[str]]:
    """The games of each slice of ranked tiers, counted from the league files the run landed: a player's rank is
    his highest entry in the game's league (flex for flex games, solo otherwise), a game's tier the lower median
    of its ranked players' ranks; a game is in `all`, in its tier, and in each "and above" band it reaches."""
    ranks: dict[tuple[str, str], int] = {}
    for path in (data_dir / "landing" / "lol").rglob("*_league.json*"):
        text = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        for entry in json.loads(text):
            rank = RANKS.index(entry["tier"].upper()) * 4 + STEPS.get(entry.get("rank"), 0) * (
                entry["tier"].upper() not in RANKS[7:])
            key = (entry["puuid"], entry["queueType"])
            ranks[key] = max(rank, ranks.get(key, rank))
    assert ranks, "the run landed league files"
    players: dict[str, list[int]] = {}
    for r in table(pg_url, "SELECT DISTINCT match_id, puuid, queue FROM lol.participant_query_facts"):
        league = "RANKED_FLEX_SR" if r["queue"] == "ranked_flex" else "RANKED_SOLO_5x5"
        players.setdefault(r["match_id"], [])
        if (r["puuid"], league) in ranks:
            players[r["match_id"]].append(ranks[(r["puuid"], league)])
    slices: dict[str, set[str]] = {"all": set(players)}
    for match_id, found in players.items():
        if not found:
            continue
        tier = RANKS[sorted(found)[(len(found) - 1) // 2] // 4]
        slices.setdefault(tier.lower(), set()).add(match_id)
        for band in ("PLATINUM", "EMERALD", "DIAMOND", "MASTER"):
            if RANKS.index(tier) >= RANKS.index(band):
                slices.setdefault(f"{band.lower()}_plus", set()).add(match_id)
    return slices


OBJECTIVE_COLUMNS = {"first dragon": "first_dragon", "first herald": "first_herald", "first baron": "first_baron",
                     "first tower": "first_tower"}


def test_every_pattern_on_enough_games_is_a_finding_with_its_interval(site, lol_findings):
    """Every published pattern of every slice of ranks on enough games is a finding with the table's effect,
    interval, n and q, its sentence naming the champion, role and ranks; its games counted again from the players'
    facts within its role and the games of its slice (the slices counted from the landed league files), its
    interval made again from them (statsmodels, scipy)."""
    client, pg_url, planted = site
    rows = table(pg_url, "SELECT * FROM lol.discovered_patterns WHERE n >= %s AND n_baseline >= %s", FEWEST, FEWEST)
    tiers = {r["tier"] for r in rows}
    found = {(f["tier"], f["patch"], f["kind"], f["subject"], f["role"] or "", f["condition"]): f
             for tier in tiers for f in every(client, "patterns", tier=tier)}
    assert len(rows) == len(found) and {r["pattern_type"] for r in rows} >= {"first_core_item", "vision_deaths"}
    assert tiers > {"all"}, "patterns are found within a slice of ranks too"
    slices = slices_of_games(lol_findings["data_dir"], pg_url)
    facts = table(pg_url, "SELECT * FROM lol.participant_query_facts WHERE counted")
    recounted = set()
    for row in rows:
        f = found[(row["tier"], row["patch"], row["pattern_type"], row["subject"], row["role"], row["condition"])]
        assert (f["n"], f["queue"], f["role"]) == (row["n"], row["queue"], row["role"] or None)
        assert close(f["effect"], row["effect"]) and close(f["q_value"], row["q_value"])
        assert (f["effect_ci_low"], f["effect_ci_high"]) == (row["effect_ci_low"], row["effect_ci_high"])
        assert f["effect_ci_low"] <= f["effect"] <= f["effect_ci_high"]
        assert f"n = {row['n']:,}" in f["sentence"] and q_text(row["q_value"]) in f["sentence"]
        ranks = "all ranks" if row["tier"] == "all" else row["tier"].replace("_plus", "+").title()
        assert f"{ranks}, {row['queue'].replace('_', ' ')} {row['patch']}: " in f["sentence"]
        if row["subject"] == planted.champion:
            continue
        games = slices[row["tier"]]
        mine = [x for x in facts if (x["queue"], x["patch"]) == (row["queue"], row["patch"]) and x["match_id"] in games]
        if row["pattern_type"] in ("first_core_item", "skill_max_order"):
            assert f["champion"] == row["subject"] and f["sentence"].startswith(f"{row['subject']}, ")
            assert row["role"] and f", {ROLES[row['role']]}, {ranks}, " in f["sentence"]
            of = "core_1" if row["pattern_type"] == "first_core_item" else "max_order"
            measure = "win" if row["pattern_type"] == "first_core_item" else "dpm"
            champion = [x for x in mine if (x["champion_name"], x["team_position"]) == (row["subject"], row["role"])
                        and x[of] is not None and x[measure] is not None]
            with_it = [float(x[measure]) for x in champion if x[of] == row["condition"]]
            others = [float(x[measure]) for x in champion if x[of] != row["condition"]]
            assert (len(with_it), len(others)) == (row["n"], row["n_baseline"])
            if row["pattern_type"] == "first_core_item":
                low, high = confint_proportions_2indep(sum(with_it), len(with_it), sum(others), len(others),
                                                       method="newcomb", compare="diff")
                assert f"{row['condition']} first" in f["sentence"]
            else:
                low, high = CompareMeans(DescrStatsW(with_it), DescrStatsW(others)).tconfint_diff(usevar="unequal")
            assert math.isclose(np.mean(with_it) - np.mean(others), row["effect"], rel_tol=1e-6, abs_tol=1e-9)
            assert math.isclose(f["effect_ci_low"], low, rel_tol=1e-6, abs_tol=1e-9)
            assert math.isclose(f["effect_ci_high"], high, rel_tol=1e-6, abs_tol=1e-9)
        elif row["pattern_type"] == "vision_deaths":
            players = [x for x in mine if x["summoners_rift"] and x["team_position"] == row["subject"]
                       and x["vision_score_per_min"] is not None and x["deaths_per_10"] is not None]
            fit = stats.linregress([p["vision_score_per_min"] for p in players], [p["deaths_per_10"] for p in players])
            assert row["condition"] == "vision_score_per_min" and "point of vision score" in f["sentence"]
            half = stats.t.ppf(0.975, len(players) - 2) * fit.stderr
            assert len(players) == row["n"] and f["role"] == row["subject"] == row["role"]
            assert math.isclose(f["effect"], fit.slope, rel_tol=1e-6)
            assert math.isclose(f["effect_ci_low"], fit.slope - half, rel_tol=1e-6)
            assert math.isclose(f["effect_ci_high"], fit.slope + half, rel_tol=1e-6)
        elif row["condition"] in OBJECTIVE_COLUMNS:
            takers = {(x["match_id"], x["team_id"]): x["win"] for x in mine
                      if x["summoners_rift"] and x[OBJECTIVE_COLUMNS[row["condition"]]] and x["win"] is not None}
            wins, n = sum(takers.values()), len(takers)
            low, high = proportion_confint(wins, n, method="wilson")
            assert (n, f["role"]) == (row["n"], None) and close(f["effect"], wins / n - 0.5)
            assert math.isclose(f["effect_ci_low"], low - 0.5, abs_tol=1e-9)
            assert math.isclose(f["effect_ci_high"], high - 0.5, abs_tol=1e-9)
        else:
            continue
        recounted.add((row["tier"], row["pattern_type"]))
    assert {tier for tier, _ in recounted} > {"all"} and {kind for _, kind in recounted} >= {"vision_deaths"}


def test_the_role_and_tier_filters_list_the_published_patterns_of_each(site):
    """Each slice of ranks and role the table holds lists exactly its rows on enough games, by evidence."""
    client, pg_url, _ = site
    rows = table(pg_url, "SELECT * FROM lol.discovered_patterns WHERE n >= %s AND n_baseline >= %s "
                         "ORDER BY q_value, n DESC", FEWEST, FEWEST)
    pairs = {(r["tier"], r["role"]) for r in rows if r["role"]}
    assert {tier for tier, _ in pairs} > {"all"} and len({role for _, role in pairs}) > 1
    for tier, role in pairs:
        listed = every(client, "patterns", tier=tier, role=role)
        expected = [r for r in rows if (r["tier"], r["role"]) == (tier, role)]
        assert sorted((f["patch"], f["kind"], f["subject"], f["condition"], f["n"]) for f in listed) == sorted(
            (r["patch"], r["pattern_type"], r["subject"], r["condition"], r["n"]) for r in expected)
        assert all((f["tier"], f["role"]) == (tier, role) for f in listed)
        assert [f["q_value"] for f in listed] == sorted(f["q_value"] for f in listed)


def test_a_finding_of_an_earlier_patch_says_whether_it_holds_on_the_current_one(site):
    client, _, planted = site
    findings = every(client, "patterns", champion=planted.champion.upper())
    by = {(f["patch"], f["condition"]): f for f in findings}
    assert set(by) == {(planted.current, "Eclipse"), (EARLIER, "Eclipse"), (EARLIER, "Muramana")}
    assert all(f["current_patch"] == planted.current and f["role"] == planted.role for f in findings)
    assert all(f["sentence"].startswith(f"{planted.champion}, {ROLES[planted.role]}, all ranks, ") for f in findings)
    assert every(client, "patterns", champion=planted.champion, role=planted.role) == findings
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


def test_a_vision_quarter_is_a_quarter_of_the_roles_vision_score(site):
    """Each row of `lol.vision_stats` holds the players of its quarter of the role's vision score per minute, ranked
    from the players' facts: as many, from the lowest score to the highest; its finding says the score."""
    client, pg_url, _ = site
    scores: dict[tuple, list[float]] = {}
    for r in table(pg_url, "SELECT queue, patch, team_position, vision_score_per_min FROM lol.participant_query_facts "
                           "WHERE counted AND summoners_rift AND vision_score_per_min IS NOT NULL "
                           "AND team_position <> '' ORDER BY vision_score_per_min"):
        scores.setdefault((r["queue"], r["patch"], r["team_position"]), []).append(r["vision_score_per_min"])
    bands = table(pg_url, "SELECT * FROM lol.vision_stats")
    assert {(b["queue"], b["patch"], b["team_position"]) for b in bands} == set(scores)
    for band in bands:
        values = scores[(band["queue"], band["patch"], band["team_position"])]
        quarter = [v for rank, v in enumerate(values, 1)
                   if min(max(math.ceil(rank * 4 / len(values)), 1), 4) == band["vision_band"]]
        assert band["games"] == len(quarter)
        assert math.isclose(band["vision_min"], quarter[0]) and math.isclose(band["vision_max"], quarter[-1])
    findings = every(client, "vision")
    assert findings and all("vision score per minute" in f["sentence"] for f in findings)


FIRST_TAKERS = """SELECT f.queue, f.patch, o.objective, count(DISTINCT f.match_id) AS games,
    count(DISTINCT f.match_id) FILTER (WHERE f.win) AS wins FROM lol.participant_query_facts f
    CROSS JOIN LATERAL (VALUES ('dragon', f.first_dragon), ('herald', f.first_herald), ('baron', f.first_baron),
                               ('tower', f.first_tower)) AS o (objective, taken)
    WHERE f.counted AND f.summoners_rift AND o.taken GROUP BY 1, 2, 3"""
"""The games of each queue, patch and objective whose first take a team of theirs made, and those it won, counted
from the players' facts."""


def test_objective_timing_findings_are_its_rows_tested_again(site):
    client, pg_url, _ = site
    found = {(f["queue"], f["patch"], f["condition"]): f for f in every(client, "objective-timing")}
    rows = table(pg_url, "SELECT * FROM lol.objective_timing ORDER BY queue, patch, objective, from_minute")
    p = [stats.binomtest(r["wins"], r["games"], 0.5).pvalue for r in rows]
    q = multipletests(p, method="fdr_bh")[1]
    listed = [(r, p_value, value) for r, p_value, value in zip(rows, p, q, strict=True) if r["games"] >= FEWEST]
    assert len(found) == len(listed) > 0 and {r["period"] for r, _, _ in listed} > {"all"}
    takers = {(r["queue"], r["patch"], r["objective"]): (r["games"], r["wins"]) for r in table(pg_url, FIRST_TAKERS)}
    for row, p_value, value in listed:
        f = found[(row["queue"], row["patch"], f"first {row['objective']}, {row['period']}")]
        wins, n = row["wins"], row["games"]
        low, high = proportion_confint(wins, n, method="wilson")
        assert (f["n"], f["n_baseline"], f["kind"], f["table"]) == (n, None, "objective_timing", "objective_timing")
        assert close(f["effect"], wins / n - 0.5) and close(f["p_value"], p_value) and close(f["q_value"], value)
        assert math.isclose(f["effect_ci_low"], low - 0.5, abs_tol=1e-9)
        assert math.isclose(f["effect_ci_high"], high - 0.5, abs_tol=1e-9)
        assert f"{wins / n * 100:.1f} %" in f["sentence"] and f"n = {n:,} games" in f["sentence"]
        assert q_text(value) in f["sentence"]
        if row["from_minute"] is None:
            assert "whenever it fell" in f["sentence"]
            if row["objective"] in ("dragon", "herald", "baron", "tower"):
                assert takers[(row["queue"], row["patch"], row["objective"])] == (n, wins)
        else:
            assert f"between minutes {row['from_minute']} and {row['from_minute'] + 5}" in f["sentence"]
            assert f"{row['share_of_games'] * 100:.1f} % of the {row['objective_games']:,} games" in f["sentence"]


CHOSEN_SIDE = """SELECT queue, patch, side, band, count(*) AS teams, count(*) FILTER (WHERE win) AS wins FROM (
    SELECT queue, patch, bool_or(win) AS win, floor(min(minutes) / 5)::int AS band,
           CASE WHEN coalesce(bool_or(first_dragon), false) THEN 'dragon' ELSE 'herald' END AS side
    FROM lol.participant_query_facts WHERE counted AND summoners_rift GROUP BY queue, patch, match_id, team_id
    HAVING coalesce(bool_or(first_dragon), false) <> coalesce(bool_or(first_herald), false)) AS teams
    GROUP BY 1, 2, 3, 4"""
"""The teams that took the first dragon and not the first herald (`dragon`) or the reverse, by queue, patch and
5-minute band of game length, and those that won, counted from the players' facts."""


def same_length(strata: np.ndarray) -> tuple[float, float, float]:
    """The difference of two win rates within strata (rows of wins₁, n₁, wins₂, n₂ with games each side), pooled
    with Mantel–Haenszel weights n₁n₂/(n₁ + n₂): the difference, its standard error and its two-sided normal p."""
    wins1, n1, wins2, n2 = strata.T
    p1, p2, w = wins1 / n1, wins2 / n2, n1 * n2 / (n1 + n2)
    difference = np.sum(w * (p1 - p2)) / np.sum(w)
    error = math.sqrt(np.sum(w**2 * (p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2))) / np.sum(w)
    return difference, error, 2 * stats.norm.sf(abs(difference) / error)


def test_dragon_vs_herald_findings_are_the_teams_counted_again(site):
    client, pg_url, _ = site
    found = {(f["queue"], f["patch"]): f for f in every(client, "dragon-vs-herald")}
    sides: dict[tuple, dict] = {}
    for r in table(pg_url, CHOSEN_SIDE):
        sides.setdefault((r["queue"], r["patch"]), {}).setdefault(r["band"], {})[r["side"]] = (r["wins"], r["teams"])
    published = {(r["queue"], r["patch"]): r for r in table(pg_url, "SELECT * FROM lol.dragon_vs_herald")}
    tested, enough = {}, set()
    for key, bands in sides.items():
        totals = {side: [sum(band.get(side, (0, 0))[i] for band in bands.values()) for i in (0, 1)]
                  for side in ("dragon", "herald")}
        if min(totals["dragon"][1], totals["herald"][1]) < FEWEST:
            continue
        enough.add(key)
        row = published[key]
        assert [row["dragon_wins"], row["dragon_games"]] == totals["dragon"]
        assert [row["herald_wins"], row["herald_games"]] == totals["herald"]
        strata = np.array([[*band["dragon"], *band["herald"]] for band in bands.values() if len(band) == 2], float)
        if len(strata):
            tested[key] = (*same_length(strata), int(strata[:, 1].sum()), int(strata[:, 3].sum()))
    assert set(published) == enough, "a queue and patch is published with enough teams each side, and only then"
    q = dict(zip(tested, multipletests([t[2] for t in tested.values()], method="fdr_bh")[1], strict=True))
    listed = {key: t for key, t in tested.items() if min(t[3], t[4]) >= FEWEST}
    assert set(found) == set(listed) and found
    for key, (difference, error, p_value, n, n_rest) in listed.items():
        f, row = found[key], published[key]
        assert (f["n"], f["n_baseline"], f["kind"]) == (n, n_rest, "dragon_vs_herald")
        assert math.isclose(f["effect"], difference, rel_tol=1e-9, abs_tol=1e-12)
        assert math.isclose(f["effect_ci_low"], difference - 1.959963984540054 * error, rel_tol=1e-9, abs_tol=1e-12)
        assert math.isclose(f["effect_ci_high"], difference + 1.959963984540054 * error, rel_tol=1e-9, abs_tol=1e-12)
        assert math.isclose(f["p_value"], p_value, rel_tol=1e-9) and math.isclose(f["q_value"], q[key], rel_tol=1e-9)
        low, high = confint_proportions_2indep(row["dragon_wins"], row["dragon_games"], row["herald_wins"],
                                               row["herald_games"], method="newcomb", compare="diff")
        raw = [f"{value * 100:+.1f}".replace("-", "−") for value in (row["dragon_win_rate"] - row["herald_win_rate"],
                                                                        low, high)]
        assert f"{raw[0]} points [95 % CI {raw[1]} to {raw[2]}]" in f["sentence"]
        assert f"{row['dragon_win_rate'] * 100:.1f} % vs {row['herald_win_rate'] * 100:.1f} %" in f["sentence"]
        assert f"n = {n:,} vs {n_rest:,} teams" in f["sentence"] and q_text(q[key]) in f["sentence"]


@pytest.mark.parametrize("path", ["patterns", "correlations", "objectives", "objective-timing", "dragon-vs-herald",
                                  "build-paths", "skill-ngrams", "coordination", "objective-tree", "vision",
                                  "win-model"])
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
    assert held, "the run published slices of ranked tiers"
    answer = client.get(f"{API}/correlations", params={"tier": sorted(held)[0]})
    assert answer.status_code == 404 and "every rank" in answer.json()["detail"]
    assert all(f["tier"] == "all" for f in every(client, "correlations"))
    for tier in held:
        assert all(f["tier"] == tier for f in every(client, "patterns", tier=tier))


def test_the_kinds_of_patterns_filter(site):
    client, _, _ = site
    findings = every(client, "patterns")
    for kind in {f["kind"] for f in findings}:
        assert every(client, "patterns", kind=kind) == [f for f in findings if f["kind"] == kind]
    assert client.get(f"{API}/patterns", params={"kind": "luck"}).status_code == 422
    assert np.all([f["table"] == "discovered_patterns" for f in findings])


def test_build_path_findings_are_the_champions_games_counted_again(site):
    """Each path of every rank with a KDA change is a finding: its KDA against the champion's other games of the same
    5-minute bands, weighted by the path's games in each, recounted from the players' facts (bands with fewer than
    two other games or none of the path's left out), the normal interval and its p, q over the table."""
    client, pg_url, _ = site
    rows = table(pg_url, "SELECT * FROM lol.item_build_stats WHERE kda_vs_others IS NOT NULL")
    found = {(f["queue"], f["patch"], f["tier"], f["champion"], f["condition"]): f
             for tier in {r["tier"] for r in rows} for f in every(client, "build-paths", tier=tier)}
    assert all(f["tier"] == "all" for f in every(client, "build-paths"))
    p = [2 * stats.norm.sf(abs(r["kda_vs_others"]) / ((r["kda_vs_others_ci_high"] - r["kda_vs_others_ci_low"]) / 2
                                                       / stats.norm.ppf(0.975))) for r in rows]
    q = multipletests(p, method="fdr_bh")[1]
    listed = [(r, value) for r, value in zip(rows, q, strict=True)
              if r["games"] >= FEWEST and r["champion_games"] - r["games"] >= FEWEST]
    assert len(found) == len(listed) > 0
    facts = table(pg_url, "SELECT queue, patch, champion_name, core_1, core_2, core_3, kda, minutes "
                  "FROM lol.participant_query_facts WHERE counted AND kda IS NOT NULL")
    recounted = 0
    for row, value in listed:
        f = found[(row["queue"], row["patch"], row["tier"], row["champion_name"], row["core_path"])]
        assert (f["n"], f["n_baseline"], f["kind"], f["unit"]) == (row["games"], row["champion_games"] - row["games"],
                                                                   "build_path", "KDA")
        assert close(f["effect"], row["kda_vs_others"]) and close(f["q_value"], value)
        assert (f["effect_ci_low"], f["effect_ci_high"]) == (row["kda_vs_others_ci_low"], row["kda_vs_others_ci_high"])
        signed = [f"{v:+.2f}".replace("-", "−") for v in (row["kda_vs_others"], row["kda_vs_others_ci_low"],
                                                           row["kda_vs_others_ci_high"])]
        assert f"{signed[0]} [95 % CI {signed[1]} to {signed[2]}]" in f["sentence"]
        assert f"the core path {row['core_path']} → win rate {row['win_rate'] * 100:.1f} %" in f["sentence"]
        assert f"n = {row['games']:,} vs {row['champion_games'] - row['games']:,}" in f["sentence"]
        if row["tier"] != "all":
            continue
        items = row["core_path"].split(" > ")
        champion = [x for x in facts if (x["queue"], x["patch"], x["champion_name"]) ==
                    (row["queue"], row["patch"], row["champion_name"])]
        bands: dict[int, tuple[list, list]] = {}
        for x in champion:
            on_path = [x[f"core_{i + 1}"] for i in range(len(items))] == items
            bands.setdefault(int(x["minutes"] // 5), ([], []))[0 if on_path else 1].append(x["kda"])
        kept = {band: (mine, rest) for band, (mine, rest) in bands.items() if mine and len(rest) > 1}
        mine = [k for band in kept.values() for k in band[0]]
        weights = {band: len(pair[0]) / len(mine) for band, pair in kept.items()}
        others = sum(weights[b] * np.mean(rest) for b, (_, rest) in kept.items())
        variance = np.var(mine, ddof=1) / len(mine) + sum(weights[b] ** 2 * np.var(rest, ddof=1) / len(rest)
                                                          for b, (_, rest) in kept.items())
        assert math.isclose(row["others_kda_mean"], others, rel_tol=1e-6, abs_tol=1e-6)
        assert math.isclose(row["kda_vs_others"], np.mean(mine) - others, rel_tol=1e-6, abs_tol=1e-6)
        half = stats.norm.ppf(0.975) * math.sqrt(variance)
        assert math.isclose(row["kda_vs_others_ci_high"] - row["kda_vs_others_ci_low"], 2 * half, rel_tol=1e-5)
        recounted += 1
    assert recounted


def test_skill_ngram_findings_are_its_rows_tested_again(site):
    """Each n-gram the table tests is two findings, its DPM and its win rate against the champion's other players:
    Newcombe's interval and the two-proportion z test's p from the counts, the DPM's normal interval from its
    published mean and interval, each q over the table's tests."""
    client, pg_url, _ = site
    found = {(f["queue"], f["patch"], f["champion"], f["condition"], f["kind"]): f
             for f in every(client, "skill-ngrams")}
    rows = table(pg_url, "SELECT * FROM lol.skill_ngrams WHERE p_value IS NOT NULL ORDER BY queue, patch, "
                 "champion_id, ngram")
    assert rows and all(r["games"] + r["other_games"] == r["champion_games"] for r in rows)
    other_wins = [round((r["win_rate"] - r["win_rate_difference"]) * r["other_games"]) for r in rows]
    p = [proportions_ztest([r["wins"], o], [r["games"], r["other_games"]])[1] for r, o in zip(rows, other_wins,
                                                                                                 strict=True)]
    q = multipletests(p, method="fdr_bh")[1]
    dpm_q = multipletests([r["dpm_p_value"] for r in rows], method="fdr_bh")[1]
    listed = 0
    for row, wins_rest, p_value, value, dpm_value in zip(rows, other_wins, p, q, dpm_q, strict=True):
        assert math.isclose(row["p_value"], p_value, rel_tol=1e-6) and math.isclose(row["q_value"], value, rel_tol=1e-6)
        assert math.isclose(row["dpm_q_value"], dpm_value, rel_tol=1e-6)
        if min(row["games"], row["other_games"]) < FEWEST:
            continue
        listed += 2
        low, high = confint_proportions_2indep(row["wins"], row["games"], wins_rest, row["other_games"],
                                               method="newcomb", compare="diff")
        rate = found[(row["queue"], row["patch"], row["champion_name"], row["ngram"], "skill_ngram_win_rate")]
        assert close(rate["effect"], row["wins"] / row["games"] - wins_rest / row["other_games"])
        assert math.isclose(rate["effect_ci_low"], low, abs_tol=1e-9)
        assert math.isclose(rate["effect_ci_high"], high, abs_tol=1e-9)
        assert close(rate["q_value"], row["q_value"]) and rate["n_baseline"] == row["other_games"]
        dpm = found[(row["queue"], row["patch"], row["champion_name"], row["ngram"], "skill_ngram_dpm")]
        assert close(dpm["effect"], row["dpm_difference"]) and close(dpm["q_value"], row["dpm_q_value"])
        assert dpm["effect_ci_low"] < dpm["effect"] < dpm["effect_ci_high"] and dpm["unit"] == "DPM"
        said = f"{' '.join(row['ngram'])} among the first nine skill points → {row['dpm_mean']:,.0f} DPM vs " \
               f"{row['dpm_mean'] - row['dpm_difference']:,.0f} in the champion's other games"
        assert said in dpm["sentence"] and f"n = {row['games']:,} vs {row['other_games']:,}" in dpm["sentence"]
        assert q_text(row["dpm_q_value"]) in dpm["sentence"] and q_text(row["q_value"]) in rate["sentence"]
    assert len(found) == listed > 0


def test_coordination_findings_are_the_trend_of_its_takes_fitted_again(site):
    """One finding per objective: the least-squares slope of a take's win on its teammates near over every take
    (the Cochran–Armitage slope), its interval under the null's variance and its p, q over the objectives."""
    client, pg_url, _ = site
    found = {(f["queue"], f["patch"], f["condition"]): f for f in every(client, "coordination")}
    rows = table(pg_url, "SELECT * FROM lol.coordination_outcomes ORDER BY queue, patch, objective, teammates_near")
    objectives: dict[tuple, list[dict]] = {}
    for row in rows:
        objectives.setdefault((row["queue"], row["patch"], row["objective"]), []).append(row)
    tested = {}
    for key, counts in objectives.items():
        x = np.repeat([r["teammates_near"] for r in counts], [r["takes"] for r in counts]).astype(float)
        y = np.concatenate([[1.0] * r["wins"] + [0.0] * (r["takes"] - r["wins"]) for r in counts])
        if len(x) < FEWEST or np.ptp(x) == 0 or y.min() == y.max():
            assert counts[0]["p_value"] is None
            continue
        slope = np.polyfit(x, y, 1)[0]
        error = math.sqrt(y.mean() * (1 - y.mean()) / ((x - x.mean()) ** 2).sum())
        tested[key] = (slope, error, 2 * stats.norm.sf(abs(slope) / error), len(x))
    q = dict(zip(tested, multipletests([t[2] for t in tested.values()], method="fdr_bh")[1], strict=True))
    assert len(found) == len(tested) > 0
    for key, (slope, error, p_value, n) in tested.items():
        f = found[(key[0], key[1], f"teammates near {key[2]}")]
        z = stats.norm.ppf(0.975)
        assert f["n"] == n and f["kind"] == "coordination" and math.isclose(f["effect"], slope, abs_tol=1e-9)
        assert math.isclose(f["effect_ci_low"], slope - z * error, abs_tol=1e-9)
        assert math.isclose(f["effect_ci_high"], slope + z * error, abs_tol=1e-9)
        assert math.isclose(f["p_value"], p_value, rel_tol=1e-6) and math.isclose(f["q_value"], q[key], rel_tol=1e-6)
        assert f"n = {n:,} takes" in f["sentence"] and "an association, not a cause" in f["sentence"]
        for r in objectives[key]:
            assert f"{r['teammates_near']} near: {r['win_rate'] * 100:.1f} % of {r['takes']:,}" in f["sentence"]


def test_objective_tree_findings_are_its_leaves_with_the_accuracy_said_honestly(site):
    """Each leaf on enough training games is a finding: blue's win rate against 50 % (Wilson, exact binomial p, q
    over the leaves); the leaves of a tree cover its games once, their held-out games called right make its
    accuracy, and the sentence sets the accuracy against the baseline as the gain's interval allows."""
    client, pg_url, _ = site
    found = {(f["queue"], f["patch"], f["condition"]): f for f in every(client, "objective-tree")}
    rows = table(pg_url, "SELECT * FROM lol.objective_tree WHERE n_train > 0 ORDER BY queue, patch, leaf")
    assert rows
    trees: dict[tuple, list[dict]] = {}
    for row in rows:
        trees.setdefault((row["queue"], row["patch"]), []).append(row)
    for leaves in trees.values():
        tree = leaves[0]
        assert sum(r["n_train"] for r in leaves) == tree["games_train"]
        assert sum(r["n_test"] for r in leaves) == tree["games_test"]
        assert close(sum(r["correct_test"] for r in leaves) / tree["games_test"], tree["accuracy"])
        assert close(tree["accuracy"] - tree["baseline_accuracy"], tree["accuracy_gain"])
    q = multipletests([stats.binomtest(r["blue_wins_train"], r["n_train"], 0.5).pvalue for r in rows],
                      method="fdr_bh")[1]
    listed = [(r, value) for r, value in zip(rows, q, strict=True) if r["n_train"] >= FEWEST]
    assert len(found) == len(listed) > 0
    for row, value in listed:
        f = found[(row["queue"], row["patch"], row["leaf"])]
        wins, n = row["blue_wins_train"], row["n_train"]
        low, high = proportion_confint(wins, n, method="wilson")
        assert (f["n"], f["kind"], f["subject"]) == (n, "objective_tree_leaf", "blue")
        assert close(f["effect"], wins / n - 0.5) and close(f["q_value"], value)
        assert math.isclose(f["effect_ci_low"], low - 0.5, abs_tol=1e-9)
        assert math.isclose(f["effect_ci_high"], high - 0.5, abs_tol=1e-9)
        assert f"blue won {wins / n * 100:.1f} %" in f["sentence"] and f"n = {n:,} training games" in f["sentence"]
        assert (f"The whole tree calls {row['accuracy'] * 100:.1f} % of {row['games_test']:,} held-out games right"
                in f["sentence"]) and f"against {row['baseline_accuracy'] * 100:.1f} % for always calling" in f["sentence"]
        verdict = ("worse than the baseline" if row["accuracy_gain_ci_high"] < 0 else "better than the baseline"
                   if row["accuracy_gain_ci_low"] > 0 else "not told apart from the baseline")
        assert f["sentence"].endswith(f"{verdict}.")
        for condition in row["leaf"].split(" · "):
            name, who = condition.split(": ")
            assert f"{'nobody' if who == 'none' else who} took the {name}" in f["sentence"]
