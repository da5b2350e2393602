"""The columns of rocket's published tables, by table: what each holds, as its declaration states it (the
lake write conforms to it, the UI lists it, the PostgreSQL table is generated from it with the declared grain,
the API types its answers with it), and the columns that name a player (`PLAYERS`)."""

from gamestats_assets.lib.core.columns import (
    BIGINT,
    BOOLEAN,
    DATE,
    DOUBLE,
    INTEGER,
    TEXT,
    TIMESTAMPTZ,
    Columns,
    described,
)
from gamestats_assets.lib.erasure.register import Identity

MIN_MATCHES = 3
"""The games of a player's main playlist before their skills are scored (`rocket.player_weaknesses`)."""
MIN_PEERS = 10
"""The players of a band, each with `MIN_MATCHES` games, a skill is scored against."""

MEANINGS = {
    "date": "the day (UTC) the game was played, its partition",
    "match_id": "the game: the replay's match id (32 hex)",
    "player_id": "the player's platform id as ballchasing filters by it (`steam:7656...`)",
    "name": "the player's in-game name", "platform": "the player's platform (`steam`, `epic`, `ps4`, ...)",
    "is_bot": "a bot, not a player", "playlist": "the playlist (`ranked-doubles`, ...)",
    "rank_tier": "the rank's tier, 1 (Bronze I) to 22 (Supersonic Legend)", "rank_division": "its division, 1 to 4",
    "rank_index": "the rank in divisions from the lowest (Bronze I division 1 = 0)",
    "rank_band": "the peer group of the rank: its metal (`gold`, `champion`, ...), `supersonic-legend` or `unranked`",
    "source": "the source of the row: `replay` (frames), `carball` or `ballchasing`",
    "goals": "goals scored", "matches": "games played",
    "category": "the stat's group (ballchasing's: `core`, `boost`, `movement`, `positioning`, `demo`, ...)",
    "stat_type": "the stat (`goals`, `boost_bpm`, `positioning_time_behind_ball`, ...)",
    "skill": "the skill: `shooting`, `saves`, `aerials`, `boost_management`, `positioning`, `rotation` or "
             "`challenges`",
    "z": "the player's skill against same-rank peers, in standard errors (negative: below)",
    "p_value": "the one-sided p of z", "null_reason": "why the value is null (null when it is not)",
    "difficulty": "the pack's difficulty: a rank metal, or null", "pack_code": "the pack's code",
    "shots": "shots on goal", "games": "the games counted", "total": "the sum the mean is made of",
    "rank_from": "where the rank compared at comes from: `game` (a game of the player gave it) or `stated` (the rank "
                 "the player stated, not verified, as no game gave one)",
}
"""What a column name means in every rocket table that has it."""

COLUMNS: dict[str, Columns] = described({
    "matches": {
        "date": DATE, "match_id": TEXT,
        "ballchasing_id": TEXT("the game's id on ballchasing.com (null when no source gave it)"),
        "source": TEXT.required("the most detailed source the row comes from: `replay` (frames), `carball` or "
                                "`ballchasing`"),
        "sources": TEXT.required("every source that knows the game, comma-separated"),
        "title": TEXT("the replay's title"), "playlist": TEXT, "map_code": TEXT("the arena's code"),
        "played_at": TIMESTAMPTZ("when the game was played"), "duration": DOUBLE("its length in seconds"),
        "overtime": BOOLEAN("it went to overtime"), "team_size": INTEGER("players per team"),
        "score_team_0": INTEGER("the blue team's goals"), "score_team_1": INTEGER("the orange team's goals"),
        "goals": INTEGER("both teams' goals"), "result": TEXT("`blue`, `orange` or `draw`: the team with more goals"),
        "frames_null_reason": TEXT("why the game has no frames: a raw replay read from its header alone (null "
                                   "otherwise)")},
    "match_players": {
        "date": DATE, "match_id": TEXT, "player_id": TEXT, "name": TEXT, "platform": TEXT,
        "team": INTEGER("0 (blue) or 1 (orange)"), "is_bot": BOOLEAN,
        "rank_tier": INTEGER("the rank's tier any source gave"), "rank_division": INTEGER,
        "score": INTEGER("the scoreboard's score"), "goals": INTEGER("goals scored"), "assists": INTEGER("assists"),
        "saves": INTEGER("saves"), "shots": INTEGER, "source": TEXT("the source of the player's line"),
        "rank_index": INTEGER, "rank_band": TEXT},
    "users": {
        "date": DATE, "player_id": TEXT, "name": TEXT("the player's latest name"), "platform": TEXT,
        "is_bot": BOOLEAN, "rank_tier": INTEGER("the latest rank's tier"), "rank_division": INTEGER("its division"),
        "rank_index": INTEGER("the latest rank in divisions"), "rank_band": TEXT("its peer group"),
        "main_playlist": TEXT("the playlist played most on the day"), "matches": BIGINT("games played on the day"),
        "first_played_at": TIMESTAMPTZ("the day's first game"), "last_played_at": TIMESTAMPTZ("the day's last game")},
    "player_stats": {
        "date": DATE, "time": TIMESTAMPTZ("when the game was played"), "match_id": TEXT, "player_id": TEXT,
        "playlist": TEXT, "rank_band": TEXT, "rank_index": INTEGER, "category": TEXT, "stat_type": TEXT,
        "value": DOUBLE("the stat's value (null with null_reason)"),
        "sample_size": BIGINT("for a count rate, its denominator: the trials"),
        "ci_low": DOUBLE("the lower bound of the 95 % Wilson interval of a count rate"),
        "ci_high": DOUBLE("its upper bound"), "numerator": DOUBLE("a rate's numerator"),
        "denominator": DOUBLE("a rate's denominator"), "null_reason": TEXT,
        "source": TEXT("the source of the value: the best that has one"),
        "value_bin": DOUBLE("the value as compared (per minute of the game for a total, a share of it for "
                             "seconds in a state, else the value) to 3 significant digits, by which its rank "
                             "percentile is read")},
    "position_heatmaps": {
        "date": DATE, "match_id": TEXT, "player_id": TEXT,
        "cell_x": BIGINT("the cell across the pitch (8 cells of 1024 uu), seen from the player's own goal"),
        "cell_y": BIGINT("the cell along it (10 cells), from the player's own goal"),
        "seconds": DOUBLE("seconds the player's car spent in the cell")},
    "replay_frames": {
        "date": DATE, "match_id": TEXT,
        "sample": INTEGER("the sample, from 0, ten a second of the recording"),
        "player_id": TEXT("the car's player, or `ball` for the ball's row"),
        "team": INTEGER("the car's team, 0 (blue) or 1 (orange); null for the ball"),
        "time": DOUBLE("seconds from the recording's first frame"),
        "clock": INTEGER("seconds remaining on the game's clock"),
        "score_team_0": INTEGER("the blue team's goals so far"),
        "score_team_1": INTEGER("the orange team's goals so far"),
        "x": INTEGER("across the pitch, uu (side walls at ±4096)"),
        "y": INTEGER("along it, uu (blue's back wall at -5120)"),
        "z": INTEGER("height, uu"), "boost": INTEGER("the car's boost, 0-100; null for the ball")},
    "replay_goals": {
        "date": DATE, "match_id": TEXT, "goal": INTEGER("the goal's place in the game, from 1"),
        "frame": INTEGER("the stream's frame of the goal"),
        "sample": INTEGER("the first sample of `replay_frames` that shows it (null past the last)"),
        "team": INTEGER("the scoring team, 0 (blue) or 1 (orange)"),
        "scorer_id": TEXT("the scorer's player id (null when the stream names no car of the game)"),
        "assister_id": TEXT("the assister's player id (null for an unassisted goal)"),
        "clock": INTEGER("the game's clock at the goal: seconds remaining, in overtime the seconds of overtime (the "
                         "clock counts them up)"),
        "game_seconds": INTEGER("seconds of play into the game: the clock's start less `clock`; in overtime the "
                                "clock's start plus `overtime_seconds`"),
        "overtime": BOOLEAN("scored in overtime"),
        "overtime_seconds": INTEGER("seconds of overtime before the goal (null in regulation)"),
        "score_team_0": INTEGER("the blue team's goals after it"),
        "score_team_1": INTEGER("the orange team's goals after it")},
    "training_packs": {
        "code": TEXT("the pack's code"), "name": TEXT("its name"), "creator": TEXT("who made it"), "difficulty": TEXT,
        "difficulty_index": INTEGER("the division index the difficulty stands for: the middle of its metal"),
        "tags": TEXT("its tags, `;`-joined"), "shots": INTEGER("its shots"),
        "categories": TEXT("the skill categories it trains, `;`-joined")},
    "training_sessions": {
        "date": DATE, "session_id": TEXT("the session"), "player_id": TEXT.required("who trained"),
        "pack_code": TEXT.required("the pack trained"),
        "known_pack": BOOLEAN("the pack is in the reference catalogue"),
        "started_at": TIMESTAMPTZ("when the session started"), "duration_seconds": BIGINT("its length in seconds"),
        "attempts": BIGINT("shots attempted"), "successes": BIGINT("shots made"),
        "success_rate": DOUBLE("successes / attempts"), "success_ci_low": DOUBLE, "success_ci_high": DOUBLE,
        "improvement": DOUBLE("this session's success rate minus the player's previous session's on the pack (null "
                              "for a first)")},
    "stated_ranks": {
        "player_id": TEXT, "playlist": TEXT("the playlist the rank is of"),
        "rank_tier": INTEGER("the stated rank's tier, 1 (Bronze I) to 22 (Supersonic Legend)"),
        "rank_division": INTEGER("its division, 1 to 4 (1 for Supersonic Legend)"),
        "rank_index": INTEGER("the stated rank in divisions"), "rank_band": TEXT("its peer group"),
        "stated_at": TIMESTAMPTZ("when the player stated it"), "statement_id": TEXT("the statement")},
    "player_weaknesses": {
        "player_id": TEXT, "rank_band": TEXT("the player's peer group"),
        "rank_index": INTEGER("the player's rank in divisions"),
        "playlist": TEXT("the playlist the player is compared in"), "skill": TEXT,
        "indicators": TEXT("the stats the skill was read from"),
        "matches": BIGINT("the player's games scored on the skill"),
        "peers": BIGINT("the same-rank players compared with"), "z": DOUBLE,
        "rank_percentile": DOUBLE("the player's percentile among those peers"), "p_value": DOUBLE,
        "p_adjusted": DOUBLE("the Benjamini–Hochberg adjusted p over every player and skill"),
        "is_weak": BOOLEAN("a weakness: p_adjusted below 0.05"),
        "null_reason": TEXT("why the skill has no z (null when it has one)"),
        "weakness_probability": DOUBLE("a logistic classifier's out-of-fold probability of a weakness (null without "
                                       "a truth to train on)"),
        "probability_reason": TEXT("why weakness_probability is null (null when it is not)"),
        "lasting_spread": DOUBLE("how much same-rank players differ lastingly on the skill (a variance)"),
        "game_spread": DOUBLE("how much a player's games differ by luck (a variance)"),
        "standard_error": DOUBLE("the standard error of the player's mean over their games"),
        "percentile_ci_low": DOUBLE("the low end of the percentile's 95 % interval for the luck of the player's "
                                    "games"),
        "percentile_ci_high": DOUBLE("its high end"), "rank_from": TEXT},
    "rank_predictions": {
        "player_id": TEXT, "rank_index": DOUBLE("the player's rank in divisions"),
        "predicted_rank_index": DOUBLE("the rank the model predicts from their stats"),
        "held_out": BOOLEAN("the player was left out of training: a fair test of the model"),
        "interval_low": DOUBLE("the low end of its 95 % conformal prediction interval, in divisions, not cut to the "
                               "ladder (null: unbounded, too few training players)"),
        "interval_high": DOUBLE("its high end"),
        "games": BIGINT("the games the player's stats are means of (under 5: thin evidence)"),
        "playlist": TEXT("the playlist the player plays most"),
        "baseline_rank_index": DOUBLE("the baseline's prediction: the median rank of the training players of that "
                                      "playlist"),
        "baseline_interval_low": DOUBLE("the low end of the baseline's 95 % conformal interval (null: unbounded)"),
        "baseline_interval_high": DOUBLE("its high end"), "rank_from": TEXT,
        "model_players": BIGINT("the held-out players the model is judged on (players whose rank a game gave), the "
                                "same on every row as the figures after it"),
        "model_rmse": DOUBLE("the model's root mean squared error on them, in divisions"),
        "model_mae": DOUBLE("its mean absolute error on them, in divisions"),
        "model_baseline_mae": DOUBLE("the baseline's (the playlist's median rank) mean absolute error on them"),
        "model_mae_difference": DOUBLE("the model's absolute error less the baseline's, on average over the same "
                                       "players (negative: the model errs less)"),
        "model_difference_ci_low": DOUBLE("the low end of that difference's 95 % normal interval (null under two "
                                          "players)"),
        "model_difference_ci_high": DOUBLE("its high end"),
        "model_verdict": TEXT("`better` or `worse` where that interval excludes 0, else `not distinguishable` "
                              "(`unjudged` under two players)"),
        "model_coverage": DOUBLE("the share of them whose rank fell inside the model's interval (null: unbounded)"),
        "model_coverage_ci_low": DOUBLE("its 95 % Wilson interval's low end"),
        "model_coverage_ci_high": DOUBLE("its high end"),
        "model_interval_width": DOUBLE("the model's interval's mean width over them, in divisions"),
        "model_interval_median_width": DOUBLE("its median width, in divisions"),
        "baseline_coverage": DOUBLE("the same share for the baseline's interval"),
        "baseline_coverage_ci_low": DOUBLE("its 95 % Wilson interval's low end"),
        "baseline_coverage_ci_high": DOUBLE("its high end"),
        "baseline_interval_width": DOUBLE("the baseline's interval's mean width, in divisions")},
    "rank_outlook": {
        "player_id": TEXT, "rank_index": INTEGER("the player's latest known rank in divisions"),
        "rank_days": BIGINT("the days with a known rank the trend is fitted on (the 56 before the latest)"),
        "first_rank_day": DATE("the first of them"), "last_rank_day": DATE("the last"),
        "trend_per_week": DOUBLE("the rank's drift, divisions a week (null under three days)"),
        "trend_ci_low": DOUBLE("the lower bound of its 95 % interval, Student's t"),
        "trend_ci_high": DOUBLE("the upper bound of that interval"),
        "predicted_change": DOUBLE("the change predicted over the next 28 days, divisions: the drift's, plus "
                                   "`training_change` where training is shown to matter"),
        "change_ci_low": DOUBLE("the lower bound of its 95 % prediction interval"),
        "change_ci_high": DOUBLE("the upper bound of that interval"),
        "outlook": TEXT("`rising` or `falling` (the interval excludes no change), `no change can be told`, or "
                        "`too few ranked days to tell`"),
        "training_sessions": BIGINT("the player's training sessions in the 28 days up to the last ranked day"),
        "training_success_rate": DOUBLE("their shots made over shots attempted in those sessions"),
        "training_success_ci_low": DOUBLE("its 95 % Wilson interval"), "training_success_ci_high": DOUBLE,
        "training_success_rate_before": DOUBLE("the success rate of the 28 days before (null without sessions)"),
        "tested_trend": DOUBLE("the latest rank as the trend over the days before it predicts it (null for a player "
                               "with three known days or fewer): the trend tested"),
        "tested_no_change": DOUBLE("the latest rank as no change predicts it: the rank of the day before"),
        "training_progress": DOUBLE("the training success rate less that of the 28 days before (null without both)"),
        "training_change": DOUBLE("the divisions the player's training progress adds to `predicted_change`: the "
                                  "training effect times the progress (null where the effect is not applied)"),
        "tested_training_progress": DOUBLE("the progress as of the day before the latest rank, where the trend is "
                                           "tested"),
        "training_effect": DOUBLE("over the tested players, the divisions in 28 days that the trend missed per unit "
                                  "of training progress (the same on every row); applied only where its interval "
                                  "excludes none"),
        "training_effect_ci_low": DOUBLE("its 95 % interval's lower bound"),
        "training_effect_ci_high": DOUBLE("its upper bound"),
        "training_effect_players": BIGINT("the tested players with a training progress it was estimated on"),
        "training_effect_applied": BOOLEAN("whether the effect moves predictions: its interval excludes none, over "
                                           "20 tested players or more"),
        "rank_from": TEXT("where the latest rank comes from: `game`, or `stated` (a player no game gave a rank: the "
                          "days they stated one, never tested)"),
        "backtest_players": BIGINT("the players the trend is tested on (those with `tested_trend`), the same on every "
                                   "row as the figures after it"),
        "backtest_trend_mae": DOUBLE("the trend's mean absolute error on them, divisions"),
        "backtest_no_change_mae": DOUBLE("no change's (the rank of the day before), divisions"),
        "backtest_difference_ci_low": DOUBLE("the low end of the 95 % interval of the paired difference of the two "
                                             "errors (negative: the trend errs less; null under two players)"),
        "backtest_difference_ci_high": DOUBLE("its high end"),
        "backtest_verdict": TEXT("`better` or `worse` where that interval excludes 0, else `not distinguishable` "
                                 "(`unjudged` under two players)")},
    "recommendations": {
        "player_id": TEXT, "skill": TEXT,
        "reason": TEXT("`detected weakness`, else `weakest skill` or `second-weakest skill`: the player's lowest "
                       "and next lowest percentile among their peers"),
        "z": DOUBLE("the skill's z"), "pack_code": TEXT, "pack_name": TEXT("the pack's name"), "difficulty": TEXT,
        "distance": INTEGER("divisions between the pack's difficulty and the player's rank"),
        "position": BIGINT("the pack's place among the skill's recommendations, nearest first"),
        "rank_band": TEXT("the band the skill was compared in (never `unranked`)"), "rank_from": TEXT,
        "matches": BIGINT("the player's games scored on the skill: few games, a wide interval"),
        "rank_percentile": DOUBLE("the skill's percentile among the band's players"),
        "percentile_ci_low": DOUBLE("the low end of its 95 % interval for the luck of the player's games"),
        "percentile_ci_high": DOUBLE("its high end")},
    "peer_value_counts": {
        "rank_band": TEXT("the peer group"), "playlist": TEXT("the playlist"), "stat_type": TEXT,
        "value_bin": DOUBLE("the bin: a value to 3 significant digits"),
        "games": BIGINT.required("values in the bin (a player's value in a game counts once)"),
        "games_below": BIGINT.required("values in the bins below it"),
        "total": BIGINT.required("values in every bin of the peer group, playlist and stat")},
    "peer_stats": {
        "rank_band": TEXT("the peer group"), "stat_type": TEXT, "category": TEXT,
        "players": BIGINT.required("the players with a value of the stat"),
        "games": BIGINT.required("the values (a player's value in a game counts once)"), "total": DOUBLE("their sum"),
        "mean": DOUBLE("their mean"), "m2": DOUBLE("the sum of squared deviations from the mean")},
}, MEANINGS)


PLAYERS = Identity(ids={"player_id": ["name", "player_name"], "scorer_id": [], "assister_id": []},
                   own=["users", "player_weaknesses", "rank_predictions", "rank_outlook", "recommendations", "training_sessions",
                        "stated_ranks", "planted_weaknesses", "players"],
                   texts=["title"])
"""The columns of rocket's tables (in the lake and published) that name a player, and the tables that are a
player's own: what a player's deletion takes out (`lib/erasure/`)."""
