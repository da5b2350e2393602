"""One PUBG match for its page (`pubg.matches` and the tables of its teams, players, fights, engagements, landings,
kills, circles and tracked positions), positions in metres on its map."""

from __future__ import annotations

import psycopg

from gamestats_assets.lib.erasure.register import TOKEN_PREFIX
from gamestats_assets.published.pubg import COLUMNS
from gamestats_assets.serve.core.models import columns_of, field, row, typed
from gamestats_assets.serve.queries import NotFound, query
from gamestats_assets.serve.queries.pubg import MapName
from gamestats_assets.sources.pubg.reference import game_mode_display_name, map_display_name, map_size_m


MATCH_TABLES = ("pubg.matches", "pubg.match_summaries", "pubg.fights", "pubg.engagements",
                "pubg.player_circle_positions", "pubg.landings", "pubg.kill_positions", "pubg.circles",
                "pubg.team_match_results", "pubg.player_leaderboards", "pubg.tournament_match_outcomes",
                "pubg.player_match_results")
SUMMARIES = COLUMNS["match_summaries"]
MatchTeam = row("PubgMatchTeam", SUMMARIES, "team_id", "placement", doc="A team's result in the match",
                team_name=field(str | None, "its tournament team: the team most of its players are on (null in a "
                                            "match of no tournament team)"),
                kills=field(int | None, "its players' kills"), damage=field(float | None, "its players' damage"),
                players=field(list[str | None], "its players' names"))
RESULTS = COLUMNS["player_match_results"]
MatchPlayer = row("PubgMatchPlayer", SUMMARIES, "account_id", "player_name", "team_id", "placement", "kills",
                  "damage_dealt", "damage_received", "heals_used", "boosts_used", "walk_distance_m", "ride_distance_m",
                  "swim_distance_m", doc="A player's result in the match",
                  knocks=typed(RESULTS["knocks"]), assists=typed(RESULTS["assists"]),
                  headshot_kills=typed(RESULTS["headshot_kills"]),
                  survival_s=field(float | None, "seconds they survived (null outside a scored tournament match)"))
Fight = row("PubgFight", COLUMNS["fights"], "fight_id", "team_a", "team_b", "started_s", "duration_s",
            "winner_team_id", "center_x_m", "center_y_m", doc="A fight between two teams",
            damage=field(float | None, "both teams' damage"), knocks=field(int | None, "both teams' knocks"),
            kills=field(int | None, "both teams' kills"))
Engagement = row("PubgEngagement", COLUMNS["engagements"], "engagement_id", "teams", "team_ids", "third_party",
                 "fights", "started_s", "duration_s", "damage", "knocks", "kills", "center_x_m", "center_y_m",
                 doc="Fights that overlap, a third party's flagged")
Position = row("PubgPosition", COLUMNS["player_circle_positions"], "account_id", "sample_s", "x_m", "y_m",
               "outside_zone", doc="A tracked player's position at a sample",
               player_name=typed(SUMMARIES["player_name"]), team_id=typed(SUMMARIES["team_id"]))
Landing = row("PubgLanding", COLUMNS["landings"], "account_id", "player_name", "team_id", "landed_at_s", "x_m", "y_m",
              doc="Where a player landed")
KILLS = COLUMNS["kill_positions"]
Kill = row("PubgKill", KILLS, "event_index", "elapsed_s", "victim_team_id", "killer_team_id", "victim_x_m",
           "victim_y_m", "killer_x_m", "killer_y_m", "distance_m", doc="A kill, where victim and killer stood",
           victim_name=typed(SUMMARIES["player_name"]), killer_name=typed(SUMMARIES["player_name"]))
Circle = row("PubgCircle", COLUMNS["circles"], "phase", "appeared_s", "x_m", "y_m", "radius_m",
             doc="The safe zone of a phase")
MATCH = ("match_id", "created_at", "map_name", "game_mode", "duration_s", "participants", "rosters")
Match = row("PubgMatch", COLUMNS["matches"], *MATCH, doc="A match for its page", map_display_name=MapName,
            game_mode_display_name=field(str | None, "the game mode as players know it, from the PUBG dictionaries "
                                         "(its id when they lack it)"),
            map_size_m=field(int, "the map's edge in metres"),
            teams=field(list[MatchTeam], "each team's result, best placement first"),
            players=field(list[MatchPlayer], "each player's result, best placement then most kills first (a deleted "
                                             "player's row left out, their figures kept in their team's)"),
            landings=field(list[Landing], "where each player landed"),
            kills=field(list[Kill], "every kill, in the order of the telemetry"),
            circles=field(list[Circle], "the safe zone of each phase"), fights=field(list[Fight], "its fights"),
            engagements=field(list[Engagement], "its engagements"),
            tracked_positions=field(list[Position], "the tracked players' positions at each game-state sample"))


TEAM_NAMES = """
SELECT s.team_id, coalesce(min(r.team_name), mode() WITHIN GROUP (ORDER BY t.team_name)) AS team_name
FROM pubg.match_summaries s
LEFT JOIN pubg.team_match_results r ON r.match_id = s.match_id AND r.team_id = s.team_id
LEFT JOIN LATERAL (SELECT b.team_name FROM pubg.player_leaderboards b
                   JOIN pubg.tournament_match_outcomes o ON o.season_id = b.season_id AND o.match_id = s.match_id
                   WHERE b.scope = 'season' AND b.account_id = s.account_id LIMIT 1) t ON true
WHERE s.match_id = %s GROUP BY s.team_id
"""
"""Each team of a match and its tournament team: the scored result's, else the one most of its players are on
in the match's season."""


@query(*MATCH_TABLES, returns=Match)
def match(conn: psycopg.Connection, match_id: str) -> dict:
    def rows(statement: str) -> list[dict]:
        return conn.execute(statement, (match_id,)).fetchall()

    found = conn.execute(f"SELECT {', '.join(MATCH)} FROM pubg.matches WHERE match_id = %s", (match_id,)).fetchone()
    if found is None:
        raise NotFound(f"match {match_id!r} not found")
    names = {r["team_id"]: r["team_name"] for r in rows(TEAM_NAMES)}
    teams = rows("SELECT team_id, min(placement) AS placement, sum(kills)::bigint AS kills, "
                 "round(sum(damage_dealt)::numeric, 1)::double precision AS damage, "
                 "array_agg(player_name ORDER BY player_name) AS players FROM pubg.match_summaries "
                 "WHERE match_id = %s GROUP BY team_id ORDER BY placement, team_id")
    return {**found, "map_display_name": map_display_name(found["map_name"]),
            "game_mode_display_name": game_mode_display_name(found["game_mode"]),
            "map_size_m": map_size_m(found["map_name"]),
            "teams": [{**t, "team_name": names.get(t["team_id"])} for t in teams],
            "players": rows("SELECT s.account_id, s.player_name, s.team_id, s.placement, s.kills, s.damage_dealt, "
                            "s.damage_received, s.heals_used, s.boosts_used, s.walk_distance_m, s.ride_distance_m, "
                            "s.swim_distance_m, r.knocks, r.assists, r.headshot_kills, "
                            "r.survival_s FROM pubg.match_summaries s LEFT JOIN pubg.player_match_results r "
                            "ON r.match_id = s.match_id AND r.account_id = s.account_id WHERE s.match_id = %s "
                            f"AND s.account_id NOT LIKE '{TOKEN_PREFIX}%%' "
                            "ORDER BY s.placement, s.kills DESC, s.damage_dealt DESC, s.account_id"),
            "landings": rows(f"SELECT {columns_of(Landing)} FROM pubg.landings WHERE match_id = %s "
                             "ORDER BY team_id, account_id"),
            "kills": rows("SELECT k.event_index, k.elapsed_s, k.victim_team_id, v.player_name AS victim_name, "
                          "k.killer_team_id, killer.player_name AS killer_name, k.victim_x_m, k.victim_y_m, "
                          "k.killer_x_m, k.killer_y_m, k.distance_m FROM pubg.kill_positions k "
                          "LEFT JOIN pubg.match_summaries v ON v.match_id = k.match_id "
                          "AND v.account_id = k.victim_account_id "
                          "LEFT JOIN pubg.match_summaries killer ON killer.match_id = k.match_id "
                          "AND killer.account_id = k.killer_account_id "
                          "WHERE k.match_id = %s ORDER BY k.event_index"),
            "circles": rows(f"SELECT {columns_of(Circle)} FROM pubg.circles WHERE match_id = %s ORDER BY phase"),
            "fights": rows("SELECT fight_id, team_a, team_b, started_s, duration_s, "
                           "damage_by_a + damage_by_b AS damage, knocks_by_a + knocks_by_b AS knocks, "
                           "kills_by_a + kills_by_b AS kills, winner_team_id, center_x_m, center_y_m "
                           "FROM pubg.fights WHERE match_id = %s ORDER BY fight_id"),
            "engagements": rows(f"SELECT {columns_of(Engagement)} FROM pubg.engagements WHERE match_id = %s "
                                "ORDER BY engagement_id"),
            "tracked_positions": rows(
                "SELECT p.account_id, s.player_name, s.team_id, p.sample_s, p.x_m, p.y_m, p.outside_zone "
                "FROM pubg.player_circle_positions p LEFT JOIN pubg.match_summaries s "
                "ON s.match_id = p.match_id AND s.account_id = p.account_id "
                "WHERE p.match_id = %s ORDER BY p.account_id, p.sample_s")}
