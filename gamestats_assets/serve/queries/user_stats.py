"""A player's aggregate over their games (`GET /api/v1/users/stats`), from the published Rocket League tables that
hold a row per player and game: the scoreboard (`rocket.match_players` with `rocket.matches`), each rate with the
number it is over, and every stat of `rocket.player_stats` over their games, a rate as its summed numerator over
its summed denominator, any other stat as its mean over the games that have it."""

from __future__ import annotations

import psycopg

from gamestats_assets.serve.core.models import field, shape
from gamestats_assets.serve.queries import query

Rate = shape("UserRate", "A rate and the sample it is over", value=field(float | None, "the rate (null over none)"),
             sample_size=field(int, "what it is over: games for a per-game rate, shots for shooting"))
Stat = shape("UserStat", "A stat of `rocket.player_stats` over the player's games",
             category=field(str, "its category"), stat_type=field(str, "the stat"),
             value=field(float, "a rate's summed numerator over its summed denominator, else the mean over games"),
             sample_size=field(float, "a rate's summed denominator (its trials), else the games that have it"),
             games=field(int, "the games with a value of it"))
Stats = shape("UserStats", "A player's aggregate over their published games",
              player_ids=field(list[str], "the Rocket League ids of the account, as the tables name them"),
              games=field(int, "their published games"), wins=field(int, "the games their team won"),
              win_rate=field(Rate, "wins over games"), goals=field(int, "goals"), assists=field(int, "assists"),
              saves=field(int, "saves"), shots=field(int, "shots"),
              shooting=field(Rate, "goals over shots"), goals_per_game=field(Rate, "goals over games"),
              saves_per_game=field(Rate, "saves over games"),
              stats=field(list[Stat], "every stat of their games, by category and stat"))

SCOREBOARD = """
SELECT count(*) AS games,
       count(*) FILTER (WHERE (p.team = 0 AND m.score_team_0 > m.score_team_1)
                           OR (p.team = 1 AND m.score_team_1 > m.score_team_0)) AS wins,
       coalesce(sum(p.goals), 0) AS goals, coalesce(sum(p.assists), 0) AS assists,
       coalesce(sum(p.saves), 0) AS saves, coalesce(sum(p.shots), 0) AS shots
FROM rocket.match_players p JOIN rocket.matches m ON m.date = p.date AND m.match_id = p.match_id
WHERE p.player_id = ANY(%(ids)s)"""
STATS = """
SELECT category, stat_type,
       CASE WHEN sum(denominator) > 0 THEN sum(numerator) / sum(denominator) ELSE avg(value) END AS value,
       CASE WHEN sum(denominator) > 0 THEN sum(denominator) ELSE count(DISTINCT match_id) END AS sample_size,
       count(DISTINCT match_id) AS games
FROM rocket.player_stats WHERE player_id = ANY(%(ids)s) AND value IS NOT NULL
GROUP BY category, stat_type ORDER BY category, stat_type"""


def rate(part: int, whole: int) -> dict:
    return {"value": part / whole if whole else None, "sample_size": whole}


@query("rocket.match_players", "rocket.matches", "rocket.player_stats", returns=Stats)
def user_stats(conn: psycopg.Connection, player_ids: tuple[str, ...]) -> dict:
    """The aggregate of the players `player_ids` (one person's ids) over their published games."""
    board = conn.execute(SCOREBOARD, {"ids": list(player_ids)}).fetchone()
    stats = conn.execute(STATS, {"ids": list(player_ids)}).fetchall()
    games = board["games"]
    return {"player_ids": list(player_ids), **board, "win_rate": rate(board["wins"], games),
            "shooting": rate(board["goals"], board["shots"]), "goals_per_game": rate(board["goals"], games),
            "saves_per_game": rate(board["saves"], games), "stats": stats}
