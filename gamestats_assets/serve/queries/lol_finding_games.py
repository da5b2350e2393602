"""The League findings read from tables of single games' paths and moments (`lol_finding_sources.py` declares every
source): a champion's core item path against their other games as long, three skill points in a row, the takers'
win rate per teammate near an objective, and the leaves of the objective tree. The statistics each finding carries
are those `lol_finding_sources.py` describes, read as the tables publish them."""

from __future__ import annotations

import psycopg

from gamestats_assets.serve.queries.lol_finding_phrases import (
    finding,
    games,
    interval,
    objective_name,
    pct,
    signed,
    tier_of,
    where,
)
from gamestats_assets.serve.queries.lol_findings import phrase_q


def build_path_findings(conn: psycopg.Connection) -> list[dict]:
    """`lol.item_build_stats`, a finding per champion, core path and slice of ranks with a KDA change: the path's mean
    KDA against the champion's other games as long as its own (the table's difference and normal interval, its
    p from them and q over every path of the table; the path's KDA said is the other games' plus the difference, as
    the table compares them), the path's win rate with its Wilson interval and its difference from the champion's
    games as long beside it."""
    found = []
    for row in conn.execute("SELECT * FROM lol.item_build_stats WHERE kda_vs_others IS NOT NULL "
                            "AND kda_vs_others_ci_low IS NOT NULL AND kda_vs_others_ci_high IS NOT NULL "
                            "AND p_value IS NOT NULL AND q_value IS NOT NULL").fetchall():
        n, n_rest = row["games"], row["champion_games"] - row["games"]
        effect, low, high = row["kda_vs_others"], row["kda_vs_others_ci_low"], row["kda_vs_others_ci_high"]
        others = row["others_kda_mean"]
        sentence = (f"{row['champion_name']}, every role, {tier_of(row)}, {where(row)}: the core path "
                    f"{row['core_path']} → win rate {pct(row['win_rate'])} [95 % CI {pct(row['win_rate_ci_low'])} to "
                    f"{pct(row['win_rate_ci_high'])}] ({signed(row['win_rate_vs_same_length'] * 100)} points against "
                    f"the champion's games as long); KDA {others + effect:.2f} vs {others:.2f} in the "
                    f"champion's other games as long, {signed(effect, 2)} {interval(low, high, 2)}, "
                    f"n = {games(n)} vs {games(n_rest)}, {phrase_q(row['q_value'])}.")
        found.append(finding(row, "item_build_stats", "build_path", champion=row["champion_name"],
                             subject=row["champion_name"], condition=row["core_path"], metric="kda",
                             value_with=others + effect, baseline=others, effect=effect,
                             effect_ci_low=low, effect_ci_high=high, unit="KDA", n=n, n_baseline=n_rest,
                             p_value=row["p_value"], q_value=row["q_value"], sentence=sentence))
    return found


NGRAM_MEASURES = {
    "skill_ngram_dpm": ("dpm_difference", "dpm_difference_ci_low", "dpm_difference_ci_high", "dpm_p_value",
                        "dpm_q_value", "dpm_significant"),
    "skill_ngram_win_rate": ("win_rate_difference", "difference_ci_low", "difference_ci_high", "p_value",
                             "q_value", "significant")}
"""Each measure an n-gram of `lol.skill_ngrams` is tested on: its difference, interval, p, q and significance
columns."""


def ngram_finding(row: dict, kind: str) -> dict:
    """The finding of one n-gram of `row` on the measure `kind` of `NGRAM_MEASURES`: the n-gram's players against
    the champion's other players, the table's difference, interval, p and q."""
    effect_of, low_of, high_of, p_of, q_of, flag = NGRAM_MEASURES[kind]
    effect, low, high, n, n_rest = row[effect_of], row[low_of], row[high_of], row["games"], row["other_games"]
    points = " ".join(row["ngram"])
    if kind == "skill_ngram_dpm":
        value, baseline, unit = row["dpm_mean"], row["dpm_mean"] - effect, "DPM"
        said = (f"{value:,.0f} DPM vs {baseline:,.0f} in the champion's other games, {signed(effect, 0)} "
                f"{interval(low, high, 0)}")
    else:
        value, baseline, unit = row["win_rate"], row["win_rate"] - effect, "win rate"
        said = (f"win rate {pct(value)} vs {pct(baseline)} in the champion's other games, {signed(effect * 100)} "
                f"points {interval(low, high, scale=100)}")
    sentence = (f"{row['champion_name']}, every role, all ranks, {where(row)}: {points} among the first nine skill "
                f"points → {said}, n = {games(n)} vs {games(n_rest)}, {phrase_q(row[q_of])}.")
    return finding(row, "skill_ngrams", kind, flag, champion=row["champion_name"], subject=row["champion_name"],
                   condition=row["ngram"], metric=effect_of.removesuffix("_difference"),
                   value_with=value, baseline=baseline, effect=effect, effect_ci_low=low, effect_ci_high=high,
                   unit=unit, n=n, n_baseline=n_rest, p_value=row[p_of], q_value=row[q_of], sentence=sentence)


def skill_ngram_findings(conn: psycopg.Connection) -> list[dict]:
    """`lol.skill_ngrams`, two findings per champion's n-gram of its first nine skill points that the table tests:
    its players' DPM and win rate against the champion's other players (`NGRAM_MEASURES`)."""
    rows = conn.execute("SELECT * FROM lol.skill_ngrams WHERE p_value IS NOT NULL AND q_value IS NOT NULL "
                        "AND dpm_p_value IS NOT NULL AND dpm_q_value IS NOT NULL").fetchall()
    return [ngram_finding(row, kind) for row in rows for kind in NGRAM_MEASURES]


def coordination_findings(conn: psycopg.Connection) -> list[dict]:
    """`lol.coordination_outcomes`, a finding per objective, queue and patch it tests: the Cochran–Armitage slope of
    its takers' win rate per teammate more near (the table's interval, p and q), each count's win rate beside it.
    An association: a team ahead both gathers and wins more."""
    counts: dict[tuple, list[dict]] = {}
    for row in conn.execute("SELECT * FROM lol.coordination_outcomes WHERE trend_per_teammate IS NOT NULL "
                            "AND p_value IS NOT NULL AND q_value IS NOT NULL "
                            "ORDER BY queue, patch, objective, teammates_near").fetchall():
        counts.setdefault((row["queue"], row["patch"], row["objective"]), []).append(row)
    found = []
    for rows in counts.values():
        row, n = rows[0], sum(r["takes"] for r in rows)
        effect, low, high = row["trend_per_teammate"], row["trend_ci_low"], row["trend_ci_high"]
        rates = "; ".join(f"{r['teammates_near']} near: {pct(r['win_rate'])} of {games(r['takes'])}" for r in rows)
        sentence = (f"Teams, all ranks, {where(row)}: each teammate more near when taking a "
                    f"{objective_name(row['objective'])} → the takers' win rate {signed(effect * 100)} points "
                    f"{interval(low, high, scale=100)} ({rates}), n = {games(n)} takes, {phrase_q(row['q_value'])}; "
                    "an association, not a cause: a team ahead both gathers and wins more.")
        found.append(finding(row, "coordination_outcomes", "coordination", subject="team",
                             condition=f"teammates near {row['objective']}", metric="win_rate", effect=effect,
                             effect_ci_low=low, effect_ci_high=high, unit="win rate", n=n,
                             p_value=row["p_value"], q_value=row["q_value"], sentence=sentence))
    return found


def rule(leaf: str) -> str:
    """A leaf of `lol.objective_tree` (`first dragon: blue · first tower: red`) as a rule a player reads."""
    if leaf == "every game":
        return "in every game"
    taken = [part.split(": ") for part in leaf.split(" · ")]
    return "where " + " and ".join(f"{'nobody' if who == 'none' else who} took the {name}" for name, who in taken)


def verdict(row: dict) -> str:
    """The tree's held-out accuracy against the baseline's, as its paired interval allows saying it."""
    if row["accuracy_gain_ci_high"] < 0:
        return "worse than the baseline"
    if row["accuracy_gain_ci_low"] > 0:
        return "better than the baseline"
    return "not told apart from the baseline"


def objective_tree_findings(conn: psycopg.Connection) -> list[dict]:
    """`lol.objective_tree`, a finding per leaf of each queue and patch's tree: blue's win rate in its training games
    against 50 % (Wilson interval, exact binomial test, q over every leaf), the leaf's call and its held-out games
    called right, and the tree's held-out accuracy against the baseline's with the paired gain's interval."""
    rows = conn.execute("SELECT * FROM lol.objective_tree WHERE n_train > 0 AND p_value IS NOT NULL "
                        "AND q_value IS NOT NULL ORDER BY queue, patch, leaf").fetchall()
    majority: dict[tuple, list[int]] = {}
    for row in rows:
        total = majority.setdefault((row["queue"], row["patch"]), [0, 0])
        total[0] += row["blue_wins_train"]
        total[1] += row["n_train"]
    found = []
    for row in rows:
        wins, n = row["blue_wins_train"], row["n_train"]
        low, high = row["effect_ci_low"], row["effect_ci_high"]
        blue_wins, fitted = majority[(row["queue"], row["patch"])]
        called = "blue's" if row["blue_predicted"] else "red's"
        always = "blue's" if blue_wins >= fitted / 2 else "red's"
        sentence = (f"Blue side, all ranks, {where(row)}: {rule(row['leaf'])} → blue won {pct(wins / n)}, "
                    f"{signed((wins / n - 0.5) * 100)} points against an even 50 % {interval(low, high, scale=100)}, "
                    f"n = {games(n)} training games, {phrase_q(row['q_value'])}; the tree calls {called} win there, right in "
                    f"{games(row['correct_test'])} of its {games(row['n_test'])} held-out games. The whole tree calls "
                    f"{pct(row['accuracy'])} of {games(row['games_test'])} held-out games right "
                    f"[95 % CI {pct(row['accuracy_ci_low'])} to {pct(row['accuracy_ci_high'])}] against "
                    f"{pct(row['baseline_accuracy'])} for always calling {always} win, "
                    f"{signed(row['accuracy_gain'] * 100)} points "
                    f"{interval(row['accuracy_gain_ci_low'], row['accuracy_gain_ci_high'], scale=100)}: "
                    f"{verdict(row)}.")
        found.append(finding(row, "objective_tree", "objective_tree_leaf", subject="blue",
                             condition=row["leaf"], metric="win_rate", value_with=wins / n, baseline=0.5,
                             effect=row["effect"], effect_ci_low=low, effect_ci_high=high, unit="win rate", n=n,
                             p_value=row["p_value"], q_value=row["q_value"], sentence=sentence))
    return found
