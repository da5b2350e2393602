"""A player who uploads raw replays (which carry no rank) states their rank through the API: the statement lands as
a `stated_ranks` file, the rocket assets publish it into `rocket.stated_ranks`, and their uploaded game is then
compared with the players of that band, one game against the band's single games, as the published counts give it;
what is hostile is refused with a 4xx and lands nothing."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from psycopg.rows import dict_row

from gamestats_assets.serve.crud import accounts
from gamestats_assets.serve.queries.rocket_game import PACKS_PER_HINT, packs_for
from gamestats_assets.sources.ballchasing.measures import SKILL_INDICATORS, STATS
from gamestats_assets.sources.ballchasing.ranks import rank_document
from gamestats_assets.sources.replays.header import read_header_alone
from gamestats_assets_tests.rocket.conftest import REPLAYS
from gamestats_assets_tests.serve.conftest import TOKEN, client_for
from gamestats_assets_tests.serve.rocket_days import RocketDays
from gamestats_assets_tests.serve.test_rocket import UPLOAD_DAY
from gamestats_assets_tests.serve.typed import typed_get

BASE = "/api/v1/rocket"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
UPLOAD = REPLAYS / "XBOX_PARTY.replay"
HEADER = read_header_alone(UPLOAD)
MATCH = HEADER.match_id.lower()
UPLOADER = sorted(p.player_id for p in HEADER.players if not p.player_id.startswith("bot:"))[-1]
"""The player who uploads the real raw replay and states a rank."""


def today() -> str:
    return dt.datetime.now(dt.UTC).date().isoformat()


@pytest.fixture(scope="module")
def rocket(rocket_one_day):
    """A published synthetic day (ranked players of every band, `rocket_one_day`), the API over it with a player
    account acting for `UPLOADER`, the real raw replay uploaded by them and its day run, and what runs a day again
    (`run_day`)."""
    data_dir, pg_url = rocket_one_day["data_dir"], rocket_one_day["pg_url"]
    days = RocketDays(data_dir, pg_url)
    with psycopg.connect(pg_url) as conn:
        key = accounts.create(conn, "rocket-profile-player", "player", (UPLOADER,))
        other = accounts.create(conn, "rocket-profile-other", "player", ("steam:76561197960265729",))
    with client_for(pg_url, api_token=TOKEN, requests_per_minute=100_000, data_dir=data_dir,
                    max_upload_bytes=2 * 1024 * 1024) as client:
        uploaded = client.post(f"{BASE}/replays/upload", content=UPLOAD.read_bytes(),
                               headers={"Authorization": f"Bearer {key}"})
        assert uploaded.status_code == 202, uploaded.text
        days.run_day(UPLOAD_DAY)
        yield {"client": client, "key": key, "other": other, "data_dir": data_dir, "pg_url": pg_url,
               "run_day": days.run_day, "defs": days.defs}


def rows(pg_url: str, query: str, params=()) -> list[tuple]:
    with psycopg.connect(pg_url) as conn:
        return conn.execute(query, params).fetchall()


def as_player(rocket) -> dict:
    return {"Authorization": f"Bearer {rocket['key']}"}


def landed(rocket) -> list:
    return sorted((rocket["data_dir"] / "landing" / "rocket").glob("*/stated_ranks_*.jsonl"))


def busiest_band(pg_url: str, playlist: str) -> str:
    """The ranked band with most published values in `playlist`."""
    return rows(pg_url, "SELECT rank_band FROM rocket.peer_value_counts WHERE playlist = %s AND rank_band <> "
                        "'unranked' GROUP BY rank_band ORDER BY max(total) DESC LIMIT 1", (playlist,))[0][0]


def expected_game(pg_url: str, band: str) -> dict[str, tuple[float, bool]]:
    """From the published tables alone: each stat of `UPLOADER`'s uploaded game, its percentile among `band`'s single
    games of the playlist turned so that 100 is best, and whether it is in the bottom quarter."""
    found = rows(pg_url, """
        SELECT s.stat_type, (100 * (c.games_below + c.games / 2.0) / c.total)::float FROM rocket.player_stats s
        JOIN LATERAL (SELECT * FROM rocket.peer_value_counts c WHERE c.rank_band = %s AND c.playlist = s.playlist
             AND c.stat_type = s.stat_type AND c.value_bin <= s.value_bin ORDER BY c.value_bin DESC LIMIT 1) c ON true
        WHERE s.match_id = %s AND s.player_id = %s AND s.value IS NOT NULL""", (band, MATCH, UPLOADER))
    turned = {stat: p if STATS[stat].better > 0 else 100 - p for stat, p in found if STATS[stat].better != 0}
    return {stat: (p, p < 25) for stat, p in turned.items()}


def test_an_uploaders_game_is_compared_with_unranked_games_until_they_state_a_rank_then_with_that_band(rocket):
    client, pg_url = rocket["client"], rocket["pg_url"]
    _, before = typed_get(client, f"{BASE}/analytics/game", {"player_id": UPLOADER})
    assert before["data"]["match_id"] == MATCH
    assert before["data"]["compared_with"] | {"rank_band": "unranked", "rank_from": "none"} == \
        before["data"]["compared_with"]
    assert before["data"]["note"].startswith("No rank known: state yours to compare this game with your band")
    assert (before["data"]["hints"], before["data"]["skills"], before["data"]["recommendations"]) == ([], [], [])
    assert before["data"]["stats"] and all(s["rank_percentile"] is None and s["band_games"] is None
                                           for s in before["data"]["stats"])
    assert client.get(f"{BASE}/player", params={"player_id": UPLOADER}).json()["data"]["stated"] is None

    ((playlist,),) = rows(pg_url, "SELECT playlist FROM rocket.matches WHERE match_id = %s", (MATCH,))
    band = busiest_band(pg_url, playlist)
    ((tier,),) = rows(pg_url, "SELECT min(rank_index) / 4 + 1 FROM rocket.player_stats WHERE rank_band = %s",
                      (band,))
    stated = client.post(f"{BASE}/player/stated-rank", headers=as_player(rocket),
                         json={"player_id": UPLOADER, "playlist": "ranked-doubles", "rank_tier": tier,
                               "rank_division": 2})
    assert stated.status_code == 202, stated.text
    assert stated.json()["landed"] == f"landing/rocket/{today()}"
    assert client.get(f"{BASE}/player", params={"player_id": UPLOADER}).json()["data"]["stated"] is None
    rocket["run_day"](today())

    index = (tier - 1) * 4 + 1
    assert rows(pg_url, "SELECT player_id, playlist, rank_tier, rank_division, rank_index, rank_band, statement_id "
                        "FROM rocket.stated_ranks") == [(UPLOADER, "ranked-doubles", tier, 2, index, band,
                                                         stated.json()["statement_id"])]
    _, profile = typed_get(client, f"{BASE}/player", {"player_id": UPLOADER})
    assert profile["data"]["stated"] | {"rank": rank_document(index)["name"], "rank_band": band, "used": True} == \
        profile["data"]["stated"]
    assert profile["data"]["rank_band"] == "unranked", "the profile's own rank stays what the games gave"

    _, after = typed_get(client, f"{BASE}/analytics/game", {"player_id": UPLOADER, "match_id": MATCH.upper()})
    game = after["data"]
    assert game["compared_with"] | {"rank_band": band, "rank_from": "stated", "rank": rank_document(index)["name"]} \
        == game["compared_with"]
    expected = expected_game(pg_url, band)
    shown = {s["stat_type"]: (s["better_percentile"], s["hint"]) for s in game["stats"]
             if s["better_percentile"] is not None}
    assert shown.keys() == expected.keys() and len(shown) > 10
    assert all(abs(shown[stat][0] - expected[stat][0]) < 1e-9 and shown[stat][1] == expected[stat][1]
               for stat in shown), (shown, expected)
    assert game["hints"] == sorted((s for s in expected if expected[s][1]), key=lambda s: expected[s][0])
    assert all(s["band_low"] <= s["band_median"] <= s["band_high"] for s in game["stats"] if s["band_low"] is not None)
    hinted_skills = {skill for skill, stats in SKILL_INDICATORS.items() if set(stats) & set(game["hints"])}
    assert {p["skill"] for p in game["recommendations"]} <= hinted_skills
    assert bool(game["recommendations"]) == bool(hinted_skills)

    comparison = client.get(f"{BASE}/analytics/comparison", params={"player_id": UPLOADER}).json()["data"]
    assert (comparison["rank_band"], comparison["rank_from"]) == (band, "stated")
    replay = client.get(f"{BASE}/replays/{MATCH}").json()["data"]
    [seat] = [p for p in replay["players"] if p["player_id"] == UPLOADER]
    assert (seat["compared_with"]["rank_band"], seat["compared_with"]["rank_from"]) == (band, "stated")
    others = [p for p in replay["players"] if p["player_id"] != UPLOADER]
    assert others and all(p["compared_with"]["rank_from"] == "none" for p in others)


def test_a_statement_is_published_by_the_daemon_without_an_engineer(rocket):
    """The landing sensor runs the statement's day (as it runs a dropped file's); the tables over every day that take
    it in are rebuilt by the automation once their inputs are updated."""
    graph = rocket["defs"].resolve_asset_graph()
    stated = [key for key in graph.materializable_asset_keys if "stated_ranks" in key.path[-1]]
    assert {tuple(key.path) for key in stated} >= {("rocket", "etl", "stated_ranks"), ("rocket", "cons", "stated_ranks")}
    assert all(graph.get(key).automation_condition is not None for key in stated
               if graph.get(key).partitions_def is None)


GOOD = {"player_id": UPLOADER, "playlist": "ranked-doubles", "rank_tier": 10, "rank_division": 3}


@pytest.mark.parametrize("hostile", [
    {**GOOD, "rank_tier": 0}, {**GOOD, "rank_tier": 23}, {**GOOD, "rank_division": 5}, {**GOOD, "rank_division": 0},
    {**GOOD, "rank_tier": 22, "rank_division": 2}, {**GOOD, "playlist": "unranked-doubles"},
    {**GOOD, "playlist": "ranked-doubles'; DROP TABLE rocket.stated_ranks; --"}, {**GOOD, "rank_tier": "ten"},
    {**GOOD, "rank_tier": 10.5}, {**GOOD, "player_id": "a b"}, {**GOOD, "player_id": "x" * 129},
    {**GOOD, "player_id": "steam:1\x00"}, {**GOOD, "stated_at": "2020-01-01T00:00:00Z"}, {**GOOD, "verified": True},
    {k: v for k, v in GOOD.items() if k != "rank_tier"}, [GOOD], "gold"])
def test_a_hostile_statement_is_422_and_lands_nothing(rocket, hostile):
    before = landed(rocket)
    answer = rocket["client"].post(f"{BASE}/player/stated-rank", json=hostile, headers=as_player(rocket))
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"]
    assert landed(rocket) == before


def test_a_statement_needs_a_key_acting_for_the_player(rocket):
    client, before = rocket["client"], landed(rocket)
    assert client.post(f"{BASE}/player/stated-rank", json=GOOD).status_code == 401
    assert client.post(f"{BASE}/player/stated-rank", json=GOOD,
                       headers={"Authorization": "Bearer gsk_0000000000000000_" + "a" * 43}).status_code == 401
    refused = client.post(f"{BASE}/player/stated-rank", json=GOOD,
                          headers={"Authorization": f"Bearer {rocket['other']}"})
    assert refused.status_code == 403 and UPLOADER in refused.json()["detail"]
    assert client.post(f"{BASE}/player/stated-rank", content=b"{not json", headers={
        **as_player(rocket), "Content-Type": "application/json"}).status_code == 422
    assert landed(rocket) == before


def test_one_game_refuses_what_is_not_a_players_game(rocket):
    client = rocket["client"]
    assert client.get(f"{BASE}/analytics/game", params={"player_id": "steam:0"}).status_code == 404
    assert client.get(f"{BASE}/analytics/game", params={"player_id": "a b'; --"}).status_code == 422
    assert client.get(f"{BASE}/analytics/game", params={"player_id": UPLOADER, "match_id": "zz"}).status_code == 422
    (other,) = rows(rocket["pg_url"], "SELECT match_id FROM rocket.matches WHERE match_id <> %s LIMIT 1", (MATCH,))[0]
    missing = client.get(f"{BASE}/analytics/game", params={"player_id": UPLOADER, "match_id": other})
    assert missing.status_code == 404 and other in missing.json()["detail"]


def test_a_hinted_skill_gets_the_catalogue_packs_of_its_categories_nearest_the_rank(rocket):
    """The packs for one game's hints, against the published catalogue: of the skill's categories, nearest the rank
    compared at, a pack once, for the lowest skill first."""
    skills = [{"skill": "saves", "skill_name": "Saves", "hints": ["save_rate"]},
              {"skill": "positioning", "skill_name": "Positioning", "hints": ["time_behind_ball_share"]},
              {"skill": "shooting", "skill_name": "Shooting", "hints": []}]
    with psycopg.connect(rocket["pg_url"], row_factory=dict_row) as conn:
        packs = packs_for(conn, skills, 30)
    catalogue = {code: (index, set(categories.split(";"))) for code, index, categories in rows(
        rocket["pg_url"], "SELECT code, difficulty_index, categories FROM rocket.training_packs "
                          "WHERE difficulty_index IS NOT NULL")}
    saves = sorted((abs(index - 30), code) for code, (index, categories) in catalogue.items() if "saves" in categories)
    assert [(p["skill"], p["pack_code"], p["distance"], p["position"]) for p in packs if p["skill"] == "saves"] == \
        [("saves", code, distance, place) for place, (distance, code) in enumerate(saves[:PACKS_PER_HINT])]
    positioning = [p for p in packs if p["skill"] == "positioning"]
    assert len(positioning) == PACKS_PER_HINT and all(
        catalogue[p["pack_code"]][1] & {"positioning", "saves"} for p in positioning)
    assert len({p["pack_code"] for p in packs}) == len(packs) and "shooting" not in {p["skill"] for p in packs}
    with psycopg.connect(rocket["pg_url"], row_factory=dict_row) as conn:
        assert packs_for(conn, skills[2:], 30) == []
        assert packs_for(conn, skills, None) == [], "no rank, no level to pick packs at: no Bronze packs"
