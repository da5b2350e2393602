"""Weakness detection, rank prediction and recommendations on synthetic data, scored against the planted
truth: eight days of `PLAYERS` players who play `GAMES_PER_DAY` games on an active day (few players with
many games each, so that a weakness of the size real ones have is within reach of their games); the lobby
baseline of rank prediction also on real ranked games."""

import datetime as dt
import json

import dagster as dg
import numpy as np
import polars as pl
import pytest

from gamestats_assets.defs.rocket.checks import planted_weaknesses_found
from gamestats_assets.defs.rocket.tables import RANK_PREDICTIONS_DESCRIPTION
from gamestats_assets.defs.rocket.transforms import (
    daily,
    rank,
    recommend,
    sessions,
    skills,
)
from gamestats_assets.generator.emitters.rocket import (
    CATALOGUE,
    generate_replays,
    generate_sessions,
    truth_document,
)
from gamestats_assets.lib.core.stats import wilson_interval
from gamestats_assets.sources.ballchasing.replay_json import parse_replay_json
from gamestats_assets.sources.ballchasing.training_packs import categories_of, read_catalogue
from gamestats_assets.sources.ballchasing.ranks import THIN_GAMES
from gamestats_assets_tests.rocket.conftest import BALLCHASING, FIXTURES


def wilson(successes: int, trials: int) -> tuple[float, float]:
    low, high = wilson_interval(pl.lit(float(successes)), pl.lit(float(trials)))
    return pl.select(low.alias("low"), high.alias("high")).row(0)

ANCHOR = dt.date(2026, 1, 1)
DAYS = 8
SEED = 42
PLAYERS = 240
GAMES_PER_DAY = 10.0


@pytest.fixture(scope="module")
def history():
    """Eight days of the population through the daily tables, and the planted truth."""
    stats, users, raw_sessions = [], [], []
    catalogue = read_catalogue(CATALOGUE)
    for offset in range(DAYS):
        day = ANCHOR + dt.timedelta(days=offset)
        parsed = [parse_replay_json(d) for d in generate_replays(day, seed=SEED, n_players=PLAYERS, anchor=ANCHOR,
                                                                  games_per_day=GAMES_PER_DAY)]
        etl = daily.etl_tables(parsed, day)
        best = daily.matches(etl["matches"])
        players = daily.match_players(etl["match_players"], best)
        users.append(daily.users(players, best))
        stats.append(daily.player_stats(etl["match_stats"], players, best))
        raw_sessions.append(pl.DataFrame(generate_sessions(day, seed=SEED, n_players=PLAYERS, anchor=ANCHOR,
                                                           catalogue=catalogue)).with_columns(date=pl.lit(day)))
    truth = pl.DataFrame(truth_document(seed=SEED, n_players=PLAYERS)["players"],
                         schema={"player_id": pl.String, "weakness": pl.String})
    return pl.concat(stats), pl.concat(users), pl.concat(raw_sessions), truth, catalogue


@pytest.fixture(scope="module")
def scores(history):
    stats, users, _, _, _ = history
    return skills.skill_scores(skills.player_levels(stats, users))


def test_planted_weaknesses_are_found_as_often_as_their_games_allow(scores, history):
    result = skills.truth_scores(scores, history[3])
    assert result["planted"] > 40 and result["players"] > 150 and result["games_per_player_median"] >= 40
    assert result["precision"] >= 0.8
    low, high = wilson(result["true_positives"], result["planted"])
    assert low <= result["expected_power"] <= high
    assert scores["rank_percentile"].drop_nulls().is_between(0, 100).all()


def test_a_players_standard_error_shrinks_with_games_down_to_the_lasting_spread(scores):
    scored = scores.filter(pl.col("skill") == "positioning", pl.col("z").is_not_null())
    peers = scored.group_by("rank_band", "playlist").len().sort("len").row(-1, named=True)
    group = scored.filter(rank_band=peers["rank_band"], playlist=peers["playlist"]).sort("matches")
    assert group.height >= 10
    assert group["standard_error"].to_list() == sorted(group["standard_error"].to_list(), reverse=True)
    assert (scored["standard_error"] > scored["lasting_spread"]).all()
    assert (scored["lasting_spread"] > 0).all() and (scored["game_spread"] > scored["lasting_spread"]).all()


def test_expected_power_grows_with_the_games_of_a_player(scores, history):
    planted = skills.expected_power(scores, history[3]).filter("planted")
    many = planted["matches"] > planted["matches"].median()
    assert planted.filter(many)["expected_power"].mean() > planted.filter(~many)["expected_power"].mean()


def test_classifier_probabilities_are_calibrated_better_than_the_base_rate(scores, history):
    with_probability, metadata = skills.weakness_classifier(scores, history[3])
    probability = with_probability["weakness_probability"].drop_nulls()
    assert probability.is_between(0, 1).all() and probability.len() > 1000
    base = metadata["base_rate"]
    assert metadata["base_rate_brier_score"] == pytest.approx(base * (1 - base))
    assert metadata["brier_score"] < metadata["base_rate_brier_score"] / 2
    for decile in metadata["calibration"]:
        low, high = wilson(round(decile["observed"] * decile["n"]), decile["n"])
        assert low - 0.05 <= decile["predicted"] <= high + 0.05
    without, _ = skills.weakness_classifier(scores, None)
    assert without["weakness_probability"].is_null().all() and without["probability_reason"].is_not_null().all()


def test_grouped_folds_keep_a_players_rows_together_and_the_folds_even():
    groups = np.repeat(np.arange(23), np.arange(23) % 4 + 1).astype(str)
    folds = skills.grouped_folds(groups, 5, seed=3)
    together = pl.DataFrame({"group": groups, "fold": folds}).group_by("group").agg(pl.col("fold").n_unique())
    assert (together["fold"] == 1).all()
    per_fold = pl.DataFrame({"group": groups, "fold": folds}).unique().group_by("fold").len()["len"]
    assert per_fold.len() == 5 and per_fold.max() - per_fold.min() <= 1


def test_ridge_recovers_a_linear_rank_and_shrinks_noise_columns():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(300, 6))
    y = 10 + 3 * x[:, 0] - 2 * x[:, 1] + rng.normal(scale=0.5, size=300)
    x[rng.random(x.shape) < 0.05] = np.nan
    training = np.arange(300) < 200
    predicted, penalty, loo = rank.ridge(x, y, training)
    complete = ~np.isnan(x).any(axis=1) & ~training
    assert np.abs(predicted[complete] - y[complete]).mean() < 0.6
    assert np.isfinite(predicted).all() and penalty in rank.PENALTIES
    assert np.sqrt(np.mean(loo ** 2)) > np.sqrt(np.mean((predicted - y)[training] ** 2))
    noise_only, heavy, _ = rank.ridge(x[:, 2:], y, training)
    assert heavy > penalty and np.abs(noise_only[~training] - y[training].mean()).mean() < 1.0


def test_rank_prediction_beats_the_population_mean_on_held_out_players(history):
    stats, users, _, _, _ = history
    predictions, metadata = rank.predict_ranks(rank.player_features(stats, users))
    assert metadata["held_out_players"] > 50
    assert metadata["mae_divisions"] < metadata["baseline_mae_divisions"]
    assert metadata["model_vs_mean_verdict"] == "better" and metadata["model_vs_mean_ci_high"] < 0
    assert predictions.filter("held_out").height == metadata["held_out_players"]
    figures = predictions.select(*rank.MODEL_SCHEMA).unique()
    assert figures.height == 1, "the model's figures are the same on every row"
    [published] = figures.to_dicts()
    assert published["model_players"] == metadata["held_out_players"]
    assert published["model_mae"] == pytest.approx(metadata["model_mae"])
    assert published["model_verdict"] == metadata["model_vs_playlist_median_verdict"]
    assert (published["model_difference_ci_low"], published["model_difference_ci_high"]) == (
        metadata["model_vs_playlist_median_ci_low"], metadata["model_vs_playlist_median_ci_high"])
    assert published["model_coverage"] == metadata["model_interval_coverage"]
    assert published["baseline_coverage"] == metadata["playlist_median_interval_coverage"]


def test_recommendations_name_real_packs_near_the_rank_and_never_a_mastered_one(scores, history):
    _, _, raw, _, catalogue = history
    trained = sessions.training_sessions(raw, catalogue)
    assert trained["known_pack"].all() and trained["improvement"].drop_nulls().len() > 0
    mastered = sessions.mastered_packs(trained)
    assert mastered.height > 0
    picks = recommend.recommendations(scores, catalogue, mastered)
    assert picks["pack_code"].is_in(catalogue["code"].implode()).all()
    assert picks.join(mastered, on=["player_id", "pack_code"], how="semi").height == 0
    assert (picks["distance"] <= recommend.RANK_WINDOW).all()
    weak = scores.filter(pl.col("is_weak"))
    covered = picks.filter(pl.col("reason") == "detected weakness").select("player_id", "skill").unique()
    assert covered.height >= 0.9 * weak.height
    # a mastered pack that would otherwise be recommended is left out
    first = picks.row(0, named=True)
    again = recommend.recommendations(scores, catalogue, pl.concat([mastered, pl.DataFrame(
        {"player_id": [first["player_id"]], "pack_code": [first["pack_code"]]})]))
    assert again.filter((pl.col("player_id") == first["player_id"]) & (pl.col("pack_code") == first["pack_code"])).height == 0


def test_a_skills_percentile_has_an_interval_that_narrows_with_the_games(scores):
    scored = scores.filter(pl.col("z").is_not_null())
    assert (scored["percentile_ci_low"] <= scored["rank_percentile"]).all()
    assert (scored["rank_percentile"] <= scored["percentile_ci_high"]).all()
    assert scored["percentile_ci_low"].min() >= 0 and scored["percentile_ci_high"].max() <= 100
    width = scored.with_columns(width=pl.col("percentile_ci_high") - pl.col("percentile_ci_low"),
                                many=pl.col("matches") >= pl.col("matches").median())
    assert width.filter("many")["width"].mean() < width.filter(~pl.col("many"))["width"].mean()


def test_the_skill_called_weakest_is_the_players_lowest_percentile(scores, history):
    _, _, raw, _, catalogue = history
    picks = recommend.recommendations(scores, catalogue, sessions.mastered_packs(
        sessions.training_sessions(raw, catalogue)))
    named = picks.filter(pl.col("reason").is_in(recommend.ORDINALS)).select("player_id", "skill", "reason").unique()
    assert named.height > 20
    lowest = (scores.filter(pl.col("z").is_not_null()).sort("player_id", "rank_percentile", "z")
              .group_by("player_id", maintain_order=True).agg(pl.col("skill").head(2)))
    order = {player: skills for player, skills in lowest.iter_rows()}
    for player, skill, reason in named.iter_rows():
        assert order[player][recommend.ORDINALS.index(reason)] == skill, (player, skill, reason, order[player])


def test_the_model_is_reported_beside_the_playlists_median_rank(history):
    stats, users, _, _, _ = history
    predictions, metadata = rank.predict_ranks(rank.player_features(stats, users))
    held = predictions.filter("held_out")
    assert metadata["playlist_median_baseline_n"] == held.height > 50
    assert metadata["playlist_median_baseline_mae"] == pytest.approx(
        (held["baseline_rank_index"] - held["rank_index"]).abs().mean())
    assert set(predictions["playlist"]) <= {"ranked-duels", "ranked-doubles", "ranked-standard"}
    training = predictions.filter(~pl.col("held_out"))
    for playlist, baseline in predictions.select("playlist", "baseline_rank_index").unique().iter_rows():
        assert baseline == training.filter(pl.col("playlist") == playlist)["rank_index"].median()
    assert metadata["model_vs_playlist_median_verdict"] in ("better", "worse", "not distinguishable")


def test_rank_prediction_is_reported_beside_the_lobby_baseline_with_intervals(history):
    stats, users, _, _, _ = history
    ranks = users.sort("last_played_at").group_by("player_id").agg(pl.col("rank_index").drop_nulls().last())
    lobby = rank.lobby_ranks(stats.select("match_id", "player_id"), ranks)
    _, metadata = rank.predict_ranks(rank.player_features(stats, users), lobby=lobby)
    for name in ("model", "mean_baseline", "lobby_baseline", "model_where_lobby"):
        assert metadata[f"{name}_ci_low"] < metadata[f"{name}_mae"] < metadata[f"{name}_ci_high"]
    assert metadata["model_n"] == metadata["held_out_players"] >= metadata["lobby_baseline_n"] > 50
    assert metadata["model_where_lobby_n"] == metadata["lobby_baseline_n"] == metadata["model_vs_lobby_n"]
    low, high = metadata["model_vs_lobby_ci_low"], metadata["model_vs_lobby_ci_high"]
    assert metadata["model_vs_lobby_verdict"] == ("better" if high < 0 else "worse" if low > 0 else "not distinguishable")


PLANTED_PLAYLISTS = ("ranked-doubles", "ranked-duels", "ranked-standard")


def planted_players(seed: int, n: int = 1200) -> pl.DataFrame:
    """`player_features` of players whose rank is planted: 42 + 14 × a lasting skill, which four stats read through
    a lasting personal offset and each game's luck (their means over the player's games, a geometric number of mean
    12), beside eight stats of pure noise and the playlists' shares."""
    rng = np.random.default_rng(seed)
    games = rng.geometric(1 / 12, n)
    skill = rng.normal(size=n)
    playlist = rng.choice(PLANTED_PLAYLISTS, n, p=[0.4, 0.2, 0.4])
    signal = {f"signal_{k}": skill + rng.normal(0, 0.3, n) + rng.normal(size=n) * 4 / np.sqrt(games)
              for k in range(4)}
    noise = {f"noise_{k}": rng.normal(size=n) for k in range(8)}
    shares = {f"playlist_{name}": (playlist == name).astype(float) for name in PLANTED_PLAYLISTS}
    return pl.DataFrame({"player_id": [f"p{i}" for i in range(n)],
                         "rank_index": np.clip(np.round(42 + 14 * skill), 0, 85).astype(int), "games": games,
                         **signal, **noise, **shares})


def test_the_conformal_interval_holds_its_coverage_and_narrows_with_the_games_on_planted_players():
    """Held out, the 95 % interval holds between 90 and 99 % of the planted players (Wilson's interval of the share
    holding 95 %), each half of them by games too; the typical player's interval (the median) is narrower than ±1.96
    held-out root mean squared errors, the interval of players with more games than the median narrower still, and
    the baseline's interval (the playlist's median rank) wider than the model's."""
    predictions, metadata = rank.predict_ranks(planted_players(0))
    held = predictions.filter("held_out").with_columns(
        width=pl.col("interval_high") - pl.col("interval_low"),
        inside=pl.col("rank_index").is_between(pl.col("interval_low"), pl.col("interval_high")))
    assert metadata["model_interval_n"] == held.height > 250 and metadata["nominal_coverage"] == 0.95
    assert 0.90 <= metadata["model_interval_coverage"] <= 0.99
    assert metadata["model_interval_coverage_ci_low"] <= 0.95 <= metadata["model_interval_coverage_ci_high"]
    many = held["games"] > held["games"].median()
    for half in (held.filter(many), held.filter(~many)):
        assert 0.88 <= half["inside"].mean() <= 1.0
    assert metadata["model_interval_median_width"] < metadata["rmse_interval_width"]
    assert held.filter(many)["width"].mean() < metadata["rmse_interval_width"] < held.filter(~many)["width"].mean()
    assert metadata["model_interval_width"] < metadata["playlist_median_interval_width"]
    assert metadata["model_mae"] < metadata["playlist_median_baseline_mae"]
    assert metadata["model_vs_playlist_median_verdict"] == "better"


def test_the_rank_models_interval_on_the_synthetic_ladder_beats_the_baselines(history):
    """On the synthetic ladder the model's interval holds about its 95 % of the held-out players and is narrower than
    the playlist median's, whose own coverage is published beside it."""
    stats, users, _, _, _ = history
    predictions, metadata = rank.predict_ranks(rank.player_features(stats, users))
    assert metadata["model_interval_coverage_ci_low"] <= 0.95 <= metadata["model_interval_coverage_ci_high"]
    assert metadata["playlist_median_interval_coverage_ci_low"] <= 0.95
    assert metadata["model_interval_width"] < metadata["playlist_median_interval_width"]
    assert (predictions["interval_low"] < predictions["predicted_rank_index"]).all()
    assert (predictions["predicted_rank_index"] < predictions["interval_high"]).all()


def real_ranked_games() -> tuple[pl.DataFrame, pl.DataFrame]:
    """The real ballchasing replay documents of the fixtures (the list page aside: it has no stats), through the
    daily tables: `player_stats` and `users`."""
    files = [*sorted((FIXTURES / "paired").glob("*.json")), *sorted(BALLCHASING.glob("replay*.json"))]
    documents = [json.loads(path.read_text()) for path in files]
    games = [parse_replay_json(document) for document in documents if "list" not in document]
    etl = daily.etl_tables(games, games[0].played_at.date())
    best = daily.matches(etl["matches"])
    players = daily.match_players(etl["match_players"], best)
    return daily.player_stats(etl["match_stats"], players, best), daily.users(players, best)


def test_on_real_games_the_model_runs_and_says_its_evidence_is_thin():
    """The real ranked players with full stats are few and have a game or two each: the model predicts, but too few
    players train it to bound a 95 % interval, and every player's prediction rests on thin evidence."""
    stats, users = real_ranked_games()
    features = rank.player_features(stats, users)
    predictions, metadata = rank.predict_ranks(features)
    assert rank.MIN_PLAYERS <= features.height and predictions.height == features.height
    assert predictions["predicted_rank_index"].is_not_null().all()
    assert metadata["training_players"] < 19 and predictions["interval_low"].is_null().all()
    assert metadata["model_interval_width"] is None and metadata["model_interval_n"] == metadata["held_out_players"]
    assert (predictions["games"] < THIN_GAMES).all() and metadata["thin_evidence_players"] == features.height


def test_the_lobby_baseline_on_real_ranked_games():
    """ballchasing's list page: real ranked games, each player's rank beside the others' of the game."""
    document = json.loads((BALLCHASING / "replay-list.json").read_text())
    games = [parse_replay_json(entry) for entry in document["list"]]
    seats = pl.DataFrame([(g.match_id, p.player_id, p.rank_tier, p.rank_division) for g in games for p in g.players
                          if not p.is_bot], schema=["match_id", "player_id", "tier", "division"], orient="row")
    ranks = (seats.drop_nulls().with_columns(rank_index=(pl.col("tier") - 1) * 4 + pl.col("division") - 1)
             .group_by("player_id").agg(pl.col("rank_index").last()))
    lobby = rank.lobby_ranks(seats, ranks).join(ranks, on="player_id")
    summary = rank.mae_interval((lobby["lobby_rank"] - lobby["rank_index"]).to_numpy())
    assert summary["n"] > 100
    assert 0 < summary["ci_low"] < summary["mae"] < summary["ci_high"] < 8


def test_real_ranked_games_hold_too_few_rank_histories_to_judge_a_rank_change():
    """ballchasing's list page through the daily `users`: the players with a rank on several days are as
    few as the rank table's description says, and the description says what would be needed."""
    document = json.loads((BALLCHASING / "replay-list.json").read_text())
    games = [parse_replay_json(entry) for entry in document["list"]]
    days = []
    for day in sorted({g.played_at.date() for g in games}):
        etl = daily.etl_tables([g for g in games if g.played_at.date() == day], day)
        best = daily.matches(etl["matches"])
        days.append(daily.users(daily.match_players(etl["match_players"], best), best))
    seen = pl.concat(days)
    histories = rank.rank_histories(seen)
    ranked = seen.filter(~pl.col("is_bot") & pl.col("rank_index").is_not_null())["player_id"].n_unique()
    assert ranked > 100 and len(days) >= 4
    assert histories["rank_history_players"] == 1
    assert histories["rank_ups"] + histories["rank_downs"] >= 1
    assert rank.RANK_CHANGE_NOTE in RANK_PREDICTIONS_DESCRIPTION
    assert "rank_history_players" in RANK_PREDICTIONS_DESCRIPTION


def test_the_check_judges_recall_by_the_power_its_games_give(scores, history):
    truth = history[3]
    result = planted_weaknesses_found(player_weaknesses=scores, planted=truth)
    # about twenty found at a false discovery rate of 5 %, and a few planted weaknesses of the most active players
    # powered: too few to say (a warning), never an error
    assert result.severity == dg.AssetCheckSeverity.WARN
    assert result.metadata["precision_judgement"].text in ("meets", "undecided")
    assert result.metadata["precision"].value >= 0.9
    assert result.metadata["powered_recall_judgement"].text != "below"
    assert result.metadata["recall_below_expected_power"].value == 0
    # planted weaknesses far below their peers are within any player's games: missing them is an error
    is_planted = pl.col("player_id").is_in(truth.filter(pl.col("weakness").is_not_null())["player_id"].implode())
    missed = scores.join(truth, on="player_id", how="left").with_columns(
        z=pl.when(is_planted & (pl.col("skill") == pl.col("weakness"))).then(-50.0).otherwise("z"),
        is_weak=pl.when(is_planted & (pl.col("skill") == pl.col("weakness"))).then(False).otherwise("is_weak"),
    ).drop("weakness")
    failed = planted_weaknesses_found(player_weaknesses=missed, planted=truth)
    assert not failed.passed and failed.severity == dg.AssetCheckSeverity.ERROR
    assert failed.metadata["powered_planted"].value > 40 and failed.metadata["powered_recall"].value == 0


def test_a_pack_for_landings_trains_recoveries_and_a_place_named_land_does_not():
    packs = read_catalogue(CATALOGUE)
    [landing] = packs.filter(pl.col("code") == "B37D-C474-6A38-C20F").to_dicts()
    assert "landiing out of net" in landing["name"].lower() and "recoveries" in landing["categories"].split(";")
    assert "recoveries" in categories_of("Landing practice", [])
    assert "recoveries" not in categories_of("Island shots", ["Scotland"])
