"""The PUBG tournament API against the tables a real run published: the tournament page's shapes, its filters,
the freshness it reports, and what it refuses."""

from __future__ import annotations

import psycopg
import pytest

BASE = "/api/v1/tournaments"
TEAM_FIELDS = {"rank", "rank_change", "team_id", "team_name", "total_points", "total_kills", "wwcd", "matches_played",
               "avg_placement", "recent_placements", "rank_change_since", "placement_points", "kill_points", "knocks"}
"""The team row of the design document's example, field for field, and what it adds (rank change's reference,
points by placement and by kills, knocks)."""
PLAYER_FIELDS = {"rank", "player_name", "team_name", "total_points", "total_kills", "total_damage", "avg_damage",
                 "killsteals", "matches_played", "weapon_distribution"}
CATEGORIES = ["AR", "DMR", "SR", "SMG", "Shotgun", "LMG", "Pistol", "Melee", "Throwable", "Other"]
METADATA = {"season_id", "season_name", "division", "group", "round", "round_name", "filtered_by", "timestamp"}


def rows(pg_url, query, *params):
    with psycopg.connect(pg_url) as conn:
        return conn.execute(query, params).fetchall()


def season_of(published) -> str:
    return rows(published["pg_url"], "SELECT DISTINCT season_id FROM pubg.tournament_rounds")[0][0]


def test_team_leaderboard_has_the_documents_shape_and_matches_the_table(client, published):
    answer = client.get(f"{BASE}/leaderboard/teams").json()
    assert METADATA <= set(answer["metadata"]) and answer["metadata"]["filtered_by"] == "season"
    assert answer["metadata"]["season_name"] == f"Season {answer['metadata']['season_id']}"
    teams = answer["data"]["teams"]
    assert set(teams[0]) == TEAM_FIELDS and answer["data"]["total_count"] == len(teams) == 32
    assert [t["rank"] for t in teams] == sorted(t["rank"] for t in teams)
    first = teams[0]
    [(points, kills, last)] = rows(published["pg_url"], "SELECT points, kills, last_placements FROM "
                                   "pubg.team_leaderboards WHERE scope = 'season' AND team_name = %s", first["team_name"])
    assert (first["total_points"], first["total_kills"]) == (points, kills)
    assert first["recent_placements"] == [int(p) for p in last.split(",")] and len(first["recent_placements"]) <= 6


def test_each_response_says_when_its_tables_were_last_published(client, published):
    metadata = client.get(f"{BASE}/leaderboard/teams").json()["metadata"]
    [(at,)] = rows(published["pg_url"], "SELECT published_at FROM public.publish_log "
                                        "WHERE table_name = 'pubg.team_leaderboards'")
    assert metadata["published_at"]["pubg.team_leaderboards"] == at.isoformat().replace("+00:00", "Z")


def test_filters_choose_the_scope_of_the_board(client, published):
    season = season_of(published)
    [round_one, round_two] = [r for (r,) in rows(published["pg_url"], "SELECT round_id FROM pubg.tournament_rounds "
                                                                      "ORDER BY starts_at")]
    division = client.get(f"{BASE}/leaderboard/teams", params={"season_id": season, "division": "Pro"}).json()
    assert division["metadata"]["filtered_by"] == "division" and division["data"]["total_count"] == 16
    assert all(t["team_name"].startswith("PRO") for t in division["data"]["teams"])
    group = client.get(f"{BASE}/leaderboard/teams", params={"division": "Pro", "group": "A"}).json()
    assert group["metadata"]["filtered_by"] == "group"
    by_round = client.get(f"{BASE}/leaderboard/teams", params={"division": "Pro", "round": round_one}).json()
    assert by_round["metadata"] | {"round": round_one, "round_name": "Round 1", "filtered_by": "round"} == \
        by_round["metadata"]
    assert all(t["matches_played"] == 1 for t in by_round["data"]["teams"])
    overall = client.get(f"{BASE}/leaderboard/teams", params={"division": "Pro", "round": "overall"}).json()
    assert overall["metadata"]["filtered_by"] == "division" and overall["metadata"]["round"] == "overall"
    assert all(t["matches_played"] == 2 for t in overall["data"]["teams"])
    [(expected,)] = rows(published["pg_url"], "SELECT count(*) FROM pubg.team_leaderboards WHERE scope = 'round' "
                                              "AND round_id = %s", round_two)
    assert client.get(f"{BASE}/leaderboard/teams", params={"round": round_two}).json()["data"]["total_count"] == expected
    page = client.get(f"{BASE}/leaderboard/teams", params={"division": "Pro", "limit": 5, "offset": 5}).json()["data"]
    assert [t["team_name"] for t in page["teams"]] == [t["team_name"] for t in division["data"]["teams"][5:10]]
    assert page["total_count"] == 16


def test_player_leaderboard_carries_damage_killsteals_and_weapon_distribution(client, published):
    plain = client.get(f"{BASE}/leaderboard/players", params={"division": "Pro"}).json()["data"]
    assert plain["players"][0]["weapon_distribution"] is None and plain["total_count"] == 64
    players = client.get(f"{BASE}/leaderboard/players",
                         params={"division": "Pro", "include_weapons": "true"}).json()["data"]["players"]
    assert PLAYER_FIELDS <= set(players[0])
    for player in players:
        assert list(player["weapon_distribution"]) == CATEGORIES
        assert sum(c["kills"] for c in player["weapon_distribution"].values()) <= player["total_kills"]
        assert player["avg_damage"] == pytest.approx(player["total_damage"] / player["matches_played"], abs=0.1)
    [(damage, steals)] = rows(published["pg_url"], "SELECT sum(damage_dealt), sum(killsteals) FROM pubg.match_summaries s "
                              "JOIN pubg.tournament_match_outcomes o USING (match_id) WHERE o.scored AND "
                              "o.division_id = 'Pro' AND s.account_id = %s", players[0]["player_id"])
    assert players[0]["total_damage"] == pytest.approx(damage, abs=0.1) and players[0]["killsteals"] == steals
    assert any(sum(c["damage"] for c in p["weapon_distribution"].values()) > 0 for p in players)


def test_recent_matches_give_each_teams_result_newest_first(client, published):
    answer = client.get(f"{BASE}/matches/recent", params={"division": "Pro"}).json()["data"]
    scored = rows(published["pg_url"], "SELECT match_id FROM pubg.tournament_match_outcomes WHERE scored AND "
                                       "division_id = 'Pro' ORDER BY started_at DESC")
    assert [m["match_id"] for m in answer["matches"]] == [m for (m,) in scored] and answer["total_count"] == 2
    teams = answer["matches"][0]["teams"]
    assert [t["placement"] for t in teams] == sorted(t["placement"] for t in teams) and teams[0]["placement"] == 1
    assert all(isinstance(t["kills"], int) for t in teams)
    assert len(client.get(f"{BASE}/matches/recent", params={"limit": 1}).json()["data"]["matches"]) == 1


def test_rounds_and_schedule(client, published):
    rounds = client.get(f"{BASE}/rounds").json()["data"]
    assert [r["name"] for r in rounds["rounds"]] == ["Round 1", "Round 2"]
    assert all(r["matches_played"] == 2 and r["status"] == "completed" for r in rounds["rounds"])
    first = rounds["rounds"][0]["round"]
    slots = client.get(f"{BASE}/schedule", params={"round": first, "division": "Pro"}).json()["data"]["matches"]
    assert len(slots) == 1 and slots[0]["status"] == "remade" and slots[0]["attempts"] == 2
    assert len(client.get(f"{BASE}/schedule").json()["data"]["matches"]) == 4


@pytest.mark.parametrize(("params", "missing"), [
    ({"season_id": "S1999-000"}, "season 'S1999-000' not found"),
    ({"division": "Bronze"}, "division 'Bronze' not found"),
    ({"group": "Z"}, "group 'Z' not found"),
    ({"round": "R9"}, "round 'R9' not found"),
])
def test_an_unknown_context_is_a_404_naming_it(client, params, missing):
    for path in ("/leaderboard/teams", "/leaderboard/players", "/matches/recent", "/schedule"):
        response = client.get(BASE + path, params=params)
        assert response.status_code == 404 and missing in response.json()["detail"], path


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "ten"},
                                    {"include_weapons": "maybe"}, {"division": ""}, {"season_id": "x" * 65}])
def test_a_malformed_parameter_is_a_422(client, params):
    assert client.get(f"{BASE}/leaderboard/players", params=params).status_code == 422


def test_a_matchs_standings_are_that_match_alone_and_a_match_of_another_context_is_a_404(client, published):
    [(match_id, division)] = rows(published["pg_url"], "SELECT match_id, division_id FROM pubg.tournament_match_outcomes "
                                  "WHERE scored ORDER BY started_at LIMIT 1")
    answer = client.get(f"{BASE}/leaderboard/teams", params={"division": division, "match_id": match_id}).json()
    teams = answer["data"]["teams"]
    expected = rows(published["pg_url"], "SELECT team_name, points, placement_points, kill_points, placement "
                                         "FROM pubg.team_match_results WHERE match_id = %s ORDER BY points DESC", match_id)
    assert answer["metadata"]["match_id"] == match_id and len(teams) == len(expected) == 16
    assert {(t["team_name"], t["total_points"], t["placement_points"], t["kill_points"], t["recent_placements"][0])
            for t in teams} == set(expected)
    assert [t["total_points"] for t in teams] == sorted((t["total_points"] for t in teams), reverse=True)
    assert all(t["rank_change"] is None and t["matches_played"] == 1 for t in teams)
    players = client.get(f"{BASE}/leaderboard/players", params={"match_id": match_id, "include_weapons": "true"}).json()
    assert players["data"]["total_count"] == 64 and all(p["matches_played"] == 1 for p in players["data"]["players"])
    other = "Challenger" if division == "Pro" else "Pro"
    missing = client.get(f"{BASE}/leaderboard/teams", params={"division": other, "match_id": match_id})
    assert missing.status_code == 404 and match_id in missing.json()["detail"]


def test_maps_and_seasons_carry_the_names_players_know(client, published):
    season = client.get(f"{BASE}/seasons").json()["data"]["seasons"][0]
    assert season["season_name"] == f"Season {season['season_id']}"
    names = {"Baltic_Main": "Erangel (Remastered)", "Desert_Main": "Miramar", "Tiger_Main": "Taego", "Neon_Main": "Rondo"}
    for match in client.get(f"{BASE}/matches/recent").json()["data"]["matches"]:
        assert match["map_display_name"] == names[match["map_name"]]
    for slot in client.get(f"{BASE}/schedule").json()["data"]["matches"]:
        assert slot["map_display_name"] == names[slot["map_name"]]
