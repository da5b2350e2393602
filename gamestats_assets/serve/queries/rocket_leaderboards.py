"""Rocket League leaderboards: the players of one rank band ranked by their mean of one stat over their games in that
band (`rocket.player_stats`), best first in the stat's own direction (`measures.better_of`), each mean with its 95 %
interval over the player's games; only players with at least a given number of games are listed."""

from __future__ import annotations

import psycopg
from psycopg import sql

from gamestats_assets.lib.core.stats import t_interval
from gamestats_assets.serve.core.models import field, paged, shape
from gamestats_assets.serve.queries import page, query
from gamestats_assets.serve.queries.rocket import LATEST_NAMES
from gamestats_assets.sources.ballchasing.measures import HIGHER

Leader = shape("RocketLeader", "A player on a leaderboard, with their games and mean of the stat",
               position=field(int, "their place on the board, 1 for the best"),
               player_id=field(str, "the player's platform id (`steam:7656...`)"),
               name=field(str | None, "the name the player last played under (null when no source gave one)"),
               games=field(int, "their games in the band (and playlist) with a value of the stat"),
               mean=field(float, "their mean of the stat as compared between games (`value_bin`: per minute of "
                                 "the game for a total, a share of it for seconds in a state)"),
               sd=field(float | None, "the standard deviation of their games' values (null for one game)"),
               ci_low=field(float | None, "the lower bound of the 95 % interval of their mean (Student's t over "
                                          "their games; null for one game)"),
               ci_high=field(float | None, "its upper bound"))
BOARD = """
SELECT player_id, count(*) AS games, avg(value_bin) AS mean, stddev_samp(value_bin) AS sd
FROM rocket.player_stats
WHERE stat_type = %(stat)s AND rank_band = %(band)s AND value_bin IS NOT NULL
  AND (%(playlist)s::text IS NULL OR playlist = %(playlist)s)
GROUP BY player_id HAVING count(*) >= %(min_games)s
ORDER BY avg(value_bin) {direction}, player_id
"""


@query("rocket.player_stats", "rocket.users", returns=paged("RocketLeaderPage", Leader))
def leaderboard(conn: psycopg.Connection, stat: str, better: int, band: str, playlist: str | None, min_games: int,
                limit: int, offset: int) -> dict:
    """The players of `band` (and `playlist`, every one when None) with at least `min_games` games holding a value of
    `stat`, by their mean, best first (`better`: highest first for `HIGHER`, lowest first otherwise), then by id."""
    direction = sql.SQL("DESC" if better == HIGHER else "ASC")
    found = page(conn, sql.SQL(BOARD).format(direction=direction),
                 {"stat": stat, "band": band, "playlist": playlist, "min_games": min_games}, limit, offset)
    names = {r["player_id"]: r["name"] for r in conn.execute(LATEST_NAMES, ([r["player_id"] for r in found["rows"]],))}
    rows = []
    for place, leader in enumerate(found["rows"], start=offset + 1):
        low, high = t_interval(leader["mean"], leader["sd"], leader["games"]) or (None, None)
        rows.append({**leader, "position": place, "name": names.get(leader["player_id"]), "ci_low": low,
                     "ci_high": high})
    return {"rows": rows, "total_count": found["total_count"]}
