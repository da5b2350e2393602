"""One PUBG player for their page, as pubg.op.gg shows one: their career by kind of match
(`pubg.player_advanced_career_stats`), their standing in each season they played (`pubg.player_leaderboards`,
scope `season`), and their tournament matches, newest first, each with its map and their kills, knocks, assists,
damage, survival and points (`pubg.player_match_results`)."""

from __future__ import annotations

import psycopg
from psycopg import sql

from gamestats_assets.lib.erasure.register import TOKEN_PREFIX
from gamestats_assets.published.pubg import COLUMNS
from gamestats_assets.serve.core.models import field, paged, row, shape, typed
from gamestats_assets.serve.queries import NotFound, page, query
from gamestats_assets.sources.pubg.reference import map_display_name

CAREER = COLUMNS["player_advanced_career_stats"]
BOARDS = COLUMNS["player_leaderboards"]
RESULTS = COLUMNS["player_match_results"]

Career = row("PubgPlayerCareer", CAREER, "match_type", "matches", "wins", "avg_placement", "kills", "damage_dealt",
             "killsteals", "killsteal_rate", "killsteal_rate_ci_low", "killsteal_rate_ci_high", "heals_used",
             "boosts_used", "matches_with_telemetry", doc="The player's career over one kind of match")
Season = row("PubgPlayerSeason", BOARDS, "season_id", "team_name", "rank", "points", "matches", "wins", "kills",
             "knocks", "avg_placement", "damage_dealt", "avg_damage", "last_placements",
             doc="The player's standing over a whole season")
PlayerMatch = row("PubgPlayerMatch", RESULTS, "match_id", "created_at", "season_id", "division_id", "group_id",
                  "round_id", "team_name", "placement", "kills", "knocks", "assists", "headshot_kills",
                  "damage_dealt", "survival_s", "points", doc="The player's result in one tournament match",
                  map_display_name=field(str | None, "the match's map as players know it"))
Matches = paged("PubgPlayerMatches", PlayerMatch)
Player = shape("PubgPlayer", "A tournament player's page",
               account_id=typed(RESULTS["account_id"]),
               player_name=field(str | None, "the name of their latest match"),
               career=field(list[Career], "their career by kind of match (`all` first)"),
               seasons=field(list[Season], "their standing in each season they played, latest first"),
               matches=field(Matches, "their tournament matches, newest first"))

LATEST_NAME = sql.SQL("SELECT player_name FROM pubg.player_match_results WHERE account_id = %(player)s "
                      "ORDER BY created_at DESC NULLS LAST, match_id DESC LIMIT 1")
MATCHES = sql.SQL("SELECT r.match_id, r.created_at, r.season_id, r.division_id, r.group_id, r.round_id, r.team_name, "
                  "r.placement, r.kills, r.knocks, r.assists, r.headshot_kills, r.damage_dealt, r.survival_s, "
                  "r.points, m.map_name FROM pubg.player_match_results r "
                  "LEFT JOIN pubg.matches m ON m.match_id = r.match_id WHERE r.account_id = %(player)s "
                  "ORDER BY r.created_at DESC NULLS LAST, r.match_id DESC")


@query("pubg.player_match_results", "pubg.player_leaderboards", "pubg.player_advanced_career_stats", "pubg.matches",
       returns=Player)
def player(conn: psycopg.Connection, account_id: str, limit: int, offset: int) -> dict:
    params = {"player": account_id}
    named = conn.execute(LATEST_NAME, params).fetchone()
    if named is None or account_id.startswith(TOKEN_PREFIX):
        raise NotFound(f"player {account_id!r} has played no published tournament match")
    career = conn.execute(
        "SELECT * FROM pubg.player_advanced_career_stats WHERE account_id = %(player)s "
        "ORDER BY match_type <> 'all', match_type", params).fetchall()
    seasons = conn.execute(
        "SELECT b.* FROM pubg.player_leaderboards b LEFT JOIN (SELECT season_id, max(created_at) AS last "
        "FROM pubg.player_match_results WHERE account_id = %(player)s GROUP BY season_id) p USING (season_id) "
        "WHERE b.scope = 'season' AND b.account_id = %(player)s ORDER BY p.last DESC NULLS LAST, b.season_id DESC",
        params).fetchall()
    listed = page(conn, MATCHES, params, limit, offset)
    matches = [{**r, "map_display_name": map_display_name(r["map_name"]) if r["map_name"] else None}
               for r in listed["rows"]]
    return {"account_id": account_id, "player_name": named["player_name"], "career": career, "seasons": seasons,
            "matches": {"rows": matches, "total_count": listed["total_count"]}}
