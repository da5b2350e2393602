"""Findings planted beside those a real run published (`lol_findings`: one day, one patch): the most played champion
no pattern was found of given first-core-item patterns in its most played role, of every rank, on the current patch
and on an earlier one (one found again, one not; each with Newcombe's interval; the table holds none on fewer
games than its threshold), and an earlier patch's copies of two correlations, one significant on the current
patch and one not, so the pages and the API have a champion's findings and findings that no longer hold to show."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from statsmodels.stats.proportion import confint_proportions_2indep

EARLIER = "12.20"
"""A patch before the run's own."""


@dataclass(frozen=True)
class Planted:
    champion: str
    role: str
    queue: str
    current: str
    held_pair: tuple[str, str, str]
    dropped_pair: tuple[str, str, str]


def plant(pg_url: str) -> Planted:
    """The planted rows written into `pg_url`'s `lol.discovered_patterns` and `lol.correlations`."""
    with psycopg.connect(pg_url) as conn:
        champion, role, queue, current = conn.execute(
            "SELECT champion_name, team_position, queue, patch FROM lol.champion_stats WHERE tier = 'all' "
            "AND team_position <> '' AND champion_name NOT IN (SELECT subject FROM lol.discovered_patterns) "
            "ORDER BY games DESC, champion_name LIMIT 1").fetchone()
        for patch, item, wins, n, rest_wins, rest, q in (
                (current, "Eclipse", 24, 40, 27, 60, 0.01), (EARLIER, "Eclipse", 30, 45, 30, 70, 0.02),
                (EARLIER, "Muramana", 14, 35, 40, 60, 0.04)):
            low, high = confint_proportions_2indep(wins, n, rest_wins, rest, method="newcomb", compare="diff")
            conn.execute(
                "INSERT INTO lol.discovered_patterns (queue, patch, tier, pattern_type, subject, role, condition, "
                "metric, effect, effect_ci_low, effect_ci_high, value_with, baseline, n, n_baseline, p_value, "
                "q_value, min_games, significant, measure) VALUES (%s, %s, 'all', 'first_core_item', %s, %s, %s, "
                "'win_rate', %s, %s, %s, %s, %s, %s, %s, %s, %s, 30, %s, 'win_rate')",
                (queue, patch, champion, role, item, wins / n - rest_wins / rest, low, high, wins / n,
                 rest_wins / rest, n, rest, q / 2, q, q < 0.05))
        pairs = []
        for significant in (True, False):
            row = conn.execute(
                "SELECT team_position, variable_x, variable_y FROM lol.correlations WHERE patch = %s AND n >= 30 "
                f"AND pearson_q {'<' if significant else '>'} 0.5 ORDER BY pearson_q, team_position, variable_x, "
                "variable_y LIMIT 1", (current,)).fetchone()
            conn.execute(
                "INSERT INTO lol.correlations SELECT queue, %s, team_position, variable_x, variable_y, n, "
                "CASE WHEN pearson_r > 0 THEN 0.4 ELSE -0.4 END, 0.001, spearman_r, spearman_p, partial_r, "
                "partial_p, low_sample, 0.002, spearman_q, partial_q, "
                "tanh(atanh(CASE WHEN pearson_r > 0 THEN 0.4 ELSE -0.4 END) - 1.959964 / sqrt(n - 3)), "
                "tanh(atanh(CASE WHEN pearson_r > 0 THEN 0.4 ELSE -0.4 END) + 1.959964 / sqrt(n - 3)), true, measure "
                "FROM lol.correlations WHERE patch = %s "
                "AND team_position = %s AND variable_x = %s AND variable_y = %s", (EARLIER, current, *row))
            pairs.append(tuple(row))
    return Planted(champion, role, queue, current, *pairs)
