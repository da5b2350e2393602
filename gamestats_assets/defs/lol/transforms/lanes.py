"""Lane matchups: each player against the opposing champion of the same position, and the lane's state at
`LANE_MINUTES` (total gold, experience and creep score from the participant frame of that minute)."""

from __future__ import annotations

import polars as pl

from gamestats_assets.defs.lol.transforms.cons import GROUP, counted, with_rate
from gamestats_assets.defs.lol.transforms.counts import by_slice, moments, with_mean, with_tier
from gamestats_assets.lib.refresh.fold import Fold
from gamestats_assets.lib.refresh.joined import JoinedFold
from gamestats_assets.sources.riot.compound import DIFFERENCES, LANE_MEASURES, LANE_MINUTES

POSITIONS = ("TOP", "JUNGLE", "MIDDLE", "BOTTOM", "UTILITY")
PLAYER = ("match_id", "participant_id")


def lane_opponents(participants: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Every player with a lane opponent: one row per (match_id, participant_id) with `team_position`,
    `opponent_participant_id` and `opponent_champion_id`. The opponent is the one player of the other team
    with the same `teamPosition` (TOP, JUNGLE, MIDDLE, BOTTOM, UTILITY); a player without one of these, or
    whose position a teammate also holds, has none."""
    players = participants.lazy().filter(pl.col("team_position").is_in(POSITIONS)).select(
        *PLAYER, "team_id", "team_position", "champion_id")
    alone = players.group_by("match_id", "team_id", "team_position").agg(pl.len().alias("holders")).filter(
        pl.col("holders") == 1).drop("holders")
    players = players.join(alone, on=["match_id", "team_id", "team_position"])
    opponents = players.select("match_id", "team_position", pl.col("team_id").alias("opponent_team_id"),
                               pl.col("participant_id").alias("opponent_participant_id"),
                               pl.col("champion_id").alias("opponent_champion_id"))
    return (players.join(opponents, on=["match_id", "team_position"])
            .filter(pl.col("team_id") != pl.col("opponent_team_id"))
            .select(*PLAYER, "team_position", "opponent_participant_id", "opponent_champion_id"))


def lane_states(participants: pl.DataFrame, frames: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """STD `lane_states`: one row per player with a lane opponent (key match_id, participant_id), with the
    player's gold, xp and cs at each of `LANE_MINUTES` and their differences to the opponent's
    (`gold_diff_10` …); null where the game has no timeline or did not reach that minute."""
    frames = frames.lazy()
    states = lane_opponents(participants)
    for minute in LANE_MINUTES:
        at_minute = frames.filter(pl.col("frame_index") == minute).select(
            "match_id", "participant_id", pl.col("total_gold").cast(pl.Int64).alias(f"gold_{minute}"),
            pl.col("xp").cast(pl.Int64).alias(f"xp_{minute}"),
            (pl.col("minions_killed").fill_null(0) + pl.col("jungle_minions_killed").fill_null(0)).cast(pl.Int64)
            .alias(f"cs_{minute}"))
        states = states.join(at_minute, on=list(PLAYER), how="left")
    own = [f"{measure}_{minute}" for minute in LANE_MINUTES for measure in LANE_MEASURES]
    theirs = states.select("match_id", pl.col("participant_id").alias("opponent_participant_id"),
                           *[pl.col(column).alias(f"opponent_{column}") for column in own])
    return (
        states.join(theirs, on=["match_id", "opponent_participant_id"], how="left")
        .select(*PLAYER, "team_position", "opponent_participant_id", "opponent_champion_id", *own,
                *[(pl.col(column) - pl.col(f"opponent_{column}")).alias(column.replace("_", "_diff_"))
                  for column in own])
        .sort(*PLAYER).collect()
    )


LANE_KEYS = (*GROUP, "tier", "team_position", "champion_id", "opponent_champion_id")
LANE_ROWS = {**{name: pl.String for name in GROUP}, "tier": pl.String, "team_position": pl.String,
             "champion_id": pl.Int64, "opponent_champion_id": pl.Int64, "champion_name": pl.String,
             "opponent_champion_name": pl.String, "win": pl.Boolean, **{name: pl.Float64 for name in DIFFERENCES}}
"""The rows folded for the lane matchups: each counted Summoner's Rift player with a lane opponent."""


def lane_rows(players: pl.DataFrame, lanes: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    """Each player of a counted Summoner's Rift game with its lane opponent (`std/lane_states`), the opponent's
    name, the differences to it and the game's ranked tier."""
    names = players.select("match_id", pl.col("participant_id").alias("opponent_participant_id"),
                           pl.col("champion_name").alias("opponent_champion_name"))
    rows = (counted(players, summoners_rift=True).select(*PLAYER, *GROUP, "champion_id", "champion_name", "win")
            .join(lanes.select(*PLAYER, "team_position", "opponent_participant_id", "opponent_champion_id",
                               *DIFFERENCES), on=list(PLAYER))
            .join(names, on=["match_id", "opponent_participant_id"], how="left"))
    return with_tier(rows, tiers).select(pl.col(name).cast(dtype) for name, dtype in LANE_ROWS.items())


def finished_lane_matchups(state: pl.DataFrame) -> pl.DataFrame:
    """The lane matchups from the fold's state: every slice of tiers summed, then the rates and means."""
    stats = by_slice(state, list(LANE_KEYS), ["champion_name", "opponent_champion_name"])
    for difference in DIFFERENCES:
        stats = with_mean(stats, difference, difference)
    return with_rate(stats).select(
        *(key for key in LANE_KEYS if key != "tier"), "champion_name", "opponent_champion_name", "games", "wins",
        *(f"n_at_{minute}" for minute in LANE_MINUTES),
        *(f"{difference}_{part}" for difference in DIFFERENCES for part in ("mean", "ci_low", "ci_high")),
        "win_rate", "low_sample", "win_rate_ci_low", "win_rate_ci_high", "tier").sort(LANE_KEYS)


LANE_MATCHUPS = JoinedFold(Fold(
    LANE_ROWS, (*LANE_KEYS, "champion_name", "opponent_champion_name"),
    {"games": pl.lit(1, pl.Int64), "wins": pl.col("win").cast(pl.Int64),
     **{f"n_at_{minute}": pl.col(f"gold_diff_{minute}").is_not_null().cast(pl.Int64) for minute in LANE_MINUTES},
     **{term: expression for difference in DIFFERENCES for term, expression in moments(difference).items()}},
    lambda state: finished_lane_matchups(state), counted="games"), lane_rows)
"""`lane_matchups` as a fold kept game by game: per queue, patch, tier, position, champion and opponent, exact
counts of games and wins and the moments of each lane difference."""


def lane_matchups(players: pl.DataFrame, lanes: pl.DataFrame, tiers: pl.DataFrame) -> pl.DataFrame:
    """Champion against the opposing champion of its position by ranked tier, in counted Summoner's Rift games: one
    row per (queue, patch, tier, team_position, champion_id, opponent_champion_id).

    Games and wins of the champion in that lane against that opponent, win rate with Wilson interval and
    `low_sample`, and the mean gold, XP and CS difference to the opponent at 10 and 15 minutes with 95 %
    normal intervals, over `n_at_10` / `n_at_15` games whose timeline reached that minute. Each matchup
    appears from both sides (A against B and B against A, mirrored). `tier` names the slice of games (all, one
    tier, a band).
    """
    return LANE_MATCHUPS(players=players, lanes=lanes, tiers=tiers)
