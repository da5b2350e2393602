"""The rank model's held-out figures on a synthetic ladder, as `docs/domains/rocket.md` quotes them:
`python -m gamestats_assets_tests.rocket.rank_figures [players] [days] [games a day] [seed]` prints the model's and
the playlist-median baseline's mean absolute error, their 95 % intervals' coverage and width on the held-out players,
and the width ±1.96 held-out root mean squared errors would give; `python -m gamestats_assets_tests.rocket.rank_figures
across [ladders] [hold-outs]` prints the conformal interval's and that width's mean coverage and width over demo-sized
ladders (emitter seeds 1 to `ladders`) and hold-out seeds."""

import datetime as dt
import sys

import numpy as np
import polars as pl

from gamestats_assets.defs.rocket.transforms import daily, rank
from gamestats_assets.generator.emitters.rocket import generate_replays
from gamestats_assets.sources.ballchasing.replay_json import parse_replay_json

ANCHOR = dt.date(2026, 1, 1)


def ladder(players: int, days: int, games_per_day: float, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`player_stats` and `users` of `days` days of the emitter's ladder from `ANCHOR`."""
    stats, users = [], []
    for offset in range(days):
        day = ANCHOR + dt.timedelta(days=offset)
        games = [parse_replay_json(document) for document in generate_replays(
            day, seed=seed, n_players=players, anchor=ANCHOR, games_per_day=games_per_day)]
        etl = daily.etl_tables(games, day)
        best = daily.matches(etl["matches"])
        seated = daily.match_players(etl["match_players"], best)
        users.append(daily.users(seated, best))
        stats.append(daily.player_stats(etl["match_stats"], seated, best))
    return pl.concat(stats), pl.concat(users)


FIGURES = ("held_out_players", "model_mae", "playlist_median_baseline_mae", "model_interval_coverage",
           "model_interval_coverage_ci_low", "model_interval_coverage_ci_high", "model_interval_width",
           "model_interval_median_width", "playlist_median_interval_coverage", "playlist_median_interval_width",
           "rmse_interval_width", "thin_evidence_players", "training_players")


def main(players: int = 500, days: int = 3, games_per_day: float = 3.0, seed: int = 0) -> None:
    stats, users = ladder(players, days, games_per_day, seed)
    predictions, metadata = rank.predict_ranks(rank.player_features(stats, users))
    held = predictions.filter("held_out").with_columns(width=pl.col("interval_high") - pl.col("interval_low"))
    enough = held.filter(pl.col("games") >= rank.THIN_GAMES)
    for name in FIGURES:
        value = metadata[name]
        print(f"{name}: {round(value, 3) if isinstance(value, float) else value}")
    print(f"model_interval_width_of_players_with_{rank.THIN_GAMES}_games_or_more: {enough['width'].mean():.3f} "
          f"(n {enough.height})")


def across(ladders: int = 6, holdouts: int = 3) -> None:
    conformal, rmse = [], []
    for seed in range(1, ladders + 1):
        features = rank.player_features(*ladder(500, 3, 3.0, seed))
        for holdout in range(holdouts):
            predictions, metadata = rank.predict_ranks(features, seed=holdout)
            held = predictions.filter("held_out")
            errors = (held["predicted_rank_index"] - held["rank_index"]).to_numpy()
            half = 1.96 * float(np.sqrt(np.mean(errors ** 2)))
            conformal.append((metadata["model_interval_coverage"], metadata["model_interval_width"]))
            rmse.append((float(np.mean(np.abs(errors) <= half)), 2 * half))
    for name, figures in (("conformal", conformal), ("rmse_1.96", rmse)):
        coverage, width = np.mean(figures, axis=0)
        print(f"{name}: coverage {coverage:.3f}, mean width {width:.1f} ({len(figures)} hold-outs)")


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments[:1] == ["across"]:
        across(*(int(value) for value in arguments[1:]))
    else:
        main(*(kind(value) for kind, value in zip((int, int, float, int), arguments, strict=False)))
