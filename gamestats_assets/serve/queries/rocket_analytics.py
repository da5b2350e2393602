"""RocketTrainer's analytics reads, each for a player: their skills against same-rank peers, their stats day by day,
their predicted rank with the model's error beside the baseline's, their mean of each stat beside their band's, and
where their car was on the pitch. Ranks are named as the game names them (`Gold II Division 3`) from the division
index the tables hold (`sources.ballchasing.ranks`)."""

from __future__ import annotations

import psycopg

from gamestats_assets.lib.core.stats import BETTER, UNJUDGED, against_band, t_interval
from gamestats_assets.published.rocket import COLUMNS
from gamestats_assets.serve.core.models import field, row, shape
from gamestats_assets.serve.queries import query
from gamestats_assets.serve.queries.rocket import (
    BETTER_PERCENTILE,
    KNOWN_BANDS,
    NAMES,
    RANK_NEEDS,
    SKILLS_NEED,
    STATS,
    WEAKNESSES,
    RankName,
    known_player,
    percentile_of,
    rank_name,
    reasoned,
    without_rows,
)
from gamestats_assets.sources.ballchasing.measures import DIRECTIONS, WEAK_BELOW, better_of, toward_better, weak
from gamestats_assets.sources.ballchasing.names import playlist_name, skill_name
from gamestats_assets.sources.ballchasing.ranks import MAX_DIVISION_INDEX, PREDICTION_COVERAGE, THIN_GAMES
from gamestats_assets.sources.ballchasing.records import upper_bound
from gamestats_assets.sources.replays.heatmap import CELL_UU, COLUMNS as GRID_COLUMNS, ROWS as GRID_ROWS


SKILL = ("skill", "indicators", "rank_band", "playlist", "matches", "peers", "z", "rank_percentile",
         "percentile_ci_low", "percentile_ci_high", "p_value", "p_adjusted", "is_weak", "weakness_probability",
         "standard_error", "null_reason", "rank_from")
Skill = row("RocketSkill", WEAKNESSES, *SKILL, doc="A skill's score against same-rank peers",
            skill_name=field(str | None, "the skill's name"),
            weak=field(bool, "weak: the skill's percentile among the peers below `weak_below` (25) and its 95 % "
                             "interval below their median (50); `is_weak` is the stricter test over every player"))
Skills = shape("RocketSkills", weaknesses=field(list[Skill], "the skills that are weak (`weak`), lowest first"),
               skills=field(list[Skill], "every skill scored, lowest percentile first"),
               weak_below=field(float, "the percentile under which a skill is weak: the band's bottom quarter"))


def judged_skill(found: dict) -> dict:
    """A `player_weaknesses` row as the API answers it: with the skill's name and whether it is weak."""
    return {**found, "skill_name": skill_name(found["skill"]),
            "weak": weak(found["rank_percentile"], found["percentile_ci_high"])}


@query("rocket.player_weaknesses", "rocket.player_stats", returns=reasoned("RocketSkillsFound", Skills))
def weaknesses(conn: psycopg.Connection, player_id: str) -> dict:
    rows = [judged_skill(found) for found in conn.execute(
        f"SELECT {', '.join(SKILL)} FROM rocket.player_weaknesses WHERE player_id = %s "
        "ORDER BY rank_percentile NULLS LAST, z, skill", (player_id,))]
    reason = None if rows else without_rows(conn, player_id, "skill scores", SKILLS_NEED)
    return {"data": {"weaknesses": [r for r in rows if r["weak"]], "skills": rows, "weak_below": WEAK_BELOW},
            "reason": reason}


DayMean = row("RocketDayMean", STATS, "date", doc="A stat's mean over a day's games",
              mean=field(float | None, "the mean value"), games=field(int, "games with a value"),
              rank_percentile=field(float | None, "the mean rank percentile"))
Progress = shape("RocketProgress", stats=field(dict[str, list[DayMean]], "each stat's days, oldest first"))


@query("rocket.player_stats", "rocket.peer_value_counts", returns=Progress)
def progress(conn: psycopg.Connection, player_id: str, stat_type: str | None) -> dict:
    known_player(conn, player_id)
    rows = conn.execute(
        "SELECT s.stat_type, s.date, avg(s.value) AS mean, count(s.value) AS games, "
        f"avg(peers_below.rank_percentile) AS rank_percentile FROM rocket.player_stats s {percentile_of('s')} "
        "WHERE s.player_id = %s AND s.value IS NOT NULL AND (%s::text IS NULL OR s.stat_type = %s) "
        "GROUP BY s.stat_type, s.date ORDER BY s.stat_type, s.date", (player_id, stat_type, stat_type)).fetchall()
    series: dict[str, list] = {}
    for found in rows:
        series.setdefault(found.pop("stat_type"), []).append(found)
    return {"stats": series}


THIN_EVIDENCE_DIVISIONS = 12
"""A prediction interval wider than this (a metal's twelve divisions) is said to rest on thin evidence."""
RankModel = shape("RocketRankModel", "The rank model's error on held-out players beside the baseline's",
                  held_out_players=field(int, "the players left out of the fit, on which it is scored"),
                  rmse=field(float | None, "its root mean squared error on them, in divisions"),
                  mae=field(float | None, "its mean absolute error on them, in divisions"),
                  baseline=field(str, "the baseline: what is predicted without stats"),
                  baseline_mae=field(float | None, "the baseline's mean absolute error on them, in divisions"),
                  mae_difference=field(float | None, "the model's absolute error less the baseline's, on average "
                                                     "over the same players (negative: the model errs less)"),
                  difference_ci=field(list[float] | None, "that difference's 95 % interval"),
                  verdict=field(str, "`better` or `worse` where the interval excludes 0, else `not distinguishable` "
                                     "(`unjudged` under two players)"),
                  beats_baseline=field(bool | None, "whether the model errs less than the baseline, the interval "
                                                    "of the difference wholly below 0 (null unjudged)"),
                  nominal_coverage=field(float, "the share of players the 95 % intervals are made to hold"),
                  coverage=field(float | None, "the share of held-out players whose rank fell inside the model's "
                                               "interval (null: no bounded interval)"),
                  coverage_ci=field(list[float] | None, "that share's 95 % Wilson interval"),
                  interval_width=field(float | None, "the model's interval's mean width over them, in divisions"),
                  interval_median_width=field(float | None, "its median width, in divisions: the interval narrows "
                                                            "as a player's games grow"),
                  baseline_coverage=field(float | None, "the same share for the baseline's interval"),
                  baseline_coverage_ci=field(list[float] | None, "its 95 % Wilson interval"),
                  baseline_interval_width=field(float | None, "the baseline's interval's mean width, in divisions"))
RankPrediction = row("RocketRankPrediction", COLUMNS["rank_predictions"], "rank_index", "predicted_rank_index",
                     "games", "held_out", "playlist", "baseline_rank_index", "rank_from", doc="A player's predicted rank",
                     rank=RankName, playlist_name=NAMES["playlist_name"],
                     predicted_rank=field(str | None, "the predicted rank's name"),
                     baseline_rank=field(str | None, "the baseline's prediction by name: the playlist's median rank"),
                     interval_95=field(list[float] | None, "the 95 % conformal prediction interval, clipped to the "
                                       "ladder (`scale`); null where too few players bound it"),
                     interval_95_ranks=field(list[str] | None, "the names of the interval's ends"),
                     interval_clipped=field(bool, "whether the ladder's ends cut the interval"),
                     interval_divisions=field(float | None, "the interval's width in divisions, before the cut"),
                     thin_evidence=field(bool, f"whether the interval is wider than {THIN_EVIDENCE_DIVISIONS} "
                                               f"divisions (a metal) or unbounded, or the player's stats are of fewer "
                                               f"than {THIN_GAMES} games: the stats say little of the rank"),
                     scale=field(list[int], "the division index's range: Bronze I Division 1 to Supersonic Legend"),
                     model=field(RankModel, "the rank model's error on held-out players beside the baseline's"))


PLAYLIST_MEDIAN = "the median rank of the player's playlist among the players the model was fitted on"
"""What the baseline predicts (`rank_predictions.baseline_rank_index`)."""
MODEL_COLUMNS = ("model_players", "model_rmse", "model_mae", "model_baseline_mae", "model_mae_difference",
                 "model_difference_ci_low", "model_difference_ci_high", "model_verdict", "model_coverage",
                 "model_coverage_ci_low", "model_coverage_ci_high", "model_interval_width",
                 "model_interval_median_width", "baseline_coverage", "baseline_coverage_ci_low",
                 "baseline_coverage_ci_high", "baseline_interval_width")
"""The rank model's figures on its held-out players, as `rocket.rank_predictions` publishes them on every row."""


def _pair(low: float | None, high: float | None) -> list[float] | None:
    return None if low is None or high is None else [low, high]


def published_model(found: dict) -> dict:
    """The rank model's figures (`MODEL_COLUMNS`, taken out of `found`, a row of `rocket.rank_predictions`) as the
    endpoint answers them: computed when the table was built (`transforms/rank.model_figures`), only named here."""
    figures = {name: found.pop(name) for name in MODEL_COLUMNS}
    verdict = figures["model_verdict"]
    return {"held_out_players": figures["model_players"], "rmse": figures["model_rmse"], "mae": figures["model_mae"],
            "baseline": PLAYLIST_MEDIAN, "baseline_mae": figures["model_baseline_mae"],
            "mae_difference": figures["model_mae_difference"],
            "difference_ci": _pair(figures["model_difference_ci_low"], figures["model_difference_ci_high"]),
            "verdict": verdict, "beats_baseline": None if verdict == UNJUDGED else verdict == BETTER,
            "nominal_coverage": PREDICTION_COVERAGE, "coverage": figures["model_coverage"],
            "coverage_ci": _pair(figures["model_coverage_ci_low"], figures["model_coverage_ci_high"]),
            "interval_width": figures["model_interval_width"],
            "interval_median_width": figures["model_interval_median_width"],
            "baseline_coverage": figures["baseline_coverage"],
            "baseline_coverage_ci": _pair(figures["baseline_coverage_ci_low"], figures["baseline_coverage_ci_high"]),
            "baseline_interval_width": figures["baseline_interval_width"]}


@query("rocket.rank_predictions", "rocket.player_stats",
       returns=reasoned("RocketRankPredictionFound", RankPrediction | None))
def rank_prediction(conn: psycopg.Connection, player_id: str) -> dict:
    found = conn.execute("SELECT rank_index, predicted_rank_index, interval_low, interval_high, games, held_out, "
                         f"playlist, baseline_rank_index, rank_from, {', '.join(MODEL_COLUMNS)} "
                         "FROM rocket.rank_predictions WHERE player_id = %s", (player_id,)).fetchone()
    if found is None:
        return {"data": None, "reason": without_rows(conn, player_id, "rank prediction", RANK_NEEDS)}
    model = published_model(found)
    low, high = found.pop("interval_low"), found.pop("interval_high")
    wide = None if low is None or high is None else [low, high]
    interval = None if wide is None else [max(0.0, wide[0]), min(float(MAX_DIVISION_INDEX), wide[1])]
    return {"data": {**found, "rank": rank_name(found["rank_index"]),
                     "predicted_rank": rank_name(found["predicted_rank_index"]),
                     "playlist_name": playlist_name(found["playlist"]),
                     "baseline_rank": rank_name(found["baseline_rank_index"]),
                     "interval_95": interval, "interval_95_ranks": None if interval is None
                     else [rank_name(end) for end in interval],
                     "interval_clipped": interval is not None and interval != wide,
                     "interval_divisions": None if wide is None else wide[1] - wide[0],
                     "thin_evidence": wide is None or wide[1] - wide[0] > THIN_EVIDENCE_DIVISIONS
                     or (found["games"] or 0) < THIN_GAMES,
                     "scale": [0, MAX_DIVISION_INDEX], "model": model}, "reason": None}


COMPARISON = f"""
WITH known AS ({KNOWN_BANDS}), rows AS (
    SELECT s.*, CASE WHEN s.rank_band = 'unranked' THEN coalesce((SELECT rank_band FROM known), s.rank_band)
                     ELSE s.rank_band END AS band
    FROM rocket.player_stats s WHERE s.player_id = %(player)s AND s.value IS NOT NULL
), me AS (
    SELECT s.stat_type, s.category, s.band AS rank_band, avg(s.value) AS mean, count(s.value) AS games,
           avg(peers_below.rank_percentile) AS pct, stddev_samp(peers_below.rank_percentile) AS pct_sd,
           count(peers_below.rank_percentile) AS pct_games, max(peers_below.peers) AS ranked_among,
           bool_or(s.band <> s.rank_band) AS from_profile,
           count(s.value) FILTER (WHERE s.rank_band = s.band) AS own_games,
           coalesce(sum(s.value) FILTER (WHERE s.rank_band = s.band), 0) AS total,
           coalesce(var_pop(s.value) FILTER (WHERE s.rank_band = s.band), 0)
               * count(s.value) FILTER (WHERE s.rank_band = s.band) AS m2
    FROM rows s {percentile_of('s', 's.band')}
    GROUP BY s.stat_type, s.category, s.band
), band AS (
    SELECT rank_band FROM me GROUP BY rank_band ORDER BY sum(games) DESC, rank_band LIMIT 1
)
SELECT me.stat_type, me.category, me.rank_band, me.mean, me.games, me.pct AS rank_percentile, me.pct_sd,
       me.pct_games, me.ranked_among, me.from_profile, me.own_games, me.total, me.m2,
       p.games AS band_games, p.total AS band_total, p.m2 AS band_m2, p.players - 1 AS peers,
       (SELECT stated FROM known) AS stated
FROM me JOIN band USING (rank_band)
JOIN rocket.peer_stats p ON p.rank_band = me.rank_band AND p.stat_type = me.stat_type AND p.players > 1
ORDER BY me.category, me.stat_type
"""
"""A player's mean of each stat in their most played rank band (a game that gave them no rank counted in their
latest known band, else their stated one, `unranked` when none: `KNOWN_BANDS`), with its mean percentile among the band's players of the same playlist and
that percentile's spread over their games, beside the band's figures in `peer_stats` (the player's own games in it
taken out by `without`): an index lookup, not a scan of the band's stat rows."""


def compared(found: dict) -> dict:
    """A row of `COMPARISON` as the endpoint answers it: the player's figures against the peers' without the
    player's games (`stats.against_band`: their mean, spread and band, the middle 68 % of their games on the stat's
    support, and the player's z), and the player's mean percentile turned toward better with its 95 % interval over
    their games (`stats.t_interval`, cut to 0–100) and whether it is weak (`measures.weak`)."""
    stat = found["stat_type"]
    figures = against_band(found["mean"], found.pop("own_games"), found.pop("total"), found.pop("m2"),
                           found.pop("band_games"), found.pop("band_total"), found.pop("band_m2"), upper_bound(stat))
    interval = t_interval(found["rank_percentile"], found.pop("pct_sd"), found.pop("pct_games"), (0.0, 100.0))
    better = toward_better(stat, found["rank_percentile"])
    turned = sorted(toward_better(stat, end) for end in interval) if interval and better is not None else None
    return {**found, **figures, "better": DIRECTIONS[better_of(stat)], "better_percentile": better,
            "percentile_ci": turned, "weak": weak(better, turned[1] if turned else None)}


Compared = row("RocketComparedStat", STATS, "stat_type", "category", "rank_band",
               doc="A player's mean of a stat beside the same rank band's other players'",
               mean=field(float | None, "the player's mean"), games=field(int, "the player's games with a value"),
               rank_percentile=field(float | None, "the player's mean rank percentile among the band's players of "
                                                   "the same playlist"),
               better=field(str | None, "`higher` or `lower`: which way is better (null: neither)"),
               better_percentile=BETTER_PERCENTILE,
               percentile_ci=field(list[float] | None, "the 95 % interval of `better_percentile` over the player's "
                                                       "games (null under two games, or for a stat neither better "
                                                       "nor worse)"),
               weak=field(bool, "weak: `better_percentile` below `weak_below` (25) and its interval below the "
                                "median (50)"),
               ranked_among=field(int | None, "the most values of the stat (games of the band's players of the "
                                              "same playlist) one of the player's games was ranked among"),
               from_profile=field(bool, "some of these games gave the player no rank and are compared in their "
                                        "latest known band"),
               peer_mean=field(float | None, "the other players' mean"),
               peer_sd=field(float | None, "their sample standard deviation"),
               band_low=field(float | None, "the low end of the middle 68 % of their games (a distribution with "
                                            "their mean and spread on the stat's support: never below 0)"),
               band_high=field(float | None, "the high end of the middle 68 % of their games"),
               peer_games=field(int, "their games"), peers=field(int, "the other players"),
               z=field(float | None, "the player's mean against theirs, in their standard deviations"))
Comparison = shape("RocketComparison", rank_band=field(str | None, "the player's most played rank band"),
                   rank_from=field(str | None, "`games`: the rank their games gave; `profile`: their latest rank "
                                               "known from other games, as some of theirs carry none; `stated`: the "
                                               "rank they stated (not verified), as no game gave one; `none`: no "
                                               "rank known, so compared with players of unranked games"),
                   peers=field(int | None, "the other players of the band (with a value of the stat most shared)"),
                   peer_games=field(int | None, "their games"),
                   ranked_among=field(int | None, "the most games of the band's players of the same playlist that "
                                                  "the player's percentiles were read among"),
                   weak_below=field(float, "the percentile under which a stat is weak: the band's bottom quarter"),
                   stats=field(list[Compared], "each stat of the player beside their peers'"))


@query("rocket.player_stats", "rocket.peer_stats", "rocket.peer_value_counts", "rocket.users", "rocket.stated_ranks",
       returns=Comparison)
def comparison(conn: psycopg.Connection, player_id: str) -> dict:
    known_player(conn, player_id)
    found = conn.execute(COMPARISON, {"player": player_id, "players": [player_id]}).fetchall()
    stated = any([row.pop("stated") for row in found])
    rows = [compared(row) for row in found]
    band = rows[0]["rank_band"] if rows else None
    rank_from = None if band is None else "none" if band == "unranked" else \
        ("stated" if stated else "profile") if any(r["from_profile"] for r in rows) else "games"
    return {"rank_band": band, "rank_from": rank_from, "peers": max((r["peers"] for r in rows), default=None),
            "peer_games": max((r["peer_games"] for r in rows), default=None),
            "ranked_among": max((r["ranked_among"] or 0 for r in rows), default=0) or None, "weak_below": WEAK_BELOW,
            "stats": rows}


HEATMAP = COLUMNS["position_heatmaps"]
Grid = shape("RocketGrid", "The pitch's cells", columns=field(int, "cells across the pitch"),
             rows=field(int, "cells along it"), cell_uu=field(float, "a cell's edge in Unreal units"),
             own_goal_row=field(int, "the row of the player's own goal"))
Cell = row("RocketCell", HEATMAP, "cell_x", "cell_y", "seconds", doc="A cell and the seconds spent in it",
           share=field(float | None, "its share of every cell's seconds"))
Heatmap = shape("RocketHeatmap", player_id=field(str, "the player"), grid=field(Grid, "the pitch's cells"),
                seconds=field(float, "seconds with a position"),
                games=field(int, "the player's published games"),
                games_with_positions=field(int, "those whose positions are known (raw replays)"),
                sources_without=field(list[str | None], "the sources of the games without positions"),
                cells=field(list[Cell], "the cells the player's car spent time in"))


@query("rocket.position_heatmaps", "rocket.player_stats", "rocket.matches", returns=Heatmap)
def heatmap(conn: psycopg.Connection, player_id: str) -> dict:
    known_player(conn, player_id)
    cells = conn.execute(
        "SELECT cell_x, cell_y, sum(seconds) AS seconds FROM rocket.position_heatmaps WHERE player_id = %s "
        "GROUP BY cell_x, cell_y ORDER BY cell_y, cell_x", (player_id,)).fetchall()
    games = conn.execute(
        "SELECT count(DISTINCT s.match_id) AS games, count(DISTINCT h.match_id) AS games_with_positions, "
        "coalesce(array_agg(DISTINCT m.source) FILTER (WHERE h.match_id IS NULL), '{}') AS sources_without "
        "FROM (SELECT DISTINCT date, match_id FROM rocket.player_stats WHERE player_id = %s) s "
        "LEFT JOIN (SELECT DISTINCT match_id FROM rocket.position_heatmaps WHERE player_id = %s) h "
        "ON h.match_id = s.match_id LEFT JOIN rocket.matches m ON m.date = s.date AND m.match_id = s.match_id",
        (player_id, player_id)).fetchone()
    total = sum(cell["seconds"] for cell in cells)
    return {"player_id": player_id, "grid": {"columns": GRID_COLUMNS, "rows": GRID_ROWS, "cell_uu": CELL_UU,
                                             "own_goal_row": 0},
            "seconds": total, **games,
            "cells": [{**cell, "share": cell["seconds"] / total if total else None} for cell in cells]}
