"""RocketTrainer's reads of players, games and replays: the players with skill scores, a player's name and rank,
their recent games, a replay's analysis, and what each stat measures; with what the other reads share (a player
known, an empty answer's reason, rank percentiles). A player's analytics are `rocket_analytics.py`'s, their
training `rocket_training.py`'s. Ranks are named as the game names them (`Gold II Division 3`) from the
division index the tables hold (`sources.ballchasing.ranks`)."""

from __future__ import annotations

import math

import psycopg
from psycopg import sql

from gamestats_assets.published.rocket import MIN_MATCHES, MIN_PEERS
from gamestats_assets.published.rocket import COLUMNS
from gamestats_assets.serve.core.models import field, paged, row, shape, typed
from gamestats_assets.serve.queries import NotFound, page, query
from gamestats_assets.serve.queries.rocket_replay import PadLine, Timeline, boost_pads, goal_timeline
from gamestats_assets.sources.ballchasing.measures import (
    DIRECTIONS,
    MIDDLE,
    SAME_AS,
    STATS as MEANINGS,
    WEAK_BELOW,
    toward_better,
)
from gamestats_assets.sources.ballchasing.names import map_name, playlist_name
from gamestats_assets.sources.ballchasing.ranks import rank_document

MATCHES, STATS, WEAKNESSES = COLUMNS["matches"], COLUMNS["player_stats"], COLUMNS["player_weaknesses"]
SEATS, USERS = COLUMNS["match_players"], COLUMNS["users"]
SKILLS_NEED = (f"skills are scored from {MIN_MATCHES} or more games in the player's main playlist once a game gave "
               f"their rank or they stated it, against {MIN_PEERS} or more players of that band and playlist whose "
               f"rank a game gave, with {MIN_MATCHES} games or more each")
RANK_NEEDS = ("the rank model predicts players (not bots) whose rank a game gave or who stated it, once enough "
              "players ranked by their games have published games")


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
                status=field(str, '"refused" (its parse after its upload refused it) or "failed" (its run did)'),
                reason=field(str, "why it was refused"),
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
