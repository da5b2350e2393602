"""A player who uploads raw replays (which carry no rank) and states their rank, run by Dagster as the daemon runs
their days: before the statement they are compared with no band (no score, no recommendation from unranked games);
after it, their weaknesses, recommendations, predicted rank and outlook are published from their own games against
the players of the stated band whose rank a game gave, with their games' n and the percentile's interval, and none of
those peers' figures moves."""

from __future__ import annotations

import json
import shutil

import polars as pl
import psycopg
import pytest
from psycopg.rows import dict_row

from gamestats_assets.defs.rocket.transforms import recommend, skills
from gamestats_assets.sources.ballchasing.ranks import division_index
from gamestats_assets_tests.rocket.conftest import FIXTURES
from gamestats_assets_tests.serve.conftest import rocket_two_days  # noqa: F401 (the module's fixture)
from gamestats_assets_tests.serve.rocket_days import RocketDays

UPLOAD_DAY, STATED_DAY = "2026-03-03", "2026-03-04"
UPLOADS = [FIXTURES / "replays" / name for name in ("2114.replay", "540d.replay", "6d1b.replay")]
"""Three real ranked-doubles games (2015-2016) of one player, as raw replays: they carry no rank."""
UPLOADER = "76561197960872175"
DIAMOND_I = division_index(13, 1)


def published(pg_url: str, query: str, params=()) -> list[dict]:
    with psycopg.connect(pg_url, row_factory=dict_row) as conn:
        return conn.execute(query, params).fetchall()


def of_uploader(pg_url: str, table: str) -> list[dict]:
    return published(pg_url, f"SELECT * FROM rocket.{table} WHERE player_id = %s", (UPLOADER,))


@pytest.fixture(scope="module")
def uploader(rocket_two_days):  # noqa: F811
    """Two synthetic days of ranked players (`rocket_two_days`), then the uploader's raw replays landed and run
    (`before`: what the tables hold of them then), then their statement of Diamond I landed the next day and run."""
    pg_url = rocket_two_days["pg_url"]
    days = RocketDays(rocket_two_days["data_dir"], pg_url)
    folder = days.landing / UPLOAD_DAY
    folder.mkdir(parents=True)
    for replay in UPLOADS:
        shutil.copy(replay, folder / replay.name)
    days.run_day(UPLOAD_DAY)
    before = {table: of_uploader(pg_url, table)
              for table in ("player_weaknesses", "recommendations", "rank_predictions", "rank_outlook")}
    statement = {"statement_id": "d1", "player_id": UPLOADER, "playlist": "ranked-doubles", "rank_tier": 13,
                 "rank_division": 1, "stated_at": f"{STATED_DAY}T10:00:00+00:00"}
    (days.landing / STATED_DAY).mkdir()
    (days.landing / STATED_DAY / "stated_ranks_d1.jsonl").write_text(json.dumps(statement) + "\n")
    days.run_day(STATED_DAY)
    return {"pg_url": pg_url, "before": before}


def test_before_a_statement_the_uploaders_games_are_compared_with_no_band(uploader):
    pg_url = uploader["pg_url"]
    games = published(pg_url, "SELECT DISTINCT match_id, rank_band, playlist FROM rocket.player_stats "
                              "WHERE player_id = %s", (UPLOADER,))
    assert len(games) == 3 and {(g["rank_band"], g["playlist"]) for g in games} == {("unranked", "ranked-doubles")}
    assert uploader["before"] == {"player_weaknesses": [], "recommendations": [], "rank_predictions": [],
                                  "rank_outlook": []}


def test_the_stated_rank_compares_the_uploaders_own_games_with_the_bands_ranked_players(uploader):
    pg_url = uploader["pg_url"]
    scores = of_uploader(pg_url, "player_weaknesses")
    assert {(s["rank_band"], s["rank_index"], s["rank_from"], s["playlist"]) for s in scores} == {
        ("diamond", DIAMOND_I, "stated", "ranked-doubles")}
    scored = [s for s in scores if s["z"] is not None]
    assert scored, [s["null_reason"] for s in scores]
    for score in scored:
        assert score["matches"] == len(UPLOADS) and score["peers"] >= skills.MIN_PEERS
        assert score["percentile_ci_low"] <= score["rank_percentile"] <= score["percentile_ci_high"]
        assert score["standard_error"] > 0 and score["p_adjusted"] is not None
    for score in scored:
        peers = published(pg_url, "SELECT standard_error FROM rocket.player_weaknesses WHERE rank_band = 'diamond' "
                                  "AND playlist = 'ranked-doubles' AND rank_from = 'game' AND skill = %s "
                                  "AND z IS NOT NULL AND matches > %s", (score["skill"], 2 * len(UPLOADS)))
        errors = sorted(p["standard_error"] for p in peers)
        assert errors and score["standard_error"] > errors[len(errors) // 2], \
            "three games leave the mean less sure than a typical peer's many"
    unscored = [s for s in scores if s["z"] is None]
    assert all(s["null_reason"] for s in unscored)


def test_the_uploader_moves_no_figure_of_the_bands_ranked_players(uploader):
    pg_url = uploader["pg_url"]
    stats = pl.DataFrame(published(pg_url, "SELECT * FROM rocket.player_stats"), infer_schema_length=None)
    seen = pl.DataFrame(published(pg_url, "SELECT * FROM rocket.users"), infer_schema_length=None)
    alone = skills.skill_scores(skills.player_levels(stats, seen)).filter(pl.col("z").is_not_null())
    figures = ["player_id", "skill", "z", "rank_percentile", "percentile_ci_low", "percentile_ci_high"]
    held = pl.DataFrame(published(pg_url, f"SELECT {', '.join(figures)} FROM rocket.player_weaknesses "
                                          "WHERE rank_from = 'game' AND z IS NOT NULL"), infer_schema_length=None)
    assert UPLOADER not in alone["player_id"].to_list()
    joined = alone.select(figures).join(held, on=["player_id", "skill"], suffix="_published")
    assert joined.height == alone.height == held.height
    for figure in figures[2:]:
        assert (joined[figure] - joined[f"{figure}_published"]).abs().max() < 1e-9, figure


def test_recommendations_are_near_the_stated_rank_with_their_n_and_interval_and_none_from_unranked(uploader):
    pg_url = uploader["pg_url"]
    picks = of_uploader(pg_url, "recommendations")
    assert picks
    weakest = {s["skill"]: s for s in of_uploader(pg_url, "player_weaknesses")}
    for pick in picks:
        assert (pick["rank_band"], pick["rank_from"], pick["matches"]) == ("diamond", "stated", len(UPLOADS))
        assert pick["distance"] <= recommend.RANK_WINDOW and pick["difficulty"] != "bronze"
        score = weakest[pick["skill"]]
        assert (pick["rank_percentile"], pick["percentile_ci_low"], pick["percentile_ci_high"]) == (
            score["rank_percentile"], score["percentile_ci_low"], score["percentile_ci_high"])
    assert published(pg_url, "SELECT count(*) AS n FROM rocket.recommendations WHERE rank_band IS NULL "
                             "OR rank_band = 'unranked'") == [{"n": 0}]
    mates = published(pg_url, "SELECT DISTINCT s.player_id FROM rocket.player_stats s WHERE s.match_id IN (SELECT "
                               "match_id FROM rocket.player_stats WHERE player_id = %s) AND s.player_id <> %s",
                      (UPLOADER, UPLOADER))
    assert mates
    for table in ("player_weaknesses", "recommendations"):
        assert published(pg_url, f"SELECT count(*) AS n FROM rocket.{table} WHERE player_id = ANY(%s)",
                         ([m["player_id"] for m in mates],)) == [{"n": 0}], \
            f"the other players of the uploads stated no rank: no band, nothing in {table}"


def test_the_uploader_gets_a_predicted_rank_and_an_outlook_at_the_stated_rank(uploader):
    pg_url = uploader["pg_url"]
    [prediction] = of_uploader(pg_url, "rank_predictions")
    assert (prediction["rank_index"], prediction["rank_from"], prediction["held_out"]) == (DIAMOND_I, "stated", True)
    assert prediction["games"] == len(UPLOADS) and prediction["predicted_rank_index"] is not None
    [outlook] = of_uploader(pg_url, "rank_outlook")
    assert (outlook["rank_index"], outlook["rank_from"], outlook["rank_days"], outlook["outlook"]) == (
        DIAMOND_I, "stated", 1, "too few ranked days to tell")
    assert outlook["tested_trend"] is None
