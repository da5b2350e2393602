"""RocketTrainer's reads, each for a player: the players with skill scores, a player's name and rank, recent
games, a replay's analysis, skills against same-rank peers, progress, rank prediction, comparison with peers,
training recommendations and progress, the pack catalogue and the positional heatmap. Ranks are named as the
game names them (`Gold II Division 3`) from the division index the tables hold (`sources.ballchasing.ranks`)."""

from __future__ import annotations

import datetime as dt
import math
import re

import polars as pl
import psycopg
from psycopg import sql

from gamestats_assets.lib.core.stats import Z_95, spread_band, wilson_bounds, wilson_interval
from gamestats_assets.published.rocket import COLUMNS
from gamestats_assets.serve.models import columns_of, field, paged, row, shape, typed
from gamestats_assets.serve.queries import NotFound, page, query
from gamestats_assets.serve.queries.rocket_replay import PadLine, Timeline, boost_pads, goal_timeline
from gamestats_assets.sources.ballchasing.measures import (
    DIRECTIONS,
    MIDDLE,
    SAME_AS,
    STATS as MEANINGS,
    WEAK_BELOW,
    better_of,
    toward_better,
    weak,
)
from gamestats_assets.sources.ballchasing.names import map_name, playlist_name, skill_name
from gamestats_assets.sources.ballchasing.ranks import (
    MAX_DIVISION_INDEX,
    PREDICTION_COVERAGE,
    THIN_GAMES,
    rank_document,
)
from gamestats_assets.sources.ballchasing.records import upper_bound
from gamestats_assets.sources.replays.heatmap import CELL_UU, COLUMNS as GRID_COLUMNS, ROWS as GRID_ROWS

MATCHES, STATS, WEAKNESSES = COLUMNS["matches"], COLUMNS["player_stats"], COLUMNS["player_weaknesses"]
SEATS, USERS = COLUMNS["match_players"], COLUMNS["users"]
SKILLS_NEED = ("skills are scored only from several games of a ranked player against enough same-rank peers "
               "with several games each")
RANK_NEEDS = ("the rank model predicts players with a known rank (not bots), once enough ranked players have "
              "published games")


def rank_name(index: float | None) -> str | None:
    """The rank a division index stands for, as the game names it (the nearest division, clipped to the ladder:
    `Bronze I Division 1` for 0 … `Supersonic Legend`); None for none."""
    return None if index is None or math.isnan(index) else rank_document(round(index))["name"]


RankName = field(str | None, "the rank's name as the game gives it (Gold II Division 3), from its division index")
LATEST_NAMES = ("SELECT DISTINCT ON (player_id) player_id, name FROM rocket.users WHERE name IS NOT NULL "
                "AND player_id = ANY(%s) ORDER BY player_id, date DESC")
"""Each of a list of players' latest name."""
KNOWN_BANDS = ("SELECT DISTINCT ON (player_id) player_id, rank_band, rank_index, stated FROM ("
               "SELECT player_id, rank_band, rank_index, false AS stated, date FROM rocket.users "
               "WHERE player_id = ANY(%(players)s) AND rank_band IS NOT NULL AND rank_band <> 'unranked' "
               "UNION ALL SELECT player_id, rank_band, rank_index, true, NULL FROM rocket.stated_ranks "
               "WHERE player_id = ANY(%(players)s)) known ORDER BY player_id, stated, date DESC")
"""Each of a list of players' latest known rank band (from any source's game: a raw replay carries none), else the
rank they stated (`rocket.stated_ranks`, `stated` true), with which a game of theirs that carries no rank is
compared."""

Meaning = shape("RocketStatMeaning", "What a stat measures and how it is compared",
                stat_type=field(str, "the stat (`goals`, `boost_bcpm`, ...)"),
                label=field(str, "its name in words"), category=field(str, "its group"),
                unit=field(str, "`count`, `seconds`, `share` (0–1), `percent` (0–100), `uu`, `uu/s`, `uu²`, `boost` "
                                "(the tank's 0–100 scale) or `per minute`"),
                better=field(str | None, "`higher` or `lower`: which way is better; null for a style, neither"),
                compared=field(str | None, "`per minute` of the game or `share of the game` for what adds up "
                                           "over a game (its percentile is of that); null when compared as it is"),
                same_as=field(list[str], "the stats that measure the same thing, the one a page shows first (its "
                                         "first with a value); empty when none"))
Meanings = shape("RocketStatMeanings", stats=field(list[Meaning], "every stat, by group"),
                 weak_below=field(float, "the percentile (in the better direction) under which a stat or skill is "
                                         "weak: the band's bottom quarter"),
                 middle=field(float, "the band's median, which a weak stat's or skill's 95 % interval stays below"))


def meanings() -> dict:
    """Every stat's meaning as declared (`sources.ballchasing.measures`), and the rule that makes one weak."""
    return {"stats": [{"stat_type": m.stat_type, "label": m.label, "category": m.category, "unit": m.unit,
                       "better": DIRECTIONS[m.better], "compared": m.compared,
                       "same_as": list(SAME_AS.get(m.stat_type, ()))}
                      for m in sorted(MEANINGS.values(), key=lambda m: (m.category, m.stat_type))],
            "weak_below": WEAK_BELOW, "middle": MIDDLE}


def reasoned(name: str, data: object) -> type:
    """The model of a result that may be empty for a reason: `data`, and `reason` (null unless it is empty)."""
    return shape(name, data=data, reason=field(str | None, "why there is nothing to show (null when there is)"))


def known_player(conn: psycopg.Connection, player_id: str) -> None:
    """`NotFound` unless `player_id` played a published game."""
    if conn.execute("SELECT 1 FROM rocket.player_stats WHERE player_id = %s LIMIT 1", (player_id,)).fetchone() is None:
        raise NotFound(f"player {player_id!r} not found in the published games")


def without_rows(conn: psycopg.Connection, player_id: str, what: str, why: str) -> str:
    """Why a known player has no `what` (`NotFound` for an unknown player): their published games and `why`."""
    known_player(conn, player_id)
    (games,) = conn.execute("SELECT count(DISTINCT match_id) FROM rocket.player_stats WHERE player_id = %s",
                            (player_id,)).fetchone().values()
    return f"no {what} published for player {player_id!r} ({games} published game{'s' * (games != 1)}): {why}"


Player = row("RocketPlayer", WEAKNESSES, "player_id", "rank_band", "matches", doc="A player with skill scores",
             name=field(str | None, "the name the player last played under (null when no source gave one)"))
Players = shape("RocketPlayers", players=field(list[Player], "the players, most games first"),
                total_count=field(int, "the players listed"))


@query("rocket.player_weaknesses", "rocket.users", returns=Players)
def players(conn: psycopg.Connection) -> dict:
    rows = conn.execute("SELECT player_id, max(rank_band) AS rank_band, max(matches) AS matches "
                        "FROM rocket.player_weaknesses GROUP BY player_id "
                        "ORDER BY max(matches) DESC NULLS LAST, player_id LIMIT 200").fetchall()
    names = {found["player_id"]: found["name"]
             for found in conn.execute(LATEST_NAMES, ([found["player_id"] for found in rows],))}
    return {"players": [{**found, "name": names.get(found["player_id"])} for found in rows],
            "total_count": len(rows)}


STATED = COLUMNS["stated_ranks"]
StatedRank = row("RocketStatedRank", STATED, "playlist", "rank_tier", "rank_division", "rank_index", "rank_band",
                 "stated_at", "statement_id", doc="The rank a player stated on their profile: stated, not verified", rank=RankName,
                 playlist_name=field(str | None, "the playlist's name (its code when it has none)"),
                 used=field(bool, "whether their games that carry no rank are compared at it: only when none of "
                                  "their games gave a rank"))
Profile = row("RocketProfile", USERS, "player_id", "name", "platform", "is_bot", "rank_index", "rank_band",
              doc="A player as last seen: name, platform and rank", rank=RankName,
              games=field(int, "the player's published games"),
              stated=field(StatedRank | None, "the rank the player stated, not verified (null when they stated none)"))


def stated_rank(conn: psycopg.Connection, player_id: str) -> dict | None:
    """The rank `player_id` stated (`rocket.stated_ranks`), named, and whether it is used (no game of theirs gave a
    rank); None when they stated none."""
    found = conn.execute("SELECT playlist, rank_tier, rank_division, rank_index, rank_band, stated_at, "
                         "statement_id FROM rocket.stated_ranks WHERE player_id = %s", (player_id,)).fetchone()
    if found is None:
        return None
    ranked = conn.execute("SELECT 1 FROM rocket.users WHERE player_id = %s AND rank_band IS NOT NULL "
                          "AND rank_band <> 'unranked' LIMIT 1", (player_id,)).fetchone()
    return {**found, "rank": rank_name(found["rank_index"]), "playlist_name": playlist_name(found["playlist"]),
            "used": ranked is None}


@query("rocket.users", "rocket.player_stats", "rocket.stated_ranks", returns=Profile)
def profile(conn: psycopg.Connection, player_id: str) -> dict:
    """The player's latest name, platform and rank over the days they were seen, and the rank they stated
    (`NotFound` for an unknown player)."""
    known_player(conn, player_id)
    seen = conn.execute(
        "SELECT player_id, (array_agg(name ORDER BY date DESC) FILTER (WHERE name IS NOT NULL))[1] AS name, "
        "(array_agg(platform ORDER BY date DESC))[1] AS platform, bool_or(is_bot) AS is_bot, "
        "(array_agg(rank_index ORDER BY date DESC) FILTER (WHERE rank_index IS NOT NULL))[1] AS rank_index, "
        "(array_agg(rank_band ORDER BY date DESC))[1] AS rank_band "
        "FROM rocket.users WHERE player_id = %s GROUP BY player_id", (player_id,)).fetchone()
    (games,) = conn.execute("SELECT count(DISTINCT match_id) FROM rocket.player_stats WHERE player_id = %s",
                            (player_id,)).fetchone().values()
    seen = seen or {"player_id": player_id, "name": None, "platform": None, "is_bot": None, "rank_index": None,
                    "rank_band": None}
    return {**seen, "rank": rank_name(seen["rank_index"]), "games": games, "stated": stated_rank(conn, player_id)}


GAME = ("match_id", "played_at", "playlist", "map_code", "duration", "team_size", "score_team_0", "score_team_1",
        "source", "overtime", "result")
NAMES = {"map_name": field(str | None, "the arena's name (its code when it has none)"),
         "playlist_name": field(str | None, "the playlist's name (its code when it has none)")}
"""The names of a game's codes, beside the codes."""


def named(game: dict) -> dict:
    """`game` with the names of its arena and playlist (`NAMES`)."""
    return {**game, "map_name": map_name(game["map_code"]), "playlist_name": playlist_name(game["playlist"])}


Game = row("RocketGame", MATCHES, *GAME, renamed={"match_id": "id"}, doc="A published game", **NAMES,
           team=field(int | None, "the player's team: 0 blue, 1 orange (null when no source gave it)"))
PLAYED = sql.SQL("SELECT date, match_id FROM rocket.player_stats WHERE player_id = %(player)s "
                 "GROUP BY date, match_id ORDER BY max(time) DESC NULLS LAST, match_id")
"""A player's latest games as (day, match) pairs, from the player's own stat rows (the `player_id` index)."""
GAMES = f"""
SELECT {', '.join('m.match_id AS id' if c == 'match_id' else f'm.{c}' for c in GAME)}, p.team
FROM rocket.matches m LEFT JOIN rocket.match_players p ON p.date = m.date AND p.match_id = m.match_id
     AND p.player_id = %(player)s AND p.date = ANY(%(days)s)
WHERE m.date = ANY(%(days)s) AND m.match_id = ANY(%(ids)s)
ORDER BY m.played_at DESC NULLS LAST, m.match_id
"""
"""Those games' rows and the player's team, read from the partitions of their days alone."""


@query("rocket.matches", "rocket.player_stats", "rocket.match_players", returns=paged("RocketGamePage", Game))
def recent_games(conn: psycopg.Connection, player_id: str, limit: int, offset: int) -> dict:
    """The player's latest games, `limit` from `offset`, and how many they have (`NotFound` for an unknown player):
    their days and ids first, then the games by their key, so that the plan never walks every game in time order
    looking for the player's."""
    known_player(conn, player_id)
    played = page(conn, PLAYED, {"player": player_id}, limit, offset)
    days, ids = sorted({p["date"] for p in played["rows"]}), [p["match_id"] for p in played["rows"]]
    rows = conn.execute(GAMES, {"player": player_id, "days": days, "ids": ids}).fetchall() if ids else []
    return {"rows": [named(game) for game in rows], "total_count": played["total_count"]}


PERCENTILE_OF = """LEFT JOIN LATERAL (
    SELECT (100 * (c.games_below + c.games / 2.0) / c.total)::double precision AS rank_percentile, c.total AS peers
    FROM rocket.peer_value_counts c
    WHERE c.rank_band = {band} AND c.playlist = {stats}.playlist AND c.stat_type = {stats}.stat_type
      AND c.value_bin <= {stats}.value_bin
    ORDER BY c.value_bin DESC LIMIT 1) AS peers_below ON true"""
"""A `player_stats` row's rank percentile (`peers_below.rank_percentile`, joined to the rows aliased `stats`): its
value's percentile among every published game's values of the same stat, rank band (the row's, or the band
expression given) and playlist, `100 * (games_below + games / 2) / total` of the largest bin of `peer_value_counts`
at or below the row's `value_bin` (one lookup on its key), so that a game newer than the counts gets one too; null
without a value, without peers or below every peer's (`transforms/percentiles.py`); `peers_below.peers` is the
values it is ranked among."""
RANK_PERCENTILE = field(float | None, "the value's percentile (0-100, mid-rank) among every published game's values "
                                      "of the same stat, rank band and playlist (null without one)")


def percentile_of(alias: str, band: str | None = None) -> str:
    """`PERCENTILE_OF` for the `player_stats` rows aliased `alias`, among the rank band `band` (an SQL expression;
    the row's own by default)."""
    return PERCENTILE_OF.format(stats=alias, band=band or f"{alias}.rank_band")


BETTER_PERCENTILE = field(float | None, "the percentile turned so that 100 is best (`100 − rank_percentile` where "
                                        "less is better); null for a stat neither better nor worse")
Stat = row("RocketStat", STATS, "value", rank_percentile=RANK_PERCENTILE, better_percentile=BETTER_PERCENTILE,
           peers=field(int | None, "the values of the same stat, rank band and playlist it is ranked among"),
           null_reason=typed(STATS["null_reason"]),
           doc="A stat of a player in a game, with its percentile among the same rank")
ComparedWith = shape("RocketComparedWith", "The players a player's values in a game are ranked among",
                     rank_band=field(str | None, "their rank band (`unranked`: players of games that carry no rank)"),
                     playlist=field(str | None, "their playlist"), playlist_name=NAMES["playlist_name"],
                     games=field(int | None, "their values of the stat most ranked (a player's game counts once)"),
                     rank_from=field(str, "`game`: the rank this game gave the player; `profile`: the player's "
                                          "latest rank known from other games, as this one carries none; `stated`: "
                                          "the rank the player stated (not verified), as no game gave one; `none`: "
                                          "no rank known, so compared with players of unranked games"),
                     rank=field(str | None, "the rank compared at, by name (null for none)"))
ReplayPlayer = row("RocketReplayPlayer", STATS, "player_id", "rank_band", "rank_index", doc="A player of the replay",
                   name=typed(SEATS["name"]), team=field(int | None, "0 blue, 1 orange (null when no source gave it)"),
                   is_bot=typed(SEATS["is_bot"]), platform=typed(SEATS["platform"]), rank=RankName,
                   compared_with=field(ComparedWith, "the players their values are ranked among, and how many"),
                   stats=field(dict[str, dict[str, Stat]], "stats by category, then by stat"))
REPLAY = (*GAME, "sources", "frames_null_reason")
Replay = row("RocketReplay", MATCHES, *REPLAY, renamed={"match_id": "id"}, **NAMES,
             doc="A published replay's analysis", status=field(str, '"processed"'),
             players=field(list[ReplayPlayer], "its players, each with their stats"),
             timeline=field(Timeline, "its goals in order, or why there are none to show"),
             boost_pads=field(list[PadLine], "each player's boost pads, blue first, a total row after each team's "
                                             "players"))
Processing = shape("RocketReplayProcessing", "An uploaded replay not yet published",
                   id=field(str, "the replay's match id"),
                   status=field(str, '"processing"'))
Refused = shape("RocketReplayRefused", "An uploaded replay the pipeline refused (quarantined)",
                id=field(str, "the replay's match id"),
                status=field(str, '"failed"'), reason=field(str, "why it was refused"),
                refused_at=field(str, "when, ISO 8601"))
REPLAY_STATS = f"""
WITH known AS ({KNOWN_BANDS}),
rows AS (
    SELECT s.*, k.rank_band IS NOT NULL AND s.rank_band = 'unranked' AS from_profile,
           CASE WHEN s.rank_band = 'unranked' THEN coalesce(k.rank_band, s.rank_band) ELSE s.rank_band END AS band,
           k.rank_index AS known_index, k.stated AS known_stated
    FROM rocket.player_stats s LEFT JOIN known k USING (player_id) WHERE s.match_id = %(match)s
)
SELECT s.player_id, s.rank_band, s.rank_index, s.band, s.from_profile, s.known_index, s.known_stated, s.playlist,
       s.category,
       s.stat_type, s.value, peers_below.rank_percentile, peers_below.peers, s.null_reason
FROM rows s {percentile_of('s', 's.band')}
ORDER BY s.player_id, s.category, s.stat_type
"""
"""A game's stat rows, each ranked among the players of its rank band, or, for a player the game gave no rank, of
the player's latest known band, else their stated one (`KNOWN_BANDS`)."""


def compared_with(found: dict) -> dict:
    """Whom a player's first stat row of `REPLAY_STATS` is ranked among, before the values are counted."""
    rank_from = ("stated" if found["known_stated"] else "profile") if found["from_profile"] else \
        "none" if found["band"] == "unranked" else "game"
    index = found["known_index"] if rank_from in ("profile", "stated") else found["rank_index"]
    return {"rank_band": found["band"], "playlist": found["playlist"],
            "playlist_name": playlist_name(found["playlist"]), "games": None, "rank_from": rank_from,
            "rank": rank_name(index)}


@query("rocket.matches", "rocket.player_stats", "rocket.match_players", "rocket.peer_value_counts", "rocket.users",
       "rocket.stated_ranks", "rocket.replay_goals",
       returns=Replay | None)
def replay(conn: psycopg.Connection, match_id: str) -> dict | None:
    """The replay's game and each player's name, team, rank and stats, blue team first, each stat with its percentile
    among the same rank band and playlist (the player's latest known band where the game gave them none) and that
    percentile turned toward better, with its goal timeline and each player's boost pads (`rocket_replay`); None when
    it is not published."""
    match = conn.execute(f"SELECT {', '.join(REPLAY).replace('match_id', 'match_id AS id')} FROM rocket.matches "
                         "WHERE match_id = %s", (match_id,)).fetchone()
    if match is None:
        return None
    seats = {found["player_id"]: found for found in conn.execute(
        "SELECT player_id, name, team, is_bot, platform FROM rocket.match_players WHERE match_id = %s", (match_id,))}
    players: dict[str, dict] = {}
    for found in conn.execute(REPLAY_STATS, {"match": match_id, "players": list(seats)}):
        player = players.get(found["player_id"])
        if player is None:
            seat = seats.get(found["player_id"], {})
            player = players[found["player_id"]] = {
                "player_id": found["player_id"], "rank_band": found["rank_band"], "rank_index": found["rank_index"],
                "rank": rank_name(found["rank_index"]), "name": seat.get("name"), "team": seat.get("team"),
                "is_bot": seat.get("is_bot"), "platform": seat.get("platform"), "compared_with": compared_with(found),
                "stats": {}}
        player["compared_with"]["games"] = max(player["compared_with"]["games"] or 0, found["peers"] or 0) or None
        player["stats"].setdefault(found["category"] or "other", {})[found["stat_type"]] = {
            "value": found["value"], "rank_percentile": found["rank_percentile"],
            "better_percentile": toward_better(found["stat_type"], found["rank_percentile"]),
            "peers": found["peers"], "null_reason": found["null_reason"]}
    ordered = sorted(players.values(), key=lambda p: (p["team"] is None, p["team"] or 0, p["name"] or "",
                                                      p["player_id"]))
    return {**named(match), "status": "processed", "players": ordered, "timeline": goal_timeline(conn, match),
            "boost_pads": boost_pads(conn, match_id, ordered)}


SKILL = ("skill", "indicators", "rank_band", "playlist", "matches", "peers", "z", "rank_percentile",
         "percentile_ci_low", "percentile_ci_high", "p_value", "p_adjusted", "is_weak", "weakness_probability",
         "standard_error", "null_reason")
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


RANK_MODEL = """
SELECT count(*) AS held_out_players,
       sqrt(avg(power(predicted_rank_index - rank_index, 2))) AS rmse,
       avg(abs(predicted_rank_index - rank_index)) AS mae,
       avg(abs(baseline_rank_index - rank_index)) AS baseline_mae,
       avg(abs(predicted_rank_index - rank_index) - abs(baseline_rank_index - rank_index)) AS mae_difference,
       stddev_samp(abs(predicted_rank_index - rank_index) - abs(baseline_rank_index - rank_index)) AS difference_sd,
       count(*) FILTER (WHERE rank_index BETWEEN interval_low AND interval_high) AS covered,
       avg(interval_high - interval_low) AS interval_width,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY interval_high - interval_low) AS interval_median_width,
       count(*) FILTER (WHERE rank_index BETWEEN baseline_interval_low AND baseline_interval_high) AS baseline_covered,
       avg(baseline_interval_high - baseline_interval_low) AS baseline_interval_width
FROM rocket.rank_predictions WHERE held_out
"""
"""The model's error and its intervals' coverage on held-out players beside the baseline's (each player predicted at
the median rank of their playlist among the players the model was fitted on), and their paired difference."""
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
                     "games", "held_out", "playlist", "baseline_rank_index", doc="A player's predicted rank",
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


def _share(covered: int, n: int, bounded: bool) -> tuple[float | None, list[float] | None]:
    """A coverage and its Wilson interval, none without bounded intervals or players."""
    if not bounded or n == 0:
        return None, None
    return covered / n, list(wilson_bounds(covered, n))


def judged_model(model: dict) -> dict:
    """`RANK_MODEL`'s row with the difference's 95 % interval and the verdict, and each interval's coverage with its
    Wilson interval."""
    n, sd, mean = model.pop("held_out_players"), model.pop("difference_sd"), model["mae_difference"]
    covered, baseline_covered = model.pop("covered"), model.pop("baseline_covered")
    coverage, coverage_ci = _share(covered, n, model["interval_width"] is not None)
    baseline_coverage, baseline_ci = _share(baseline_covered, n, model["baseline_interval_width"] is not None)
    shown = {**model, "held_out_players": n, "baseline": PLAYLIST_MEDIAN, "nominal_coverage": PREDICTION_COVERAGE,
             "coverage": coverage, "coverage_ci": coverage_ci, "baseline_coverage": baseline_coverage,
             "baseline_coverage_ci": baseline_ci}
    if n < 2 or sd is None or mean is None:
        return {**shown, "difference_ci": None, "verdict": "unjudged", "beats_baseline": None}
    half = Z_95 * sd / math.sqrt(n)
    verdict = "better" if mean + half < 0 else "worse" if mean - half > 0 else "not distinguishable"
    return {**shown, "difference_ci": [mean - half, mean + half], "verdict": verdict,
            "beats_baseline": verdict == "better"}


@query("rocket.rank_predictions", "rocket.player_stats",
       returns=reasoned("RocketRankPredictionFound", RankPrediction | None))
def rank_prediction(conn: psycopg.Connection, player_id: str) -> dict:
    found = conn.execute("SELECT rank_index, predicted_rank_index, interval_low, interval_high, games, held_out, "
                         "playlist, baseline_rank_index FROM rocket.rank_predictions WHERE player_id = %s",
                         (player_id,)).fetchone()
    if found is None:
        return {"data": None, "reason": without_rows(conn, player_id, "rank prediction", RANK_NEEDS)}
    model = judged_model(conn.execute(RANK_MODEL).fetchone())
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


def without(band: dict, games: int, total: float, m2: float) -> dict:
    """The peers of a band's stat without one player, whose `games` values sum to `total` with `m2` squared
    deviations from their mean: the mean, sample standard deviation and games of the others (Chan's pairwise
    update run backwards), as `avg`, `stddev_samp` and `count` over the others' rows give them."""
    rest = band["games"] - games
    if rest <= 0:
        return {"peer_mean": None, "peer_sd": None, "peer_games": max(rest, 0)}
    mean = (band["total"] - total) / rest
    if rest == 1:
        return {"peer_mean": mean, "peer_sd": None, "peer_games": rest}
    own = total / games if games else 0.0
    spread = band["m2"] - m2 - (own - mean) ** 2 * games * rest / band["games"]
    return {"peer_mean": mean, "peer_sd": math.sqrt(max(spread, 0.0) / (rest - 1)), "peer_games": rest}


def mean_percentile_interval(mean: float | None, sd: float | None, games: int) -> list[float] | None:
    """The 95 % interval of a player's mean percentile over `games` games whose percentiles spread by `sd`
    (Student's t, clipped to 0–100); None under two games."""
    if mean is None or sd is None or games < 2:
        return None
    from scipy.stats import t

    half = float(t.ppf(0.975, games - 1)) * sd / math.sqrt(games)
    return [max(0.0, mean - half), min(100.0, mean + half)]


def compared(found: dict) -> dict:
    """A row of `COMPARISON` as the endpoint answers it: the player's figures, the peers' without the player's
    games, their band (`spread_band`: the middle 68 % of the peers' games on the stat's support, where mean ± sd
    would put it for a normal stat, never below zero), the player's z against them, and the player's mean percentile
    turned toward better with its interval (`mean_percentile_interval`) and whether it is weak (`measures.weak`)."""
    band = {"games": found.pop("band_games"), "total": found.pop("band_total"), "m2": found.pop("band_m2")}
    peers_count = found.pop("peers")
    figures = without(band, found.pop("own_games"), found.pop("total"), found.pop("m2"))
    sd = figures["peer_sd"]
    low, high = spread_band(figures["peer_mean"], sd, upper_bound(found["stat_type"])) or (None, None)
    stat = found["stat_type"]
    interval = mean_percentile_interval(found["rank_percentile"], found.pop("pct_sd"), found.pop("pct_games"))
    better = toward_better(stat, found["rank_percentile"])
    turned = sorted(toward_better(stat, end) for end in interval) if interval and better is not None else None
    return {**found, **figures, "band_low": low, "band_high": high, "peers": peers_count,
            "z": (found["mean"] - figures["peer_mean"]) / sd if sd else None,
            "better": DIRECTIONS[better_of(stat)], "better_percentile": better, "percentile_ci": turned,
            "weak": weak(better, turned[1] if turned else None)}


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


PACKS = COLUMNS["training_packs"]
Recommendation = row("RocketRecommendation", COLUMNS["recommendations"], "skill", "reason", "z", "pack_code",
                     "pack_name", "difficulty", "distance", "position", doc="A training pack for a weak skill",
                     skill_name=field(str | None, "the skill's name"),
                     rank_percentile=typed(WEAKNESSES["rank_percentile"]),
                     percentile_ci_low=typed(WEAKNESSES["percentile_ci_low"]),
                     percentile_ci_high=typed(WEAKNESSES["percentile_ci_high"]),
                     matches=typed(WEAKNESSES["matches"]), peers=typed(WEAKNESSES["peers"]),
                     creator=typed(PACKS["creator"]), shots=typed(PACKS["shots"]),
                     categories=typed(PACKS["categories"]))


@query("rocket.recommendations", "rocket.training_packs", "rocket.player_weaknesses", "rocket.player_stats",
       returns=reasoned("RocketRecommendations", list[Recommendation]))
def recommendations(conn: psycopg.Connection, player_id: str) -> dict:
    """The player's recommended packs, each with its skill's percentile among the player's peers (and its interval,
    games and peers), the weakest skill's first."""
    rows = conn.execute("SELECT r.skill, r.reason, r.z, r.pack_code, r.pack_name, r.difficulty, r.distance, "
                        "r.position, w.rank_percentile, w.percentile_ci_low, w.percentile_ci_high, w.matches, "
                        "w.peers, p.creator, p.shots, p.categories FROM rocket.recommendations r "
                        "LEFT JOIN rocket.training_packs p ON p.code = r.pack_code "
                        "LEFT JOIN rocket.player_weaknesses w ON w.player_id = r.player_id AND w.skill = r.skill "
                        "WHERE r.player_id = %s ORDER BY w.rank_percentile NULLS LAST, r.skill, r.position, "
                        "r.pack_code", (player_id,)).fetchall()
    if rows:
        return {"data": [{**found, "skill_name": skill_name(found["skill"])} for found in rows], "reason": None}
    if conn.execute("SELECT 1 FROM rocket.player_weaknesses WHERE player_id = %s LIMIT 1",
                    (player_id,)).fetchone() is None:
        return {"data": rows, "reason": without_rows(conn, player_id, "skill scores", SKILLS_NEED)}
    return {"data": rows, "reason": "no weak skill found: nothing to train for"}


def like_pattern(text: str) -> str:
    """`text` as a literal inside an ILIKE pattern (its `%`, `_` and `\\` escaped)."""
    return "%" + re.sub(r"([%_\\])", r"\\\1", text) + "%"


Pack = row("RocketPack", PACKS, "code", "name", "creator", "difficulty", "tags", "shots", "categories",
           doc="A training pack of the catalogue")


@query("rocket.training_packs", returns=paged("RocketPackPage", Pack))
def packs(conn: psycopg.Connection, q: str | None, skill: str | None, difficulty: str | None, limit: int,
          offset: int) -> dict:
    return page(conn, sql.SQL(
        f"SELECT {columns_of(Pack)} FROM rocket.training_packs "
        "WHERE (%(q)s::text IS NULL OR name ILIKE %(like)s OR tags ILIKE %(like)s OR code ILIKE %(like)s) "
        "AND (%(skill)s::text IS NULL OR categories ILIKE %(skill_like)s) "
        "AND (%(difficulty)s::text IS NULL OR difficulty = %(difficulty)s) "
        "ORDER BY difficulty_index NULLS LAST, name, code"),
        {"q": q, "like": like_pattern(q or ""), "skill": skill, "skill_like": like_pattern(skill or ""),
         "difficulty": difficulty}, limit, offset)


SESSIONS = COLUMNS["training_sessions"]
PackProgress = row("RocketPackProgress", SESSIONS, "pack_code", "attempts", "successes", "success_rate",
                   "success_ci_low", "success_ci_high", doc="A player's training on a pack, over every session",
                   sessions=field(int, "sessions logged"), first_day=field(dt.date, "the first session's day"),
                   last_day=field(dt.date, "the last session's day"),
                   mean_improvement=field(float | None, "the sessions' mean improvement"))


@query("rocket.training_sessions", "rocket.player_stats", returns=list[PackProgress])
def training_progress(conn: psycopg.Connection, player_id: str) -> list[dict]:
    """Per pack: sessions, attempts, successes and the success rate with its Wilson interval; none for a player with
    published games but no session (`NotFound` for a player with neither)."""
    rows = conn.execute("SELECT pack_code, count(*) AS sessions, sum(attempts)::bigint AS attempts, "
                        "sum(successes)::bigint AS successes, min(date) AS first_day, max(date) AS last_day, "
                        "avg(improvement) AS mean_improvement FROM rocket.training_sessions "
                        "WHERE player_id = %s GROUP BY pack_code ORDER BY pack_code", (player_id,)).fetchall()
    if not rows:
        if conn.execute("SELECT 1 FROM rocket.player_stats WHERE player_id = %s LIMIT 1", (player_id,)).fetchone():
            return []
        raise NotFound(f"player {player_id!r} has neither published training sessions nor games")
    frame = pl.DataFrame(rows, infer_schema_length=None).with_columns(
        pl.col("attempts", "successes").cast(pl.Float64))
    low, high = wilson_interval(pl.col("successes"), pl.col("attempts"))
    rate = pl.when(pl.col("attempts") > 0).then(pl.col("successes") / pl.col("attempts"))
    frame = frame.with_columns(rate.alias("success_rate"), low.alias("success_ci_low"), high.alias("success_ci_high"))
    return frame.with_columns(pl.col("attempts", "successes").cast(pl.Int64)).to_dicts()


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
