"""The daily tables: parsed matches of every source → one match per game, its players, long-form stats.

A game known under several sources (the same `match_id`) is one match. The sources rank by detail:
a raw `replay` (frames) before a `carball` analysis before a `ballchasing` replay; the match row and
player lines come from the best source, a stat from the best source that has a value for it, the
ballchasing id and the players' ranks from ballchasing whatever the best source is.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from gamestats_assets.defs.rocket.transforms.percentiles import value_bin
from gamestats_assets.lib.core.stats import wilson_interval
from gamestats_assets.sources.ballchasing.measures import comparable
from gamestats_assets.sources.ballchasing.ranks import DIVISIONS_PER_TIER, METALS, TOP_TIER
from gamestats_assets.sources.ballchasing.records import (
    BOUNDED_RATES,
    MATCH_SCHEMA,
    PLAYER_SCHEMA,
    STAT_SCHEMA,
    ParsedMatch,
    matches_frame,
    players_frame,
    stats_frame,
)

SOURCE_PRIORITY = {"replay": 0, "carball": 1, "ballchasing": 2}
COUNT_RATES = ("shot_accuracy", "save_rate", "aerial_rate", "challenge_win_rate", *BOUNDED_RATES)
"""Rates that are proportions of counted events (goals of shots, saves of shots faced, aerial touches of touches,
contests won of contests, and the frame mechanics' `records.BOUNDED_RATES`): they get a Wilson interval with the
count as sample size. Time shares and averages are measured over the whole game, not sampled, and get none."""


def _with_source_and_date(frame: pl.DataFrame, sources: dict[str, str], day: dt.date) -> pl.DataFrame:
    return frame.with_columns(source=pl.col("match_id").replace_strict(sources, return_dtype=pl.String),
                              date=pl.lit(day))


def etl_tables(matches: list[ParsedMatch], day: dt.date) -> dict[str, pl.DataFrame]:
    """The day's parsed matches as three ETL tables, one row per source's record: `matches` (match and
    source), `match_players` (player, match and source), `match_stats` (stat, player, match, source)."""
    tables: dict[str, list[pl.DataFrame]] = {"matches": [], "match_players": [], "match_stats": []}
    for source in sorted({m.source for m in matches}):
        of_source = [m for m in matches if m.source == source]
        ids = {m.match_id: source for m in of_source}
        tables["matches"].append(matches_frame(of_source).with_columns(date=pl.lit(day)))
        tables["match_players"].append(_with_source_and_date(players_frame(of_source), ids, day))
        tables["match_stats"].append(_with_source_and_date(stats_frame(of_source), ids, day))
    empty = {
        "matches": pl.DataFrame(schema={**MATCH_SCHEMA, "date": pl.Date}),
        "match_players": pl.DataFrame(schema={**PLAYER_SCHEMA, "source": pl.String, "date": pl.Date}),
        "match_stats": pl.DataFrame(schema={**STAT_SCHEMA, "source": pl.String, "date": pl.Date}),
    }
    return {name: pl.concat([empty[name], *frames], how="vertical_relaxed").unique(
        [c for c in ("match_id", "player_id", "stat_type", "source") if c in empty[name].columns],
        keep="first", maintain_order=True) for name, frames in tables.items()}


def _priority(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(priority=pl.col("source").replace_strict(SOURCE_PRIORITY, default=9,
                                                                       return_dtype=pl.Int8))


def matches(etl_matches: pl.DataFrame) -> pl.DataFrame:
    """`matches`: one row per game (key `match_id`) from its best source, with `sources` (every source
    that knows it), `ballchasing_id`, `result` (`blue`, `orange` or `draw`: the team with more goals)
    and `goals` (both teams); `frames_null_reason` flags a raw replay read from its header alone."""
    ranked = _priority(etl_matches).sort("match_id", "priority")
    known = ranked.group_by("match_id").agg(
        sources=pl.col("source").unique().sort().str.join(","),
        any_ballchasing_id=pl.col("ballchasing_id").drop_nulls().first(),
    )
    best = ranked.unique("match_id", keep="first", maintain_order=True).join(known, on="match_id")
    return best.with_columns(
        ballchasing_id=pl.coalesce("ballchasing_id", "any_ballchasing_id"),
        result=pl.when(pl.col("score_team_0") > pl.col("score_team_1")).then(pl.lit("blue"))
        .when(pl.col("score_team_0") < pl.col("score_team_1")).then(pl.lit("orange")).otherwise(pl.lit("draw")),
        goals=pl.col("score_team_0") + pl.col("score_team_1"),
    ).select("date", "match_id", "ballchasing_id", "source", "sources", "title", "playlist", "map_code",
             "played_at", "duration", "overtime", "team_size", "score_team_0", "score_team_1", "goals", "result",
             "frames_null_reason")


def rank_band_expr(tier: pl.Expr) -> pl.Expr:
    """The peer group of a tier as an expression: its metal (`gold`, `champion`...), `supersonic-legend` or
    `unranked`."""
    metal = ((tier - 1) // 3).clip(0, len(METALS) - 1).replace_strict(dict(enumerate(METALS)), return_dtype=pl.String)
    return (pl.when(tier.is_null() | (tier <= 0)).then(pl.lit("unranked"))
            .when(tier >= TOP_TIER).then(pl.lit("supersonic-legend")).otherwise(metal))


def match_players(etl_players: pl.DataFrame, best_matches: pl.DataFrame) -> pl.DataFrame:
    """The player lines of each match from its best source (key `match_id, player_id`), with the rank any
    source gave (`rank_index` in divisions, `rank_band` the peer group); the landing file each line was read
    from is left out (published, the table names players, not files)."""
    ranks = (etl_players.filter(pl.col("rank_tier").is_not_null())
             .unique(["match_id", "player_id"], keep="first")
             .select("match_id", "player_id", pl.col("rank_tier").alias("any_tier"),
                     pl.col("rank_division").alias("any_division")))
    return (
        etl_players.join(best_matches.select("match_id", "source"), on=["match_id", "source"])
        .join(ranks, on=["match_id", "player_id"], how="left")
        .with_columns(rank_tier=pl.coalesce("rank_tier", "any_tier"),
                      rank_division=pl.coalesce("rank_division", "any_division"))
        .with_columns(rank_index=(pl.col("rank_tier") - 1) * DIVISIONS_PER_TIER + pl.col("rank_division") - 1,
                      rank_band=rank_band_expr(pl.col("rank_tier")))
        .drop("any_tier", "any_division", "source_file", strict=False)
    )


def users(players: pl.DataFrame, best_matches: pl.DataFrame) -> pl.DataFrame:
    """`users` of a day: one row per player seen (key `player_id`): latest name, platform, bot flag,
    latest rank, the day's matches and the playlist played most."""
    timed = players.join(best_matches.select("match_id", "played_at", "playlist"), on="match_id").sort("played_at")
    return timed.group_by("player_id").agg(
        pl.col("date").first(),
        name=pl.col("name").last(), platform=pl.col("platform").last(), is_bot=pl.col("is_bot").last(),
        rank_tier=pl.col("rank_tier").drop_nulls().last(), rank_division=pl.col("rank_division").drop_nulls().last(),
        rank_index=pl.col("rank_index").drop_nulls().last(), rank_band=pl.col("rank_band").last(),
        matches=pl.col("match_id").n_unique(), main_playlist=pl.col("playlist").mode().sort().first(),
        first_played_at=pl.col("played_at").first(), last_played_at=pl.col("played_at").last(),
    ).select("date", "player_id", "name", "platform", "is_bot", "rank_tier", "rank_division", "rank_index",
             "rank_band", "main_playlist", "matches", "first_played_at", "last_played_at").sort("player_id")


def player_stats(etl_stats: pl.DataFrame, players: pl.DataFrame, best_matches: pl.DataFrame) -> pl.DataFrame:
    """`player_stats`, long form (key `match_id, player_id, stat_type`): each stat from the best source
    that has a value (else null with the best source's reason), the match's time and playlist, the player's
    rank, a Wilson interval and sample size for count rates, and the bin of the value as it is compared (`value_bin`:
    to 3 significant digits, `percentiles.value_bin`, of `measures.comparable`: a total that adds up over the game per
    minute of the game's length, seconds in a state as a share of it), by which its rank percentile among every
    published game's values of the same stat, rank band and playlist is answered when read (`percentiles`), so that
    an overtime's totals are not the top of every band. Each game's rows are its own rows' alone."""
    chosen = (
        _priority(etl_stats)
        .sort("match_id", "player_id", "stat_type", pl.col("value").is_null(), "priority")
        .unique(["match_id", "player_id", "stat_type"], keep="first", maintain_order=True)
        .join(players.select("match_id", "player_id", "rank_band", "rank_index"), on=["match_id", "player_id"])
        .join(best_matches.select("match_id", pl.col("played_at").alias("time"), "playlist", "duration"),
              on="match_id")
    )
    trials = pl.col("denominator")
    low, high = wilson_interval(pl.col("numerator"), trials)
    is_count_rate = pl.col("stat_type").is_in(COUNT_RATES) & pl.col("value").is_not_null()
    return chosen.with_columns(
        sample_size=pl.when(is_count_rate).then(trials.cast(pl.Int64)),
        ci_low=pl.when(is_count_rate).then(low), ci_high=pl.when(is_count_rate).then(high),
        value_bin=value_bin(comparable(pl.col("stat_type"), pl.col("value"), pl.col("duration"))),
    ).select("date", "time", "match_id", "player_id", "playlist", "rank_band", "rank_index", "category",
             "stat_type", "value", "sample_size", "ci_low", "ci_high", "numerator", "denominator",
             "null_reason", "source", "value_bin").sort("match_id", "player_id", "stat_type")
