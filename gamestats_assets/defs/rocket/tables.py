"""The rocket tables computed from the ETL tables, declared once as `Table`s (`lib/authoring/table.py`): the day's
tables of the games, and the analytics over a player's whole history (peers, skills, rank prediction,
recommendations) rebuilt from every day. Each is one function of `transforms` (whose docstring defines it)."""

import polars as pl

from gamestats_assets.published.rocket import COLUMNS
from gamestats_assets.defs.rocket.transforms import (
    daily,
    heatmaps,
    peers,
    percentiles,
    playback,
    rank,
    outlook,
    recommend,
    sessions,
    skills,
    stated,
)
from gamestats_assets.lib.authoring.assets import Publish, PublishMode
from gamestats_assets.lib.authoring.table import Measured, Table, by_game, folded, undated
from gamestats_assets.lib.core.partitions import daily_partitions_with_today
from gamestats_assets.lib.core.platform import PlatformResource
from gamestats_assets.sources.ballchasing.training_packs import (
    CATALOGUE_FILE,
    read_catalogue,
)
from gamestats_assets.sources.replays.agreement import AGREEMENT, TARGET, TOLERANCE

DOMAIN = "rocket"
DAYS = daily_partitions_with_today
"""The domain's calendar: every day since the start date, today included."""


def _not_matched() -> str:
    """The stats whose raw-replay values agree with ballchasing's for fewer than `TARGET` of the players of some
    era, grouped by reason, each with its measured agreement, as Markdown."""
    by_reason: dict[str, list[str]] = {}
    for stat, agreement in AGREEMENT.items():
        by_reason.setdefault(agreement.reason, []).append(f"`{stat}` ({agreement.summary()})")
    return "\n".join(f"- {'; '.join(stats)}: {reason}." for reason, stats in by_reason.items())


PLAYER_STATS_DESCRIPTION = f"""`player_stats`: long form, one row per match, player and stat (key `date, match_id, player_id,
stat_type`), with the match's time, the value's source, a Wilson interval for count rates and the bin of the value
as compared (`value_bin`: to 3 significant digits; a total that adds up over the game per minute of its length,
seconds in a state as a share of it, `sources.ballchasing.measures`) (`daily.player_stats`). Its rank percentile,
which the API answers with each value, is that value's percentile among every published game's of the same stat,
rank band and playlist: `100 * (games_below + games / 2) / total` of the largest bin of `peer_value_counts` at or
below the value's (`percentiles`), so that a game published since the counts has one too, and an overtime's totals
are not the top of every band.

Stats are the scoreboard's, ballchasing's groups (`boost_*`, `movement_*`, `positioning_*`,
`demo_*`) and the design's features, by ballchasing's definitions whether a game was read from its raw
replay or from ballchasing's JSON. A raw replay's value agrees with ballchasing's for the same game (within
{TOLERANCE:.0%}) for at least {TARGET:.0%} of the players of every replay era, except these, with the players within
{TOLERANCE:.0%} on the real games that exist both ways (`sources.replays.agreement`):
{_not_matched()}"""


def by_day_of_games(layer: str, name: str, compute, description: str, inputs: dict[str, str], **options) -> Table:
    """`by_game`: the daily table `rocket/<layer>/<name>` of the games of the day, on the calendar of the days games
    are played (`DAYS`)."""
    return by_game(layer, name, compute, description, inputs, partitions_def=DAYS, **options)


DAILY_TABLES = [
    by_day_of_games("cons", "matches", lambda day, etl_matches: daily.matches(etl_matches),
            "`matches`: one row per game played that day (key `date, match_id`), from its most detailed source, with "
            "every source that knows it, the ballchasing id, scores, goals and result (`daily.matches`).",
            {"etl_matches": "etl/matches"}, columns=COLUMNS["matches"],
            publish=Publish(("date", "match_id"), sum_column="goals", indexes=("match_id",))),
    by_day_of_games("std", "match_players", lambda day, etl_players, matches: daily.match_players(etl_players, matches),
            "`match_players`: the players of each match from its best source (key `date, match_id, player_id`): "
            "name, platform, team (0 blue, 1 orange), bot flag, scoreboard, and the rank any source gave with its "
            "band (`daily.match_players`).",
            {"etl_players": "etl/match_players", "matches": "cons/matches"}, columns=COLUMNS["match_players"],
            publish=Publish(("date", "match_id", "player_id"), sum_column="score", indexes=("match_id",))),
    Table("cons", "users", lambda day, match_players, matches: daily.users(match_players, matches),
          "`users`: every player seen that day (key `date, player_id`) with latest name, rank and band, the day's "
          "matches and main playlist (`daily.users`).",
          {"match_players": "std/match_players", "matches": "cons/matches"},
          columns=COLUMNS["users"], publish=Publish(("date", "player_id"), sum_column="matches", indexes=("player_id",)),
          partitions_def=DAYS),
    by_day_of_games("cons", "player_stats",
            lambda day, etl_stats, match_players, matches: daily.player_stats(etl_stats, match_players, matches),
            PLAYER_STATS_DESCRIPTION,
            {"etl_stats": "etl/match_stats", "match_players": "std/match_players", "matches": "cons/matches"},
            columns=COLUMNS["player_stats"],
            publish=Publish(("date", "match_id", "player_id", "stat_type"), sum_column="value",
                            indexes=("player_id", "match_id"), retired=("rank_percentile",))),
    by_day_of_games("cons", "position_heatmaps", lambda day, cells, matches: heatmaps.position_heatmaps(cells, matches),
            "`position_heatmaps`: seconds each player's car spent in each cell of the pitch (8 × 10 cells of 1024 uu), "
            "per game (key `date, match_id, player_id, cell_x, cell_y`), seen from the player's own goal; from raw "
            "replays only, ballchasing's JSON having no positions (`heatmaps.position_heatmaps`).",
            {"cells": "etl/position_cells", "matches": "cons/matches"},
            columns=COLUMNS["position_heatmaps"],
            publish=Publish(("date", "match_id", "player_id", "cell_x", "cell_y"), sum_column="seconds",
                            indexes=("player_id",))),
    by_day_of_games("cons", "replay_frames", lambda day, frames, matches: playback.replay_frames(frames, matches),
            "`replay_frames`: a raw replay's ball and cars at ten samples a second with the clock and score, per game "
            "(key `date, match_id, sample, player_id`, the ball's rows `player_id` `ball`), which the 3D replay "
            "viewer draws; from raw replays only (`playback.replay_frames`).",
            {"frames": "etl/replay_frames", "matches": "cons/matches"},
            columns=COLUMNS["replay_frames"],
            publish=Publish(("date", "match_id", "sample", "player_id"), sum_column="time", indexes=("match_id",))),
    by_day_of_games("cons", "replay_goals", lambda day, goals, matches: playback.replay_goals(goals, matches),
            "`replay_goals`: a raw replay's goals in order (key `date, match_id, goal`): the moment in the game as its "
            "clock shows it (overtime apart), the scoring team, scorer and assister, the score after it and the "
            "playback sample that first shows it; from raw replays only, ballchasing's JSON giving no goal's moment "
            "(`playback.replay_goals`).",
            {"goals": "etl/replay_goals", "matches": "cons/matches"},
            columns=COLUMNS["replay_goals"],
            publish=Publish(("date", "match_id", "goal"), sum_column="game_seconds", indexes=("match_id",))),
]
"""The day's tables of the games, each a function of `transforms` over the day's rows: those of a game's grain
computed and published by game, `users` (a player's day) over the day."""

PEER_PARTIALS = by_day_of_games("std", "peer_partials", undated(peers.peer_partials), peers.peer_partials.__doc__,
                        {"stats": "cons/player_stats"}, reads={"stats": peers.PARTIAL_READS})
"""Each game's partial sums of `peer_stats` (`peers.peer_partials`)."""

PEER_STATS = folded(
    "cons", "peer_stats", peers.PEER_FOLD,
    f"{peers.peer_stats.__doc__} A fold of every game's `std/peer_partials` (`peers.PEER_FOLD`): exact sums kept from "
    "the partials' Delta log, so a new game costs its own rows.", "std/peer_partials",
    complete={"rows": "cons/player_stats"}, columns=COLUMNS["peer_stats"],
    publish=Publish(("rank_band", "stat_type"), PublishMode.SNAPSHOT, sum_column="games",
                    checks=("players > 0", "games >= 0", "m2 >= 0")))
"""Same-rank peers' sums, what `/analytics/comparison` compares a player with (`peers.PEER_FOLD`)."""

VALUE_PARTIALS = by_day_of_games("std", "peer_value_partials", undated(percentiles.value_partials),
                         percentiles.value_partials.__doc__, {"stats": "cons/player_stats"})
"""Each game's counts of values per bin (`percentiles.value_partials`)."""

PEER_VALUE_COUNTS = folded(
    "cons", "peer_value_counts", percentiles.VALUE_FOLD, percentiles.value_counts.__doc__, "std/peer_value_partials",
    complete={"rows": "cons/player_stats"}, columns=COLUMNS["peer_value_counts"],
    publish=Publish(("rank_band", "playlist", "stat_type", "value_bin"), PublishMode.SNAPSHOT, sum_column="games",
                    checks=("games > 0", "games_below >= 0", "games_below + games <= total")))
"""How every published game's values fall per bin, what a stat row's rank percentile is read from
(`percentiles.value_counts`)."""


def catalogue(platform: PlatformResource) -> pl.DataFrame:
    """The reference catalogue of training packs (`data/reference/rocket`), as `cons/training_packs` holds it."""
    return read_catalogue(platform.reference_dir(DOMAIN) / CATALOGUE_FILE)


PLAYER_WEAKNESSES_DESCRIPTION = """`player_weaknesses`: one row per player and skill over the whole history (key `player_id,
skill`): indicators, games, the peers' lasting and game spreads, the standard error of the player's
mean over their games, z against same-rank peers, rank percentile, p-value, BH-adjusted p-value,
`is_weak`, and a logistic classifier's out-of-fold probability (`skills`). A player is compared in the band of the
latest rank a game of theirs gave, else of the rank they stated (`rank_from` `stated`, `cons/stated_ranks`: raw
replays carry no rank), among the peers whose rank a game gave, of whom they are never counted one; a player with
no rank known is not compared (`unranked` is no band). On synthetic data the metadata
scores the detection against the planted truth: recall and precision with their n (players, games per
player) and the power expected at each player's games count (`skills.truth_scores`). Every player with
enough games is tested; the recall floor of the `planted_weaknesses_found` check applies only to the
planted weaknesses whose expected power at their player's games count is adequate, and elsewhere
recall is judged against the power expected. Real players carry no known weakness, so on real data
detection is not scored: the metadata gives the players and those with enough games to be tested
(`players`, `players_tested`, and of them those compared at a stated rank, `players_stated`,
`players_tested_stated`), and the public real files hold each player about once, too few games to test anyone."""


RANK_PREDICTIONS_DESCRIPTION = f"""`rank_predictions`: per ranked player (key `player_id`), the rank in divisions and the rank a
model predicts from their stats with its 95 % conformal interval, the games the stats are means of, whether the
player was held out of training, and the baseline's prediction (the median rank of the player's main playlist among
the training players) with its own 95 % interval, and where the rank comes from (`rank_from`: a player no game gave
a rank is predicted beside the rank they stated, never learnt from nor judged on), and on every row the model's
figures on the held-out players it is judged on, which the API answers (`model_*`, `baseline_coverage*`,
`baseline_interval_width`: `rank.model_figures`); metadata: the held-out mean
absolute error with its interval and n, beside the playlist-median, population-mean and lobby's average rank
baselines', whether the model beats each (`model_vs_playlist_median_verdict`, `model_vs_mean_verdict`,
`model_vs_lobby_verdict`: the paired difference of the errors with its interval), and each interval's held-out
coverage with its Wilson interval and mean width (`model_interval_*`, `playlist_median_interval_*`, beside
`rmse_interval_width`) (`rank`).

{rank.RANK_CHANGE_NOTE}"""
RANK_PREDICTIONS_COMMENT = (
    "Per ranked player, the rank in divisions and the rank a model predicts from their stats with its 95 % "
    "conformal interval (held out or not), beside the playlist's median rank and its interval. "
    "Where a player's rank is heading is rocket.rank_outlook's, from the trend of their own known ranks and their "
    "training progress where it is shown to matter; the "
    "asset's metadata counts the players with a rank history (rank_history_players).")
"""What `rocket.rank_predictions` says of itself to the analysts who read it in PostgreSQL."""


STATS, SEEN, STATED = "cons/player_stats", "cons/users", "cons/stated_ranks"
HISTORY_TABLES = [
    Table("cons", "training_sessions", sessions.sessions_of_day,
          "`training_sessions` of the day (key `date, session_id`): pack, duration, attempts, successes, success rate "
          "with its interval, the improvement over the player's previous session on the pack, looked up in the whole "
          "history, and whether the pack is in the reference catalogue (`sessions.training_sessions`).",
          {"etl_sessions": "etl/training_sessions"}, whole=("etl_sessions",), given={"catalogue": catalogue},
          columns=COLUMNS["training_sessions"], publish=Publish(("date", "session_id"), sum_column="successes"),
          partitions_def=DAYS),
    Table("cons", "stated_ranks", stated.stated_ranks, stated.stated_ranks.__doc__,
          {"etl_stated": "etl/stated_ranks"}, kind="snapshot", columns=COLUMNS["stated_ranks"],
          publish=Publish(("player_id",), PublishMode.SNAPSHOT)),
    Table("cons", "player_weaknesses",
          lambda stats, seen, planted, stated: Measured(*skills.player_weaknesses(stats, seen, planted, stated)),
          PLAYER_WEAKNESSES_DESCRIPTION, {"stats": STATS, "seen": SEEN, "planted": "etl/planted_weaknesses",
                                          "stated": STATED},
          kind="snapshot", columns=COLUMNS["player_weaknesses"],
          publish=Publish(("player_id", "skill"), PublishMode.SNAPSHOT)),
    Table("cons", "rank_predictions", lambda stats, seen, stated: Measured(*rank.rank_predictions(stats, seen, stated)),
          RANK_PREDICTIONS_DESCRIPTION, {"stats": STATS, "seen": SEEN, "stated": STATED}, kind="snapshot",
          columns=COLUMNS["rank_predictions"],
          publish=Publish(("player_id",), PublishMode.SNAPSHOT, comment=RANK_PREDICTIONS_COMMENT)),
    Table("cons", "rank_outlook",
          lambda seen, sessions, stated: Measured(*outlook.rank_outlook(seen, sessions, stated)),
          outlook.rank_outlook.__doc__, {"seen": SEEN, "sessions": "cons/training_sessions",
                                         "stated": "etl/stated_ranks"}, kind="snapshot",
          columns=COLUMNS["rank_outlook"], publish=Publish(("player_id",), PublishMode.SNAPSHOT,
                                                          checks=("rank_days >= 1",
                                                                  "change_ci_low <= predicted_change AND "
                                                                  "predicted_change <= change_ci_high"))),
    Table("cons", "recommendations", recommend.player_recommendations, recommend.player_recommendations.__doc__,
          {"player_weaknesses": "cons/player_weaknesses", "training_packs": "cons/training_packs",
           "history": "cons/training_sessions"}, kind="snapshot", columns=COLUMNS["recommendations"],
          publish=Publish(("player_id", "pack_code"), PublishMode.SNAPSHOT)),
]
"""The tables over the players' whole history: their sessions, stated ranks, weaknesses, predicted ranks and what
they should train."""

TABLES = [*DAILY_TABLES, PEER_PARTIALS, PEER_STATS, VALUE_PARTIALS, PEER_VALUE_COUNTS, *HISTORY_TABLES]
"""Every rocket table computed from other tables."""
