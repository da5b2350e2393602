"""One PUBG match for its page (`GET /api/v1/tournaments/matches/{match_id}`): the match and its map's edge in
metres, each team's placement, kills and damage, where each player landed, every kill with where victim and
killer stood, the safe zone of each phase, its fights and engagements (third-party ones flagged) with their
centres in metres on the map, and the tracked players' positions sampled through the circles, from the
published `pubg` tables."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request

from gamestats_assets.serve.envelope import enveloped
from gamestats_assets.serve.reader import Reader
from gamestats_assets.sources.pubg.reference import map_size_m

router = APIRouter(prefix="/api/v1/tournaments", tags=["pubg tournaments"])
MatchId = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$")]
TABLES = ("pubg.matches", "pubg.match_summaries", "pubg.fights", "pubg.engagements", "pubg.player_circle_positions",
          "pubg.landings", "pubg.kill_positions", "pubg.circles")


@router.get("/matches/{match_id}",
            summary="A match's teams, landings, kills, circles, fights, engagements and tracked positions, for its map")
def match(request: Request, match_id: MatchId) -> dict:
    reader: Reader = request.app.state.reader

    def compute(conn) -> dict:
        found = conn.execute("SELECT match_id, created_at, map_name, game_mode, duration_s, participants, rosters "
                             "FROM pubg.matches WHERE match_id = %s", (match_id,)).fetchone()
        if found is None:
            raise HTTPException(404, f"match {match_id!r} not found")
        teams = conn.execute("SELECT team_id, min(placement) AS placement, sum(kills)::bigint AS kills, "
                             "round(sum(damage_dealt)::numeric, 1)::double precision AS damage, "
                             "array_agg(player_name ORDER BY player_name) AS players FROM pubg.match_summaries "
                             "WHERE match_id = %s GROUP BY team_id ORDER BY placement, team_id", (match_id,)).fetchall()
        fights = conn.execute("SELECT fight_id, team_a, team_b, started_s, duration_s, damage_by_a + damage_by_b AS damage, "
                              "knocks_by_a + knocks_by_b AS knocks, kills_by_a + kills_by_b AS kills, winner_team_id, "
                              "center_x_m, center_y_m FROM pubg.fights WHERE match_id = %s ORDER BY fight_id",
                              (match_id,)).fetchall()
        engagements = conn.execute("SELECT engagement_id, teams, team_ids, third_party, fights, started_s, duration_s, "
                                   "damage, knocks, kills, center_x_m, center_y_m FROM pubg.engagements "
                                   "WHERE match_id = %s ORDER BY engagement_id", (match_id,)).fetchall()
        positions = conn.execute("SELECT account_id, sample_s, x_m, y_m, outside_zone FROM pubg.player_circle_positions "
                                 "WHERE match_id = %s ORDER BY account_id, sample_s", (match_id,)).fetchall()
        landings = conn.execute("SELECT account_id, player_name, team_id, landed_at_s, x_m, y_m FROM pubg.landings "
                                "WHERE match_id = %s ORDER BY team_id, account_id", (match_id,)).fetchall()
        kills = conn.execute("SELECT k.event_index, k.elapsed_s, k.victim_team_id, v.player_name AS victim_name, "
                             "k.killer_team_id, killer.player_name AS killer_name, k.victim_x_m, k.victim_y_m, "
                             "k.killer_x_m, k.killer_y_m, k.distance_m FROM pubg.kill_positions k "
                             "LEFT JOIN pubg.match_summaries v ON v.match_id = k.match_id "
                             "AND v.account_id = k.victim_account_id "
                             "LEFT JOIN pubg.match_summaries killer ON killer.match_id = k.match_id "
                             "AND killer.account_id = k.killer_account_id "
                             "WHERE k.match_id = %s ORDER BY k.event_index", (match_id,)).fetchall()
        circles = conn.execute("SELECT phase, appeared_s, x_m, y_m, radius_m FROM pubg.circles WHERE match_id = %s "
                               "ORDER BY phase", (match_id,)).fetchall()
        return {**found, "map_size_m": map_size_m(found["map_name"]), "teams": teams, "landings": landings,
                "kills": kills, "circles": circles, "fights": fights, "engagements": engagements,
                "tracked_positions": positions}

    return enveloped(reader.read(TABLES, ("match", match_id), compute), match_id=match_id)
