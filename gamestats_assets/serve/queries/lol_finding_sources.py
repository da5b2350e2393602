"""The published League tables read as findings (`queries/lol_findings.py`), one `Source` each: how a row becomes
a finding with its effect, 95 % interval, n, q and sentence.

The intervals are computed from what the tables publish, exactly where the test is: a discovered pattern (a win
rate or DPM against the champion's other games in its role, a team's win rate against 50 %, a slope of deaths on
vision) by the table's own interval, made with its test from the same games; a team's win rate against 50 % (an
objective taken first, in any period of the game or in one) by its Wilson interval; a correlation by Fisher's
transformation; a model's coefficient by its standard error; the first dragon against the first herald
by the table's own interval of its difference within games of the same length, the raw difference beside it with
Newcombe's; an n-gram of skill points, the trend of the takers' win rate per teammate near and a build path's KDA
change by the table's own intervals; a leaf of the objective tree as blue's win rate against 50 % by its Wilson
interval, beside the tree's held-out accuracy against the baseline's. Every p, q, interval and significance is the
table's own, published when it was materialized: none is computed here."""

from __future__ import annotations

import math

import psycopg

from gamestats_assets.serve.queries.lol_finding_games import (
    NGRAM_MEASURES,
    build_path_findings,
    coordination_findings,
    objective_tree_findings,
    skill_ngram_findings,
)
from gamestats_assets.serve.queries.lol_finding_phrases import (
    finding,
    games,
    interval,
    objective_name,
    pct,
    role_in,
    role_of,
    signed,
    tier_of,
    where,
)
from gamestats_assets.serve.queries.lol_findings import Source, phrase_q

VARIABLE_NAMES = {"kills": "kills", "deaths": "deaths", "assists": "assists", "kda": "KDA",
                  "dpm": "damage per minute", "gold_per_min": "gold per minute", "cs_per_min": "CS per minute",
                  "vision_per_min": "wards placed and killed per minute",
                  "vision_score_per_min": "vision score per minute", "deaths_per_10": "deaths per 10 minutes",
                  "minutes": "game length", "win": "winning"}
TERM_NAMES = {"gold_diff_k": "each 1,000 gold ahead", "xp_diff_k": "each 1,000 experience ahead",
              "kills_diff": "each kill ahead", "dragons_diff": "each dragon ahead",
              "heralds_diff": "each Rift Herald ahead", "towers_diff": "each tower ahead"}
QUARTERS = {1: "the lowest quarter", 2: "the second quarter", 3: "the third quarter", 4: "the highest quarter"}


def pattern_finding(row: dict) -> dict:
    """The finding of a row of `lol.discovered_patterns`: its effect, interval, n, p and q as published, the
    champion, role and slice of ranks it was tested in said first."""
    kind, n, n_rest = row["pattern_type"], row["n"], row["n_baseline"]
    low, high = row["effect_ci_low"], row["effect_ci_high"]
    role = row["role"] or None
    who = ", ".join([row["subject"], role_in(role), tier_of(row), where(row)])
    common = {"subject": row["subject"], "condition": row["condition"], "metric": row["metric"],
              "effect": row["effect"], "effect_ci_low": low, "effect_ci_high": high, "n": n, "p_value": row["p_value"],
              "q_value": row["q_value"], "role": role}
    versus = f"n = {games(n)} vs {games(n_rest)}, {phrase_q(row['q_value'])}."
    if kind in ("first_core_item", "skill_max_order"):
        if kind == "first_core_item":
            unit, sentence = "win rate", (
                f"{who}: {row['condition']} first → win rate {pct(row['value_with'])} vs {pct(row['baseline'])} "
                f"in the champion's other games, {signed(row['effect'] * 100)} points "
                f"{interval(low, high, scale=100)}, {versus}")
        else:
            unit, sentence = "DPM", (
                f"{who}: maxing {row['condition']} → {row['value_with']:,.0f} damage per minute vs "
                f"{row['baseline']:,.0f} in the champion's other games, {signed(row['effect'], 0)} "
                f"{interval(low, high, 0)}, {versus}")
        return finding(row, "discovered_patterns", kind, **common, champion=row["subject"], unit=unit,
                       value_with=row["value_with"], baseline=row["baseline"], n_baseline=n_rest, sentence=sentence)
    if kind == "first_objective":
        sentence = (f"Teams, {tier_of(row)}, {where(row)}: taking the {row['condition']} → win rate "
                    f"{pct(row['value_with'])} vs an even 50 %, {signed(row['effect'] * 100)} points "
                    f"{interval(low, high, scale=100)}, n = {games(n)}, {phrase_q(row['q_value'])}.")
        return finding(row, "discovered_patterns", kind, **common, unit="win rate", value_with=row["value_with"],
                       baseline=0.5, sentence=sentence)
    sentence = (f"{role_of(role)} players, {tier_of(row)}, {where(row)}: each extra point of vision score per minute "
                f"→ {signed(row['effect'], 2)} deaths per 10 minutes {interval(low, high, 2)} (on average "
                f"{row['baseline']:.2f}), n = {games(n)}, {phrase_q(row['q_value'])}.")
    return finding(row, "discovered_patterns", kind, **common, unit="deaths per 10 min per vision score per min",
                   sentence=sentence)


def pattern_findings(conn: psycopg.Connection) -> list[dict]:
    """`lol.discovered_patterns`, a finding each: a champion's win rate by first core item and DPM by skill max
    order against its other games in its role, the first objective's win rate against 50 %, a role's deaths on
    vision, each in its slice of ranked tiers."""
    return [pattern_finding(row) for row in conn.execute("SELECT * FROM lol.discovered_patterns").fetchall()]


def correlation_findings(conn: psycopg.Connection) -> list[dict]:
    """`lol.correlations`, a finding per role and pair tested: Pearson's r with Fisher's interval, its q, and r
    with game length held fixed where the pair does not hold length."""
    out = []
    for row in conn.execute("SELECT * FROM lol.correlations WHERE pearson_r IS NOT NULL AND pearson_q IS NOT NULL "
                            "AND pearson_ci_low IS NOT NULL").fetchall():
        r, n = row["pearson_r"], row["n"]
        low, high = row["pearson_ci_low"], row["pearson_ci_high"]
        held = ("" if row["partial_r"] is None
                else f", {row['partial_r']:+.2f} with game length held fixed".replace("-", "−"))
        x, y = (VARIABLE_NAMES.get(row[v], row[v]) for v in ("variable_x", "variable_y"))
        sentence = (f"{role_of(row['team_position'])} players, all ranks, {where(row)}: {x} and {y} → "
                    f"r = {r:+.2f} {interval(low, high, 2)}{held}, n = {games(n)}, "
                    f"{phrase_q(row['pearson_q'])}.").replace("r = -", "r = −")
        out.append(finding(row, "correlations", "correlation", role=row["team_position"], subject=row["team_position"],
                           condition=f"{row['variable_x']} ~ {row['variable_y']}", metric="pearson_r", effect=r,
                           effect_ci_low=low, effect_ci_high=high, unit="r", n=n, p_value=row["pearson_p"],
                           q_value=row["pearson_q"], sentence=sentence))
    return out


def first_taker(row: dict, table: str, kind: str, condition: str, taking: str) -> dict:
    """The finding of `row`'s teams that took an objective first (`wins` of `games`) against an even 50 %: their
    win rate less one half with its Wilson interval, p and q as published; `taking` says what they took and when."""
    n, wins = row["games"], row["wins"]
    low, high = row["effect_ci_low"], row["effect_ci_high"]
    sentence = (f"Teams, all ranks, {where(row)}: {taking} → win rate {pct(wins / n)} vs an even 50 %, "
                f"{signed((wins / n - 0.5) * 100)} points {interval(low, high, scale=100)}, n = {games(n)} games, "
                f"{phrase_q(row['q_value'])}.")
    return finding(row, table, kind, subject="team", condition=condition, metric="win_rate", value_with=wins / n,
                   baseline=0.5, effect=wins / n - 0.5, effect_ci_low=low, effect_ci_high=high, unit="win rate",
                   n=n, p_value=row["p_value"], q_value=row["q_value"], sentence=sentence)


def objective_findings(conn: psycopg.Connection) -> list[dict]:
    """`lol.objective_stats`, a finding per objective, queue and patch: the win rate of the team taking it first
    against 50 % (exact binomial test, q over every row of the table), with its Wilson interval."""
    return [first_taker(row, "objective_stats", "objective", f"first {row['objective']}",
                        f"taking the first {objective_name(row['objective'])}")
            for row in conn.execute("SELECT * FROM lol.objective_stats WHERE games > 0 AND p_value IS NOT NULL "
                                    "AND q_value IS NOT NULL").fetchall()]


def when_taken(row: dict) -> str:
    """When a row of `lol.objective_timing` says its games' first take fell: its period (`5-10 min`, or `all`),
    with the share of the objective's games, and the mean minute with its interval."""
    mean = ("" if row["first_minute_mean"] is None else
            f"at minute {row['first_minute_mean']:.1f} on average [95 % CI {row['first_minute_ci_low']:.1f} to "
            f"{row['first_minute_ci_high']:.1f}]")
    if row["from_minute"] is None:
        return f"whenever it fell{f' ({mean})' if mean else ''}"
    start, end = row["period"].removesuffix(" min").split("-")
    share = f"{pct(row['share_of_games'])} of the {games(row['objective_games'])} games it was taken in"
    return f"between minutes {start} and {end} ({share}{'; ' + mean if mean else ''})"


def objective_timing_findings(conn: psycopg.Connection) -> list[dict]:
    """`lol.objective_timing`, a finding per objective, queue, patch and period of the game's first take of it (or
    every period, `all`): the first taker's win rate against 50 % with its Wilson interval, the table's exact
    binomial p and its q over every row of the table."""
    return [first_taker(row, "objective_timing", "objective_timing", f"first {row['objective']}, {row['period']}",
                        f"taking the first {objective_name(row['objective'])} {when_taken(row)}")
            for row in conn.execute("SELECT * FROM lol.objective_timing WHERE games > 0 AND p_value IS NOT NULL "
                                    "AND q_value IS NOT NULL").fetchall()]


def dragon_vs_herald_findings(conn: psycopg.Connection) -> list[dict]:
    """`lol.dragon_vs_herald`, a finding per queue and patch: the win rate of the teams that took the first dragon
    but not the first Rift Herald against that of the teams that did the reverse, compared as the table tests it,
    within bands of game length (its difference, interval, p and q as published, on the teams of the bands both
    sides have), the raw rates and their difference with Newcombe's interval beside it. A row whose sides share no
    band has no test: it is left out."""
    out = []
    for row in conn.execute("SELECT * FROM lol.dragon_vs_herald WHERE same_length_difference IS NOT NULL "
                            "AND p_value IS NOT NULL AND q_value IS NOT NULL").fetchall():
        dragon, herald = row["dragon_win_rate"], row["herald_win_rate"]
        effect, low, high = row["same_length_difference"], row["same_length_ci_low"], row["same_length_ci_high"]
        n, n_rest = row["same_length_dragon_games"], row["same_length_herald_games"]
        sentence = (f"Teams, all ranks, {where(row)}: the first dragon without the first Rift Herald → win rate "
                    f"{pct(dragon)} vs {pct(herald)} for the first Rift Herald without the first dragon, "
                    f"{signed((dragon - herald) * 100)} points "
                    f"{interval(row['difference_ci_low'], row['difference_ci_high'], scale=100)} over "
                    f"{games(row['dragon_games'])} vs {games(row['herald_games'])} teams; in games as long as each "
                    f"other {signed(effect * 100)} points {interval(low, high, scale=100)}, n = {games(n)} vs "
                    f"{games(n_rest)} teams, {phrase_q(row['q_value'])}.")
        out.append(finding(row, "dragon_vs_herald", "dragon_vs_herald", subject="team",
                           condition="first dragon vs first herald", metric="win_rate", value_with=dragon,
                           baseline=herald, effect=effect, effect_ci_low=low, effect_ci_high=high, unit="win rate",
                           n=n, n_baseline=n_rest, p_value=row["p_value"], q_value=row["q_value"],
                           sentence=sentence))
    return out


def vision_findings(conn: psycopg.Connection) -> list[dict]:
    """`lol.vision_stats`, a finding per role's quarter of vision tested against the role's other quarters: its
    players' win rate against theirs (two-proportion test, Newcombe's interval), with their deaths per 10 minutes."""
    found = []
    for row in conn.execute("SELECT * FROM lol.vision_stats WHERE games > 0 AND other_games > 0 "
                            "AND p_value IS NOT NULL AND q_value IS NOT NULL").fetchall():
        n, wins, n_rest = row["games"], row["wins"], row["other_games"]
        low, high = row["effect_ci_low"], row["effect_ci_high"]
        deaths = ("" if row["deaths_per_10_mean"] is None else
                  f"; {row['deaths_per_10_mean']:.2f} deaths per 10 minutes [95 % CI {row['deaths_per_10_ci_low']:.2f} "
                  f"to {row['deaths_per_10_ci_high']:.2f}]")
        sentence = (f"{role_of(row['team_position'])} players in {QUARTERS.get(row['vision_band'], 'a quarter')} of "
                    f"vision ({row['vision_min']:.2f} to {row['vision_max']:.2f} vision score per minute), "
                    f"all ranks, {where(row)}: win rate {pct(wins / n)} vs {pct(row['other_win_rate'])} in the role's "
                    f"other quarters, {signed(row['effect'] * 100)} points {interval(low, high, scale=100)}, "
                    f"n = {games(n)} vs {games(n_rest)}, {phrase_q(row['q_value'])}{deaths}.")
        found.append(finding(row, "vision_stats", "vision_band", role=row["team_position"],
                             subject=row["team_position"], condition=f"vision quarter {row['vision_band']}",
                             metric="win_rate", value_with=wins / n, baseline=row["other_win_rate"],
                             effect=row["effect"], effect_ci_low=low, effect_ci_high=high, unit="win rate", n=n,
                             n_baseline=n_rest, p_value=row["p_value"], q_value=row["q_value"], sentence=sentence))
    return found


def win_model_findings(conn: psycopg.Connection) -> list[dict]:
    """`lol.win_model`, a finding per term but the intercept (`const`): its log-odds coefficient with its Wald
    interval, as an odds ratio in the sentence, beside the model's held-out accuracy and the gold-only baseline's."""
    found = []
    for row in conn.execute("SELECT * FROM lol.win_model WHERE term <> 'const' AND coefficient IS NOT NULL "
                            "AND coefficient_ci_low IS NOT NULL AND p_value IS NOT NULL "
                            "AND q_value IS NOT NULL").fetchall():
        b, low, high = row["coefficient"], row["coefficient_ci_low"], row["coefficient_ci_high"]
        quality = ("" if row["accuracy"] is None else
                   f"; the model calls {pct(row['accuracy'])} of {games(row['n_test'])} held-out games "
                   f"[{pct(row['accuracy_ci_low'])} to {pct(row['accuracy_ci_high'])}], gold alone "
                   f"{pct(row['baseline_accuracy'])}")
        sentence = (f"Blue side at {row['minute']} minutes, all ranks, {where(row)}: "
                    f"{TERM_NAMES.get(row['term'], row['term'])} → odds of winning × {math.exp(b):.2f} "
                    f"[95 % CI {math.exp(low):.2f} to {math.exp(high):.2f}] (log-odds {signed(b, 3)}), "
                    f"n = {games(row['n_train'])} games fitted, {phrase_q(row['q_value'])}{quality}.")
        found.append(finding(row, "win_model", "win_model_term", subject=f"{row['minute']} min",
                             condition=row["term"], metric="log_odds", effect=b, effect_ci_low=low,
                             effect_ci_high=high, unit="log-odds", n=row["n_train"], p_value=row["p_value"],
                             q_value=row["q_value"], sentence=sentence))
    return found


SOURCES = (
    Source("patterns", "discovered_patterns", "The discovered patterns: a champion's win rate by first core item and "
           "DPM by skill max order, the first objective's win rate, a role's deaths on vision", pattern_findings,
           ("first_core_item", "skill_max_order", "first_objective", "vision_deaths")),
    Source("correlations", "correlations", "Correlations between a role's player variables, Pearson's r with its "
           "interval", correlation_findings, ("correlation",)),
    Source("objectives", "objective_stats", "The first taker's win rate of each objective against 50 %",
           objective_findings, ("objective",)),
    Source("objective-timing", "objective_timing", "The first taker's win rate of each objective by when it fell, "
           "against 50 %", objective_timing_findings, ("objective_timing",)),
    Source("dragon-vs-herald", "dragon_vs_herald", "The first dragon's win rate against the first Rift Herald's, "
           "in games as long as each other", dragon_vs_herald_findings, ("dragon_vs_herald",)),
    Source("build-paths", "item_build_stats", "A champion's core item path: its KDA against the champion's other "
           "games as long, its win rate beside it", build_path_findings, ("build_path",)),
    Source("skill-ngrams", "skill_ngrams", "Three skill points in a row among a champion's first nine: DPM and win "
           "rate against the champion's other players", skill_ngram_findings, tuple(NGRAM_MEASURES)),
    Source("coordination", "coordination_outcomes", "The takers' win rate per teammate near an objective taken",
           coordination_findings, ("coordination",)),
    Source("objective-tree", "objective_tree", "A decision tree of first objectives: blue's win rate in each leaf, "
           "the tree's held-out accuracy against the baseline", objective_tree_findings, ("objective_tree_leaf",)),
    Source("vision", "vision_stats", "A role's win rate by quarter of vision against its other quarters",
           vision_findings, ("vision_band",)),
    Source("win-model", "win_model", "The win model's terms as odds ratios, with its held-out accuracy",
           win_model_findings, ("win_model_term",)),
)
"""Each published table read as findings, by its path under `/api/v1/lol`."""
