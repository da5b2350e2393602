"""PUBG's reads: the tournament context a request asks for (season, division, group, round), the team and player
boards, recent matches, rounds and schedule of that context, one match for its page, and the seasons published
(the admin's reads and writes are in `pubg_admin.py`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import psycopg
from psycopg import sql

from gamestats_assets.lib.core.erasure import TOKEN_PREFIX
from gamestats_assets.published.pubg import COLUMNS
from gamestats_assets.serve.models import columns_of, field, row, shape, typed
from gamestats_assets.serve.queries import NotFound, Query, query
from gamestats_assets.serve.reader import Until
from gamestats_assets.sources.pubg.reference import game_mode_display_name, map_display_name, map_size_m

PAGE_CATEGORIES = ("AR", "DMR", "SR", "SMG", "Shotgun", "LMG", "Pistol", "Melee", "Throwable", "Other")
"""The tournament page's weapon categories; every other category the lake knows (Special, Vehicle,
Environment) counts as Other."""
ALL = "all"
OVERALL = "overall"
CONTEXT_TABLES = ("pubg.tournament_rounds", "pubg.tournament_scheduled_matches")
ROUNDS = COLUMNS["tournament_rounds"]
SLOTS = COLUMNS["tournament_scheduled_matches"]

Context = shape("PubgContext", "The tournament context an answer is for, each part known to the published tables",
                season_id=typed(ROUNDS["season_id"]), season_name=typed(ROUNDS["season_name"]),
                division=field(str | None, "the division asked for"), group=field(str | None, "the group asked for"),
                round=field(str, 'the round asked for, or "overall"'),
                round_name=field(str, 'its name, or "Overall"'),
                filtered_by=field(str, "the narrowest part given: season, division, group or round"))


@dataclass(frozen=True)
class Scope:
    """A request's tournament context, checked against the published tables."""

    season_id: str
    season_name: str | None
    division: str | None
    group: str | None
    round: str | None
    round_name: str | None

    @property
    def filtered_by(self) -> str:
        if self.round is not None:
            return "round"
        return "group" if self.group is not None else "division" if self.division is not None else "season"

    def metadata(self) -> dict:
        return {"season_id": self.season_id, "season_name": self.season_name, "division": self.division,
                "group": self.group, "round": self.round or OVERALL,
                "round_name": self.round_name or "Overall", "filtered_by": self.filtered_by}


def context(conn: psycopg.Connection, season_id: str | None, division: str | None, group: str | None,
            round_id: str | None) -> Scope:
    """The context asked for, each part known to the published tables (`NotFound` naming what is not); the
    latest season (by its first round) when none is asked for."""
    season = conn.execute("SELECT season_id, max(season_name) AS season_name FROM pubg.tournament_rounds "
                          "WHERE %s::text IS NULL OR season_id = %s GROUP BY season_id "
                          "ORDER BY min(coalesce(starts_at, date::timestamptz)) DESC NULLS LAST, season_id DESC "
                          "LIMIT 1", (season_id, season_id)).fetchone()
    if season is None:
        raise NotFound("no tournament season has been published" if season_id is None
                       else f"season {season_id!r} not found")
    season_id = season["season_id"]
    for column, value, what in (("division_id", division, "division"), ("group_id", group, "group")):
        if value is not None and conn.execute(
                sql.SQL("SELECT 1 FROM pubg.tournament_scheduled_matches WHERE season_id = %s AND {} = %s LIMIT 1")
                .format(sql.Identifier(column)), (season_id, value)).fetchone() is None:
            raise NotFound(f"{what} {value!r} not found in season {season_id!r}")
    round_name = None
    if round_id is not None and round_id.lower() == OVERALL:
        round_id = None
    if round_id is not None:
        found = conn.execute("SELECT name FROM pubg.tournament_rounds WHERE season_id = %s AND round_id = %s",
                             (season_id, round_id)).fetchone()
        if found is None:
            raise NotFound(f"round {round_id!r} not found in season {season_id!r}")
        round_name = found["name"]
    return Scope(season_id, season["season_name"], division, group, round_id, round_name)


def in_context(name: str, data: type) -> type:
    """The model of a result in a context: `context` (the envelope's metadata) and `data`."""
    return shape(name, context=Context, data=data)


def contextual(tables: tuple[str, ...], data: type, rows_of) -> Query:
    """The query of `tables` answering `rows_of(conn, scope, *args)` (a `data`) in the context asked for, its
    first four arguments (season, division, group, round)."""
    def compute(conn: psycopg.Connection, season_id, division, group, round_id, *args) -> dict | Until:
        scope = context(conn, season_id, division, group, round_id)
        rows = rows_of(conn, scope, *args)
        if isinstance(rows, Until):
            return Until({"context": scope.metadata(), "data": rows.data}, rows.moment)
        return {"context": scope.metadata(), "data": rows}

    compute.__qualname__ = f"contextual.{rows_of.__name__}"
    return Query((*tables, *CONTEXT_TABLES), in_context(f"{data.__name__}InContext", data), compute)


def in_scope(tables: tuple[str, ...], data: type):
    """`contextual` as a decorator of `rows_of`."""
    return lambda rows_of: contextual(tables, data, rows_of)


def board_filter(scope: Scope) -> tuple[sql.Composed, list[Any]]:
    """The WHERE clause selecting the leaderboard rows of `scope`."""
    level = scope.filtered_by
    split = {"season": 1, "division": 2, "group": 3, "round": 4}[level]
    conditions = [sql.SQL("scope = %s"), sql.SQL("season_id = %s")]
    params: list[Any] = [level, scope.season_id]
    for depth, (column, value) in enumerate((("division_id", scope.division), ("group_id", scope.group),
                                             ("round_id", scope.round)), start=2):
        value = value if depth <= split else ALL
        if value is not None:
            conditions.append(sql.SQL("{} = %s").format(sql.Identifier(column)))
            params.append(value)
    return sql.SQL(" AND ").join(conditions), params


def placements(text: str | None) -> list[int]:
    return [int(p) for p in text.split(",")] if text else []


def by_category(text: str | None, number=int) -> dict[str, Any]:
    """`AR:5,SR:2` as {category: value} over `PAGE_CATEGORIES` (a category the page lacks adds to Other)."""
    values = dict.fromkeys(PAGE_CATEGORIES, number(0))
    for pair in (text or "").split(","):
        if pair:
            category, _, value = pair.rpartition(":")
            category = category if category in values else "Other"
            values[category] += number(value)
    return values


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


TEAM_BOARD, PLAYER_BOARD = COLUMNS["team_leaderboards"], COLUMNS["player_leaderboards"]
TEAM_PARTS = ("placement_points", "kill_points", "knocks")
PLAYER_PARTS = (*TEAM_PARTS, "assists", "headshot_kills", "survival_s")
"""What a standing adds up besides points, kills and wins, as the leaderboard tables name it."""
TeamStanding = row(
    "PubgTeamStanding", TEAM_BOARD, "rank", "rank_change", "rank_change_since", "team_name", "points", *TEAM_PARTS,
    "kills", "wins", "matches", "avg_placement",
    doc="A team's standing in the context (or in one match of it), as the tournament page shows it",
    renamed={"points": "total_points", "kills": "total_kills", "wins": "wwcd", "matches": "matches_played"},
    team_id=field(str | None, "the team (its name: the organisers' files key teams by name)"),
    recent_placements=field(list[int], "its last placements, oldest first"))
WeaponShare = shape("PubgWeaponShare", "A player's damage and kills with a weapon category",
                    damage=field(float, "damage dealt to players of other teams with it"),
                    kills=field(int, "kills of players of other teams with it"))
PlayerStanding = row(
    "PubgPlayerStanding", PLAYER_BOARD, "rank", "rank_change", "rank_change_since", "account_id", "player_name",
    "team_name", "points", *PLAYER_PARTS, "kills", "damage_dealt", "avg_damage", "killsteals", "matches",
    doc="A player's standing in the context (or in one match of it), as the tournament page shows it",
    renamed={"account_id": "player_id", "points": "total_points", "kills": "total_kills",
             "damage_dealt": "total_damage", "matches": "matches_played"},
    weapon_distribution=field(dict[str, WeaponShare] | None,
                              "damage and kills per weapon category of the page (null unless include_weapons)"))
TeamBoard = shape("PubgTeamBoard", teams=field(list[TeamStanding], "the page of standings, by rank"),
                  total_count=field(int, "the standings in all, every page"))
PlayerBoard = shape("PubgPlayerBoard", players=field(list[PlayerStanding], "the page of standings, by rank"),
                    total_count=field(int, "the standings in all, every page"))


def team_row(found: dict, include_weapons: bool) -> dict:
    return {"rank": found["rank"], "rank_change": found["rank_change"],
            "rank_change_since": found["rank_change_since"], "team_id": found["team_name"],
            "team_name": found["team_name"], "total_points": found["points"],
            **{part: found[part] for part in TEAM_PARTS}, "total_kills": found["kills"],
            "wwcd": found["wins"], "matches_played": found["matches"], "avg_placement": found["avg_placement"],
            "recent_placements": placements(found["last_placements"])}


def player_row(found: dict, include_weapons: bool) -> dict:
    weapons = None
    if include_weapons:
        kills, damage = by_category(found["weapon_kills"]), by_category(found["weapon_damage"], float)
        weapons = {c: {"damage": damage[c], "kills": kills[c]} for c in PAGE_CATEGORIES}
    return {"rank": found["rank"], "rank_change": found["rank_change"],
            "rank_change_since": found["rank_change_since"], "player_id": found["account_id"],
            "player_name": found["player_name"], "team_name": found["team_name"], "total_points": found["points"],
            **{part: found[part] for part in PLAYER_PARTS}, "total_kills": found["kills"],
            "total_damage": rounded(found["damage_dealt"]),
            "avg_damage": rounded(found["avg_damage"]), "killsteals": found["killsteals"],
            "matches_played": found["matches"], "weapon_distribution": weapons}


def board(table: str, kind: str, data: type, row_of, name_column: str, read_columns: tuple[str, ...],
          in_match: sql.SQL, match_tables: tuple[str, ...], shown: sql.Composable | None = None) -> Query:
    """The leaderboard of `table` in the context asked for, or, given a match, `in_match`'s standings in that
    match, ranked as the leaderboards rank (no rank change: one match has no earlier one): `limit` rows from
    `offset`, by rank, each as `row_of` makes it; `NotFound` for a match that is not a scored match of the
    context. Given `shown`, a condition on its rows, the others are left out and those shown ranked among
    themselves (a tie sharing its rank)."""
    ranked = sql.SQL("rank() OVER (ORDER BY rank) AS rank") if shown is not None else sql.Identifier("rank")
    columns = sql.SQL(", ").join(ranked if column == "rank" else sql.Identifier(column) for column in read_columns)

    def rows_of(conn: psycopg.Connection, scope: Scope, limit: int, offset: int, match_id: str | None = None,
                include_weapons: bool = False):
        where, params = board_filter(scope) if match_id is None else context_filter(scope, "r")
        if shown is not None:
            where = sql.SQL("{} AND {}").format(where, shown)
        if match_id is None:
            statement = sql.SQL("SELECT {}, count(*) OVER () AS total_count FROM {} WHERE {} "
                                "ORDER BY rank, {} LIMIT %s OFFSET %s").format(
                columns, sql.Identifier(*table.split(".")), where, sql.Identifier(name_column))
        else:
            statement = in_match.format(where=where)
            params = [match_id, *params]
        rows = conn.execute(statement, [*params, limit, offset]).fetchall()
        total = rows[0]["total_count"] if rows else len(conn.execute(statement, [*params, None, 0]).fetchall())
        if match_id is not None and not total:
            raise NotFound(f"match {match_id!r} is not a scored match of this {scope.filtered_by}")
        return {kind: [row_of(r, include_weapons) for r in rows], "total_count": total}

    rows_of.__name__ = kind
    return contextual((table, *match_tables), data, rows_of)


BOARD_COLUMNS = ("rank", "rank_change", "rank_change_since", "points", "kills", "wins", "matches", "avg_placement",
                 "last_placements")
TEAM_IN_MATCH = sql.SQL("""
WITH chosen AS (SELECT %s::text AS match_id)
SELECT rank() OVER (ORDER BY r.points DESC, r.placement = 1 DESC, r.kills DESC, r.placement) AS rank,
       NULL::bigint AS rank_change, NULL::text AS rank_change_since, r.team_name, r.points, r.placement_points,
       r.kill_points, r.kills, r.knocks, (r.placement = 1)::int::bigint AS wins, 1::bigint AS matches,
       r.placement::double precision AS avg_placement, r.placement::text AS last_placements,
       count(*) OVER () AS total_count
FROM pubg.team_match_results r JOIN chosen USING (match_id) WHERE {where}
ORDER BY rank, r.team_name LIMIT %s OFFSET %s
""")
PLAYER_IN_MATCH = sql.SQL("""
WITH chosen AS (SELECT %s::text AS match_id), weapons AS (
    SELECT account_id,
           string_agg(weapon_category || ':' || kills, ',') FILTER (WHERE kills > 0) AS weapon_kills,
           string_agg(weapon_category || ':' || round(damage_dealt::numeric, 1), ',')
               FILTER (WHERE damage_dealt > 0) AS weapon_damage
    FROM pubg.player_match_weapon_distribution JOIN chosen USING (match_id) GROUP BY account_id
)
SELECT rank() OVER (ORDER BY r.points DESC, r.placement = 1 DESC, r.kills DESC, r.placement) AS rank,
       NULL::bigint AS rank_change, NULL::text AS rank_change_since, r.account_id, r.player_name, r.team_name,
       r.points, r.placement_points, r.kill_points, r.kills, r.knocks, r.assists, r.headshot_kills, r.survival_s,
       r.damage_dealt, r.damage_dealt AS avg_damage, r.killsteals, 1::bigint AS matches, w.weapon_kills, w.weapon_damage,
       count(*) OVER () AS total_count
FROM pubg.player_match_results r JOIN chosen USING (match_id) LEFT JOIN weapons w USING (account_id)
WHERE {where}
ORDER BY rank, r.player_name LIMIT %s OFFSET %s
""")
NOT_DELETED = sql.SQL("NOT starts_with(account_id, {})").format(sql.Literal(TOKEN_PREFIX))
"""A player shown on a leaderboard: none deleted at their request. A deleted player's figures stay in their team's
(a match's score is every player's), but no row stands for them, under their token or otherwise: a row of a team
with one player gone would tell who it is to anyone who knows the team."""


team_board = board("pubg.team_leaderboards", "teams", TeamBoard, team_row, "team_name",
                   (*BOARD_COLUMNS, "team_name", *TEAM_PARTS), TEAM_IN_MATCH, ("pubg.team_match_results",))
player_board = board("pubg.player_leaderboards", "players", PlayerBoard, player_row, "player_name",
                     (*BOARD_COLUMNS, "account_id", "player_name", "team_name", *PLAYER_PARTS, "damage_dealt",
                      "avg_damage", "killsteals", "weapon_kills", "weapon_damage"), PLAYER_IN_MATCH,
                     ("pubg.player_match_results", "pubg.player_match_weapon_distribution"), NOT_DELETED)


def context_filter(scope: Scope, alias: str) -> tuple[sql.Composed, list[Any]]:
    """Conditions on `alias`'s season, division, group and round columns for `scope`."""
    conditions, params = [sql.SQL("{}.season_id = %s").format(sql.Identifier(alias))], [scope.season_id]
    for column, value in (("division_id", scope.division), ("group_id", scope.group), ("round_id", scope.round)):
        if value is not None:
            conditions.append(sql.SQL("{}.{} = %s").format(sql.Identifier(alias), sql.Identifier(column)))
            params.append(value)
    return sql.SQL(" AND ").join(conditions), params


MapName = field(str | None, "the map's name as players know it, from the PUBG dictionaries (its id when they lack it)")
OUTCOMES = COLUMNS["tournament_match_outcomes"]
TeamResult = shape("PubgTeamResult", "A team's result in a match", team_name=typed(PLAYER_BOARD["team_name"]),
                   placement=typed(COLUMNS["match_summaries"]["placement"]),
                   kills=field(int | None, "its players' kills, as the match object states them"),
                   damage=field(float | None, "its players' damage dealt, as the match object states it"))
RecentMatch = row("PubgRecentMatch", OUTCOMES, "match_id", "started_at", "division_id", "group_id", "round_id",
                  "slot_id", "is_remake", doc="A scored match and each team's result",
                  renamed={"division_id": "division", "group_id": "group", "round_id": "round"},
                  map_name=typed(COLUMNS["matches"]["map_name"]), map_display_name=MapName,
                  teams=field(list[TeamResult], "each tournament team's result, best placement first"))
RecentMatches = shape("PubgRecentMatches", matches=field(list[RecentMatch], "the page of matches, newest first"),
                      total_count=field(int, "the scored matches of the context in all, every page"))

RECENT_MATCHES = sql.SQL("""
WITH picked AS (
    SELECT o.match_id, o.season_id, o.division_id, o.group_id, o.round_id, o.slot_id, o.started_at, o.status,
           o.is_remake, m.map_name, count(*) OVER () AS total_count
    FROM pubg.tournament_match_outcomes o LEFT JOIN pubg.matches m USING (match_id)
    WHERE o.scored AND {where}
    ORDER BY o.started_at DESC NULLS LAST, o.match_id LIMIT %s OFFSET %s
), team_of AS (
    SELECT DISTINCT account_id, team_name FROM pubg.player_leaderboards WHERE scope = 'season' AND season_id = %s
)
SELECT p.match_id, p.started_at, p.map_name, p.division_id, p.group_id, p.round_id, p.slot_id, p.is_remake,
       p.total_count, t.team_name, min(s.placement) AS placement, sum(s.kills)::bigint AS kills,
       round(sum(s.damage_dealt)::numeric, 1)::double precision AS damage
FROM picked p JOIN pubg.match_summaries s USING (match_id) JOIN team_of t USING (account_id)
GROUP BY p.match_id, p.season_id, p.division_id, p.group_id, p.round_id, p.slot_id, p.started_at, p.status,
         p.is_remake, p.map_name, p.total_count, t.team_name
ORDER BY p.started_at DESC NULLS LAST, p.match_id, placement, t.team_name
""")


@in_scope(("pubg.tournament_match_outcomes", "pubg.matches", "pubg.match_summaries", "pubg.player_leaderboards"),
          RecentMatches)
def recent_matches(conn: psycopg.Connection, scope: Scope, limit: int, offset: int) -> dict:
    """The scored matches of the context, newest first, each team's placement, kills and damage, and how many there
    are (on a page past the last too)."""
    where, params = context_filter(scope, "o")
    matches: dict[str, dict] = {}
    total = None
    for found in conn.execute(RECENT_MATCHES.format(where=where), [*params, limit, offset, scope.season_id]):
        total = found["total_count"]
        match = matches.setdefault(found["match_id"], {
            "match_id": found["match_id"], "started_at": found["started_at"], "map_name": found["map_name"],
            "map_display_name": map_display_name(found["map_name"]), "division": found["division_id"],
            "group": found["group_id"], "round": found["round_id"],
            "slot_id": found["slot_id"], "is_remake": found["is_remake"], "teams": []})
        match["teams"].append({"team_name": found["team_name"], "placement": found["placement"],
                               "kills": found["kills"], "damage": found["damage"]})
    if total is None:
        total = conn.execute(sql.SQL("SELECT count(*) AS n FROM pubg.tournament_match_outcomes o WHERE o.scored "
                                     "AND {}").format(where), params).fetchone()["n"]
    return {"matches": list(matches.values()), "total_count": total}


Round = row("PubgRound", ROUNDS, "round_id", "name", "date", "starts_at", "ends_at", "time_zone",
            renamed={"round_id": "round"}, doc="A round of the season, its window and matches played",
            matches_played=field(int, "its scored matches in the context"),
            status=field(str, "completed, active or scheduled, by its window against the time of the answer"))
Rounds = shape("PubgRounds", rounds=field(list[Round], "the season's rounds, by start"),
               total_count=field(int, "the rounds listed"))


def round_status(starts_at: dt.datetime | None, ends_at: dt.datetime | None, now: dt.datetime) -> str:
    """A round's status at `now`: completed once it has ended, active once it has started, scheduled before
    (and without a window)."""
    if ends_at is not None and ends_at <= now:
        return "completed"
    return "active" if starts_at is not None and starts_at <= now else "scheduled"


@in_scope(("pubg.tournament_match_outcomes",), Rounds)
def rounds(conn: psycopg.Connection, scope: Scope) -> Until:
    """The season's rounds, each with its status now; the answer holds until the next round starts or ends."""
    where, params = context_filter(replace(scope, round=None, round_name=None), "o")
    rows = conn.execute(sql.SQL(
        "SELECT r.round_id AS round, r.name, r.date, r.starts_at, r.ends_at, r.time_zone, "
        "count(o.match_id) FILTER (WHERE o.scored) AS matches_played "
        "FROM pubg.tournament_rounds r LEFT JOIN pubg.tournament_match_outcomes o "
        "ON o.round_id = r.round_id AND {} WHERE r.season_id = %s "
        "GROUP BY r.round_id, r.name, r.date, r.starts_at, r.ends_at, r.time_zone "
        "ORDER BY r.starts_at NULLS LAST, r.round_id").format(where), [*params, scope.season_id]).fetchall()
    now = dt.datetime.now(dt.UTC)
    changes = [t for r in rows for t in (r["starts_at"], r["ends_at"]) if t is not None and t > now]
    return Until({"rounds": [{**r, "status": round_status(r["starts_at"], r["ends_at"], now)} for r in rows],
                  "total_count": len(rows)}, min(changes, default=None))


SLOT = ("slot_id", "division_id", "division_order", "group_id", "round_id", "match_number", "scheduled_at", "map_name", "status",
        "match_id", "started_at", "attempts", "is_remake", "original_match_id")
SLOT_NAMES = {"division_id": "division", "group_id": "group", "round_id": "round"}
Slot = row("PubgSlot", SLOTS, *SLOT, renamed=SLOT_NAMES, doc="A scheduled match slot and the match that counts for it",
           map_display_name=MapName)
SLOT_COLUMNS = ", ".join(f"s.{c} AS {SLOT_NAMES.get(c, c)}" if c in SLOT_NAMES else f"s.{c}" for c in SLOT)
Schedule = shape("PubgSchedule", matches=field(list[Slot], "the context's slots, by scheduled time"),
                 total_count=field(int, "the slots listed"))


@in_scope((), Schedule)
def schedule(conn: psycopg.Connection, scope: Scope) -> dict:
    where, params = context_filter(scope, "s")
    rows = conn.execute(sql.SQL("SELECT {} FROM pubg.tournament_scheduled_matches s WHERE {} "
                                "ORDER BY s.scheduled_at, s.division_order, s.slot_id").format(
        sql.SQL(SLOT_COLUMNS), where), params).fetchall()
    return {"matches": [{**r, "map_display_name": map_display_name(r["map_name"])} for r in rows],
            "total_count": len(rows)}


Season = row("PubgSeason", ROUNDS, "season_id", "season_name", doc="A published season",
             rounds=field(int, "its rounds"), first_day=field(dt.date, "its first round's day"),
             last_day=field(dt.date, "its last round's day"))
Seasons = shape("PubgSeasons", seasons=field(list[Season], "the seasons, newest first"),
                total_count=field(int, "the seasons listed"))


@query("pubg.tournament_rounds", returns=Seasons)
def seasons(conn: psycopg.Connection) -> dict:
    rows = conn.execute("SELECT season_id, max(season_name) AS season_name, count(*) AS rounds, "
                        "min(date) AS first_day, max(date) AS last_day "
                        "FROM pubg.tournament_rounds GROUP BY season_id "
                        "ORDER BY min(coalesce(starts_at, date::timestamptz)) DESC NULLS LAST, season_id DESC"
                        ).fetchall()
    return {"seasons": rows, "total_count": len(rows)}


MATCH_TABLES = ("pubg.matches", "pubg.match_summaries", "pubg.fights", "pubg.engagements",
                "pubg.player_circle_positions", "pubg.landings", "pubg.kill_positions", "pubg.circles",
                "pubg.team_match_results", "pubg.player_leaderboards", "pubg.tournament_match_outcomes",
                "pubg.player_match_results")
SUMMARIES = COLUMNS["match_summaries"]
MatchTeam = row("PubgMatchTeam", SUMMARIES, "team_id", "placement", doc="A team's result in the match",
                team_name=field(str | None, "its tournament team: the team most of its players are on (null in a "
                                            "match of no tournament team)"),
                kills=field(int | None, "its players' kills"), damage=field(float | None, "its players' damage"),
                players=field(list[str | None], "its players' names"))
RESULTS = COLUMNS["player_match_results"]
MatchPlayer = row("PubgMatchPlayer", SUMMARIES, "account_id", "player_name", "team_id", "placement", "kills",
                  "damage_dealt", "damage_received", "heals_used", "boosts_used", "walk_distance_m", "ride_distance_m",
                  "swim_distance_m", doc="A player's result in the match",
                  knocks=typed(RESULTS["knocks"]), assists=typed(RESULTS["assists"]),
                  headshot_kills=typed(RESULTS["headshot_kills"]),
                  survival_s=field(float | None, "seconds they survived (null outside a scored tournament match)"))
Fight = row("PubgFight", COLUMNS["fights"], "fight_id", "team_a", "team_b", "started_s", "duration_s",
            "winner_team_id", "center_x_m", "center_y_m", doc="A fight between two teams",
            damage=field(float | None, "both teams' damage"), knocks=field(int | None, "both teams' knocks"),
            kills=field(int | None, "both teams' kills"))
Engagement = row("PubgEngagement", COLUMNS["engagements"], "engagement_id", "teams", "team_ids", "third_party",
                 "fights", "started_s", "duration_s", "damage", "knocks", "kills", "center_x_m", "center_y_m",
                 doc="Fights that overlap, a third party's flagged")
Position = row("PubgPosition", COLUMNS["player_circle_positions"], "account_id", "sample_s", "x_m", "y_m",
               "outside_zone", doc="A tracked player's position at a sample",
               player_name=typed(SUMMARIES["player_name"]), team_id=typed(SUMMARIES["team_id"]))
Landing = row("PubgLanding", COLUMNS["landings"], "account_id", "player_name", "team_id", "landed_at_s", "x_m", "y_m",
              doc="Where a player landed")
KILLS = COLUMNS["kill_positions"]
Kill = row("PubgKill", KILLS, "event_index", "elapsed_s", "victim_team_id", "killer_team_id", "victim_x_m",
           "victim_y_m", "killer_x_m", "killer_y_m", "distance_m", doc="A kill, where victim and killer stood",
           victim_name=typed(SUMMARIES["player_name"]), killer_name=typed(SUMMARIES["player_name"]))
Circle = row("PubgCircle", COLUMNS["circles"], "phase", "appeared_s", "x_m", "y_m", "radius_m",
             doc="The safe zone of a phase")
MATCH = ("match_id", "created_at", "map_name", "game_mode", "duration_s", "participants", "rosters")
Match = row("PubgMatch", COLUMNS["matches"], *MATCH, doc="A match for its page", map_display_name=MapName,
            game_mode_display_name=field(str | None, "the game mode as players know it, from the PUBG dictionaries "
                                         "(its id when they lack it)"),
            map_size_m=field(int, "the map's edge in metres"),
            teams=field(list[MatchTeam], "each team's result, best placement first"),
            players=field(list[MatchPlayer], "each player's result, best placement then most kills first (a deleted "
                                             "player's row left out, their figures kept in their team's)"),
            landings=field(list[Landing], "where each player landed"),
            kills=field(list[Kill], "every kill, in the order of the telemetry"),
            circles=field(list[Circle], "the safe zone of each phase"), fights=field(list[Fight], "its fights"),
            engagements=field(list[Engagement], "its engagements"),
            tracked_positions=field(list[Position], "the tracked players' positions at each game-state sample"))


TEAM_NAMES = """
SELECT s.team_id, coalesce(min(r.team_name), mode() WITHIN GROUP (ORDER BY t.team_name)) AS team_name
FROM pubg.match_summaries s
LEFT JOIN pubg.team_match_results r ON r.match_id = s.match_id AND r.team_id = s.team_id
LEFT JOIN LATERAL (SELECT b.team_name FROM pubg.player_leaderboards b
                   JOIN pubg.tournament_match_outcomes o ON o.season_id = b.season_id AND o.match_id = s.match_id
                   WHERE b.scope = 'season' AND b.account_id = s.account_id LIMIT 1) t ON true
WHERE s.match_id = %s GROUP BY s.team_id
"""
"""Each team of a match and its tournament team: the scored result's, else the one most of its players are on
in the match's season."""


@query(*MATCH_TABLES, returns=Match)
def match(conn: psycopg.Connection, match_id: str) -> dict:
    def rows(statement: str) -> list[dict]:
        return conn.execute(statement, (match_id,)).fetchall()

    found = conn.execute(f"SELECT {', '.join(MATCH)} FROM pubg.matches WHERE match_id = %s", (match_id,)).fetchone()
    if found is None:
        raise NotFound(f"match {match_id!r} not found")
    names = {r["team_id"]: r["team_name"] for r in rows(TEAM_NAMES)}
    teams = rows("SELECT team_id, min(placement) AS placement, sum(kills)::bigint AS kills, "
                 "round(sum(damage_dealt)::numeric, 1)::double precision AS damage, "
                 "array_agg(player_name ORDER BY player_name) AS players FROM pubg.match_summaries "
                 "WHERE match_id = %s GROUP BY team_id ORDER BY placement, team_id")
    return {**found, "map_display_name": map_display_name(found["map_name"]),
            "game_mode_display_name": game_mode_display_name(found["game_mode"]),
            "map_size_m": map_size_m(found["map_name"]),
            "teams": [{**t, "team_name": names.get(t["team_id"])} for t in teams],
            "players": rows("SELECT s.account_id, s.player_name, s.team_id, s.placement, s.kills, s.damage_dealt, "
                            "s.damage_received, s.heals_used, s.boosts_used, s.walk_distance_m, s.ride_distance_m, "
                            "s.swim_distance_m, r.knocks, r.assists, r.headshot_kills, "
                            "r.survival_s FROM pubg.match_summaries s LEFT JOIN pubg.player_match_results r "
                            "ON r.match_id = s.match_id AND r.account_id = s.account_id WHERE s.match_id = %s "
                            f"AND s.account_id NOT LIKE '{TOKEN_PREFIX}%%' "
                            "ORDER BY s.placement, s.kills DESC, s.damage_dealt DESC, s.account_id"),
            "landings": rows(f"SELECT {columns_of(Landing)} FROM pubg.landings WHERE match_id = %s "
                             "ORDER BY team_id, account_id"),
            "kills": rows("SELECT k.event_index, k.elapsed_s, k.victim_team_id, v.player_name AS victim_name, "
                          "k.killer_team_id, killer.player_name AS killer_name, k.victim_x_m, k.victim_y_m, "
                          "k.killer_x_m, k.killer_y_m, k.distance_m FROM pubg.kill_positions k "
                          "LEFT JOIN pubg.match_summaries v ON v.match_id = k.match_id "
                          "AND v.account_id = k.victim_account_id "
                          "LEFT JOIN pubg.match_summaries killer ON killer.match_id = k.match_id "
                          "AND killer.account_id = k.killer_account_id "
                          "WHERE k.match_id = %s ORDER BY k.event_index"),
            "circles": rows(f"SELECT {columns_of(Circle)} FROM pubg.circles WHERE match_id = %s ORDER BY phase"),
            "fights": rows("SELECT fight_id, team_a, team_b, started_s, duration_s, "
                           "damage_by_a + damage_by_b AS damage, knocks_by_a + knocks_by_b AS knocks, "
                           "kills_by_a + kills_by_b AS kills, winner_team_id, center_x_m, center_y_m "
                           "FROM pubg.fights WHERE match_id = %s ORDER BY fight_id"),
            "engagements": rows(f"SELECT {columns_of(Engagement)} FROM pubg.engagements WHERE match_id = %s "
                                "ORDER BY engagement_id"),
            "tracked_positions": rows(
                "SELECT p.account_id, s.player_name, s.team_id, p.sample_s, p.x_m, p.y_m, p.outside_zone "
                "FROM pubg.player_circle_positions p LEFT JOIN pubg.match_summaries s "
                "ON s.match_id = p.match_id AND s.account_id = p.account_id "
                "WHERE p.match_id = %s ORDER BY p.account_id, p.sample_s")}
