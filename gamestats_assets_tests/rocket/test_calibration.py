"""How much of a game the rank explains, on real ranked players (ballchasing's JSON of the same-game fixtures) and
on the synthetic players."""

import datetime as dt
import json
import math

import polars as pl
import pytest

from gamestats_assets.generator.emitters.rocket import RANK_SHARE, SKILLS, WEAKNESS_GAP, generate_replays
from gamestats_assets.generator.emitters.rocket_calibration import player_games, rank_explained, weakest_gaps
from gamestats_assets.lib.core.stats import Z_95
from gamestats_assets_tests.rocket.conftest import FIXTURES

LINE_SKILLS = ("aerials", "boost_management", "positioning", "rotation")
"""Skills whose stat a real game gives for every player (shots and saves are few in one game)."""


@pytest.fixture(scope="module")
def real() -> pl.DataFrame:
    return player_games(json.loads(path.read_text()) for path in sorted((FIXTURES / "paired").glob("*.json")))


@pytest.fixture(scope="module")
def synthetic() -> pl.DataFrame:
    day = dt.date(2026, 1, 5)
    return player_games(generate_replays(day, seed=3, n_players=300, anchor=day))


def test_every_ranked_real_player_is_a_row_with_the_rank_as_divisions(real):
    assert real.height == 14
    assert real["level"].min() == 17 and real["level"].max() == 77
    assert real.select(SKILLS).null_count().row(0) == (1, 0, 0, 0, 0, 0)


def test_rank_explained_gives_each_skill_its_share_interval_and_spread(real):
    explained = rank_explained(real)
    assert explained["skill"].to_list() == list(SKILLS)
    assert (explained["r2_ci_low"] <= explained["r2"]).all() and (explained["r2"] <= explained["r2_ci_high"]).all()
    assert explained["r2"].is_between(0, 1).all() and explained["n"].to_list() == [13, 14, 14, 14, 14, 14]
    assert (explained["skill_spread"] > 0).all()


def test_weakest_gaps_are_below_the_line_and_below_the_second_weakest(real):
    gaps = weakest_gaps(real)
    assert gaps.height == 13
    assert (gaps["weakest"] < 0).all() and (gaps["below_second"] >= 0).all()


def test_synthetic_games_follow_rank_no_more_than_real_games_do(real, synthetic):
    bounds = rank_explained(real).select("skill", "r2_ci_high")
    compared = rank_explained(synthetic).join(bounds, on="skill", suffix="_real")
    assert (compared.filter(pl.col("skill").is_in(LINE_SKILLS))
            .filter(pl.col("r2") > pl.col("r2_ci_high_real")).height == 0)


def test_the_emitter_takes_its_rank_share_and_weakness_gap_from_the_real_games(real):
    explained = rank_explained(real).filter(pl.col("skill").is_in(LINE_SKILLS))
    assert explained["r2_ci_low"].mean() <= RANK_SHARE <= explained["r2_ci_high"].mean()
    assert abs(RANK_SHARE - explained["r2"].mean()) < 0.01
    gaps = weakest_gaps(real)["weakest"]
    half = Z_95 * gaps.std() / math.sqrt(gaps.len())
    assert abs(-gaps.mean() - WEAKNESS_GAP) < 0.1 < half


def test_synthetic_weakest_skills_sit_as_far_below_the_line_as_real_ones(real, synthetic):
    real_gaps, synthetic_gaps = weakest_gaps(real), weakest_gaps(synthetic)
    for column in ("weakest", "below_second"):
        half = Z_95 * real_gaps[column].std() / math.sqrt(real_gaps.height)
        assert abs(synthetic_gaps[column].mean() - real_gaps[column].mean()) < half
