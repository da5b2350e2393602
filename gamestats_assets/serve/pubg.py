"""The PUBG tournament stats API (base `/api/v1/tournaments`): team and player leaderboards, recent matches,
rounds and the schedule of a season, division, group and round ("overall": every round), in the tournament
page's envelope (`metadata` with the context and `filtered_by`, `data` with the rows and `total_count`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Annotated, Any

import psycopg
from fastapi import APIRouter, HTTPException, Query, Request
from psycopg import sql

from gamestats_assets.serve.envelope import enveloped
from gamestats_assets.serve.reader import Reader, Until

router = APIRouter(prefix="/api/v1/tournaments", tags=["pubg tournaments"])

PAGE_CATEGORIES = ("AR", "DMR", "SR", "SMG", "Shotgun", "LMG", "Pistol", "Melee", "Throwable", "Other")
"""The tournament page's weapon categories; every other category the lake knows (Special, Vehicle,
Environment) counts as Other."""
ALL = "all"
OVERALL = "overall"
MAX_PAGE = 100
CONTEXT_TABLES = ("pubg.tournament_rounds", "pubg.tournament_scheduled_matches")

PRINTABLE = r"^[^\x00-\x1f\x7f]+$"
"""A name as the organisers' files hold it: no control characters (PostgreSQL text refuses NUL)."""
Text = Annotated[str | None, Query(min_length=1, max_length=64, pattern=PRINTABLE)]
SeasonId = Annotated[str | None, Query(min_length=1, max_length=64, pattern=PRINTABLE,
                                       description="default: the latest season")]
Round = Annotated[str | None, Query(min_length=1, max_length=64, pattern=PRINTABLE,
                                    description='a round id, or "overall"')]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


@dataclass(frozen=True)
class Context:
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
            round_id: str | None) -> Context:
    """The context asked for, each part known to the published tables (404 naming what is not); the latest
    season (by its first round) when none is asked for."""
    season = conn.execute("SELECT season_id, max(season_name) AS season_name FROM pubg.tournament_rounds "
                          "WHERE %s::text IS NULL OR season_id = %s GROUP BY season_id "
                          "ORDER BY min(coalesce(starts_at, date::timestamptz)) DESC NULLS LAST, season_id DESC "
                          "LIMIT 1", (season_id, season_id)).fetchone()
    if season is None:
        raise HTTPException(404, "no tournament season has been published" if season_id is None
                            else f"season {season_id!r} not found")
    season_id = season["season_id"]
    for column, value, what in (("division_id", division, "division"), ("group_id", group, "group")):
        if value is not None and conn.execute(
                sql.SQL("SELECT 1 FROM pubg.tournament_scheduled_matches WHERE season_id = %s AND {} = %s LIMIT 1")
                .format(sql.Identifier(column)), (season_id, value)).fetchone() is None:
            raise HTTPException(404, f"{what} {value!r} not found in season {season_id!r}")
    round_name = None
    if round_id is not None and round_id.lower() == OVERALL:
        round_id = None
    if round_id is not None:
        row = conn.execute("SELECT name FROM pubg.tournament_rounds WHERE season_id = %s AND round_id = %s",
                           (season_id, round_id)).fetchone()
        if row is None:
            raise HTTPException(404, f"round {round_id!r} not found in season {season_id!r}")
        round_name = row["name"]
    return Context(season_id, season["season_name"], division, group, round_id, round_name)


def board_filter(ctx: Context) -> tuple[sql.Composed, list[Any]]:
    """The WHERE clause selecting the leaderboard rows of `ctx`'s scope."""
    scope = ctx.filtered_by
    split = {"season": 1, "division": 2, "group": 3, "round": 4}[scope]
    conditions = [sql.SQL("scope = %s"), sql.SQL("season_id = %s")]
    params: list[Any] = [scope, ctx.season_id]
    for depth, (column, value) in enumerate((("division_id", ctx.division), ("group_id", ctx.group),
                                             ("round_id", ctx.round)), start=2):
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


def read_board(request: Request, table: str, row_of, season_id, division, group, round_id, limit, offset,
               extra_key: tuple = ()) -> dict:
    reader: Reader = request.app.state.reader

    def compute(conn: psycopg.Connection) -> dict:
        ctx = context(conn, season_id, division, group, round_id)
        where, params = board_filter(ctx)
        rows = conn.execute(sql.SQL("SELECT *, count(*) OVER () AS total_count FROM {} WHERE {} "
                                    "ORDER BY rank, {} LIMIT %s OFFSET %s").format(
            sql.Identifier(*table.split(".")), where,
            sql.Identifier("team_name" if table.endswith("team_leaderboards") else "player_name")),
            [*params, limit, offset]).fetchall()
        total = rows[0]["total_count"] if rows else conn.execute(
            sql.SQL("SELECT count(*) AS n FROM {} WHERE {}").format(sql.Identifier(*table.split(".")), where),
            params).fetchone()["n"]
        kind = "teams" if table.endswith("team_leaderboards") else "players"
        return {"context": ctx.metadata(), "data": {kind: [row_of(r) for r in rows], "total_count": total}}

    answer = reader.read((table, *CONTEXT_TABLES),
                         (table, season_id, division, group, round_id, limit, offset, *extra_key), compute)
    return enveloped(answer, "data", **answer.data["context"])


def team_row(row: dict) -> dict:
    return {"rank": row["rank"], "rank_change": row["rank_change"], "team_id": row["team_name"],
            "team_name": row["team_name"], "total_points": row["points"], "total_kills": row["kills"],
            "wwcd": row["wins"], "matches_played": row["matches"], "avg_placement": row["avg_placement"],
            "recent_placements": placements(row["last_placements"])}


@router.get("/leaderboard/teams", summary="Team standings with rank changes and the last six placements")
def leaderboard_teams(request: Request, season_id: SeasonId = None, division: Text = None, group: Text = None,
                      round: Round = None, limit: Limit = MAX_PAGE, offset: Offset = 0) -> dict:
    return read_board(request, "pubg.team_leaderboards", team_row, season_id, division, group, round, limit, offset)


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def player_row(include_weapons: bool):
    def row_of(row: dict) -> dict:
        player = {"rank": row["rank"], "rank_change": row["rank_change"], "player_id": row["account_id"],
                  "player_name": row["player_name"], "team_name": row["team_name"],
                  "total_points": row["points"], "total_kills": row["kills"], "total_damage": rounded(row["damage_dealt"]),
                  "avg_damage": rounded(row["avg_damage"]), "killsteals": row["killsteals"], "matches_played": row["matches"]}
        if include_weapons:
            kills, damage = by_category(row["weapon_kills"]), by_category(row["weapon_damage"], float)
            player["weapon_distribution"] = {c: {"damage": damage[c], "kills": kills[c]} for c in PAGE_CATEGORIES}
        return player
    return row_of


@router.get("/leaderboard/players", summary="Player standings with damage, killsteals and weapon distributions")
def leaderboard_players(request: Request, season_id: SeasonId = None, division: Text = None, group: Text = None,
                        round: Round = None, include_weapons: bool = False, limit: Limit = MAX_PAGE,
                        offset: Offset = 0) -> dict:
    return read_board(request, "pubg.player_leaderboards", player_row(include_weapons), season_id, division, group,
                      round, limit, offset, (include_weapons,))


def context_filter(ctx: Context, alias: str) -> tuple[sql.Composed, list[Any]]:
    """Conditions on `alias`'s season, division, group and round columns for `ctx`."""
    conditions, params = [sql.SQL("{}.season_id = %s").format(sql.Identifier(alias))], [ctx.season_id]
    for column, value in (("division_id", ctx.division), ("group_id", ctx.group), ("round_id", ctx.round)):
        if value is not None:
            conditions.append(sql.SQL("{}.{} = %s").format(sql.Identifier(alias), sql.Identifier(column)))
            params.append(value)
    return sql.SQL(" AND ").join(conditions), params


def read_context_rows(request: Request, tables: tuple[str, ...], key: tuple, season_id, division, group, round_id,
                      rows_of) -> dict:
    reader: Reader = request.app.state.reader

    def compute(conn: psycopg.Connection) -> dict | Until:
        ctx = context(conn, season_id, division, group, round_id)
        rows = rows_of(conn, ctx)
        if isinstance(rows, Until):
            return Until({"context": ctx.metadata(), "data": rows.data}, rows.moment)
        return {"context": ctx.metadata(), "data": rows}

    answer = reader.read((*tables, *CONTEXT_TABLES), (*key, season_id, division, group, round_id), compute)
    return enveloped(answer, "data", **answer.data["context"])


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
SELECT p.*, t.team_name, min(s.placement) AS placement, sum(s.kills)::bigint AS kills,
       round(sum(s.damage_dealt)::numeric, 1)::double precision AS damage
FROM picked p JOIN pubg.match_summaries s USING (match_id) JOIN team_of t USING (account_id)
GROUP BY p.match_id, p.season_id, p.division_id, p.group_id, p.round_id, p.slot_id, p.started_at, p.status,
         p.is_remake, p.map_name, p.total_count, t.team_name
ORDER BY p.started_at DESC NULLS LAST, p.match_id, placement, t.team_name
""")


@router.get("/matches/recent", summary="Recent scored matches, newest first, with each team's result")
def matches_recent(request: Request, season_id: SeasonId = None, division: Text = None, group: Text = None,
                   round: Round = None, limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
                   offset: Offset = 0) -> dict:
    def rows_of(conn: psycopg.Connection, ctx: Context) -> dict:
        where, params = context_filter(ctx, "o")
        matches: dict[str, dict] = {}
        total = 0
        for row in conn.execute(RECENT_MATCHES.format(where=where), [*params, limit, offset, ctx.season_id]):
            total = row["total_count"]
            match = matches.setdefault(row["match_id"], {
                "match_id": row["match_id"], "started_at": row["started_at"], "map_name": row["map_name"],
                "division": row["division_id"], "group": row["group_id"], "round": row["round_id"],
                "slot_id": row["slot_id"], "is_remake": row["is_remake"], "teams": []})
            match["teams"].append({"team_name": row["team_name"], "placement": row["placement"],
                                   "kills": row["kills"], "damage": row["damage"]})
        return {"matches": list(matches.values()), "total_count": total}

    tables = ("pubg.tournament_match_outcomes", "pubg.matches", "pubg.match_summaries", "pubg.player_leaderboards")
    return read_context_rows(request, tables, ("recent", limit, offset), season_id, division, group, round, rows_of)


def round_status(starts_at: dt.datetime | None, ends_at: dt.datetime | None, now: dt.datetime) -> str:
    """A round's status at `now`: completed once it has ended, active once it has started, scheduled before
    (and without a window)."""
    if ends_at is not None and ends_at <= now:
        return "completed"
    return "active" if starts_at is not None and starts_at <= now else "scheduled"


@router.get("/rounds", summary="The rounds of a season, with their windows, status and matches played")
def rounds(request: Request, season_id: SeasonId = None, division: Text = None, group: Text = None) -> dict:
    def rows_of(conn: psycopg.Connection, ctx: Context) -> Until:
        where, params = context_filter(replace(ctx, round=None, round_name=None), "o")
        rows = conn.execute(sql.SQL(
            "SELECT r.round_id, r.name, r.date, r.starts_at, r.ends_at, r.time_zone, "
            "count(o.match_id) FILTER (WHERE o.scored) AS matches_played "
            "FROM pubg.tournament_rounds r LEFT JOIN pubg.tournament_match_outcomes o "
            "ON o.round_id = r.round_id AND {} WHERE r.season_id = %s "
            "GROUP BY r.round_id, r.name, r.date, r.starts_at, r.ends_at, r.time_zone "
            "ORDER BY r.starts_at NULLS LAST, r.round_id").format(where), [*params, ctx.season_id]).fetchall()
        now = dt.datetime.now(dt.UTC)
        changes = [t for r in rows for t in (r["starts_at"], r["ends_at"]) if t is not None and t > now]
        return Until({"rounds": [{"round": r["round_id"], **{k: v for k, v in r.items() if k != "round_id"},
                                  "status": round_status(r["starts_at"], r["ends_at"], now)} for r in rows],
                      "total_count": len(rows)}, min(changes, default=None))

    return read_context_rows(request, ("pubg.tournament_match_outcomes",), ("rounds",), season_id, division, group,
                             None, rows_of)


@router.get("/schedule", summary="The scheduled match slots, with the match that counts for each")
def schedule(request: Request, season_id: SeasonId = None, division: Text = None, group: Text = None,
             round: Round = None) -> dict:
    def rows_of(conn: psycopg.Connection, ctx: Context) -> dict:
        where, params = context_filter(ctx, "s")
        rows = conn.execute(sql.SQL(
            "SELECT s.slot_id, s.division_id AS division, s.group_id AS \"group\", s.round_id AS round, "
            "s.match_number, s.scheduled_at, s.map_name, s.status, s.match_id, s.started_at, s.attempts, "
            "s.is_remake, s.original_match_id FROM pubg.tournament_scheduled_matches s WHERE {} "
            "ORDER BY s.scheduled_at, s.slot_id").format(where), params).fetchall()
        return {"matches": rows, "total_count": len(rows)}

    return read_context_rows(request, (), ("schedule",), season_id, division, group, round, rows_of)
