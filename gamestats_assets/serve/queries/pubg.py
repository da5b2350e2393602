"""PUBG's reads: the tournament context a request asks for (season, division, group, round), the recent matches,
rounds and schedule of that context, and the seasons published; the boards are `pubg_leaderboards.py`'s, one match
for its page `pubg_match.py`'s (the admin's reads are `pubg_admin.py`'s)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import psycopg
from psycopg import sql

from gamestats_assets.published.pubg import COLUMNS
from gamestats_assets.serve.core.models import field, row, shape, typed
from gamestats_assets.serve.core.reader import Until
from gamestats_assets.serve.queries import NotFound, Query, query
from gamestats_assets.sources.pubg.reference import map_display_name

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
